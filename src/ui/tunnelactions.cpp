#include "ui/tunnelactions.h"

#include "tunnel/tunnel.h"

#include <QAction>

namespace telephone {

TunnelActions::TunnelActions(Tunnel *tunnel, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
    , m_connect(new QAction(tr("Connect"), this))
    , m_disconnect(new QAction(tr("Disconnect"), this))
    , m_refreshToken(new QAction(tr("Refresh token now"), this))
{
    connect(m_connect, &QAction::triggered, this, [this] {
        if (m_tunnel)
            m_tunnel->startOrReconnect();
    });
    connect(m_disconnect, &QAction::triggered, this, [this] {
        if (m_tunnel)
            m_tunnel->stop();
    });
    connect(m_refreshToken, &QAction::triggered, this, [this] {
        if (m_tunnel)
            m_tunnel->refreshTokenNow();
    });
    connect(tunnel, &Tunnel::stateChanged, this, &TunnelActions::refresh);
    refresh();
}

void TunnelActions::refresh()
{
    if (!m_tunnel)
        return;
    const Tunnel::State state = m_tunnel->state();
    m_connect->setEnabled(state == Tunnel::State::Disconnected || state == Tunnel::State::AuthFailed);
    m_disconnect->setEnabled(state == Tunnel::State::Connecting || state == Tunnel::State::Joining
                             || state == Tunnel::State::Connected || state == Tunnel::State::Reconnecting
                             || state == Tunnel::State::ConfigError);
    m_refreshToken->setEnabled(state == Tunnel::State::Connected);
}

} // namespace telephone
