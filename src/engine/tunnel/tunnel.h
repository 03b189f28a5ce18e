#pragma once

#include "config/safeurl.h"
#include "protocol/phoenixsocket.h"
#include "proxy/exchange.h"
#include "tokens/jwt.h"
#include "tunnel/backoff.h"
#include "tunnel/statereason.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

namespace telephone {

class Clock;
class Forwarder;
class Heartbeat;
class ReplyContext;
class SocketPathDiscovery;
class TokenSink;
class TunnelToken;
class WebSocketRelay;

/// Everything one tunnel needs to know. Durations are settings so that tests can shrink them.
struct TunnelConfig {
    QUrl server;  ///< ws(s) URL with its path; the token and vsn are added on connect
    /// The user gave no path: the socket path is found (see SocketPathDiscovery) and remembered in
    /// `socketPathMemory` (a file; empty: not remembered). `server` stays the tunnel's identity.
    bool discoverSocketPath = false;
    QString socketPathMemory;
    QString token;
    QUrl backend; ///< http(s)://host:port[/base]
    std::chrono::milliseconds heartbeatInterval{std::chrono::seconds(30)};
    std::chrono::milliseconds requestTimeout{std::chrono::seconds(55)};
    std::chrono::milliseconds joinTimeout{std::chrono::seconds(10)};
    std::chrono::milliseconds backoffInitial{std::chrono::seconds(1)};
    std::chrono::milliseconds backoffMax{std::chrono::seconds(30)};
    std::chrono::milliseconds authRetryInterval{std::chrono::minutes(5)}; ///< 0: wait for a new token
    std::chrono::milliseconds drainTimeout{std::chrono::seconds(30)};
    std::chrono::milliseconds expiryWarning{std::chrono::minutes(10)};
    Clock *clock = nullptr; ///< the time token expiry and refresh are planned on; null: the system clock
    qint64 maxResponseSize = 100LL * 1024 * 1024;
    qint64 chunkSize = 1024 * 1024;
    int maxConcurrent = 256;
    bool preserveHost = false;
    qint64 wsBuffer = 4 * 1024 * 1024; ///< per proxied WebSocket, each way
    qint64 maxMessageSize = 256LL * 1024 * 1024; ///< largest message from the server (a proxy_req and its body)
};

/// One server + token + backend: connects, joins `telephone:<path_id>`, keeps the link alive
/// (heartbeat, refresh, reconnection with backoff) and hands `proxy_req` to its Forwarder. Its
/// state is explicit and every transition is announced with a reason a person can read.
/// Reconnection rule: the backoff paces failed attempts only; a connection that proved itself
/// (joined, one heartbeat acknowledged) resets it when it ends. A channel lost on a live socket
/// (phx_error / phx_close) is rejoined on that socket after 1, 2, 5, then every 10 s.
/// The token's own life (choosing, refresh, storing, expiry) is its TunnelToken's.
/// Owns its PhoenixSocket, Heartbeat, TunnelToken and Forwarder. Lives on the engine's thread.
class Tunnel : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Disconnected, ///< not started, or stopped
        Connecting,   ///< opening the WebSocket
        Joining,      ///< socket open, waiting for the join reply
        Connected,    ///< joined: requests flow
        Reconnecting, ///< waiting for the next attempt (nextRetryAt); the socket may still be open (rejoin)
        AuthFailed,   ///< the token is missing, expired, invalid or revoked: waits for a new one
        ConfigError,  ///< the server refused our configuration (e.g. path_id_mismatch): no retries
        Stopping,     ///< draining in-flight requests, leaving, closing
    };
    Q_ENUM(State)

    Tunnel(const TunnelConfig &config, TokenSink *tokenSink, QObject *parent = nullptr);
    ~Tunnel() override;

    void start();
    /// Graceful: new requests get 503, in-flight ones finish (up to the drain timeout), then
    /// `phx_leave` and a close with code 1000. Emits stopped() when done.
    void stop();
    /// Skips the wait of Reconnecting / AuthFailed.
    void reconnectNow();
    /// The "Connect" action: starts a stopped tunnel, or skips a waiting one's wait.
    void startOrReconnect();
    /// The network came back: a tunnel waiting to reconnect tries at once, with a fresh backoff.
    void onNetworkReturned();
    /// The machine woke up: a joined tunnel proves its socket alive within the join timeout or
    /// reconnects; a waiting one tries at once.
    void onResumed();
    /// Sends a captured request to the backend again (the inspector's Replay): not through the
    /// server, redirects not followed. The result is published as an exchange marked `replay`.
    void replay(const Exchange &exchange);
    /// Asks the server for a new token now (the tray's "Refresh token now"), as if the refresh
    /// were due; only while connected and when no refresh is already under way.
    void refreshTokenNow();
    /// A new token (pasted, or given again): used at once when the tunnel is waiting for one.
    /// An unusable token (malformed, expired) leaves the tunnel as it is and says why.
    bool setToken(const QString &token, QString *problem);
    /// The same, with the problem as a reason the desktop can show in the user's language.
    bool setToken(const QString &token, StateReason *problem);
    /// For a token supply (TokenSupply): what a tunnel that waits for a token (AuthFailed) is waiting
    /// for, or why no token will come — AuthFailed with that reason, or ConfigError when retrying
    /// cannot help. Ignored in any other state.
    void setWaitingReason(State state, const StateReasons &reasons);

    State state() const { return m_state; }
    /// In English, for logs, /health and the command line.
    QString stateReason() const { return m_stateReason; }
    /// The same as codes and arguments, for a window that speaks the user's language.
    const StateReasons &stateReasons() const { return m_stateReasons; }
    static QString stateName(State state);
    QDateTime nextRetryAt() const { return m_nextRetryAt; }
    QString topic() const { return QStringLiteral("telephone:") + claims().pathId; }
    const JwtClaims &claims() const;
    QString mountPath() const { return m_mountPath; }
    /// The socket path connected to (or tried next): the configured one, or the discovered one.
    QString socketPath() const;
    /// The server URL with socketPath(), without the token: what is connected to, for people.
    QUrl socketUrl() const;
    bool socketOpen() const { return m_socket->isOpen(); }
    std::optional<std::chrono::milliseconds> heartbeatRoundTrip() const;
    QDateTime nextRefreshAt() const;
    /// The countdown the UI shows: seconds until the current token expires (0 once it has), -1
    /// when the token names no expiry. Changes on tokenRefreshed and setToken.
    qint64 secondsToExpiry() const;
    const TunnelConfig &config() const { return m_config; }
    int inFlightRequests() const;
    /// The proxied browser WebSockets (ws_check / ws_connect / ws_frame).
    const WebSocketRelay *webSocketRelay() const { return m_wsRelay; }

    qint64 connectAttempts() const { return m_connectAttempts; }
    qint64 joinsSucceeded() const { return m_joins; }
    qint64 authFailures() const { return m_authFailures; }
    qint64 malformedFrames() const;
    /// set-cookie values that could not be carried (the server lacks multi_value_headers).
    qint64 droppedHeaderValues() const;
    /// proxy_reqs ignored because their request_id was in flight or answered lately.
    qint64 duplicateRequests() const;
    /// WebSocket message bytes over every connection so far (for the metrics endpoint).
    qint64 socketBytesSent() const { return m_socket->bytesSent(); }
    qint64 socketBytesReceived() const { return m_socket->bytesReceived(); }

    /// Where people on the internet reach this tunnel: the server's http(s) origin + /call + the
    /// mount path from the join reply. Empty until joined once.
    QUrl publicUrl() const;
    /// The server URL to show people and to key the token store on: no token, no user info.
    QString displayServer() const { return displayUrl(m_config.server); }

signals:
    void stateChanged(telephone::Tunnel::State state, const QString &reason);
    void tokenRefreshed(const QString &token);
    /// A refreshed token could not be stored: it lives in memory only until the next restart.
    void tokenStoreFailed(const QString &error);
    void heartbeatRoundTripMeasured(std::chrono::milliseconds rtt);
    /// A refresh did not work; it is retried with backoff until the token expires. `reason` in
    /// English for logs; `serverReason` the server's own words, empty when it gave none.
    void refreshFailed(const QString &reason, const QString &serverReason);
    /// The token expires within `expiryWarning` (10 minutes by default) and no refresh has worked.
    void tokenExpiringSoon(qint64 secondsLeft);
    void tokenExpired();
    /// The token is missing, expired, or was refused or revoked by the server (the tunnel is now
    /// AuthFailed); `reason` says which, in words.
    void tokenRefused(const QString &reason);
    /// Every request through the tunnel: once when it starts (pending), once when it is answered.
    void exchangeStarted(const telephone::Exchange &exchange);
    void exchangeFinished(const telephone::Exchange &exchange);
    /// Every proxied WebSocket connection, as an Exchange with its webSocket part (see
    /// WebSocketRelay's signals of the same names).
    void webSocketOpened(const telephone::Exchange &connection);
    void webSocketUpdated(const telephone::Exchange &connection);
    void webSocketClosed(const telephone::Exchange &connection);
    void stopped();

private:
    void setState(State state, const StateReasons &reasons);
    void connectNow();
    void sendJoin();
    void scheduleRetry(const StateReason &cause);
    void scheduleRejoin(const StateReason &cause);
    bool tryOtherSocketPath(const SocketClosed &why);
    void failAuth(const StateReason &cause);
    void onOpened();
    void onClosed(const SocketClosed &why);
    void onFrame(const Frame &frame);
    void onPeerDead(const Problem &why);
    void onRefreshDue();
    void finishStop();
    /// What endJoinedWork does with the calls in flight (HTTP requests and relayed WebSockets).
    enum class Calls { Abort, Keep };
    /// The one teardown of what runs while joined: heartbeat, refreshes, and the calls unless kept.
    void endJoinedWork(Calls calls);
    QUrl connectUrl() const;

    TunnelConfig m_config;
    PhoenixSocket *m_socket;
    Heartbeat *m_heartbeat;
    TunnelToken *m_token;
    Forwarder *m_forwarder;
    std::unique_ptr<SocketPathDiscovery> m_pathDiscovery; ///< null when the user gave the path
    WebSocketRelay *m_wsRelay;
    Backoff m_backoff;
    QTimer m_retryTimer;
    QTimer m_drainTimer;
    QTimer m_closeTimer;

    State m_state = State::Disconnected;
    QString m_stateReason; ///< englishText(m_stateReasons)
    StateReasons m_stateReasons;
    QDateTime m_nextRetryAt;
    QString m_joinRef;
    QString m_mountPath;
    /// The current (or last) join, which each proxy_req carries so that its answer goes back on it;
    /// ended when the channel ends. Its features are the server's (replays use them too).
    std::shared_ptr<ReplyContext> m_join;
    std::optional<StateReason> m_pendingCloseReason; ///< why we closed the socket ourselves, for the Reconnecting reason
    bool m_leaveSent = false;
    bool m_connectWhenClosed = false;
    bool m_provedHealthy = false; ///< this socket joined and had a heartbeat acknowledged
    int m_failedRejoins = 0;      ///< on the open socket, since the channel was lost
    qint64 m_connectAttempts = 0;
    qint64 m_joins = 0;
    qint64 m_authFailures = 0;
};

} // namespace telephone
