#include "ops/tunnelobserver.h"

namespace telephone {

const QStringList &TunnelObserver::refusalReasons()
{
    static const QStringList reasons{
        QStringLiteral("bad_request"),     // 400: a proxy_req that could not be turned into a request
        QStringLiteral("not_allowed"),     // 405: a method Telephone does not forward
        QStringLiteral("too_large"),       // 413: over a size limit
        QStringLiteral("backend_failed"),  // 502: backend unreachable, reset, or an unusable answer
        QStringLiteral("unavailable"),     // 503: stopping, or at the concurrency limit
        QStringLiteral("backend_timeout"), // 504: the backend took longer than --request-timeout
        QStringLiteral("other"),
    };
    return reasons;
}

QString TunnelObserver::refusalReason(int status)
{
    switch (status) {
    case 400:
        return QStringLiteral("bad_request");
    case 405:
        return QStringLiteral("not_allowed");
    case 413:
        return QStringLiteral("too_large");
    case 502:
        return QStringLiteral("backend_failed");
    case 503:
        return QStringLiteral("unavailable");
    case 504:
        return QStringLiteral("backend_timeout");
    default:
        return QStringLiteral("other");
    }
}

TunnelObserver::TunnelObserver(Tunnel *tunnel, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
    , m_stateSince(QDateTime::currentDateTimeUtc())
    , m_durations(Histogram::requestDurationBounds())
{
    // Every reason starts at zero, so that rate() works from the first scrape.
    for (const QString &reason : refusalReasons())
        m_refusals.insert(reason, 0);
    connect(tunnel, &Tunnel::stateChanged, this, &TunnelObserver::onStateChanged);
    connect(tunnel, &Tunnel::exchangeFinished, this, &TunnelObserver::onExchangeFinished);
    connect(tunnel, &Tunnel::tokenRefreshed, this, [this] { ++m_tokenRefreshes; });
    connect(tunnel, &Tunnel::refreshFailed, this, [this](const QString &reason) {
        ++m_tokenRefreshFailures;
        noteError(QStringLiteral("token refresh failed: %1; retrying until the token expires").arg(reason));
    });
}

void TunnelObserver::onStateChanged(Tunnel::State state, const QString &reason)
{
    m_stateSince = QDateTime::currentDateTimeUtc();
    switch (state) {
    case Tunnel::State::Reconnecting:
        ++m_reconnects;
        [[fallthrough]];
    case Tunnel::State::AuthFailed:
    case Tunnel::State::ConfigError:
        noteError(reason);
        break;
    default:
        break;
    }
}

void TunnelObserver::noteError(const QString &message)
{
    m_lastError = message;
    m_lastErrorAt = QDateTime::currentDateTimeUtc();
}

void TunnelObserver::onExchangeFinished(const Exchange &exchange)
{
    if (exchange.replay || exchange.isPending())
        return;
    const int statusClass = exchange.status / 100;
    if (statusClass >= 1 && statusClass <= 5)
        ++m_byClass[size_t(statusClass - 1)];
    if (!exchange.error.isEmpty())
        ++m_refusals[refusalReason(exchange.status)];
    if (exchange.durationMs >= 0)
        m_durations.observe(double(exchange.durationMs) / 1000.0);
    m_requestBytes += exchange.requestBytes;
    // Telephone's own error bodies are not what the backend sent: counting them would make a
    // failing backend look busy.
    if (exchange.error.isEmpty())
        m_responseBytes += exchange.responseBytes;
}

} // namespace telephone
