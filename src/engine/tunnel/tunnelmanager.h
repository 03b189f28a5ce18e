#pragma once

#include "tunnel/networkwatcher.h"
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

    /// Reacts to the OS: network back, resume from sleep (see NetworkWatcher).
    NetworkWatcher *networkWatcher() const { return m_networkWatcher; }

    void startAll();
    void stopAll();
    bool isStopping() const { return m_stopping; }

    /// Which secret store protects stored tokens, in words ("OS keychain (Secret Service)",
    /// "key file /path", ...); set by whoever opened the token store, shown by the UI.
    QString secretStoreDescription() const { return m_secretStoreDescription; }
    void setSecretStoreDescription(const QString &description);

signals:
    void tunnelAdded(telephone::Tunnel *tunnel);
    void allStopped();
    void secretStoreDescriptionChanged(const QString &description);

private:
    void onTunnelStopped();

    QList<Tunnel *> m_tunnels;
    NetworkWatcher *m_networkWatcher;
    bool m_stopping = false;
    QString m_secretStoreDescription;
};

} // namespace telephone
