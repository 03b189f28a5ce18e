#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>

namespace telephone {

class Tunnel;
class TunnelManager;
class TunnelObserver;

/// What the operations endpoints say about the process: readiness, the /health document and the
/// /metrics text, built on demand from the TunnelManager's tunnels and one TunnelObserver per
/// tunnel (created here, also for tunnels added later). Lives on the engine's thread.
class OpsReport : public QObject
{
    Q_OBJECT

public:
    explicit OpsReport(TunnelManager *manager, QObject *parent = nullptr);

    struct Readiness {
        bool ready = false;
        QJsonObject document; ///< {"ready": bool, "reason": "...", "tunnels": [...]}
    };
    /// Ready when there is at least one tunnel, none is stopping, and every tunnel is Connected.
    Readiness readiness() const;
    /// Per tunnel: state, since when, mount path, heartbeat RTT, last error, token seconds to
    /// expiry, requests in flight; and the version.
    QJsonObject health() const;
    /// The Prometheus text format.
    QByteArray metrics() const;

private:
    void observe(Tunnel *tunnel);

    TunnelManager *m_manager;
    QList<TunnelObserver *> m_observers;
};

} // namespace telephone
