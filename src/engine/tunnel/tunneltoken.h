#pragma once

#include "tokens/jwt.h"
#include "tunnel/statereason.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <optional>

namespace telephone {

class Clock;
class TokenRefresher;
class TokenSink;
struct PushReply;

/// The token one tunnel uses, from choosing it to its expiry: which token wins when one is offered
/// (pasted, vended), masking it in the log, storing every new token before it is used, when to
/// refresh it (TokenRefresher) and what the server's answer to a refresh means, and the expiry
/// timer with its messages. The Tunnel sends the refresh request (it owns the socket) and decides
/// what an auth failure does to the connection. Time comes from one Clock (the system's unless one
/// is given), so that tests move it. Owns its TokenRefresher; lives on the engine's thread.
class TunnelToken : public QObject
{
    Q_OBJECT

public:
    struct Options {
        QString storeKey; ///< the server as the token store knows it (Tunnel::displayServer)
        std::chrono::milliseconds expiryWarning{std::chrono::minutes(10)};
        std::chrono::milliseconds refreshBackoffInitial{std::chrono::seconds(1)};
        std::chrono::milliseconds refreshBackoffMax{std::chrono::seconds(30)};
        /// A refresh answered "ok" without a token: how long its refresh_token_ack may take.
        std::chrono::milliseconds refreshAckTimeout{std::chrono::seconds(10)};
    };

    /// `clock`: null for the system clock.
    TunnelToken(const QString &token, const Options &options, TokenSink *sink, Clock *clock, QObject *parent = nullptr);
    ~TunnelToken() override;

    QString token() const { return m_token; }
    const JwtClaims &claims() const { return m_claims; }
    /// A token that names a mount (it may have expired).
    bool hasToken() const { return !m_token.isEmpty() && !m_claims.pathId.isEmpty(); }
    bool isExpired() const;
    /// "The token expired at …": the one place that says so (for the token in use, or one offered).
    static StateReason expiredReason(const JwtClaims &claims);
    StateReason expiredReason() const { return expiredReason(m_claims); }
    /// Seconds until the token expires (0 once it has), -1 when it names no expiry.
    qint64 secondsToExpiry() const;
    QDateTime nextRefreshAt() const;

    /// Takes the token given at construction into use (the tunnel starts): false, with the problem,
    /// when it is missing, malformed or expired.
    bool useCurrent(StateReason *problem);
    /// A new token (pasted, vended): taken and stored, unless it cannot be used (malformed, expired)
    /// or is older than the one in use for the same mount, which superseded it on the server;
    /// `currentRefused`: the server refused the one in use, which then is no contender.
    bool offer(const QString &token, bool currentRefused, StateReason *problem);

    /// Refreshes are only asked for while joined.
    void setJoined(bool joined);
    /// A refresh request may go out now: none is in flight. Marks one in flight.
    bool beginRefresh();
    /// The server's reply to the refresh request; returns the auth failure it means, if it means one.
    std::optional<StateReason> refreshReplied(const PushReply &reply);
    /// The reference server's refresh_token_ack push.
    void refreshAcknowledged(const QJsonObject &payload);

    /// A server reason (join or refresh reply) that says the token is bad: the reference document's
    /// plain "token_revoked" and the deployed server's ":token_revoked" (Elixir's inspect of the atom).
    static bool isAuthReason(QString reason);

signals:
    /// A new token is in use (taken, refreshed), or the one given was read at start.
    void changed(const QString &token);
    /// The token was refreshed (and stored, or storeFailed said it could not be).
    void refreshed(const QString &token);
    void storeFailed(const QString &error);
    /// Time to ask the server for a new token (see TokenRefresher).
    void refreshDue();
    void refreshFailed(const QString &reason, const QString &serverReason);
    void expiringSoon(qint64 secondsLeft);
    void expired();

private:
    bool adopt(const QString &token, StateReason *problem);
    void acceptRefreshed(const QJsonObject &payload);
    void retryRefreshLater(const QString &reason, const QString &serverReason = QString());
    void maskInLog(const QString &token);
    void armExpiryTimer();
    void onExpiryTimer();

    Options m_options;
    TokenSink *m_sink;
    Clock *m_clock;
    TokenRefresher *m_refresher;
    QString m_token;
    JwtClaims m_claims;
    QString m_masked; ///< the token masked in the log
    QTimer m_expiryTimer; ///< fires at "expiring soon", then at expiry
    QTimer m_refreshAckTimer;
    qint64 m_expiryWarnedFor = 0; ///< the exp that expiringSoon was emitted for
    bool m_refreshInFlight = false;
};

} // namespace telephone
