#pragma once

#include "proxy/backendwebsocket.h"
#include "proxy/exchange.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <list>
#include <optional>

namespace telephone {

struct WebSocketRelayOptions {
    QUrl backend;              ///< http(s)://host:port[/base]; http → ws://, https → wss://
    bool preserveHost = false;
    QByteArray forwardedProto; ///< "https" / "http": how browsers reached the server, when known
    /// Bytes one connection may hold, each way: unsent toward the backend; from the backend, queued
    /// toward the server and not yet taken by the tunnel's socket (counted as serverQueueCost).
    /// Reading from the backend pauses at half of it and resumes at a quarter; past it the
    /// connection is closed with 1009.
    qint64 bufferBytes = 4 * 1024 * 1024;
    /// The backend's upgrade must come inside the server's 5 s check / connect timeouts.
    std::chrono::milliseconds handshakeTimeout{std::chrono::seconds(4)};
    /// How long a checked backend connection waits for the ws_connect that follows.
    std::chrono::milliseconds holdTimeout{std::chrono::seconds(10)};
};

/// Totals since start, for /metrics and /health.
struct WebSocketRelayStats {
    qint64 checks = 0;
    qint64 checksRefused = 0;
    qint64 connectionsOpened = 0;  ///< ws_connected sent
    qint64 connectionsFailed = 0;  ///< ws_error sent
    qint64 backendHandshakes = 0;  ///< upgrades Telephone sent to the backend
    qint64 framesToBackend = 0;
    qint64 bytesToBackend = 0;
    qint64 framesFromBackend = 0;
    qint64 bytesFromBackend = 0;
    qint64 closedOverLimit = 0;    ///< closed with 1009 (buffer full, oversize frame)
    qint64 backendReadPauses = 0;  ///< a backend throttled because the server was not taking its frames
    qint64 unknownConnectionIds = 0;
    qint64 malformedEvents = 0;
};

/// The telephone's side of Plugboard's WebSocket proxying: `ws_check` → `ws_check_result`,
/// `ws_connect` → `ws_connected` / `ws_error`, `ws_frame` both ways, `ws_close` / `ws_closed`.
/// Path, query and headers are judged by parseProxyRequest, the same rules as `proxy_req`; the
/// backend is the configured one, always. One backend handshake per browser socket: the connection
/// opened to answer `ws_check` is held (holdTimeout) for the `ws_connect` with the same path,
/// query and headers. Lives on the engine's thread; the Tunnel feeds it events and sends what it
/// emits.
class WebSocketRelay : public QObject
{
    Q_OBJECT

public:
    explicit WebSocketRelay(const WebSocketRelayOptions &options, QObject *parent = nullptr);
    ~WebSocketRelay() override;

    static bool isRelayEvent(const QString &event);
    /// Handles one server event. Without `accepting` (the tunnel is stopping), new checks and
    /// connects are refused while open connections keep relaying.
    void handle(const QString &event, const QJsonObject &payload, bool accepting = true);
    /// Closes every backend connection with `code` and the English text of `problem` (1001
    /// WsGoingAway, "going away", on stop). No ws_closed is sent: the channel is ending.
    void closeAll(int code, const Problem &problem);

    /// The tunnel's socket has taken (or dropped) a ws_frame that framePushRequested handed over
    /// with this `cost`: it no longer counts against its connection's buffer.
    void frameHandedOver(const QString &connectionId, qint64 cost);
    /// What a backend frame of `dataBytes` counts against the buffer while it waits for the
    /// server: its ws_frame's size (base64 data plus the envelope), close enough to the bytes held.
    static qint64 serverQueueCost(qint64 dataBytes);
    /// Bytes of `connectionId` waiting toward the server, and toward the backend before its
    /// upgrade (0 for an unknown id): for invariant checks.
    qint64 queuedTowardServer(const QString &connectionId) const;
    qint64 queuedTowardBackend(const QString &connectionId) const;

    int liveConnections() const { return int(m_connections.size()); }
    int heldConnections() const { return int(m_held.size()); }
    const WebSocketRelayStats &stats() const { return m_stats; }

    /// The code to put on the wire for a close code: 1005 → 1000, 1006 / 1015 and codes a close
    /// frame may not carry → 1011.
    static int wireCloseCode(int code);

signals:
    /// An event for the server on the tunnel's topic.
    void pushRequested(const QString &event, const QJsonObject &payload);
    /// A backend frame for the server (`ws_frame` on the tunnel's topic). It counts `cost` bytes
    /// against its connection's buffer until the receiver calls frameHandedOver(connectionId, cost)
    /// once, when its socket has taken the frame or dropped it.
    void framePushRequested(const QString &connectionId, const QJsonObject &payload, qint64 cost);
    /// For observers (the inspector): each connection the server asks for, as an Exchange with a
    /// webSocket part. Opened when ws_connect arrives (pending); Updated with its frames and totals
    /// at most every `publishInterval` while it lives (still pending); Closed once, when it ends or
    /// was refused (durationMs set; status 101 if the backend upgraded, else 0 with `error`).
    void connectionOpened(const telephone::Exchange &connection);
    void connectionUpdated(const telephone::Exchange &connection);
    void connectionClosed(const telephone::Exchange &connection);

private:
    struct Connection;
    struct Held;

    void onCheck(const QJsonObject &payload, bool accepting);
    void onConnect(const QJsonObject &payload, bool accepting);
    void onFrame(const QJsonObject &payload);
    void onClose(const QJsonObject &payload);
    std::optional<BackendUpgrade> judge(const QJsonObject &payload, Problem *refusal) const;
    BackendWebSocket *newBackendSocket(const BackendUpgrade &upgrade);
    void adopt(Connection *connection);
    void fromBackend(Connection *connection, WsOpcode opcode, const QByteArray &data);
    void closeOverLimit(Connection *connection, const Problem &problem);
    /// `closeProblem`: Telephone's reason for the close, when it gave it; `error`: why the connection
    /// never opened (the backend's upgrade failed).
    void finish(const QString &connectionId, int code, const QString &reason, const Problem &closeProblem = {},
                const Problem &error = {});
    Connection *find(const QJsonObject &payload);
    void record(Connection *connection, WebSocketFrameRecord::Direction direction, WsOpcode opcode,
                const QByteArray &data);
    void publishClosed(Connection *connection, int code, const QString &reason, const Problem &closeProblem,
                       const Problem &error = {});
    void publishDirty();

    WebSocketRelayOptions m_options;
    QByteArray m_basePath;
    QByteArray m_backendHost;
    QHash<QString, Connection *> m_connections; ///< connection_id → connection (owned)
    std::list<Held *> m_held;                   ///< checked, waiting for their ws_connect (owned)
    WebSocketRelayStats m_stats;
    QTimer m_publishTimer; ///< batches connectionUpdated: one per live connection per interval
};

} // namespace telephone
