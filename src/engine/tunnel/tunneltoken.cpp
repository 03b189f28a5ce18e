#include "tunnel/tunneltoken.h"

#include "base/clock.h"
#include "base/logging.h"
#include "protocol/phoenixsocket.h"
#include "tokens/tokensink.h"
#include "tunnel/tokenrefresher.h"

#include <QLoggingCategory>
#include <QStringList>

#include <algorithm>

Q_LOGGING_CATEGORY(lcToken, "telephone.tunnel.token")

namespace telephone {

namespace {
QString isoDate(qint64 secsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secsSinceEpoch).toString(Qt::ISODate);
}
} // namespace

TunnelToken::TunnelToken(const QString &token, const Options &options, TokenSink *sink, Clock *clock, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_sink(sink)
    , m_clock(clock ? clock : new Clock(this))
    , m_refresher(new TokenRefresher(m_clock, this))
    , m_token(token)
{
    m_refresher->setRetryBackoff(options.refreshBackoffInitial, options.refreshBackoffMax);
    connect(m_refresher, &TokenRefresher::refreshDue, this, &TunnelToken::refreshDue);
    m_expiryTimer.setSingleShot(true);
    connect(&m_expiryTimer, &QTimer::timeout, this, &TunnelToken::onExpiryTimer);
    // The expiry timer counts real time: when the clock jumps, the wait left changes.
    connect(m_clock, &Clock::jumped, this, [this] {
        if (m_expiryTimer.isActive())
            onExpiryTimer();
    });
    m_refreshAckTimer.setSingleShot(true);
    connect(&m_refreshAckTimer, &QTimer::timeout, this, [this] {
        if (m_refreshInFlight)
            retryRefreshLater(QStringLiteral("the server accepted the refresh but sent no token (no refresh_token_ack "
                                             "within %1 s)").arg(m_refreshAckTimer.interval() / 1000.0));
    });
}

TunnelToken::~TunnelToken()
{
    maskInLog(QString());
}

bool TunnelToken::isAuthReason(QString reason)
{
    if (reason.startsWith(QLatin1Char(':')))
        reason.remove(0, 1);
    static const QStringList authReasons{
        QStringLiteral("token_revoked"), QStringLiteral("token_expired"), QStringLiteral("token_invalid"),
        QStringLiteral("invalid_token"), QStringLiteral("unauthorized"),  QStringLiteral("invalid")};
    reason = reason.trimmed();
    return authReasons.contains(reason) || reason.contains(QLatin1String("revoked"))
        || reason.contains(QLatin1String("expired"));
}

bool TunnelToken::isExpired() const
{
    return m_claims.isExpiredAt(m_clock->nowSecs());
}

StateReason TunnelToken::expiredReason(const JwtClaims &claims)
{
    return {StateReason::Code::TokenExpired, {isoDate(claims.exp)}};
}

qint64 TunnelToken::secondsToExpiry() const
{
    if (!m_claims.hasExpiry())
        return -1;
    return std::max<qint64>(0, m_claims.secondsToExpiry(m_clock->nowSecs()));
}

QDateTime TunnelToken::nextRefreshAt() const
{
    return m_refresher->nextRefreshAt();
}

void TunnelToken::maskInLog(const QString &token)
{
    if (token == m_masked)
        return;
    if (!m_masked.isEmpty())
        logging::removeSecret(m_masked);
    m_masked = token;
    if (!token.isEmpty())
        logging::addSecret(token);
}

bool TunnelToken::adopt(const QString &token, StateReason *problem)
{
    const QString trimmed = token.trimmed();
    if (trimmed.isEmpty()) {
        *problem = {StateReason::Code::NoToken, {}};
        return false;
    }
    const JwtDecodeResult decoded = decodeJwt(trimmed);
    if (!decoded.claims) {
        *problem = StateReason::because(StateReason::Code::TokenUnusable, decoded.problem);
        return false;
    }
    maskInLog(trimmed);
    m_token = trimmed;
    m_claims = *decoded.claims;
    emit changed(m_token);
    if (isExpired()) {
        *problem = expiredReason();
        return false;
    }
    m_refresher->setToken(m_claims);
    armExpiryTimer();
    return true;
}

bool TunnelToken::useCurrent(StateReason *problem)
{
    return adopt(m_token, problem);
}

bool TunnelToken::offer(const QString &token, bool currentRefused, StateReason *problem)
{
    // A token that cannot be used leaves the one in use alone; the caller shows the problem.
    const JwtDecodeResult decoded = decodeJwt(token);
    if (!decoded.claims) {
        *problem = StateReason::because(StateReason::Code::TokenUnusable, decoded.problem);
        return false;
    }
    if (decoded.claims->isExpiredAt(m_clock->nowSecs())) {
        *problem = expiredReason(*decoded.claims);
        return false;
    }
    // For one mount the token issued last wins: an older one was superseded on the server when the
    // newer one was issued.
    if (decoded.claims->pathId == m_claims.pathId && decoded.claims->iat < m_claims.iat && !currentRefused
        && !isExpired()) {
        *problem = {StateReason::Code::NewerTokenInUse, {isoDate(m_claims.iat), isoDate(decoded.claims->iat)}};
        return false;
    }
    if (!adopt(token, problem))
        return false;
    // Stored before use, like a refreshed token, so that a restart starts with it.
    QString storeError;
    if (m_sink && !m_sink->storePastedToken(m_options.storeKey, m_token, m_claims, &storeError)) {
        qCWarning(lcToken).noquote() << "the new token could not be stored (" + storeError
                                            + "); the tunnel uses it, but a restart will need it again";
        emit storeFailed(storeError);
    }
    return true;
}

void TunnelToken::setJoined(bool joined)
{
    m_refresher->setJoined(joined);
}

bool TunnelToken::beginRefresh()
{
    if (m_refreshInFlight)
        return false;
    m_refreshInFlight = true;
    qCInfo(lcToken) << "refreshing the token";
    return true;
}

std::optional<StateReason> TunnelToken::refreshReplied(const PushReply &reply)
{
    if (!m_refreshInFlight)
        return std::nullopt; // already answered by a refresh_token_ack push
    if (reply.ok() && reply.response.contains(QLatin1String("token"))) {
        acceptRefreshed(reply.response);
        return std::nullopt;
    }
    if (reply.ok()) {
        // The reference server acknowledges with a separate refresh_token_ack push. One that never
        // comes must not leave the refresh in flight (and every later one refused as a duplicate).
        m_refreshAckTimer.start(m_options.refreshAckTimeout);
        return std::nullopt;
    }
    const QString reason = reply.reason();
    if (reply.kind == PushReply::Kind::Error && isAuthReason(reason)) {
        m_refreshInFlight = false;
        return StateReason{StateReason::Code::RefreshRefused, {reason}};
    }
    retryRefreshLater(reason, reply.response.value(QLatin1String("reason")).toString());
    return std::nullopt;
}

void TunnelToken::refreshAcknowledged(const QJsonObject &payload)
{
    acceptRefreshed(payload);
}

// Ends the refresh in flight as failed: said (refreshFailed), retried on the refresher's backoff.
// `serverReason`: the server's own words, empty when it gave none.
void TunnelToken::retryRefreshLater(const QString &reason, const QString &serverReason)
{
    m_refreshInFlight = false;
    m_refreshAckTimer.stop();
    qCWarning(lcToken).noquote() << "token refresh failed:" << reason << "- retrying";
    emit refreshFailed(reason, serverReason);
    m_refresher->refreshFailed();
}

void TunnelToken::acceptRefreshed(const QJsonObject &payload)
{
    m_refreshInFlight = false;
    m_refreshAckTimer.stop();
    const QString token = payload.value(QLatin1String("token")).toString();
    const JwtDecodeResult decoded = decodeJwt(token);
    if (!decoded.claims || decoded.claims->pathId != m_claims.pathId) {
        qCWarning(lcToken).noquote() << "the server sent a refreshed token that cannot be used:"
                                     << (decoded.claims ? QStringLiteral("it names another mount") : decoded.error());
        m_refresher->refreshFailed();
        return;
    }
    maskInLog(token);
    // Stored before it is used: the old token stopped working on the server the moment this one was issued.
    QString storeError;
    if (m_sink && !m_sink->storeToken(m_options.storeKey, token, *decoded.claims, &storeError)) {
        qCWarning(lcToken).noquote() << "the refreshed token could not be stored (" + storeError
                                            + "); the tunnel keeps running, but a restart will need a new token";
        emit storeFailed(storeError);
    }
    m_token = token;
    m_claims = *decoded.claims;
    m_refresher->setToken(m_claims);
    armExpiryTimer();
    emit changed(m_token);
    qCInfo(lcToken).noquote() << "token refreshed; it expires at" << isoDate(m_claims.exp);
    emit refreshed(token);
}

void TunnelToken::armExpiryTimer()
{
    m_expiryTimer.stop();
    if (!m_claims.hasExpiry())
        return;
    // In seconds: exp comes from the server and may be far off (1e16), where exp * 1000 overflows.
    const qint64 left = m_claims.exp - m_clock->nowSecs();
    const qint64 warnSecs = m_options.expiryWarning.count() / 1000;
    const bool warned = m_expiryWarnedFor == m_claims.exp;
    const qint64 wait = left > warnSecs && !warned ? left - warnSecs : left;
    // QTimer waits at most ~24 days; a longer wait is re-armed when it fires.
    constexpr qint64 MaxWaitSecs = 24LL * 3600;
    m_expiryTimer.start(std::chrono::seconds(std::clamp<qint64>(wait, 0, MaxWaitSecs)));
}

void TunnelToken::onExpiryTimer()
{
    m_expiryTimer.stop(); // also called when the clock jumps
    const qint64 left = m_claims.exp - m_clock->nowSecs();
    if (left <= 0) {
        emit expired();
        return;
    }
    // Once per token: the timer also fires on the way to a far-off expiry.
    if (left <= m_options.expiryWarning.count() / 1000 && m_expiryWarnedFor != m_claims.exp) {
        m_expiryWarnedFor = m_claims.exp;
        emit expiringSoon(left);
    }
    armExpiryTimer();
}

} // namespace telephone
