#include "tunnel/tokenrefresher.h"

#include "base/clock.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

#include <algorithm>

Q_LOGGING_CATEGORY(lcRefresh, "telephone.tunnel.refresh")

namespace telephone {

namespace {
// QTimer takes an int of milliseconds; a token valid for months is re-planned when the timer fires.
constexpr qint64 MaxTimerMs = 24LL * 3600 * 1000;
// 9999-12-31: a later exp (a server's "never", e.g. 1e16) is planned as this, which QDateTime holds.
constexpr qint64 LatestPlanSecs = 253402300799LL;
} // namespace

TokenRefresher::TokenRefresher(const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &TokenRefresher::onTimer);
    // The timer counts real time: when the clock jumps, the wait left to the planned time changes.
    connect(m_clock, &Clock::jumped, this, [this] {
        if (m_timer.isActive())
            arm();
    });
}

void TokenRefresher::setRetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap)
{
    m_retry = Backoff(initial, cap);
}

qint64 TokenRefresher::plannedRefreshSecs(const JwtClaims &claims, qint64 nowSecs)
{
    const qint64 issued = claims.iat > 0 && claims.iat <= claims.exp ? claims.iat : std::min(nowSecs, claims.exp);
    return std::min(issued + (claims.exp - issued) / 2, LatestPlanSecs);
}

qint64 TokenRefresher::earliestAfterMs(qint64 lastMs, qint64 expSecs)
{
    const qint64 leftMs = std::max<qint64>(0, std::min(expSecs, LatestPlanSecs) * 1000 - lastMs);
    return lastMs + std::min<qint64>(MinInterval.count(), leftMs / 2);
}

void TokenRefresher::setToken(const JwtClaims &claims)
{
    m_claims = claims;
    m_retry.reset();
    m_due = false;
    m_timer.stop();
    m_dueAt = {};
    if (!claims.hasExpiry()) {
        qCInfo(lcRefresh) << "the token has no expiry; it is never refreshed";
        return;
    }
    const qint64 nowMs = m_clock->nowMSecs();
    const qint64 planned = plannedRefreshSecs(claims, nowMs / 1000);
    // Up to 2 % of the lifetime (at most 30 s) earlier, so that instances sharing a mount spread out.
    const qint64 lifetime = claims.exp - (claims.iat > 0 ? claims.iat : nowMs / 1000);
    const qint64 jitterMax = std::clamp<qint64>(lifetime / 50, 0, 30);
    const qint64 jitter = jitterMax > 0 ? QRandomGenerator::global()->bounded(jitterMax + 1) : 0;
    qint64 dueMs = std::max(nowMs, (planned - jitter) * 1000);
    // A token already past its half-life when it arrives (the server's clock behind ours) would be
    // due at once, and so would every token refreshed after it.
    if (m_lastRequestAt.isValid())
        dueMs = std::max(dueMs, earliestAfterMs(m_lastRequestAt.toMSecsSinceEpoch(), claims.exp));
    m_dueAt = QDateTime::fromMSecsSinceEpoch(dueMs, Qt::UTC);
    arm();
}

void TokenRefresher::setJoined(bool joined)
{
    m_joined = joined;
    if (joined && m_due) {
        m_due = false;
        requestRefresh();
    }
}

void TokenRefresher::refreshFailed()
{
    const qint64 now = m_clock->nowSecs();
    if (m_claims.hasExpiry() && now >= m_claims.exp) {
        qCWarning(lcRefresh) << "the token expired before it could be refreshed";
        m_dueAt = {};
        return;
    }
    const auto delay = m_retry.next();
    m_dueAt = m_clock->now().addMSecs(delay.count());
    m_timer.start(delay);
}

void TokenRefresher::arm()
{
    const qint64 ms = std::clamp<qint64>(m_clock->now().msecsTo(m_dueAt), 0, MaxTimerMs);
    m_timer.start(std::chrono::milliseconds(ms));
}

void TokenRefresher::onTimer()
{
    if (m_dueAt.isValid() && m_clock->now() < m_dueAt) {
        arm(); // a long wait split by MaxTimerMs
        return;
    }
    if (!m_joined) {
        m_due = true;
        return;
    }
    requestRefresh();
}

void TokenRefresher::requestRefresh()
{
    m_lastRequestAt = m_clock->now();
    emit refreshDue();
}

} // namespace telephone
