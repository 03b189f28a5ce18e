#include "tunnel/heartbeat.h"

#include <QDateTime>

namespace telephone {

namespace {
// Enough to match acks that arrive late; older unacked beats are forgotten.
constexpr size_t MaxUnacked = 8;
} // namespace

Heartbeat::Heartbeat(QObject *parent)
    : QObject(parent)
{
    m_sendTimer.setTimerType(Qt::CoarseTimer);
    m_checkTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_sendTimer, &QTimer::timeout, this, &Heartbeat::onSendTimer);
    connect(&m_checkTimer, &QTimer::timeout, this, &Heartbeat::onCheckTimer);
    m_clock.start();
    m_lastInbound.start();
    m_probeTimer.setSingleShot(true);
    connect(&m_probeTimer, &QTimer::timeout, this, [this] {
        if (m_inboundFrames != m_inboundAtProbe)
            return; // the peer answered
        stop();
        emit peerDead({Problem::Kind::WakeUnanswered,
                       {QString::number(double(m_probeDeadline.count()) / 1000.0, 'g', 3)}});
    });
}

void Heartbeat::probeNow(std::chrono::milliseconds deadline)
{
    if (!isRunning())
        return;
    m_probeDeadline = deadline;
    m_inboundAtProbe = m_inboundFrames;
    onSendTimer();
    m_probeTimer.start(deadline);
}

void Heartbeat::setInterval(std::chrono::milliseconds interval)
{
    m_interval = std::max(interval, std::chrono::milliseconds(10));
    m_sendTimer.setInterval(m_interval);
    // Checking four times an interval bounds detection lateness to a quarter interval.
    m_checkTimer.setInterval(std::max(m_interval / 4, std::chrono::milliseconds(5)));
}

void Heartbeat::start()
{
    setInterval(m_interval);
    m_unacked.clear();
    m_lastInbound.restart();
    m_sendTimer.start();
    m_checkTimer.start();
    onSendTimer(); // the first beat right after joining gives an RTT at once
}

void Heartbeat::stop()
{
    m_lastRoundTrip.reset(); // it measured a connection that is gone: /health must not show it as current
    m_probeTimer.stop();
    m_sendTimer.stop();
    m_checkTimer.stop();
    m_unacked.clear();
    // A round-trip time belongs to the connection it was measured on; none is shown between them.
    m_lastRoundTrip.reset();
}

void Heartbeat::onSendTimer()
{
    const qint64 ts = QDateTime::currentSecsSinceEpoch();
    m_unacked.push_back({ts, m_clock.elapsed()});
    while (m_unacked.size() > MaxUnacked)
        m_unacked.pop_front();
    emit beatDue(ts);
}

void Heartbeat::noteAck(qint64 ts)
{
    noteTraffic();
    // Several beats can share one ts (intervals under a second); the oldest unacked one is answered first.
    for (auto it = m_unacked.begin(); it != m_unacked.end(); ++it) {
        if (it->ts != ts)
            continue;
        m_lastRoundTrip = std::chrono::milliseconds(m_clock.elapsed() - it->sentAtMs);
        m_unacked.erase(m_unacked.begin(), it + 1);
        emit roundTripMeasured(*m_lastRoundTrip);
        return;
    }
}

void Heartbeat::onCheckTimer()
{
    const qint64 silentMs = m_lastInbound.elapsed();
    if (silentMs <= deadAfter().count())
        return;
    stop();
    emit peerDead({Problem::Kind::HeartbeatSilence,
                   {QString::number(double(silentMs) / 1000.0, 'f', 1),
                    QString::number(double(m_interval.count()) / 1000.0, 'g', 3)}});
}

} // namespace telephone
