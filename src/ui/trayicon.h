#pragma once

#include "tunnel/tunnel.h"

#include <QObject>
#include <QPointer>

class QAction;
class QMenu;
class QSystemTrayIcon;
class QTimer;

namespace telephone {

/// The tray icon: the tunnel's state at a glance (colour), in words (tooltip, status line) and the
/// actions on it. An observer of the engine: it only reads the tunnel and calls its slots.
/// Lives on the GUI thread.
class TrayIcon : public QObject
{
    Q_OBJECT

public:
    explicit TrayIcon(Tunnel *tunnel, QObject *parent = nullptr);
    ~TrayIcon() override;

    /// The colour that stands for a state; also used by the tests.
    static QColor stateColor(Tunnel::State state);

signals:
    void quitRequested();

private:
    void refresh();
    void showWhenTrayAppears();

    QPointer<Tunnel> m_tunnel;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QAction *m_statusAction;
    QAction *m_copyUrlAction;
    QAction *m_reconnectAction;
    QTimer *m_trayRetry;
    int m_trayRetries = 0;
};

} // namespace telephone
