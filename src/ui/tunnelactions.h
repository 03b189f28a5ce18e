#pragma once

#include <QObject>
#include <QPointer>

class QAction;

namespace telephone {

class Tunnel;

/// The actions on the tunnel that both the window's menu and the tray menu offer: one QAction
/// each, shared, so that both places always agree on what is enabled. Exactly one of Connect and
/// Disconnect applies to each state (none while stopping).
class TunnelActions : public QObject
{
    Q_OBJECT

public:
    explicit TunnelActions(Tunnel *tunnel, QObject *parent = nullptr);

    QAction *connectAction() const { return m_connect; }
    QAction *disconnectAction() const { return m_disconnect; }
    QAction *refreshTokenAction() const { return m_refreshToken; }

public slots:
    void refresh();

private:
    QPointer<Tunnel> m_tunnel;
    QAction *m_connect;
    QAction *m_disconnect;
    QAction *m_refreshToken;
};

} // namespace telephone
