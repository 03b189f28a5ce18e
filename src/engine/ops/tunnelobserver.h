#pragma once

#include "ops/histogram.h"
#include "tunnel/tunnel.h"
#include "tunnel/tunnelname.h"

#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>

#include <array>

namespace telephone {

/// Keeps the history of one tunnel that the Tunnel itself does not: since when it is in its state,
/// the last error (a failed token refresh too), reconnects, refreshes, and the request counters (by status class, refusals by reason,
/// duration histogram, body bytes) taken from its exchange signals. Replays from the inspector are
/// not counted: they did not come through the server. Lives on the tunnel's thread.
class TunnelObserver : public QObject
{
    Q_OBJECT

public:
    /// Why Telephone answered a request itself, by the status it answered with: a bounded set, so
    /// that it can be a metric label.
    static const QStringList &refusalReasons();
    static QString refusalReason(int status);

    explicit TunnelObserver(Tunnel *tunnel, QObject *parent = nullptr);

    Tunnel *tunnel() const { return m_tunnel; }
    QDateTime stateSince() const { return m_stateSince; }
    /// The reason of the last transition into Reconnecting, AuthFailed or ConfigError, or of the last
    /// failed token refresh; empty if none.
    QString lastError() const { return m_lastError; }
    QDateTime lastErrorAt() const { return m_lastErrorAt; }
    qint64 reconnects() const { return m_reconnects; }
    /// Token refreshes that worked, and those that did not (each retry counts).
    qint64 tokenRefreshes() const { return m_tokenRefreshes; }
    qint64 tokenRefreshFailures() const { return m_tokenRefreshFailures; }

    /// Finished requests by status class: index 0 is 1xx ... index 4 is 5xx.
    const std::array<quint64, 5> &requestsByClass() const { return m_byClass; }
    const QMap<QString, quint64> &refusals() const { return m_refusals; }
    const Histogram &durations() const { return m_durations; }
    qint64 requestBodyBytes() const { return m_requestBytes; }
    /// Bytes of the backend's response bodies; Telephone's own error bodies (400/502/504...) are not counted.
    qint64 responseBodyBytes() const { return m_responseBytes; }

private:
    void onStateChanged(Tunnel::State state, const QString &reason);
    void onExchangeFinished(const Exchange &exchange);
    void noteError(const QString &message);

    QPointer<Tunnel> m_tunnel;
    QDateTime m_stateSince;
    QString m_lastError;
    QDateTime m_lastErrorAt;
    qint64 m_reconnects = 0;
    qint64 m_tokenRefreshes = 0;
    qint64 m_tokenRefreshFailures = 0;
    std::array<quint64, 5> m_byClass{};
    QMap<QString, quint64> m_refusals;
    Histogram m_durations;
    qint64 m_requestBytes = 0;
    qint64 m_responseBytes = 0;
};

} // namespace telephone
