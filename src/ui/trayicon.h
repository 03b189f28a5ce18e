#pragma once

#include "tunnel/tunnel.h"
#include "ui/notifier.h"
#include "ui/trayicons.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QAction;
class QMenu;
class QSystemTrayIcon;
class QTimer;

namespace telephone {

class BackendHealth;
class TunnelActions;

/// The tray icon: the tunnel's state at a glance (icon), in words (tooltip, status line), and every
/// action on it in the menu, because AppIndicator hosts open the menu on any click. An observer of
/// the engine: it reads the tunnel and calls its slots. Lives on the GUI thread.
class TrayIcon : public QObject
{
    Q_OBJECT

public:
    TrayIcon(Tunnel *tunnel, BackendHealth *health, TunnelActions *actions, QObject *parent = nullptr);
    ~TrayIcon() override;

    /// "auto", "colour", "light" or "dark" (the icon-style setting).
    void setIconStyle(const QString &style);
    /// Tries on a timer `retries` times, `interval` apart, before giving up (trayUnavailable).
    void setRetry(int retries, std::chrono::milliseconds interval);
    bool isVisible() const;
    QMenu *menu() const { return m_menu; }
    QString toolTip() const;
    TrayIcons::Look look() const { return m_look; }
    /// The glyph style in use (auto resolved).
    TrayIcons::Style style() const { return m_style; }
    PanelScheme *panelScheme() const { return m_panel; }

public slots:
    void showNotification(const QString &title, const QString &message, telephone::Notifier::Kind kind);
    void refresh();

signals:
    void openWindowRequested();
    /// Left click outside AppIndicator hosts: show or hide the window.
    void toggleWindowRequested();
    void pasteTokenRequested();
    /// "Paste token…" beside a token problem: the token dialog, empty.
    void tokenDialogRequested();
    void settingsRequested();
    void quitRequested();
    /// No tray host appeared after the retries: the caller shows a window instead.
    void trayUnavailable();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildMenu();
    void showWhenTrayAppears();

    QPointer<Tunnel> m_tunnel;
    QPointer<BackendHealth> m_health;
    TunnelActions *m_actions;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QAction *m_statusAction = nullptr;
    QAction *m_copyUrlAction = nullptr;
    QAction *m_fixTokenAction = nullptr; ///< "Paste token…" under the status when the token is the problem
    QTimer *m_trayRetry;
    QTimer *m_tooltipTimer;
    QElapsedTimer m_lastActivation;
    QString m_styleSetting = QStringLiteral("auto");
    TrayIcons::Look m_look = TrayIcons::Look::Stopped;
    TrayIcons::Style m_style = TrayIcons::Style::Colour;
    PanelScheme *m_panel;
    int m_trayRetries = 0;
    int m_maxRetries = 5;
};

} // namespace telephone
