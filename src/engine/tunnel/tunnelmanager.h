#pragma once

#include "tunnel/tunnel.h"

#include <QList>
#include <QObject>

namespace telephone {

/// Owns the process's tunnels (one today; several later) and stops them together: stopAll()
/// ends in allStopped() once every tunnel has drained and closed. Lives on the engine's thread.
class TunnelManager : public QObject
{
    Q_OBJECT

public:
    explicit TunnelManager(QObject *parent = nullptr);

    Tunnel *addTunnel(const TunnelConfig &config, TokenSink *tokenSink);
    QList<Tunnel *> tunnels() const { return m_tunnels; }

    void startAll();
    void stopAll();
    bool isStopping() const { return m_stopping; }

signals:
    void tunnelAdded(telephone::Tunnel *tunnel);
    void allStopped();

private:
    void onTunnelStopped();

    QList<Tunnel *> m_tunnels;
    bool m_stopping = false;
};

} // namespace telephone
