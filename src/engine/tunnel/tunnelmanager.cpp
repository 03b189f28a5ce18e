#include "tunnel/tunnelmanager.h"

#include <algorithm>

namespace telephone {

TunnelManager::TunnelManager(QObject *parent)
    : QObject(parent)
    , m_networkWatcher(new NetworkWatcher(this))
{
}

Tunnel *TunnelManager::addTunnel(const TunnelConfig &config, TokenSink *tokenSink)
{
    auto *tunnel = new Tunnel(config, tokenSink, this);
    connect(tunnel, &Tunnel::stopped, this, &TunnelManager::onTunnelStopped);
    connect(m_networkWatcher, &NetworkWatcher::networkReturned, tunnel, &Tunnel::onNetworkReturned);
    connect(m_networkWatcher, &NetworkWatcher::resumedFromSleep, tunnel, &Tunnel::onResumed);
    m_tunnels.append(tunnel);
    emit tunnelAdded(tunnel);
    return tunnel;
}

void TunnelManager::setSecretStoreDescription(const QString &description)
{
    if (description == m_secretStoreDescription)
        return;
    m_secretStoreDescription = description;
    emit secretStoreDescriptionChanged(description);
}

void TunnelManager::startAll()
{
    for (Tunnel *tunnel : std::as_const(m_tunnels))
        tunnel->start();
}

void TunnelManager::stopAll()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_tunnels.isEmpty()) {
        emit allStopped();
        return;
    }
    for (Tunnel *tunnel : std::as_const(m_tunnels))
        tunnel->stop();
}

void TunnelManager::onTunnelStopped()
{
    if (!m_stopping)
        return;
    const bool all = std::all_of(m_tunnels.cbegin(), m_tunnels.cend(),
                                 [](const Tunnel *t) { return t->state() == Tunnel::State::Disconnected; });
    if (all) {
        m_stopping = false;
        emit allStopped();
    }
}

} // namespace telephone
