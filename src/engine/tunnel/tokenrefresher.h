#pragma once

#include "tokens/jwt.h"
#include "tunnel/backoff.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace telephone {

class Clock;

/// Decides when the token is refreshed: at half its lifetime (`iat + (exp - iat) / 2`), a little
/// earlier by random jitter, never sooner than MinInterval after the previous refresh was asked
/// for; after a failure, again with backoff until expiry. It only says when (`refreshDue`); the
/// tunnel sends the request, one at a time. Plans with `clock`. Lives on the engine's thread.
class TokenRefresher : public QObject
{
    Q_OBJECT

public:
    /// However a token looks (short-lived, or its iat skewed into the past by the server's clock),
    /// refreshes that succeed are at least this far apart, so that a refreshed token can never be
    /// due again at once.
    static constexpr std::chrono::milliseconds MinInterval{std::chrono::seconds(10)};

    explicit TokenRefresher(const Clock *clock, QObject *parent = nullptr);

    void setRetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap);

    /// A (new) token is in use: plan its refresh.
    void setToken(const JwtClaims &claims);
    /// Refreshes are only sent while joined; a refresh that fell due meanwhile fires on joining.
    void setJoined(bool joined);
    /// The refresh failed for a reason worth retrying.
    void refreshFailed();

    /// When the next refresh is planned (invalid when none is).
    QDateTime nextRefreshAt() const { return m_dueAt; }
    /// The half-life rule, exposed for table tests: seconds since the epoch. Without a usable iat
    /// the lifetime is counted from now (the token is at most that old).
    static qint64 plannedRefreshSecs(const JwtClaims &claims, qint64 nowSecs);
    /// The earliest a refresh may follow the previous request at `lastMs` (ms since the epoch) for a
    /// token expiring at `expSecs`: MinInterval later, or half the time left when that is shorter.
    static qint64 earliestAfterMs(qint64 lastMs, qint64 expSecs);

signals:
    void refreshDue();

private:
    void arm();
    void onTimer();
    void requestRefresh();

    const Clock *m_clock;
    JwtClaims m_claims;
    Backoff m_retry;
    QTimer m_timer;
    QDateTime m_dueAt;
    QDateTime m_lastRequestAt; ///< when refreshDue was last emitted
    bool m_joined = false;
    bool m_due = false;
};

} // namespace telephone
