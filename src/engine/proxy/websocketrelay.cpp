#include "proxy/websocketrelay.h"

#include "proxy/backendhost.h"
#include "proxy/proxyrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcWsRelay, "telephone.proxy.websocketrelay")

namespace telephone {

namespace {

const QString EventCheck = QStringLiteral("ws_check");
const QString EventCheckResult = QStringLiteral("ws_check_result");
const QString EventConnect = QStringLiteral("ws_connect");
const QString EventConnected = QStringLiteral("ws_connected");
const QString EventError = QStringLiteral("ws_error");
const QString EventFrame = QStringLiteral("ws_frame");
const QString EventClose = QStringLiteral("ws_close");
const QString EventClosed = QStringLiteral("ws_closed");

const QLatin1String KeyConnectionId("connection_id");

// The handshake's own headers are Telephone's to write; an extension we cannot speak (e.g.
// permessage-deflate) would change the frames' bytes.
bool isHandshakeHeader(const QByteArray &lowerName)
{
    return lowerName == "sec-websocket-key" || lowerName == "sec-websocket-version"
        || lowerName == "sec-websocket-accept" || lowerName == "sec-websocket-extensions";
}

QString opcodeName(WsOpcode opcode)
{
    switch (opcode) {
    case WsOpcode::Text:
        return QStringLiteral("text");
    case WsOpcode::Binary:
        return QStringLiteral("binary");
    case WsOpcode::Ping:
        return QStringLiteral("ping");
    case WsOpcode::Pong:
        return QStringLiteral("pong");
    }
    return {};
}

std::optional<WsOpcode> parseOpcode(const QString &name)
{
    if (name == QLatin1String("text"))
        return WsOpcode::Text;
    if (name == QLatin1String("binary"))
        return WsOpcode::Binary;
    if (name == QLatin1String("ping"))
        return WsOpcode::Ping;
    if (name == QLatin1String("pong"))
        return WsOpcode::Pong;
    return std::nullopt;
}

// The ws_connect for a checked browser carries the same path, query and headers as its ws_check.
// Headers take part so that one caller's cookies never open another caller's connection.
QString fingerprintOf(const QJsonObject &payload)
{
    QJsonObject key;
    key.insert(QStringLiteral("p"), payload.value(QLatin1String("path")));
    key.insert(QStringLiteral("q"), payload.value(QLatin1String("query_string")));
    key.insert(QStringLiteral("h"), payload.value(QLatin1String("headers")));
    return QString::fromUtf8(QJsonDocument(key).toJson(QJsonDocument::Compact));
}

bool isUsableId(const QJsonValue &value)
{
    return value.isString() && !value.toString().isEmpty() && value.toString().size() <= 200;
}

} // namespace

struct WebSocketRelay::Held {
    QString checkId;
    QString fingerprint;
    BackendWebSocket *socket = nullptr;
    QTimer timer;
    bool answered = false;
    QList<QPair<WsOpcode, QByteArray>> early; ///< from the backend before the browser is connected
    qint64 earlyCost = 0;                     ///< their serverQueueCost
};

struct WebSocketRelay::Connection {
    QString id;
    BackendWebSocket *socket = nullptr;
    bool connected = false; ///< ws_connected sent
    QList<QPair<WsOpcode, QByteArray>> towardBackend; ///< from the browser, before the upgrade
    qint64 towardBackendBytes = 0;
    qint64 towardServerCost = 0; ///< ws_frames pushed and not yet taken by the tunnel's socket
    Exchange view;          ///< what observers see; view.webSocket is always set
    qint64 keptFrameBytes = 0;
    bool dirty = false;     ///< changed since the last connectionUpdated
};

namespace {

Exchange connectionView(const QString &id, const QJsonObject &payload, const HeaderList &headers)
{
    Exchange view;
    view.requestId = QStringLiteral("ws:") + id;
    view.startedAt = QDateTime::currentDateTimeUtc();
    view.method = QStringLiteral("GET");
    view.path = payload.value(QLatin1String("path")).toString();
    if (payload.contains(QLatin1String("query_string")) && !payload.value(QLatin1String("query_string")).toString().isEmpty())
        view.query = payload.value(QLatin1String("query_string")).toString();
    view.requestHeaders = headers;
    view.webSocket = WebSocketSession{};
    view.webSocket->connectionId = id;
    return view;
}

int rfcOpcode(WsOpcode opcode)
{
    switch (opcode) {
    case WsOpcode::Text: return 1;
    case WsOpcode::Binary: return 2;
    case WsOpcode::Ping: return 9;
    case WsOpcode::Pong: return 10;
    }
    return 0;
}

} // namespace

WebSocketRelay::WebSocketRelay(const WebSocketRelayOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    qRegisterMetaType<telephone::WsOpcode>();
    m_basePath = options.backend.path(QUrl::FullyEncoded).toUtf8();
    m_backendHost = backendHostHeader(options.backend);
    m_publishTimer.setSingleShot(true);
    m_publishTimer.setInterval(std::chrono::milliseconds(250));
    connect(&m_publishTimer, &QTimer::timeout, this, &WebSocketRelay::publishDirty);
}

WebSocketRelay::~WebSocketRelay()
{
    // Observers may be half destroyed with the tunnel that owns us: they hear nothing more.
    disconnect(this, &WebSocketRelay::connectionClosed, nullptr, nullptr);
    closeAll(1001, {Problem::Kind::WsGoingAway});
}

bool WebSocketRelay::isRelayEvent(const QString &event)
{
    return event == EventCheck || event == EventConnect || event == EventFrame || event == EventClose;
}

int WebSocketRelay::wireCloseCode(int code)
{
    if (code == 1005)
        return 1000;
    const bool sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    return sendable ? code : 1011;
}

void WebSocketRelay::handle(const QString &event, const QJsonObject &payload, bool accepting)
{
    if (event == EventCheck)
        onCheck(payload, accepting);
    else if (event == EventConnect)
        onConnect(payload, accepting);
    else if (event == EventFrame)
        onFrame(payload);
    else if (event == EventClose)
        onClose(payload);
}

std::optional<BackendUpgrade> WebSocketRelay::judge(const QJsonObject &payload, Problem *refusal) const
{
    // The very rules proxy_req is judged by: one place decides what may reach the backend.
    QJsonObject asRequest{{QStringLiteral("request_id"), QStringLiteral("websocket")},
                          {QStringLiteral("method"), QStringLiteral("GET")}};
    for (const char *key : {"path", "query_string", "headers"}) {
        if (payload.contains(QLatin1String(key)))
            asRequest.insert(QLatin1String(key), payload.value(QLatin1String(key)));
    }
    const ParsedProxyRequest parsed = parseProxyRequest(asRequest);
    if (!parsed.request) {
        *refusal = parsed.refusal.problem;
        return std::nullopt;
    }
    const ProxyRequest &req = *parsed.request;
    BackendUpgrade upgrade;
    upgrade.backend = m_options.backend;
    upgrade.target = req.target(m_basePath);
    upgrade.host = m_options.preserveHost && !req.host.isEmpty() ? req.host : m_backendHost;
    for (const auto &header : req.headers) {
        if (!isHandshakeHeader(header.first))
            upgrade.headers.append(header);
    }
    if (!req.host.isEmpty() && !std::any_of(req.headers.cbegin(), req.headers.cend(), [](const auto &h) {
            return h.first == "x-forwarded-host";
        }))
        upgrade.headers.append({"x-forwarded-host", req.host});
    if (!m_options.forwardedProto.isEmpty() && !std::any_of(req.headers.cbegin(), req.headers.cend(), [](const auto &h) {
            return h.first == "x-forwarded-proto";
        }))
        upgrade.headers.append({"x-forwarded-proto", m_options.forwardedProto});
    return upgrade;
}

BackendWebSocket *WebSocketRelay::newBackendSocket(const BackendUpgrade &upgrade)
{
    auto *socket = new BackendWebSocket(this);
    socket->setMaxQueuedBytes(m_options.bufferBytes);
    ++m_stats.backendHandshakes;
    socket->open(upgrade, int(m_options.handshakeTimeout.count()));
    return socket;
}

// ---------------------------------------------------------------------------------------------------
// ws_check: dial the backend once; keep the connection for the ws_connect that follows.

void WebSocketRelay::onCheck(const QJsonObject &payload, bool accepting)
{
    const QJsonValue checkId = payload.value(QLatin1String("check_id"));
    if (!isUsableId(checkId)) {
        ++m_stats.malformedEvents;
        qCWarning(lcWsRelay) << "ws_check without a usable check_id: ignored";
        return;
    }
    ++m_stats.checks;
    auto answer = [this, id = checkId.toString(), payload](bool supported, const QString &protocol,
                                                           const Problem &refusal) {
        QJsonObject result{{QStringLiteral("check_id"), id}, {QStringLiteral("supported"), supported}};
        if (!protocol.isEmpty())
            result.insert(QStringLiteral("protocol"), protocol);
        if (!refusal.isNone())
            result.insert(QStringLiteral("reason"), refusal.englishText());
        if (!supported) {
            ++m_stats.checksRefused;
            // The browser's WebSocket ends here: observers see it as a refused connection.
            Exchange view = connectionView(QStringLiteral("check:") + id, payload, {});
            view.durationMs = 0;
            view.error = refusal.englishText();
            view.problem = refusal;
            emit connectionClosed(view);
        }
        emit pushRequested(EventCheckResult, result);
    };
    if (!accepting) {
        answer(false, {}, {Problem::Kind::WsStopping});
        return;
    }
    Problem refusal;
    const std::optional<BackendUpgrade> upgrade = judge(payload, &refusal);
    if (!upgrade) {
        qCWarning(lcWsRelay).noquote() << "WebSocket check refused:" << refusal.englishText();
        answer(false, {}, refusal);
        return;
    }

    auto *held = new Held;
    held->checkId = checkId.toString();
    held->fingerprint = fingerprintOf(payload);
    held->socket = newBackendSocket(*upgrade);
    m_held.push_back(held);
    held->timer.setSingleShot(true);
    auto drop = [this, held] {
        m_held.remove(held);
        held->socket->disconnect(this);
        held->socket->deleteLater();
        delete held;
    };
    connect(held->socket, &BackendWebSocket::upgraded, this, [held, answer] {
        held->answered = true;
        answer(true, QString::fromUtf8(held->socket->protocol()), Problem());
    });
    connect(held->socket, &BackendWebSocket::failed, this, [answer, drop](const Problem &problem) {
        answer(false, {}, problem);
        drop();
    });
    connect(held->socket, &BackendWebSocket::closed, this, [drop](int, const QString &, const Problem &) { drop(); });
    connect(held->socket, &BackendWebSocket::messageReceived, this,
            [this, held](WsOpcode opcode, const QByteArray &data) {
                held->early.append({opcode, data});
                held->earlyCost += serverQueueCost(data.size());
                if (held->earlyCost > m_options.bufferBytes) {
                    ++m_stats.closedOverLimit;
                    held->early.clear();
                    held->socket->close(1009, Problem(Problem::Kind::WsBufferFull));
                } else if (held->earlyCost >= m_options.bufferBytes / 2 && !held->socket->isReadPaused()) {
                    // Counted toward the server once adopted: the same bound, the same pause.
                    ++m_stats.backendReadPauses;
                    held->socket->setReadPaused(true);
                }
            });
    connect(&held->timer, &QTimer::timeout, this, [held] {
        qCInfo(lcWsRelay) << "no ws_connect followed the check in time: closing the backend connection";
        held->socket->close(1001, Problem(Problem::Kind::WsGoingAway));
    });
    held->timer.start(m_options.holdTimeout);
}

// ---------------------------------------------------------------------------------------------------
// ws_connect: adopt the checked connection, or dial one.

void WebSocketRelay::onConnect(const QJsonObject &payload, bool accepting)
{
    const QJsonValue idValue = payload.value(KeyConnectionId);
    if (!isUsableId(idValue)) {
        ++m_stats.malformedEvents;
        qCWarning(lcWsRelay) << "ws_connect without a usable connection_id: ignored";
        return;
    }
    const QString id = idValue.toString();
    auto refuse = [this, &id, &payload](const Problem &problem) {
        ++m_stats.connectionsFailed;
        Exchange view = connectionView(id, payload, {});
        view.durationMs = 0;
        view.error = problem.englishText();
        view.problem = problem;
        emit connectionClosed(view);
        qCWarning(lcWsRelay).noquote() << "WebSocket connection refused:" << view.error;
        emit pushRequested(EventError, {{KeyConnectionId, id}, {QStringLiteral("reason"), view.error}});
    };
    if (m_connections.contains(id)) {
        ++m_stats.malformedEvents;
        qCWarning(lcWsRelay) << "a second ws_connect for a live connection: ignored";
        return;
    }
    if (!accepting) {
        refuse({Problem::Kind::WsStopping});
        return;
    }
    Problem refusal;
    const std::optional<BackendUpgrade> upgrade = judge(payload, &refusal);
    if (!upgrade) {
        refuse(refusal);
        return;
    }

    auto *connection = new Connection;
    connection->id = id;
    connection->view = connectionView(id, payload, upgrade->headers);
    m_connections.insert(id, connection);
    emit connectionOpened(connection->view);

    const QString fingerprint = fingerprintOf(payload);
    const auto held = std::find_if(m_held.begin(), m_held.end(), [&fingerprint](const Held *h) {
        return h->answered && h->fingerprint == fingerprint && h->socket->isOpen();
    });
    if (held != m_held.end()) {
        Held *h = *held;
        m_held.erase(held);
        h->socket->disconnect(this);
        connection->socket = h->socket;
        QList<QPair<WsOpcode, QByteArray>> early = std::move(h->early);
        delete h;
        adopt(connection);
        connection->connected = true;
        connection->view.status = 101;
        connection->view.webSocket->protocol = QString::fromUtf8(connection->socket->protocol());
        connection->dirty = true;
        m_publishTimer.start();
        ++m_stats.connectionsOpened;
        emit pushRequested(EventConnected, {{KeyConnectionId, id},
                                            {QStringLiteral("protocol"), QString::fromUtf8(connection->socket->protocol())}});
        // At most half the buffer plus one message (the held socket paused there): it fits.
        for (const auto &[opcode, data] : std::as_const(early)) {
            if (!m_connections.contains(id))
                return; // closed over the limit meanwhile
            fromBackend(connection, opcode, data);
        }
        return;
    }

    connection->socket = newBackendSocket(*upgrade);
    adopt(connection);
}

void WebSocketRelay::adopt(Connection *connection)
{
    BackendWebSocket *socket = connection->socket;
    const QString id = connection->id;
    connect(socket, &BackendWebSocket::upgraded, this, [this, connection, id] {
        connection->connected = true;
        connection->view.status = 101;
        connection->view.webSocket->protocol = QString::fromUtf8(connection->socket->protocol());
        connection->dirty = true;
        if (!m_publishTimer.isActive())
            m_publishTimer.start();
        ++m_stats.connectionsOpened;
        QJsonObject connected{{KeyConnectionId, id}};
        if (!connection->socket->protocol().isEmpty())
            connected.insert(QStringLiteral("protocol"), QString::fromUtf8(connection->socket->protocol()));
        emit pushRequested(EventConnected, connected);
        connection->towardBackendBytes = 0;
        for (const auto &[opcode, data] : std::exchange(connection->towardBackend, {})) {
            if (!m_connections.contains(id))
                return; // closed for overflowing meanwhile
            ++m_stats.framesToBackend;
            m_stats.bytesToBackend += data.size();
            connection->socket->send(opcode, data);
        }
    });
    connect(socket, &BackendWebSocket::failed, this, [this, id](const Problem &problem) {
        ++m_stats.connectionsFailed;
        emit pushRequested(EventError, {{KeyConnectionId, id}, {QStringLiteral("reason"), problem.englishText()}});
        finish(id, 0, {}, {}, problem);
    });
    connect(socket, &BackendWebSocket::closed, this, [this, id](int code, const QString &reason, const Problem &problem) {
        if (code == 1009)
            ++m_stats.closedOverLimit;
        emit pushRequested(EventClosed, {{KeyConnectionId, id},
                                         {QStringLiteral("code"), wireCloseCode(code)},
                                         {QStringLiteral("reason"), reason}});
        finish(id, code, reason, problem);
    });
    connect(socket, &BackendWebSocket::messageReceived, this,
            [this, connection](WsOpcode opcode, const QByteArray &data) { fromBackend(connection, opcode, data); });
    connect(socket, &BackendWebSocket::overflowed, this, [this, connection](qint64 queued) {
        closeOverLimit(connection, {Problem::Kind::WsBackendNotReading, {QString::number(queued)}});
    });
}

void WebSocketRelay::closeOverLimit(Connection *connection, const Problem &problem)
{
    ++m_stats.closedOverLimit;
    const QString reason = problem.englishText(); // the close frame's and ws_closed's words
    qCWarning(lcWsRelay).noquote() << reason;
    connection->socket->close(1009, reason);
    emit pushRequested(EventClosed, {{KeyConnectionId, connection->id}, {QStringLiteral("code"), 1009},
                                     {QStringLiteral("reason"), reason}});
    finish(connection->id, 1009, reason, problem);
}

qint64 WebSocketRelay::serverQueueCost(qint64 dataBytes)
{
    // ["join_ref","ref","telephone:<path id>","ws_frame",{"connection_id":"<uuid>","opcode":"binary","data":"…"}]
    constexpr qint64 Envelope = 160;
    return (dataBytes + 2) / 3 * 4 + Envelope;
}

void WebSocketRelay::frameHandedOver(const QString &connectionId, qint64 cost)
{
    Connection *connection = m_connections.value(connectionId);
    if (!connection)
        return; // finished meanwhile: nothing is counted any more
    connection->towardServerCost = qMax<qint64>(0, connection->towardServerCost - cost);
    // Hysteresis: resume well below the pause mark, not once per frame taken.
    if (connection->socket->isReadPaused() && connection->towardServerCost <= m_options.bufferBytes / 4)
        connection->socket->setReadPaused(false);
}

qint64 WebSocketRelay::queuedTowardServer(const QString &connectionId) const
{
    const Connection *connection = m_connections.value(connectionId);
    return connection ? connection->towardServerCost : 0;
}

qint64 WebSocketRelay::queuedTowardBackend(const QString &connectionId) const
{
    const Connection *connection = m_connections.value(connectionId);
    return connection ? connection->towardBackendBytes : 0;
}

void WebSocketRelay::fromBackend(Connection *connection, WsOpcode opcode, const QByteArray &data)
{
    // Messages arrive only after the upgrade, which sets `connected`; a held connection's early
    // ones are replayed by onConnect.
    Q_ASSERT(connection->connected);
    // Bounded per connection: the tunnel's socket queue is shared with every other connection and
    // HTTP response, so one connection whose frames the server does not take must not fill it.
    const qint64 cost = serverQueueCost(data.size());
    if (connection->towardServerCost + cost > m_options.bufferBytes) {
        // Short enough for a close frame (123 bytes): the backend reads it whole.
        closeOverLimit(connection, {Problem::Kind::WsServerNotTaking,
                                    {QString::number(connection->towardServerCost + cost),
                                     QString::number(m_options.bufferBytes)}});
        return;
    }
    ++m_stats.framesFromBackend;
    m_stats.bytesFromBackend += data.size();
    record(connection, WebSocketFrameRecord::FromBackend, opcode, data);
    connection->towardServerCost += cost;
    if (connection->towardServerCost >= m_options.bufferBytes / 2 && !connection->socket->isReadPaused()) {
        // Throttle before cutting off: the backend's writes block in TCP until the server catches up.
        ++m_stats.backendReadPauses;
        connection->socket->setReadPaused(true);
    }
    emit framePushRequested(connection->id,
                            {{KeyConnectionId, connection->id},
                             {QStringLiteral("opcode"), opcodeName(opcode)},
                             {QStringLiteral("data"), QString::fromLatin1(data.toBase64())}},
                            cost);
}

// ---------------------------------------------------------------------------------------------------
// ws_frame / ws_close from the browser

WebSocketRelay::Connection *WebSocketRelay::find(const QJsonObject &payload)
{
    Connection *connection = m_connections.value(payload.value(KeyConnectionId).toString());
    if (!connection) {
        ++m_stats.unknownConnectionIds;
        qCDebug(lcWsRelay) << "event for an unknown WebSocket connection: ignored";
    }
    return connection;
}

void WebSocketRelay::onFrame(const QJsonObject &payload)
{
    Connection *connection = find(payload);
    if (!connection)
        return;
    const std::optional<WsOpcode> opcode = parseOpcode(payload.value(QLatin1String("opcode")).toString());
    const auto decoded = QByteArray::fromBase64Encoding(payload.value(QLatin1String("data")).toString().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!opcode || !decoded) {
        ++m_stats.malformedEvents;
        qCWarning(lcWsRelay) << "ws_frame with an unknown opcode or data that is not base64: ignored";
        return;
    }
    // RFC 6455 5.5: a control frame carries at most 125 bytes; a longer one would break the backend's stream.
    if ((*opcode == WsOpcode::Ping || *opcode == WsOpcode::Pong) && decoded.decoded.size() > 125) {
        ++m_stats.malformedEvents;
        qCWarning(lcWsRelay) << "ws_frame ping/pong longer than 125 bytes: ignored";
        return;
    }
    record(connection, WebSocketFrameRecord::ToBackend, *opcode, decoded.decoded);
    if (!connection->socket->isOpen()) {
        connection->towardBackend.append({*opcode, decoded.decoded});
        connection->towardBackendBytes += decoded.decoded.size();
        if (connection->towardBackendBytes > m_options.bufferBytes)
            closeOverLimit(connection, {Problem::Kind::WsEarlyFramesOverflow});
        return;
    }
    ++m_stats.framesToBackend;
    m_stats.bytesToBackend += decoded.decoded.size();
    connection->socket->send(*opcode, decoded.decoded);
}

void WebSocketRelay::onClose(const QJsonObject &payload)
{
    Connection *connection = find(payload);
    if (!connection)
        return;
    const int code = wireCloseCode(payload.value(QLatin1String("code")).toInt(1000));
    const QString reason = payload.value(QLatin1String("reason")).toString();
    connection->socket->close(code, reason);
    finish(connection->id, code, reason);
}

void WebSocketRelay::record(Connection *connection, WebSocketFrameRecord::Direction direction, WsOpcode opcode,
                            const QByteArray &data)
{
    WebSocketSession &session = *connection->view.webSocket;
    if (direction == WebSocketFrameRecord::ToBackend) {
        ++session.framesToBackend;
        session.bytesToBackend += data.size();
    } else {
        ++session.framesFromBackend;
        session.bytesFromBackend += data.size();
    }
    WebSocketFrameRecord frame;
    frame.at = QDateTime::currentDateTimeUtc();
    frame.direction = direction;
    frame.opcode = rfcOpcode(opcode);
    frame.size = data.size();
    frame.data = data.left(WebSocketFrameRecord::DataCap);
    connection->keptFrameBytes += frame.data.size();
    session.frames.append(frame);
    // The newest frames are the interesting ones: drop the oldest past the caps.
    while (session.frames.size() > WebSocketSession::MaxFrames || connection->keptFrameBytes > Exchange::DisplayBodyCap) {
        connection->keptFrameBytes -= session.frames.constFirst().data.size();
        session.frames.removeFirst();
        ++session.framesDropped;
    }
    connection->dirty = true;
    if (!m_publishTimer.isActive())
        m_publishTimer.start();
}

void WebSocketRelay::publishDirty()
{
    for (Connection *connection : std::as_const(m_connections)) {
        if (std::exchange(connection->dirty, false))
            emit connectionUpdated(connection->view);
    }
}

void WebSocketRelay::publishClosed(Connection *connection, int code, const QString &reason,
                                   const Problem &closeProblem, const Problem &error)
{
    Exchange &view = connection->view;
    view.durationMs = qMax<qint64>(0, view.startedAt.msecsTo(QDateTime::currentDateTimeUtc()));
    view.webSocket->closeCode = code;
    view.webSocket->closeReason = reason;
    view.webSocket->closeProblem = closeProblem;
    view.error = error.englishText();
    view.problem = error;
    if (!error.isNone())
        view.status = 0;
    emit connectionClosed(view);
}

void WebSocketRelay::finish(const QString &connectionId, int code, const QString &reason, const Problem &closeProblem,
                            const Problem &error)
{
    Connection *connection = m_connections.take(connectionId);
    if (!connection)
        return;
    publishClosed(connection, code, reason, closeProblem, error);
    connection->socket->disconnect(this);
    // A socket closed with a close frame finishes its handshake on its own; deleting it later
    // lets that frame go out.
    QTimer::singleShot(5000, connection->socket, &QObject::deleteLater);
    connect(connection->socket, &BackendWebSocket::closed, connection->socket, &QObject::deleteLater);
    connect(connection->socket, &BackendWebSocket::failed, connection->socket, &QObject::deleteLater);
    delete connection;
}

void WebSocketRelay::closeAll(int code, const Problem &problem)
{
    const QString reason = problem.englishText();
    for (Held *held : std::exchange(m_held, {})) {
        held->socket->disconnect(this);
        held->socket->close(code, reason);
        held->socket->abort();
        held->socket->deleteLater();
        delete held;
    }
    const QList<QString> ids = m_connections.keys();
    for (const QString &id : ids) {
        Connection *connection = m_connections.take(id);
        publishClosed(connection, code, reason, problem);
        connection->socket->disconnect(this);
        connection->socket->close(code, reason);
        connection->socket->deleteLater();
        delete connection;
    }
}

} // namespace telephone
