#pragma once

#include "tokens/jwt.h"
#include "tunnel/backoff.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace telephone {

/// Decides when the token is refreshed: at half its lifetime, never later than `margin` before it
/// expires, a little earlier by random jitter; after a failure, again with backoff until expiry.
/// It only says when (`refreshDue`); the tunnel sends the request. Lives on the engine's thread.
class TokenRefresher : public QObject
{
    Q_OBJECT

public:
    explicit TokenRefresher(QObject *parent = nullptr);

    void setMargin(std::chrono::milliseconds margin) { m_margin = margin; }
    void setRetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap);

    /// A (new) token is in use: plan its refresh.
    void setToken(const JwtClaims &claims);
    /// Refreshes are only sent while joined; a refresh that fell due meanwhile fires on joining.
    void setJoined(bool joined);
    /// The refresh failed for a reason worth retrying.
    void refreshFailed();

    /// When the next refresh is planned (invalid when none is).
    QDateTime nextRefreshAt() const { return m_dueAt; }
    /// Pure scheduling rule, exposed for table tests: seconds since the epoch.
    static qint64 plannedRefreshSecs(const JwtClaims &claims, qint64 nowSecs, qint64 marginSecs);

signals:
    void refreshDue();

private:
    void arm();
    void onTimer();

    std::chrono::milliseconds m_margin{std::chrono::minutes(10)};
    JwtClaims m_claims;
    Backoff m_retry;
    QTimer m_timer;
    QDateTime m_dueAt;
    bool m_joined = false;
    bool m_due = false;
};

} // namespace telephone
