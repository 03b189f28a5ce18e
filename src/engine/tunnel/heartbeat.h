#pragma once

#include "protocol/problem.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <deque>
#include <optional>

namespace telephone {

/// Channel-level liveness: asks for a `heartbeat` push every interval and judges the peer on what
/// comes back (acks and any other inbound traffic), never on what was sent — the Go client's
/// send-based check kept dead sockets "healthy". Dead after two intervals plus half an interval of
/// silence. Also measures the round-trip time from each ack. Lives on the engine's thread.
class Heartbeat : public QObject
{
    Q_OBJECT

public:
    explicit Heartbeat(QObject *parent = nullptr);

    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const { return m_interval; }

    void start();
    /// Stops beating and forgets the last round-trip time (it described the connection that ended).
    void stop();
    bool isRunning() const { return m_sendTimer.isActive(); }

    /// Any inbound frame proves the peer alive.
    void noteTraffic()
    {
        m_lastInbound.restart();
        ++m_inboundFrames;
    }
    /// A `heartbeat_ack` echoing the `ts` we sent.
    void noteAck(qint64 ts);

    /// After a wake-up: beat now and judge the peer dead unless something arrives within `deadline`.
    void probeNow(std::chrono::milliseconds deadline);

    std::optional<std::chrono::milliseconds> lastRoundTrip() const { return m_lastRoundTrip; }
    std::chrono::milliseconds deadAfter() const { return 2 * m_interval + m_interval / 2; }

signals:
    /// Time to push a heartbeat with this `ts` (unix seconds, as the server expects).
    void beatDue(qint64 ts);
    void roundTripMeasured(std::chrono::milliseconds rtt);
    void peerDead(const telephone::Problem &why);

private:
    void onSendTimer();
    void onCheckTimer();

    struct Sent {
        qint64 ts;
        qint64 sentAtMs;
    };

    std::chrono::milliseconds m_interval{std::chrono::seconds(30)};
    QTimer m_sendTimer;
    QTimer m_checkTimer;
    QElapsedTimer m_lastInbound;
    QElapsedTimer m_clock;
    std::deque<Sent> m_unacked;
    std::optional<std::chrono::milliseconds> m_lastRoundTrip;
    QTimer m_probeTimer;
    std::chrono::milliseconds m_probeDeadline{0};
    quint64 m_inboundFrames = 0;
    quint64 m_inboundAtProbe = 0;
};

} // namespace telephone
