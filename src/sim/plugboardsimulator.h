#pragma once

#include "sim/channelframe.h"
#include "sim/httpserver.h"
#include "sim/tokenminter.h"
#include "sim/websocketfront.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTcpSocket>
#include <QUrl>

#include <memory>
#include <unordered_map>

class QWebSocket;
class QWebSocketServer;

namespace telephone::sim {

/// A local stand-in for the Plugboard server (Phoenix Channels V2 over WebSocket plus the HTTP
/// `/call/...` front) on ONE port, as the real server has it. Owns its "database" of mounts and token
/// records, which survives close()/listen() (a restart). Knobs make it misbehave on purpose for tests.
/// Lives on the thread that created it (single-threaded, event driven).
class PlugboardSimulator : public QObject
{
    Q_OBJECT

public:
    /// How a successful `refresh_token` is answered: PhxReply is what the deployed server does,
    /// PushAck what the reference document describes (`refresh_token_ack` push, no reply).
    /// PhxReply: the deployed server's ok reply with the token. PushAck: the reference document's
    /// refresh_token_ack push. OkWithoutToken: an ok reply without a token and no push (broken).
    enum class RefreshReplyStyle { PhxReply, PushAck, OkWithoutToken };
    Q_ENUM(RefreshReplyStyle)

    explicit PlugboardSimulator(QObject *parent = nullptr);
    ~PlugboardSimulator() override;

    /// Listening again on the port of a previous run is a server restart.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    bool isListening() const;
    quint16 port() const;
    QUrl socketUrl() const; ///< ws://127.0.0.1:<port> + the first socket path served
    QUrl baseUrl() const;   ///< ws://127.0.0.1:<port>, no path: what a user who knows only the host types
    QUrl httpUrl() const;   ///< http://127.0.0.1:<port>
    /// Stops listening and resets every client connection (WebSocket and HTTP), like a crash.
    void close();

    // --- The server's database ---
    /// Returns the mount's path_id (a new UUID; the existing one if the mount is known).
    QString addMount(const QString &mountPath);
    QString pathIdOf(const QString &mountPath) const;
    /// Claims {path_id, sub:"sim-user", jti, iat, exp:iat+ttl}; recorded as the jti's current token.
    /// `iat` < 0 means now.
    QString mintToken(const QString &pathId, int ttlSecs = 3600, qint64 iat = -1);
    /// The jti of a token this simulator minted (empty if it does not verify).
    QString jtiOf(const QString &token) const;
    void revokeToken(const QString &jti);
    void revokeAllTokens();
    /// An admin moved the token to another path: sockets connecting with it get that path assigned.
    void reassignToken(const QString &jti, const QString &otherPathId);
    TokenMinter &minter() { return m_minter; }

    // --- Service accounts (the token vending endpoint, POST /api/token-vending/generate) ---
    /// A new service account bound to `pathId`; returns its key ("sa_live_" + 32 hex digits).
    QString addServiceAccount(const QString &pathId);
    /// Its key is answered 401 from now on.
    void revokeServiceAccount(const QString &key);
    /// An admin moved the account to another mount.
    void bindServiceAccount(const QString &key, const QString &pathId);
    /// Lifetime of vended tokens (default 3600 s).
    void setVendedTokenTtlSecs(int secs) { m_vendedTokenTtlSecs = secs; }
    /// Non-zero: every vending request is answered with this status and a JSON error (503: down).
    void setVendingFailure(int status) { m_vendingFailure = status; }
    int vendRequests() const { return m_vendRequests; }
    int tokensVended() const { return m_tokensVended; }
    /// The body of the last vending request as received (parsed with QJsonDocument).
    QJsonObject lastVendRequest() const { return m_lastVendRequest; }

    // --- Behaviour knobs ---
    void setJoinExpiresIn(int secs) { m_joinExpiresIn = secs; }
    void setTokenTtlSecs(int secs) { m_tokenTtlSecs = secs; }
    /// The server's clock runs this far ahead (negative: behind) of the machine's: tokens it mints
    /// carry iat/exp from it, and it checks expiry by it.
    void setClockOffsetSecs(qint64 secs) { m_clockOffsetSecs = secs; }
    void setHeartbeatAcks(bool on) { m_heartbeatAcks = on; }
    /// Applies to channels joined after the call (the check timer starts at the join).
    void setHeartbeatTimeoutMs(int ms) { m_heartbeatTimeoutMs = ms; }
    /// Applies to HTTP requests that arrive after the call.
    void setRequestTimeoutMs(int ms) { m_requestTimeoutMs = ms; }
    void setRefreshReplyStyle(RefreshReplyStyle style) { m_refreshStyle = style; }
    /// Non-empty: every refresh is answered with this error reason.
    void setRefreshFails(const QString &reason) { m_refreshFails = reason; }
    void setFeatureBodyBase64(bool on) { m_featureBodyBase64 = on; }
    void setFeatureMultiValueHeaders(bool on) { m_featureMultiValueHeaders = on; }
    /// Phoenix puts the join_ref on channel pushes; the reference document shows null. Default null.
    void setPushesCarryJoinRef(bool on) { m_pushesCarryJoinRef = on; }
    void setMaxRequestBodySize(qint64 bytes);
    /// Where the socket is mounted: the reference document's /socket/websocket (default on), the
    /// deployed server's /telephone/websocket (default off). A path not served answers HTTP 404.
    void setSocketPaths(bool reference, bool deployed);
    static const QByteArray ReferenceSocketPath;
    static const QByteArray DeployedSocketPath;
    /// Non-empty: every phx_join is answered with this error reason.
    void setJoinFails(const QString &reason) { m_joinFails = reason; }
    /// Like a crash-looping server: each upgrade request's TCP connection is dropped at once.
    void setDropConnectionsAtOnce(bool on) { m_dropAtOnce = on; }
    /// > 0: a socket that sends nothing for this long is closed (the deployed server: 60 s).
    void setSocketIdleTimeoutMs(int ms);
    /// A proxied WebSocket with no frame either way for this long is closed (the deployed server:
    /// 300 s, WebSocketFront::kIdleTimeoutMs; 0: never).
    void setWebSocketIdleTimeoutMs(int ms) { m_wsFront->setIdleTimeoutMs(ms); }

    // --- Test controls ---
    /// Closes every client WebSocket with code 1011, or resets the TCP connections when `abort`.
    void kickAll(bool abort = false);
    /// Closes (code 1011) only the WebSockets joined to `pathId`: one tunnel of several.
    void kickPath(const QString &pathId);
    /// How a connection ends in dropAll: a close frame, a bare TCP FIN (no close frame), a TCP RST.
    enum class Drop { CloseFrame, Fin, Reset };
    void dropAll(Drop how);
    /// Leaves every phx_join unanswered (a slow or stuck server); the client's join timeout decides.
    void setIgnoreJoins(bool on) { m_ignoreJoins = on; }
    /// Sends any text message (e.g. a malformed frame) to every connected client.
    void sendToAll(const QByteArray &rawText);
    /// Pushes `event` on each joined client's topic; phx_close / phx_error also end the channel.
    void pushToAll(const QString &event, const QJsonObject &payload = {});

    // --- Observability ---
    int upgradesAccepted() const { return m_upgradesAccepted; }
    int connectionsDroppedAtOnce() const { return m_droppedAtOnce; }
    int socketsIdleClosed() const { return m_idleClosed; }
    int joinsRefused() const { return m_joinsRefused; }
    int upgradesRefused() const { return m_upgradesRefused; }
    int joins() const { return m_joins; }
    int heartbeatsReceived() const { return m_heartbeatsReceived; }
    int refreshRequests() const { return m_refreshRequests; }
    int malformedFrames() const { return m_malformedFrames; }
    int leavesReceived() const { return m_leavesReceived; }
    int proxyRequests() const { return m_proxyRequests; }
    int lateResponses() const { return m_lateResponses; } ///< proxy_res for no waiting request
    int pendingRequests() const { return int(m_pending.size()); }
    /// Close code of the last client WebSocket that went away (QWebSocket::closeCode), -1 before any.
    int lastClientCloseCode() const { return m_lastClientCloseCode; }
    int connectedClients() const { return int(m_clients.size()); }
    /// The browser-facing WebSocket proxying (counters, and its browserClosed signal).
    const WebSocketFront *webSocketFront() const { return m_wsFront; }
    int joinedClients(const QString &pathId = {}) const;

signals:
    void clientConnected();
    void clientJoined(const QString &pathId);
    /// reason: closed, leave, heartbeat_timeout, phx_close, phx_error, rejoin.
    void clientLeft(const QString &pathId, const QString &reason);
    /// reason: missing_token, unsupported_vsn, bad_format, bad_algorithm, bad_signature, expired,
    /// unknown_token, revoked, superseded (replaced by a refresh), path_not_found.
    void upgradeRefused(const QString &reason);
    void frameReceived(const telephone::sim::Frame &frame);
    void tokenRefreshed(const QString &jti, const QString &token);
    /// Every vending request, with the status it was answered and the token vended (201 only).
    void vendRequested(int status, const QString &token);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct Client;
    struct Pending {
        QPointer<HttpResponder> responder;
        Client *client = nullptr;
        QString detailsPath;
        int timerId = 0;
    };
    struct TokenRecord {
        QString pathId;       ///< the path the socket gets assigned (reassignToken changes it)
        QJsonObject claims;   ///< of the current token
        QByteArray tokenHash; ///< SHA-256 of the current token: older ones no longer connect
        bool revoked = false;
    };
    struct Authorization {
        QString reason; ///< empty when accepted
        QString jti;
    };

    /// Which telephone serves a `/call/...` path: `client`, or the error status and reason.
    struct Route {
        Client *client = nullptr;
        QByteArray lookup;    ///< the path after /call ("/" when empty)
        QByteArray forwarded; ///< the path after the mount
        int status = 0;
        QString reason;
    };
    Route route(const QByteArray &fullPath);
    Authorization authorize(const QByteArray &target) const;
    bool servesSocketAt(const QByteArray &path) const;
    void closeIdleSockets();
    bool onUpgrade(const HttpRequest &request, QTcpSocket *socket);
    void onHttpRequest(const HttpRequest &request, HttpResponder *responder);
    void refuseUpgrade(const HttpRequest &request, HttpResponder *responder);
    void proxy(const HttpRequest &request, HttpResponder *responder);
    void vendToken(const HttpRequest &request, HttpResponder *responder);
    void onNewWebSocket();
    void onTextMessage(Client *client, const QString &text);
    void onClientDisconnected(QWebSocket *socket);
    void handleJoin(Client *client, const Frame &frame);
    void handleHeartbeat(Client *client, const Frame &frame);
    void handleRefresh(Client *client, const Frame &frame);
    void handleProxyResponse(Client *client, const Frame &frame);
    void handleLeave(Client *client, const Frame &frame);
    void leaveChannel(Client *client, const QString &reason);
    void failPending(const QString &requestId, int status, const QString &reason);
    static void sendError(HttpResponder *responder, int status, const QString &reason, const QJsonObject &details);
    bool takePending(const QString &requestId, Pending *out);
    void send(Client *client, const Frame &frame);
    void push(Client *client, const QString &event, const QJsonObject &payload);
    void reply(Client *client, const Frame &to, const QString &status, const QJsonObject &response);
    void noteMalformed(const char *kind);
    qint64 nowSecs() const;

    HttpServer *m_http = nullptr;
    QWebSocketServer *m_wsServer = nullptr;
    WebSocketFront *m_wsFront = nullptr;
    TokenMinter m_minter;
    QElapsedTimer m_clock;
    quint16 m_lastPort = 0;

    QHash<QString, QString> m_mountPathById; ///< path_id -> mount path
    QHash<QByteArray, QString> m_pathIdByMount; ///< mount path (UTF-8) -> path_id
    QHash<QString, TokenRecord> m_tokens;    ///< jti -> record
    struct ServiceAccount {
        QString pathId;
        bool revoked = false;
    };
    QHash<QString, ServiceAccount> m_serviceAccounts; ///< key -> account
    int m_vendedTokenTtlSecs = 3600;
    int m_vendingFailure = 0;
    int m_vendRequests = 0;
    int m_tokensVended = 0;
    QJsonObject m_lastVendRequest;

    std::unordered_map<QWebSocket *, std::unique_ptr<Client>> m_clients;
    QList<QPointer<QTcpSocket>> m_upgradedTcp; ///< for dropAll: FIN or RST without a close frame
    QHash<QString, QList<Client *>> m_joinedByPath; ///< in join order, for round robin
    QHash<QString, quint64> m_roundRobin;
    QHash<QString, Pending> m_pending;             ///< request_id -> waiting HTTP caller
    QHash<int, QString> m_requestTimers;           ///< timer id -> request_id
    QHash<int, Client *> m_heartbeatTimers;        ///< timer id -> joined client
    QSet<QByteArray> m_malformedKindsLogged;

    int m_joinExpiresIn = 3600;
    int m_tokenTtlSecs = 3600;
    qint64 m_clockOffsetSecs = 0;
    bool m_heartbeatAcks = true;
    int m_heartbeatTimeoutMs = 60000;
    int m_requestTimeoutMs = 60000;
    RefreshReplyStyle m_refreshStyle = RefreshReplyStyle::PhxReply;
    QString m_refreshFails;
    bool m_featureBodyBase64 = false;
    bool m_featureMultiValueHeaders = false;
    bool m_pushesCarryJoinRef = false;
    bool m_serveReferencePath = true;
    bool m_serveDeployedPath = false;
    QString m_joinFails;
    bool m_dropAtOnce = false;
    bool m_ignoreJoins = false;
    int m_socketIdleTimeoutMs = 0;
    int m_idleCheckTimerId = 0;
    int m_droppedAtOnce = 0;
    int m_idleClosed = 0;
    int m_joinsRefused = 0;

    int m_upgradesAccepted = 0;
    int m_upgradesRefused = 0;
    int m_joins = 0;
    int m_heartbeatsReceived = 0;
    int m_refreshRequests = 0;
    int m_malformedFrames = 0;
    int m_leavesReceived = 0;
    int m_proxyRequests = 0;
    int m_lateResponses = 0;
    int m_lastClientCloseCode = -1;
};

} // namespace telephone::sim
