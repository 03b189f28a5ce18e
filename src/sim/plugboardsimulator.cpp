#include "sim/plugboardsimulator.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStringDecoder>
#include <QTcpSocket>
#include <QTimerEvent>
#include <QUrlQuery>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

#include <sys/socket.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <optional>

namespace {

// The simulator reads and writes frames with QJsonDocument, never with the engine's codec: a test
// world that shared the client's parser could not catch that parser's bugs.
QString refText(const QJsonValue &value)
{
    return value.isString() ? value.toString() : QString();
}

std::optional<telephone::sim::Frame> readFrame(const QString &text, const char **problem)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isArray()) {
        *problem = "not a JSON array";
        return std::nullopt;
    }
    const QJsonArray array = document.array();
    if (array.size() != 5 || !array.at(2).isString() || !array.at(3).isString() || !array.at(4).isObject()
        || !(array.at(0).isString() || array.at(0).isNull()) || !(array.at(1).isString() || array.at(1).isNull())) {
        *problem = "not a [join_ref, ref, topic, event, payload] frame";
        return std::nullopt;
    }
    return telephone::sim::Frame{refText(array.at(0)), refText(array.at(1)), array.at(2).toString(),
                            array.at(3).toString(), array.at(4).toObject()};
}

QByteArray writeFrame(const telephone::sim::Frame &frame)
{
    const auto ref = [](const QString &r) { return r.isEmpty() ? QJsonValue() : QJsonValue(r); };
    return QJsonDocument(QJsonArray{ref(frame.joinRef), ref(frame.ref), frame.topic, frame.event, frame.payload})
        .toJson(QJsonDocument::Compact);
}

} // namespace

namespace telephone::sim {

Q_LOGGING_CATEGORY(lcSimulator, "telephone.sim.plugboardsimulator")

namespace {

const QString kTopicPrefix = QStringLiteral("telephone:");

QByteArray tokenHash(const QString &token)
{
    return QCryptographicHash::hash(token.toLatin1(), QCryptographicHash::Sha256);
}

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// Framing is the server's job: the telephone's copies of these describe a connection that is not the
// one to the HTTP caller.
bool isDroppedResponseHeader(const QString &lowerName)
{
    static const QSet<QString> dropped{
        QStringLiteral("connection"),        QStringLiteral("keep-alive"), QStringLiteral("proxy-connection"),
        QStringLiteral("te"),                QStringLiteral("trailer"),    QStringLiteral("transfer-encoding"),
        QStringLiteral("upgrade"),           QStringLiteral("content-length")};
    return dropped.contains(lowerName);
}

bool isSafeHeaderText(const QByteArray &text)
{
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

std::optional<QByteArray> decodeBodyText(const QJsonValue &value, bool base64)
{
    if (value.isUndefined() || value.isNull())
        return QByteArray();
    if (!value.isString())
        return std::nullopt;
    if (!base64)
        return value.toString().toUtf8();
    auto decoded = QByteArray::fromBase64Encoding(value.toString().toLatin1(),
                                                  QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

} // namespace

const QByteArray PlugboardSimulator::ReferenceSocketPath = QByteArrayLiteral("/socket/websocket");
const QByteArray PlugboardSimulator::DeployedSocketPath = QByteArrayLiteral("/telephone/websocket");

struct PlugboardSimulator::Client {
    QWebSocket *socket = nullptr;
    QString pathId; ///< assigned at connect from the token record
    QString jti;
    QString topic;
    QString joinRef;
    bool joined = false;
    qint64 lastHeartbeatMs = 0;
    qint64 lastInboundMs = 0; ///< any message at all, for the socket's idle timeout
    int heartbeatTimerId = 0;
    QSet<QString> waiting; ///< request_ids pushed to this client and not answered yet
};

namespace {

WebSocketFront::Channel channelOf(const void *client)
{
    return reinterpret_cast<WebSocketFront::Channel>(client);
}

} // namespace

PlugboardSimulator::PlugboardSimulator(QObject *parent)
    : QObject(parent),
      m_http(new HttpServer(this)),
      m_wsServer(new QWebSocketServer(QStringLiteral("plugboard-sim"), QWebSocketServer::NonSecureMode, this))
{
    m_clock.start();
    m_http->setHandler([this](const HttpRequest &request, HttpResponder *responder) {
        onHttpRequest(request, responder);
    });
    m_http->setUpgradeHandler([this](const HttpRequest &request, QTcpSocket *socket) {
        return onUpgrade(request, socket);
    });
    connect(m_wsServer, &QWebSocketServer::newConnection, this, &PlugboardSimulator::onNewWebSocket);
    m_wsFront = new WebSocketFront([this](WebSocketFront::Channel channel, const QString &event, const QJsonObject &payload) {
        // The key is a Client of ours; one that left has had its browsers closed already.
        for (const auto &entry : m_clients) {
            if (channelOf(entry.second.get()) == channel && entry.second->joined) {
                push(entry.second.get(), event, payload);
                return;
            }
        }
    }, this);
}

PlugboardSimulator::~PlugboardSimulator()
{
    // Sockets must not call back into a half-destroyed simulator while QObject deletes its children.
    for (auto &entry : m_clients) {
        entry.first->disconnect(this);
        entry.first->abort();
    }
}

bool PlugboardSimulator::listen(const QHostAddress &address, quint16 port)
{
    if (!m_http->listen(address, port))
        return false;
    m_lastPort = m_http->port();
    qCInfo(lcSimulator) << "Plugboard simulator listening on port" << m_lastPort;
    return true;
}

bool PlugboardSimulator::isListening() const
{
    return m_http->isListening();
}

quint16 PlugboardSimulator::port() const
{
    return m_http->isListening() ? m_http->port() : m_lastPort;
}

QUrl PlugboardSimulator::socketUrl() const
{
    QUrl url = baseUrl();
    url.setPath(QString::fromLatin1(m_serveReferencePath || !m_serveDeployedPath ? ReferenceSocketPath
                                                                                  : DeployedSocketPath));
    return url;
}

QUrl PlugboardSimulator::baseUrl() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port()));
}

void PlugboardSimulator::setSocketPaths(bool reference, bool deployed)
{
    m_serveReferencePath = reference;
    m_serveDeployedPath = deployed;
}

bool PlugboardSimulator::servesSocketAt(const QByteArray &path) const
{
    return (m_serveReferencePath && path == ReferenceSocketPath) || (m_serveDeployedPath && path == DeployedSocketPath);
}

void PlugboardSimulator::setSocketIdleTimeoutMs(int ms)
{
    m_socketIdleTimeoutMs = ms;
    if (m_idleCheckTimerId)
        killTimer(m_idleCheckTimerId);
    m_idleCheckTimerId = ms > 0 ? startTimer(std::max(ms / 10, 10)) : 0;
}

void PlugboardSimulator::closeIdleSockets()
{
    QList<QWebSocket *> idle;
    for (const auto &entry : m_clients) {
        if (m_clock.elapsed() - entry.second->lastInboundMs > m_socketIdleTimeoutMs)
            idle.append(entry.first);
    }
    for (QWebSocket *socket : idle) {
        ++m_idleClosed;
        qCInfo(lcSimulator) << "closing a socket that sent nothing for" << m_socketIdleTimeoutMs << "ms";
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("idle"));
    }
}

QUrl PlugboardSimulator::httpUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

void PlugboardSimulator::close()
{
    m_http->close();
    m_http->abortAllConnections();
    // Handshakes still in progress inside QWebSocketServer die too, as they would in a crash.
    const auto handshaking = m_wsServer->findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : handshaking)
        socket->abort();
    kickAll(true);
}

// ---------------------------------------------------------------------------------------------------
// Database

QString PlugboardSimulator::addMount(const QString &mountPath)
{
    QString normalized = mountPath.startsWith(QLatin1Char('/')) ? mountPath : QLatin1Char('/') + mountPath;
    while (normalized.size() > 1 && normalized.endsWith(QLatin1Char('/')))
        normalized.chop(1);
    const QByteArray key = normalized.toUtf8();
    if (const auto it = m_pathIdByMount.constFind(key); it != m_pathIdByMount.constEnd())
        return it.value();
    const QString pathId = newUuid();
    m_pathIdByMount.insert(key, pathId);
    m_mountPathById.insert(pathId, normalized);
    return pathId;
}

QString PlugboardSimulator::pathIdOf(const QString &mountPath) const
{
    return m_pathIdByMount.value(mountPath.toUtf8());
}

QString PlugboardSimulator::mintToken(const QString &pathId, int ttlSecs, qint64 iat)
{
    if (iat < 0)
        iat = nowSecs();
    const QString jti = newUuid();
    const QJsonObject claims{{QStringLiteral("path_id"), pathId},
                             {QStringLiteral("sub"), QStringLiteral("sim-user")},
                             {QStringLiteral("jti"), jti},
                             {QStringLiteral("iat"), iat},
                             {QStringLiteral("exp"), iat + ttlSecs}};
    const QString token = m_minter.mint(claims);
    m_tokens.insert(jti, TokenRecord{pathId, claims, tokenHash(token), false});
    return token;
}

QString PlugboardSimulator::jtiOf(const QString &token) const
{
    const auto claims = m_minter.verify(token);
    return claims ? claims->value(QStringLiteral("jti")).toString() : QString();
}

void PlugboardSimulator::revokeToken(const QString &jti)
{
    if (auto it = m_tokens.find(jti); it != m_tokens.end())
        it->revoked = true;
}

void PlugboardSimulator::revokeAllTokens()
{
    for (auto &record : m_tokens)
        record.revoked = true;
}

void PlugboardSimulator::reassignToken(const QString &jti, const QString &otherPathId)
{
    if (auto it = m_tokens.find(jti); it != m_tokens.end())
        it->pathId = otherPathId;
}

QString PlugboardSimulator::addServiceAccount(const QString &pathId)
{
    const QString key = QStringLiteral("sa_live_") + QUuid::createUuid().toString(QUuid::Id128);
    m_serviceAccounts.insert(key, ServiceAccount{pathId, false});
    return key;
}

void PlugboardSimulator::revokeServiceAccount(const QString &key)
{
    if (auto it = m_serviceAccounts.find(key); it != m_serviceAccounts.end())
        it->revoked = true;
}

void PlugboardSimulator::bindServiceAccount(const QString &key, const QString &pathId)
{
    if (auto it = m_serviceAccounts.find(key); it != m_serviceAccounts.end())
        it->pathId = pathId;
}

void PlugboardSimulator::setMaxRequestBodySize(qint64 bytes)
{
    m_http->setMaxBodySize(bytes);
}

int PlugboardSimulator::joinedClients(const QString &pathId) const
{
    if (!pathId.isEmpty())
        return int(m_joinedByPath.value(pathId).size());
    int count = 0;
    for (const auto &clients : m_joinedByPath)
        count += int(clients.size());
    return count;
}

qint64 PlugboardSimulator::nowSecs() const
{
    return QDateTime::currentSecsSinceEpoch() + m_clockOffsetSecs;
}

// ---------------------------------------------------------------------------------------------------
// Connect (the WebSocket upgrade)

PlugboardSimulator::Authorization PlugboardSimulator::authorize(const QByteArray &target) const
{
    const qsizetype mark = target.indexOf('?');
    const QUrlQuery query(mark < 0 ? QString() : QString::fromUtf8(target.mid(mark + 1)));
    const QString token = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    if (token.isEmpty())
        return {QStringLiteral("missing_token"), {}};
    if (query.queryItemValue(QStringLiteral("vsn")) != QLatin1String("2.0.0"))
        return {QStringLiteral("unsupported_vsn"), {}};
    TokenMinter::VerifyError error = TokenMinter::VerifyError::None;
    const auto claims = m_minter.verify(token, &error);
    if (!claims)
        return {QString::fromLatin1(TokenMinter::errorName(error)), {}};
    const QJsonValue exp = claims->value(QStringLiteral("exp"));
    if (!exp.isDouble() || exp.toInteger() <= nowSecs())
        return {QStringLiteral("expired"), {}};
    const QString jti = claims->value(QStringLiteral("jti")).toString();
    const auto it = m_tokens.constFind(jti);
    if (it == m_tokens.constEnd())
        return {QStringLiteral("unknown_token"), jti};
    if (it->revoked)
        return {QStringLiteral("revoked"), jti};
    if (it->tokenHash != tokenHash(token))
        return {QStringLiteral("superseded"), jti};
    if (!m_mountPathById.contains(it->pathId))
        return {QStringLiteral("path_not_found"), jti};
    return {{}, jti};
}

bool PlugboardSimulator::onUpgrade(const HttpRequest &request, QTcpSocket *socket)
{
    if (request.path() == "/call" || request.path().startsWith("/call/")) {
        // A browser WebSocket through a telephone (websocketfront).
        const Route target = route(request.path());
        if (target.client) {
            m_wsFront->acceptBrowser(request, socket, channelOf(target.client), target.forwarded);
        } else {
            socket->setParent(m_wsFront);
            WebSocketFront::refuse(socket, target.status, target.reason);
        }
        return true;
    }
    if (!servesSocketAt(request.path()) || !authorize(request.target).reason.isEmpty())
        return false; // answered by onHttpRequest (404 / 403)
    if (m_dropAtOnce) {
        ++m_droppedAtOnce;
        socket->setParent(this);
        socket->abort();
        socket->deleteLater();
        return true;
    }
    ++m_upgradesAccepted;
    socket->setParent(m_wsServer);
    m_upgradedTcp.removeAll(nullptr);
    m_upgradedTcp.append(socket);
    // The handshake is still unread in the socket (HttpServer only peeked at it). Qt 6.4's
    // handleConnection() copes: it emits readyRead itself when bytes are already available, so no
    // kick is needed (test_simulator's upgradeHandoverWithBufferedHandshake checks this).
    m_wsServer->handleConnection(socket);
    return true;
}

void PlugboardSimulator::refuseUpgrade(const HttpRequest &request, HttpResponder *responder)
{
    const HttpHeaders headers{{"content-type", "text/plain"}, {"connection", "close"}};
    if (!request.hasHeader("upgrade")) {
        responder->respond(400, headers, "WebSocket upgrade required\n");
        return;
    }
    const Authorization auth = authorize(request.target);
    const QString reason = auth.reason.isEmpty() ? QStringLiteral("bad_upgrade") : auth.reason;
    ++m_upgradesRefused;
    // Phoenix answers a connect/3 :error with a bare 403; the reason only goes to our log, never the token.
    qCInfo(lcSimulator) << "refusing WebSocket upgrade:" << reason;
    responder->respond(403, headers, {});
    emit upgradeRefused(reason);
}

void PlugboardSimulator::onNewWebSocket()
{
    while (m_wsServer->hasPendingConnections()) {
        QWebSocket *socket = m_wsServer->nextPendingConnection();
        socket->setParent(this);
        // The assigns are taken again from the token: authorize() ran on the same bytes at the upgrade.
        const QUrlQuery query(socket->requestUrl());
        const QString jti = jtiOf(query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded));
        const auto record = m_tokens.constFind(jti);
        if (jti.isEmpty() || record == m_tokens.constEnd()) {
            qCWarning(lcSimulator) << "handshake completed for a token that no longer verifies";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto client = std::make_unique<Client>();
        client->socket = socket;
        client->pathId = record->pathId;
        client->jti = jti;
        client->lastInboundMs = m_clock.elapsed();
        Client *raw = client.get();
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, raw](const QString &text) { onTextMessage(raw, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this,
                [this](const QByteArray &) { noteMalformed("binary_message"); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { onClientDisconnected(socket); });
        m_clients.emplace(socket, std::move(client));
        emit clientConnected();
    }
}

void PlugboardSimulator::onClientDisconnected(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    // Out of the map first: a slot on clientLeft may call close() or kickAll() and come back here.
    std::unique_ptr<Client> client = std::move(it->second);
    m_clients.erase(it);
    m_lastClientCloseCode = socket->closeCode();
    socket->disconnect(this);
    socket->deleteLater();
    leaveChannel(client.get(), QStringLiteral("closed"));
}

// ---------------------------------------------------------------------------------------------------
// Channel

void PlugboardSimulator::noteMalformed(const char *kind)
{
    ++m_malformedFrames;
    if (!m_malformedKindsLogged.contains(kind)) {
        m_malformedKindsLogged.insert(kind);
        qCInfo(lcSimulator) << "malformed frame from a client (logged once per kind):" << kind;
    }
}

void PlugboardSimulator::send(Client *client, const Frame &frame)
{
    client->socket->sendTextMessage(QString::fromUtf8(writeFrame(frame)));
}

void PlugboardSimulator::push(Client *client, const QString &event, const QJsonObject &payload)
{
    send(client, Frame{m_pushesCarryJoinRef ? client->joinRef : QString(), QString(), client->topic, event, payload});
}

void PlugboardSimulator::reply(Client *client, const Frame &to, const QString &status, const QJsonObject &response)
{
    send(client, Frame{to.joinRef, to.ref, to.topic, QStringLiteral("phx_reply"),
                       QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("response"), response}}});
}

void PlugboardSimulator::onTextMessage(Client *client, const QString &text)
{
    client->lastInboundMs = m_clock.elapsed();
    const char *malformed = "";
    const std::optional<Frame> decoded = readFrame(text, &malformed);
    if (!decoded) {
        noteMalformed(malformed);
        return;
    }
    const Frame &frame = *decoded;
    const QPointer<QWebSocket> guard = client->socket;
    emit frameReceived(frame);
    if (!guard || m_clients.find(guard.data()) == m_clients.end())
        return; // a slot closed the simulator

    if (frame.topic == QLatin1String("phoenix")) {
        // Phoenix's own socket-level heartbeat: always answered, whatever the channel does.
        if (frame.event == QLatin1String("heartbeat"))
            reply(client, frame, QStringLiteral("ok"), {});
        return;
    }
    if (frame.event == QLatin1String("phx_join")) {
        handleJoin(client, frame);
        return;
    }
    if (!client->joined || frame.topic != client->topic) {
        reply(client, frame, QStringLiteral("error"), {{QStringLiteral("reason"), QStringLiteral("unmatched topic")}});
        return;
    }
    if (frame.event == QLatin1String("proxy_res"))
        handleProxyResponse(client, frame);
    else if (frame.event == QLatin1String("heartbeat"))
        handleHeartbeat(client, frame);
    else if (frame.event == QLatin1String("refresh_token"))
        handleRefresh(client, frame);
    else if (frame.event == QLatin1String("phx_leave"))
        handleLeave(client, frame);
    else if (m_wsFront->handleEvent(channelOf(client), frame.event, frame.payload))
        return;
    else
        qCDebug(lcSimulator) << "ignoring unknown event" << frame.event;
}

void PlugboardSimulator::handleJoin(Client *client, const Frame &frame)
{
    if (!frame.topic.startsWith(kTopicPrefix)) {
        reply(client, frame, QStringLiteral("error"), {{QStringLiteral("reason"), QStringLiteral("unmatched topic")}});
        return;
    }
    if (m_ignoreJoins)
        return;
    if (client->joined) {
        // Phoenix closes the running channel on a duplicate join before it joins again.
        const QPointer<QWebSocket> guard = client->socket;
        send(client, Frame{client->joinRef, QString(), client->topic, QStringLiteral("phx_close"), {}});
        leaveChannel(client, QStringLiteral("rejoin"));
        if (!guard || m_clients.find(guard.data()) == m_clients.end())
            return;
    }
    const QString pathId = frame.topic.mid(kTopicPrefix.size());
    if (!m_joinFails.isEmpty()) {
        ++m_joinsRefused;
        reply(client, frame, QStringLiteral("error"), {{QStringLiteral("reason"), m_joinFails}});
        return;
    }
    if (pathId != client->pathId) {
        reply(client, frame, QStringLiteral("error"),
              {{QStringLiteral("reason"), QStringLiteral("path_id_mismatch")}});
        return;
    }
    client->joined = true;
    client->topic = frame.topic;
    client->joinRef = frame.joinRef;
    client->lastHeartbeatMs = m_clock.elapsed();
    // Like the channel's :check_heartbeat message: one check per timeout period.
    client->heartbeatTimerId = startTimer(m_heartbeatTimeoutMs);
    m_heartbeatTimers.insert(client->heartbeatTimerId, client);
    m_joinedByPath[pathId].append(client);
    ++m_joins;

    QJsonObject response{{QStringLiteral("status"), QStringLiteral("ok")},
                         {QStringLiteral("path"), m_mountPathById.value(pathId)},
                         {QStringLiteral("expires_in"), m_joinExpiresIn}};
    QJsonArray features;
    if (m_featureBodyBase64)
        features.append(QStringLiteral("body_base64"));
    if (m_featureMultiValueHeaders)
        features.append(QStringLiteral("multi_value_headers"));
    if (!features.isEmpty())
        response.insert(QStringLiteral("features"), features);
    reply(client, frame, QStringLiteral("ok"), response);
    emit clientJoined(pathId);
}

void PlugboardSimulator::handleHeartbeat(Client *client, const Frame &frame)
{
    ++m_heartbeatsReceived;
    client->lastHeartbeatMs = m_clock.elapsed();
    if (!m_heartbeatAcks)
        return;
    QJsonObject ack;
    if (frame.payload.contains(QStringLiteral("ts")))
        ack.insert(QStringLiteral("ts"), frame.payload.value(QStringLiteral("ts")));
    push(client, QStringLiteral("heartbeat_ack"), ack);
}

void PlugboardSimulator::handleRefresh(Client *client, const Frame &frame)
{
    ++m_refreshRequests;
    auto error = [&](const QString &reason) {
        reply(client, frame, QStringLiteral("error"), {{QStringLiteral("reason"), reason}});
    };
    if (!m_refreshFails.isEmpty()) {
        error(m_refreshFails);
        return;
    }
    if (m_refreshStyle == RefreshReplyStyle::OkWithoutToken) {
        reply(client, frame, QStringLiteral("ok"), {});
        return;
    }
    const auto it = m_tokens.find(client->jti);
    if (it == m_tokens.end() || it->revoked) {
        error(QStringLiteral("token_revoked"));
        return;
    }
    QJsonObject claims = it->claims;
    // Same claims with a new iat/exp. Two refreshes within one second would otherwise mint the very
    // same token, and "the old one stops working" could not hold.
    const qint64 iat = qMax(nowSecs(), claims.value(QStringLiteral("iat")).toInteger() + 1);
    claims.insert(QStringLiteral("iat"), iat);
    claims.insert(QStringLiteral("exp"), iat + m_tokenTtlSecs);
    const QString token = m_minter.mint(claims);
    it->claims = claims;
    it->tokenHash = tokenHash(token);

    const QJsonObject answer{{QStringLiteral("token"), token}, {QStringLiteral("expires_in"), m_tokenTtlSecs}};
    if (m_refreshStyle == RefreshReplyStyle::PhxReply)
        reply(client, frame, QStringLiteral("ok"), answer);
    else
        push(client, QStringLiteral("refresh_token_ack"), answer);
    emit tokenRefreshed(client->jti, token);
}

void PlugboardSimulator::handleLeave(Client *client, const Frame &frame)
{
    ++m_leavesReceived;
    reply(client, frame, QStringLiteral("ok"), {});
    leaveChannel(client, QStringLiteral("leave"));
}

void PlugboardSimulator::leaveChannel(Client *client, const QString &reason)
{
    if (!client->joined)
        return;
    client->joined = false;
    if (client->heartbeatTimerId) {
        killTimer(client->heartbeatTimerId);
        m_heartbeatTimers.remove(client->heartbeatTimerId);
        client->heartbeatTimerId = 0;
    }
    m_wsFront->channelEnded(channelOf(client));
    auto joined = m_joinedByPath.find(client->pathId);
    if (joined != m_joinedByPath.end()) {
        joined->removeOne(client);
        if (joined->isEmpty())
            m_joinedByPath.erase(joined);
    }
    // What the channel's terminate/2 does: every waiting caller learns at once, no timeout.
    const QSet<QString> waiting = std::exchange(client->waiting, {});
    for (const QString &requestId : waiting)
        failPending(requestId, 502, QStringLiteral("Bad Gateway - Telephone disconnected during request"));
    const QString pathId = client->pathId;
    emit clientLeft(pathId, reason);
}

// ---------------------------------------------------------------------------------------------------
// HTTP front

void PlugboardSimulator::onHttpRequest(const HttpRequest &request, HttpResponder *responder)
{
    const QByteArray path = request.path();
    if (servesSocketAt(path)) {
        refuseUpgrade(request, responder);
        return;
    }
    if (path == "/call" || path.startsWith("/call/")) {
        proxy(request, responder);
        return;
    }
    if (path == "/api/token-vending/generate" && request.method == "POST") {
        vendToken(request, responder);
        return;
    }
    sendError(responder, 404, QStringLiteral("Not Found"), {{QStringLiteral("path"), QString::fromUtf8(path)}});
}

// As PROTOCOL.md describes the deployed server: 201 {token, token_id, path, expires_at, expires_in};
// 401 {error}; 403 {error, allowed_path_id, requested_path_id}; 422 {error}.
void PlugboardSimulator::vendToken(const HttpRequest &request, HttpResponder *responder)
{
    ++m_vendRequests;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    m_lastVendRequest = document.object();
    const auto answer = [&](int status, const QJsonObject &body) {
        responder->respond(status, {{"content-type", "application/json"}},
                           QJsonDocument(body).toJson(QJsonDocument::Compact));
        emit vendRequested(status, body.value(QLatin1String("token")).toString());
    };
    const auto error = [&](int status, const QString &text, QJsonObject extra = {}) {
        extra.insert(QStringLiteral("error"), text);
        answer(status, extra);
    };
    if (m_vendingFailure != 0)
        return error(m_vendingFailure, QStringLiteral("service unavailable"));

    const QByteArray authorization = request.header("authorization");
    if (!authorization.startsWith("Bearer "))
        return error(401, QStringLiteral("missing service account key"));
    const QString key = QString::fromUtf8(authorization.mid(7)).trimmed();
    if (!key.startsWith(QLatin1String("sa_live_")))
        return error(401, QStringLiteral("malformed service account key"));
    const auto account = m_serviceAccounts.constFind(key);
    if (account == m_serviceAccounts.constEnd() || account->revoked)
        return error(401, QStringLiteral("invalid or revoked service account key"));

    if (!request.body.trimmed().isEmpty() && (parseError.error != QJsonParseError::NoError || !document.isObject()))
        return error(422, QStringLiteral("the body must be a JSON object"));
    const QJsonObject body = document.object();
    for (const char *field : {"path_id", "description", "instance_id"}) {
        const QJsonValue value = body.value(QLatin1String(field));
        if (!value.isUndefined() && !value.isNull() && !value.isString())
            return error(422, QStringLiteral("%1 must be a string").arg(QLatin1String(field)));
    }
    const QString requested = body.value(QLatin1String("path_id")).toString();
    if (!requested.isEmpty() && requested != account->pathId)
        return error(403, QStringLiteral("service account is not allowed to access this path"),
                     {{QStringLiteral("allowed_path_id"), account->pathId},
                      {QStringLiteral("requested_path_id"), requested}});
    if (!m_mountPathById.contains(account->pathId))
        return error(422, QStringLiteral("the service account's path no longer exists"));

    const QString token = mintToken(account->pathId, m_vendedTokenTtlSecs);
    const QString jti = jtiOf(token);
    const qint64 exp = m_tokens.value(jti).claims.value(QStringLiteral("exp")).toInteger();
    ++m_tokensVended;
    answer(201, {{QStringLiteral("token"), token},
                 {QStringLiteral("token_id"), jti},
                 {QStringLiteral("path"), m_mountPathById.value(account->pathId)},
                 {QStringLiteral("expires_at"), QDateTime::fromSecsSinceEpoch(exp, Qt::UTC).toString(Qt::ISODate)},
                 {QStringLiteral("expires_in"), m_vendedTokenTtlSecs}});
}

void PlugboardSimulator::sendError(HttpResponder *responder, int status, const QString &reason,
                                   const QJsonObject &details)
{
    if (!responder)
        return;
    const QJsonObject body{{QStringLiteral("error"), true},
                           {QStringLiteral("reason"), reason},
                           {QStringLiteral("details"), details}};
    responder->respond(status, {{"content-type", "application/json"}},
                       QJsonDocument(body).toJson(QJsonDocument::Compact));
}

PlugboardSimulator::Route PlugboardSimulator::route(const QByteArray &fullPath)
{
    Route route;
    const QByteArray rest = fullPath.mid(5); // after "/call": "" or "/..."
    route.lookup = rest.isEmpty() ? QByteArray("/") : rest;
    const QByteArray &lookup = route.lookup;
    QByteArray &forwarded = route.forwarded;

    // Longest-prefix match on whole segments, by walking up the path: O(depth) hash lookups.
    QString pathId;
    QByteArray probe = lookup;
    while (true) {
        if (const auto it = m_pathIdByMount.constFind(probe); it != m_pathIdByMount.constEnd()) {
            pathId = it.value();
            forwarded = probe == "/" ? lookup : lookup.mid(probe.size());
            break;
        }
        if (probe == "/")
            break;
        const qsizetype slash = probe.lastIndexOf('/');
        probe = slash <= 0 ? QByteArray("/") : probe.left(slash);
    }
    if (pathId.isEmpty()) {
        route.status = 404;
        route.reason = QStringLiteral("No mount point found for path");
        return route;
    }
    if (forwarded.isEmpty())
        forwarded = "/";

    const auto joined = m_joinedByPath.constFind(pathId);
    if (joined == m_joinedByPath.constEnd() || joined->isEmpty()) {
        route.status = 503;
        route.reason = QStringLiteral("No telephone available for this path");
        return route;
    }
    route.client = joined->at(qsizetype(m_roundRobin[pathId]++ % quint64(joined->size())));
    return route;
}

void PlugboardSimulator::proxy(const HttpRequest &request, HttpResponder *responder)
{
    const Route target = route(request.path());
    const QByteArray &lookup = target.lookup;
    const QByteArray &forwarded = target.forwarded;
    const QJsonObject details{{QStringLiteral("path"), QString::fromUtf8(lookup)}};
    if (!target.client) {
        sendError(responder, target.status, target.reason, details);
        return;
    }
    Client *client = target.client;

    QJsonObject payload;
    if (!request.body.isEmpty()) {
        // Keep a BOM as bytes: the decoder would otherwise eat it and the body would change.
        QStringDecoder decoder(QStringDecoder::Utf8,
                               QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
        QString text = decoder.decode(request.body);
        if (!decoder.hasError()) {
            payload.insert(QStringLiteral("body"), std::move(text));
        } else if (m_featureBodyBase64) {
            payload.insert(QStringLiteral("body"), QString::fromLatin1(request.body.toBase64()));
            payload.insert(QStringLiteral("body_encoding"), QStringLiteral("base64"));
        } else {
            qCWarning(lcSimulator) << "request body is not UTF-8 and body_base64 is off: answering 502";
            sendError(responder, 502, QStringLiteral("request body is binary and cannot be carried"), details);
            return;
        }
    } else {
        payload.insert(QStringLiteral("body"), QString(QLatin1String("")));
    }

    QJsonObject headers;
    for (const auto &field : request.headers) {
        const QString name = QString::fromLatin1(field.first).toLower();
        const QString value = QString::fromUtf8(field.second);
        const auto existing = headers.constFind(name);
        if (existing == headers.constEnd())
            headers.insert(name, value);
        else
            headers.insert(name, existing->toString() + QStringLiteral(", ") + value);
    }

    const QString requestId = newUuid();
    payload.insert(QStringLiteral("request_id"), requestId);
    payload.insert(QStringLiteral("method"), QString::fromLatin1(request.method));
    payload.insert(QStringLiteral("path"), QString::fromUtf8(forwarded));
    payload.insert(QStringLiteral("headers"), headers);
    payload.insert(QStringLiteral("query_string"), QString::fromUtf8(request.query()));

    Pending pending;
    pending.responder = responder;
    pending.client = client;
    pending.detailsPath = QString::fromUtf8(lookup);
    pending.timerId = startTimer(m_requestTimeoutMs);
    m_requestTimers.insert(pending.timerId, requestId);
    m_pending.insert(requestId, pending);
    client->waiting.insert(requestId);
    ++m_proxyRequests;
    push(client, QStringLiteral("proxy_req"), payload);
}

bool PlugboardSimulator::takePending(const QString &requestId, Pending *out)
{
    const auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return false;
    *out = it.value();
    m_pending.erase(it);
    killTimer(out->timerId);
    m_requestTimers.remove(out->timerId);
    if (out->client)
        out->client->waiting.remove(requestId);
    return true;
}

void PlugboardSimulator::failPending(const QString &requestId, int status, const QString &reason)
{
    Pending pending;
    if (!takePending(requestId, &pending))
        return;
    sendError(pending.responder, status, reason, {{QStringLiteral("path"), pending.detailsPath}});
}

void PlugboardSimulator::handleProxyResponse(Client *client, const Frame &frame)
{
    const QJsonObject &p = frame.payload;
    const QString requestId = p.value(QStringLiteral("request_id")).toString();
    const auto it = m_pending.constFind(requestId);
    if (requestId.isEmpty() || it == m_pending.constEnd() || it->client != client) {
        // The channel's waiting_callers has no such caller: late, duplicate or foreign. Ignored.
        ++m_lateResponses;
        qCDebug(lcSimulator) << "proxy_res for no waiting request ignored";
        return;
    }
    Pending pending;
    takePending(requestId, &pending);
    const QJsonObject details{{QStringLiteral("path"), pending.detailsPath}};
    auto telephoneError = [&](const char *why) {
        qCWarning(lcSimulator) << "malformed proxy_res:" << why;
        sendError(pending.responder, 502, QStringLiteral("Bad Gateway - Telephone error"), details);
    };

    const QJsonValue statusValue = p.value(QStringLiteral("status"));
    const int status = statusValue.toInt(-1);
    if (!statusValue.isDouble() || double(status) != statusValue.toDouble() || status < 200 || status > 599) {
        telephoneError("bad status");
        return;
    }

    HttpHeaders headers;
    const QJsonValue headersValue = p.value(QStringLiteral("headers"));
    if (!headersValue.isUndefined() && !headersValue.isNull() && !headersValue.isObject()) {
        telephoneError("headers not an object");
        return;
    }
    const QJsonObject headerObject = headersValue.toObject();
    for (auto h = headerObject.constBegin(); h != headerObject.constEnd(); ++h) {
        const QByteArray name = h.key().toUtf8();
        if (name.isEmpty() || !isSafeHeaderText(name) || name.contains(':') || name.contains(' ')) {
            telephoneError("bad header name");
            return;
        }
        if (isDroppedResponseHeader(h.key().toLower()))
            continue;
        QJsonArray values;
        if (h.value().isString())
            values.append(h.value());
        else if (h.value().isArray() && m_featureMultiValueHeaders)
            values = h.value().toArray();
        else {
            telephoneError("header value not a string");
            return;
        }
        for (const QJsonValue &value : values) {
            const QByteArray bytes = value.toString().toUtf8();
            if (!value.isString() || !isSafeHeaderText(bytes)) {
                telephoneError("bad header value");
                return;
            }
            headers.append({name, bytes});
        }
    }

    const QString encoding = p.value(QStringLiteral("body_encoding")).toString();
    const bool base64 = encoding == QLatin1String("base64") && m_featureBodyBase64;
    if (!encoding.isEmpty() && !base64)
        qCWarning(lcSimulator) << "proxy_res body_encoding" << encoding << "not offered: body sent as text";

    if (p.value(QStringLiteral("chunked")).toBool()) {
        const QJsonValue chunksValue = p.value(QStringLiteral("chunks"));
        if (!chunksValue.isArray()) {
            telephoneError("chunked without chunks");
            return;
        }
        QList<QByteArray> chunks;
        const QJsonArray array = chunksValue.toArray();
        chunks.reserve(array.size());
        for (const QJsonValue &chunk : array) {
            auto bytes = decodeBodyText(chunk, base64);
            if (!bytes || !chunk.isString()) {
                telephoneError("bad chunk");
                return;
            }
            chunks.append(std::move(*bytes));
        }
        if (pending.responder)
            pending.responder->respondChunked(status, headers, chunks);
        return;
    }
    auto body = decodeBodyText(p.value(QStringLiteral("body")), base64);
    if (!body) {
        telephoneError("bad body");
        return;
    }
    if (pending.responder)
        pending.responder->respond(status, headers, *body);
}

// ---------------------------------------------------------------------------------------------------
// Timers and test controls

void PlugboardSimulator::timerEvent(QTimerEvent *event)
{
    const int id = event->timerId();
    if (id == m_idleCheckTimerId) {
        closeIdleSockets();
        return;
    }
    if (const auto request = m_requestTimers.constFind(id); request != m_requestTimers.constEnd()) {
        Pending pending;
        if (takePending(request.value(), &pending)) {
            sendError(pending.responder, 504, QStringLiteral("Gateway Timeout - The telephone did not respond in time"),
                      {{QStringLiteral("path"), pending.detailsPath},
                       {QStringLiteral("timeout_ms"), m_requestTimeoutMs}});
        }
        return;
    }
    if (const auto hb = m_heartbeatTimers.constFind(id); hb != m_heartbeatTimers.constEnd()) {
        Client *client = hb.value();
        if (m_clock.elapsed() - client->lastHeartbeatMs <= m_heartbeatTimeoutMs)
            return;
        qCInfo(lcSimulator) << "heartbeat timeout: closing the telephone's connection";
        const QPointer<QWebSocket> guard = client->socket;
        // Phoenix reports the stopped channel with phx_error; the socket is then closed as well.
        send(client, Frame{client->joinRef, QString(), client->topic, QStringLiteral("phx_error"), {}});
        leaveChannel(client, QStringLiteral("heartbeat_timeout"));
        if (guard && m_clients.find(guard.data()) != m_clients.end())
            guard->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("heartbeat timeout"));
        return;
    }
    QObject::timerEvent(event);
}

void PlugboardSimulator::kickPath(const QString &pathId)
{
    QList<QWebSocket *> sockets;
    for (const Client *client : m_joinedByPath.value(pathId))
        sockets.append(client->socket);
    for (QWebSocket *socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeBadOperation, QStringLiteral("kicked"));
}

void PlugboardSimulator::kickAll(bool abort)
{
    QList<QWebSocket *> sockets;
    for (const auto &entry : m_clients)
        sockets.append(entry.first);
    for (QWebSocket *socket : sockets) {
        if (m_clients.find(socket) == m_clients.end())
            continue;
        if (abort) {
            socket->abort();
            // abort() may or may not report the disconnect synchronously; do the cleanup now either way.
            onClientDisconnected(socket);
        } else {
            socket->close(QWebSocketProtocol::CloseCodeBadOperation, QStringLiteral("kicked"));
        }
    }
}

void PlugboardSimulator::dropAll(Drop how)
{
    if (how == Drop::CloseFrame) {
        kickAll(false);
        return;
    }
    // The TCP sockets handed to QWebSocketServer: the only way to end a connection without a close frame.
    const QList<QPointer<QTcpSocket>> upgraded = std::exchange(m_upgradedTcp, {});
    for (const QPointer<QTcpSocket> &tcp : upgraded) {
        if (!tcp || tcp->state() != QAbstractSocket::ConnectedState)
            continue;
        if (how == Drop::Reset) {
            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            const struct linger hard{1, 0};
            ::setsockopt(int(tcp->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
            tcp->abort();
        } else {
            tcp->disconnectFromHost();
        }
    }
}

void PlugboardSimulator::sendToAll(const QByteArray &rawText)
{
    const QString text = QString::fromUtf8(rawText);
    for (const auto &entry : m_clients)
        entry.first->sendTextMessage(text);
}

void PlugboardSimulator::pushToAll(const QString &event, const QJsonObject &payload)
{
    QList<QWebSocket *> sockets;
    for (const auto &entry : m_clients) {
        if (entry.second->joined)
            sockets.append(entry.first);
    }
    const bool ends = event == QLatin1String("phx_close") || event == QLatin1String("phx_error");
    for (QWebSocket *socket : sockets) {
        const auto it = m_clients.find(socket);
        if (it == m_clients.end() || !it->second->joined)
            continue;
        Client *client = it->second.get();
        if (ends) {
            // Lifecycle events always carry the join_ref: clients drop ones for an older join.
            send(client, Frame{client->joinRef, QString(), client->topic, event, payload});
            leaveChannel(client, event);
        } else {
            push(client, event, payload);
        }
    }
}

} // namespace telephone::sim
