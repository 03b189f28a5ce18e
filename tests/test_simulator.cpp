#include "sim/echobackend.h"
#include "sim/httpserver.h"
#include "sim/plugboardsimulator.h"
#include "sim/tokenminter.h"
#include "protocol/frame.h"
#include "tokens/jwt.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>
#include <memory>
#include <optional>

using namespace telephone;
using namespace telephone::sim;

namespace {

constexpr int kWaitMs = 5000;

// A bare Phoenix V2 client over a real QWebSocket: just enough protocol to drive the simulator.
class WsClient : public QObject
{
    Q_OBJECT

public:
    WsClient()
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const DecodedFrame decoded = decodeFrame(text.toUtf8());
            if (decoded.frame)
                frames.append(*decoded.frame);
            else
                ++garbage;
        });
    }

    bool open(const QUrl &url)
    {
        QSignalSpy connected(&ws, &QWebSocket::connected);
        ws.open(url);
        return connected.wait(kWaitMs);
    }

    QString send(const QString &event, const QJsonObject &payload = {}, const QString &topicOverride = {})
    {
        const QString ref = QString::number(++m_ref);
        const telephone::Frame frame{joinRef, ref, topicOverride.isEmpty() ? topic : topicOverride, event, payload};
        ws.sendTextMessage(QString::fromUtf8(encodeFrame(frame)));
        return ref;
    }

    QString sendJoin(const QString &pathId)
    {
        topic = QStringLiteral("telephone:") + pathId;
        joinRef = QString::number(m_ref + 1);
        return send(QStringLiteral("phx_join"));
    }

    std::optional<telephone::Frame> take(const std::function<bool(const telephone::Frame &)> &match, int timeoutMs = kWaitMs)
    {
        std::optional<telephone::Frame> found;
        (void)QTest::qWaitFor(
            [&] {
                for (qsizetype i = 0; i < frames.size(); ++i) {
                    if (match(frames.at(i))) {
                        found = frames.takeAt(i);
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

    std::optional<telephone::Frame> replyTo(const QString &ref)
    {
        return take([ref](const telephone::Frame &f) { return f.event == QLatin1String("phx_reply") && f.ref == ref; });
    }

    std::optional<telephone::Frame> event(const QString &name)
    {
        return take([name](const telephone::Frame &f) { return f.event == name; });
    }

    bool join(const QString &pathId)
    {
        const auto reply = replyTo(sendJoin(pathId));
        return reply && reply->payload.value(QStringLiteral("status")).toString() == QLatin1String("ok");
    }

    void respond(const QString &requestId, int status, const QJsonObject &headers, const QString &body,
                 const QJsonObject &extra = {})
    {
        QJsonObject payload{{QStringLiteral("request_id"), requestId},
                            {QStringLiteral("status"), status},
                            {QStringLiteral("headers"), headers},
                            {QStringLiteral("body"), body},
                            {QStringLiteral("chunked"), false}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            payload.insert(it.key(), it.value());
        send(QStringLiteral("proxy_res"), payload);
    }

    QWebSocket ws;
    QList<telephone::Frame> frames;
    QString topic;
    QString joinRef;
    int garbage = 0;

private:
    int m_ref = 0;
};

struct RawResponse {
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
    QByteArray raw;
    bool chunked = false;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    int count(const QByteArray &name) const
    {
        int n = 0;
        for (const auto &h : headers)
            n += h.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
        return n;
    }
};

// Parses one response at the start of `buffer`; the number of bytes it took, or -1 if incomplete.
qsizetype parseResponse(const QByteArray &buffer, RawResponse *out, bool noBody)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return -1;
    RawResponse r;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    r.status = lines.first().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        r.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    qsizetype pos = end + 4;
    r.chunked = r.header("transfer-encoding").toLower() == "chunked";
    if (!noBody && r.chunked) {
        while (true) {
            const qsizetype lineEnd = buffer.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return -1;
            const qint64 size = buffer.mid(pos, lineEnd - pos).toLongLong(nullptr, 16);
            pos = lineEnd + 2;
            if (size == 0) {
                if (buffer.size() < pos + 2)
                    return -1;
                pos += 2;
                break;
            }
            if (buffer.size() < pos + size + 2)
                return -1;
            r.body += buffer.mid(pos, size);
            pos += size + 2;
        }
    } else if (!noBody) {
        const qint64 length = r.header("content-length").toLongLong();
        if (buffer.size() < pos + length)
            return -1;
        r.body = buffer.mid(pos, length);
        pos += length;
    }
    r.raw = buffer.left(pos);
    *out = r;
    return pos;
}

// A raw HTTP/1.1 client on one TCP connection, for what QNetworkAccessManager hides or normalises.
class RawHttp
{
public:
    bool connectTo(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(kWaitMs);
    }
    void write(const QByteArray &bytes) { socket.write(bytes); }
    std::optional<RawResponse> read(bool noBody = false)
    {
        RawResponse response;
        qsizetype used = -1;
        (void)QTest::qWaitFor(
            [&] {
                buffer += socket.readAll();
                used = parseResponse(buffer, &response, noBody);
                return used >= 0;
            },
            kWaitMs);
        if (used < 0)
            return std::nullopt;
        buffer.remove(0, used);
        return response;
    }
    bool waitClosed()
    {
        return QTest::qWaitFor(
            [&] {
                buffer += socket.readAll();
                return socket.state() == QAbstractSocket::UnconnectedState;
            },
            kWaitMs);
    }

    QTcpSocket socket;
    QByteArray buffer;
};

QUrl withToken(QUrl url, const QString &token, const QString &vsn = QStringLiteral("2.0.0"))
{
    QUrlQuery query;
    if (!token.isNull())
        query.addQueryItem(QStringLiteral("token"), token);
    if (!vsn.isNull())
        query.addQueryItem(QStringLiteral("vsn"), vsn);
    url.setQuery(query);
    return url;
}

QJsonObject jsonBody(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

bool waitFinished(QNetworkReply *reply)
{
    return QTest::qWaitFor([reply] { return reply->isFinished(); }, kWaitMs);
}

} // namespace

class TestSimulator : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<PlugboardSimulator> m_sim;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QString m_pathId;
    QString m_token;

    QUrl url() const { return withToken(m_sim->socketUrl(), m_token); }

    QNetworkReply *get(const QByteArray &pathAndQuery, const QByteArray &method = "GET",
                       const QByteArray &body = {}, const HttpHeaders &headers = {})
    {
        QNetworkRequest request(QUrl(m_sim->httpUrl().toString() + QString::fromLatin1(pathAndQuery)));
        for (const auto &h : headers)
            request.setRawHeader(h.first, h.second);
        return m_nam->sendCustomRequest(request, method, body);
    }

    // A connected and joined client on /demo.
    std::unique_ptr<WsClient> joinedClient()
    {
        auto client = std::make_unique<WsClient>();
        if (!client->open(url()) || !client->join(m_pathId))
            return nullptr;
        return client;
    }

private slots:
    void initTestCase()
    {
        // Tests talk to 127.0.0.1 only; a proxy from the environment must not get in the way.
        QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    }

    void init()
    {
        m_sim = std::make_unique<PlugboardSimulator>();
        QVERIFY(m_sim->listen(QHostAddress::LocalHost, 0));
        QVERIFY(m_sim->port() != 0);
        m_pathId = m_sim->addMount(QStringLiteral("/demo"));
        m_token = m_sim->mintToken(m_pathId);
        m_nam = std::make_unique<QNetworkAccessManager>();
    }

    void cleanup()
    {
        m_nam.reset();
        m_sim.reset();
    }

    // --- TokenMinter ---------------------------------------------------------------------------

    void tokenMinterRoundTrip()
    {
        TokenMinter minter("secret");
        const QJsonObject claims{{"path_id", "p"}, {"jti", "j"}, {"iat", 10}, {"exp", 20}, {"sub", "s"}};
        const QString token = minter.mint(claims);
        QVERIFY(!token.contains(QLatin1Char('=')));
        QCOMPARE(token.count(QLatin1Char('.')), 2);
        TokenMinter::VerifyError error = TokenMinter::VerifyError::BadFormat;
        QCOMPARE(minter.verify(token, &error), std::optional<QJsonObject>(claims));
        QCOMPARE(error, TokenMinter::VerifyError::None);

        // The engine's decoder reads what the simulator mints.
        const JwtDecodeResult decoded = decodeJwt(token);
        QVERIFY(decoded.claims);
        QCOMPARE(decoded.claims->pathId, QStringLiteral("p"));
        QCOMPARE(decoded.claims->exp, 20);

        QVERIFY(!TokenMinter("other").verify(token, &error));
        QCOMPARE(error, TokenMinter::VerifyError::BadSignature);
        QVERIFY(!minter.verify(QStringLiteral("a.b"), &error));
        QCOMPARE(error, TokenMinter::VerifyError::BadFormat);
        const QByteArray noneHeader = QByteArray(R"({"alg":"none","typ":"JWT"})")
                                          .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        const QStringList parts = token.split(QLatin1Char('.'));
        QVERIFY(!minter.verify(QString::fromLatin1(noneHeader) + QLatin1Char('.') + parts.at(1) + QLatin1Char('.'),
                               &error));
        QVERIFY(error == TokenMinter::VerifyError::BadAlgorithm || error == TokenMinter::VerifyError::BadFormat);
        QVERIFY(!minter.verify(
            QString::fromLatin1(noneHeader) + QLatin1Char('.') + parts.at(1) + QLatin1Char('.') + parts.at(2), &error));
        QCOMPARE(error, TokenMinter::VerifyError::BadAlgorithm);
    }

    // --- Connect ---------------------------------------------------------------------------------

    void validTokenConnects()
    {
        QSignalSpy connected(m_sim.get(), &PlugboardSimulator::clientConnected);
        WsClient client;
        QVERIFY(client.open(url()));
        QVERIFY(connected.count() == 1 || connected.wait(kWaitMs));
        QCOMPARE(m_sim->upgradesAccepted(), 1);
        QCOMPARE(m_sim->upgradesRefused(), 0);
        QCOMPARE(m_sim->connectedClients(), 1);
    }

    void refusedTokens_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("missing token") << "missing" << "missing_token";
        QTest::newRow("wrong vsn") << "vsn" << "unsupported_vsn";
        QTest::newRow("invalid signature") << "signature" << "bad_signature";
        QTest::newRow("garbage token") << "garbage" << "bad_format";
        QTest::newRow("expired") << "expired" << "expired";
        QTest::newRow("revoked") << "revoked" << "revoked";
        QTest::newRow("all revoked") << "revokedAll" << "revoked";
        QTest::newRow("not in the records") << "unknown" << "unknown_token";
    }

    void refusedTokens()
    {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        QUrl target = url();
        if (kind == QLatin1String("missing")) {
            target = withToken(m_sim->socketUrl(), QString());
        } else if (kind == QLatin1String("vsn")) {
            target = withToken(m_sim->socketUrl(), m_token, QStringLiteral("1.0.0"));
        } else if (kind == QLatin1String("signature")) {
            target
                = withToken(m_sim->socketUrl(), TokenMinter("not-the-secret").mint(*m_sim->minter().verify(m_token)));
        } else if (kind == QLatin1String("garbage")) {
            target = withToken(m_sim->socketUrl(), QStringLiteral("not-a-jwt"));
        } else if (kind == QLatin1String("expired")) {
            const qint64 now = QDateTime::currentSecsSinceEpoch();
            target = withToken(m_sim->socketUrl(), m_sim->mintToken(m_pathId, 60, now - 3600));
        } else if (kind == QLatin1String("revoked")) {
            m_sim->revokeToken(m_sim->jtiOf(m_token));
        } else if (kind == QLatin1String("revokedAll")) {
            m_sim->revokeAllTokens();
        } else if (kind == QLatin1String("unknown")) {
            QJsonObject claims = *m_sim->minter().verify(m_token);
            claims.insert(QStringLiteral("jti"), QStringLiteral("never-issued"));
            target = withToken(m_sim->socketUrl(), m_sim->minter().mint(claims));
        }

        QSignalSpy refused(m_sim.get(), &PlugboardSimulator::upgradeRefused);
        WsClient client;
        QSignalSpy connected(&client.ws, &QWebSocket::connected);
        QSignalSpy failed(&client.ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        client.ws.open(target);
        QVERIFY(refused.wait(kWaitMs));
        QCOMPARE(refused.first().first().toString(), reason);
        QVERIFY(failed.count() > 0 || failed.wait(kWaitMs));
        QVERIFY2(client.ws.errorString().contains(QLatin1String("403")), qPrintable(client.ws.errorString()));
        QTRY_COMPARE(client.ws.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(connected.count(), 0);
        QCOMPARE(m_sim->upgradesRefused(), 1);
        QCOMPARE(m_sim->upgradesAccepted(), 0);
        QCOMPARE(m_sim->connectedClients(), 0);
    }

    void wrongSocketPathIs404()
    {
        RawHttp http;
        QVERIFY(http.connectTo(m_sim->port()));
        http.write("GET /other/websocket?vsn=2.0.0&token=" + m_token.toLatin1()
                   + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        const auto response = http.read();
        QVERIFY(response);
        QCOMPARE(response->status, 404);
        QCOMPARE(m_sim->upgradesAccepted(), 0);
    }

    // The upgrade hook hands QWebSocketServer a socket whose handshake is already buffered (it was
    // only peeked): the handshake must still complete and frames must flow.
    void upgradeHandoverWithBufferedHandshake()
    {
        HttpServer server;
        QWebSocketServer wsServer(QStringLiteral("handover"), QWebSocketServer::NonSecureMode);
        server.setUpgradeHandler([&wsServer](const HttpRequest &request, QTcpSocket *socket) {
            if (!request.target.startsWith("/ws"))
                return false;
            socket->setParent(&wsServer);
            wsServer.handleConnection(socket);
            return true;
        });
        server.setHandler([](const HttpRequest &, HttpResponder *responder) { responder->respond(418); });
        QVERIFY(server.listen());
        QList<QWebSocket *> accepted;
        connect(&wsServer, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *socket = wsServer.nextPendingConnection();
            socket->setParent(&wsServer); // Qt 6.4 hands it over without a parent
            accepted.append(socket);
            connect(socket, &QWebSocket::textMessageReceived, socket,
                    [socket](const QString &text) { socket->sendTextMessage(QStringLiteral("echo:") + text); });
        });

        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy message(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws?a=b").arg(server.port())));
        QVERIFY(connected.wait(kWaitMs));
        QCOMPARE(accepted.size(), 1);
        QCOMPARE(accepted.first()->requestUrl().query(), QStringLiteral("a=b"));
        client.sendTextMessage(QStringLiteral("hi"));
        QVERIFY(message.wait(kWaitMs));
        QCOMPARE(message.first().first().toString(), QStringLiteral("echo:hi"));
    }

    // --- Join ------------------------------------------------------------------------------------

    void joinOk()
    {
        m_sim->setJoinExpiresIn(1234);
        QSignalSpy joined(m_sim.get(), &PlugboardSimulator::clientJoined);
        WsClient client;
        QVERIFY(client.open(url()));
        const QString ref = client.sendJoin(m_pathId);
        const auto reply = client.replyTo(ref);
        QVERIFY(reply);
        QCOMPARE(reply->joinRef, ref);
        QCOMPARE(reply->topic, QStringLiteral("telephone:") + m_pathId);
        QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("ok"));
        const QJsonObject response = reply->payload.value("response").toObject();
        QCOMPARE(response.value("status").toString(), QStringLiteral("ok"));
        QCOMPARE(response.value("path").toString(), QStringLiteral("/demo"));
        QCOMPARE(response.value("expires_in").toInt(), 1234);
        QVERIFY(!response.contains("features"));
        QCOMPARE(joined.count(), 1);
        QCOMPARE(joined.first().first().toString(), m_pathId);
        QCOMPARE(m_sim->joins(), 1);
        QCOMPARE(m_sim->joinedClients(m_pathId), 1);
        QCOMPARE(m_sim->joinedClients(), 1);
    }

    void joinListsFeatures()
    {
        m_sim->setFeatureBodyBase64(true);
        m_sim->setFeatureMultiValueHeaders(true);
        WsClient client;
        QVERIFY(client.open(url()));
        const auto reply = client.replyTo(client.sendJoin(m_pathId));
        QVERIFY(reply);
        const QJsonArray features = reply->payload.value("response").toObject().value("features").toArray();
        QCOMPARE(features, (QJsonArray{"body_base64", "multi_value_headers"}));
    }

    void joinPathIdMismatch()
    {
        const QString otherId = m_sim->addMount(QStringLiteral("/other"));
        m_sim->reassignToken(m_sim->jtiOf(m_token), otherId);
        const JwtDecodeResult decoded = decodeJwt(m_token);
        QVERIFY(decoded.claims);
        WsClient client;
        QVERIFY(client.open(url()));
        const auto reply = client.replyTo(client.sendJoin(decoded.claims->pathId));
        QVERIFY(reply);
        QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("error"));
        QCOMPARE(reply->payload.value("response").toObject().value("reason").toString(),
                 QStringLiteral("path_id_mismatch"));
        QCOMPARE(m_sim->joinedClients(), 0);
    }

    void pushOnUnjoinedTopicIsUnmatched()
    {
        WsClient client;
        QVERIFY(client.open(url()));
        client.topic = QStringLiteral("telephone:") + m_pathId;
        const auto reply = client.replyTo(client.send(QStringLiteral("heartbeat"), {{"ts", 1}}));
        QVERIFY(reply);
        QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("error"));
        QCOMPARE(reply->payload.value("response").toObject().value("reason").toString(),
                 QStringLiteral("unmatched topic"));
    }

    void malformedFramesAreCountedAndIgnored()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QSignalSpy frames(m_sim.get(), &PlugboardSimulator::frameReceived);
        client->ws.sendTextMessage(QStringLiteral("not json"));
        client->ws.sendTextMessage(QStringLiteral("[1,2,3]"));
        client->ws.sendBinaryMessage(QByteArray("\x01\x02", 2));
        client->send(QStringLiteral("heartbeat"), {{"ts", 7}});
        QVERIFY(client->event(QStringLiteral("heartbeat_ack")));
        QCOMPARE(m_sim->malformedFrames(), 3);
        QCOMPARE(frames.count(), 1);
        QCOMPARE(frames.first().first().value<sim::Frame>().event, QStringLiteral("heartbeat"));
    }

    void phoenixHeartbeatAnswered()
    {
        WsClient client;
        QVERIFY(client.open(url()));
        const auto reply = client.replyTo(client.send(QStringLiteral("heartbeat"), {}, QStringLiteral("phoenix")));
        QVERIFY(reply);
        QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("ok"));
    }

    // --- Heartbeat -------------------------------------------------------------------------------

    void heartbeatAckEchoesTs()
    {
        auto client = joinedClient();
        QVERIFY(client);
        client->send(QStringLiteral("heartbeat"), {{"ts", 1700000000}});
        const auto ack = client->event(QStringLiteral("heartbeat_ack"));
        QVERIFY(ack);
        QCOMPARE(ack->payload.value("ts").toInteger(), 1700000000);
        QVERIFY(ack->joinRef.isNull());
        QVERIFY(ack->ref.isNull());
        QCOMPARE(ack->topic, client->topic);
        QCOMPARE(m_sim->heartbeatsReceived(), 1);
    }

    void heartbeatAcksCanStop()
    {
        auto client = joinedClient();
        QVERIFY(client);
        m_sim->setHeartbeatAcks(false);
        QSignalSpy frames(m_sim.get(), &PlugboardSimulator::frameReceived);
        client->send(QStringLiteral("heartbeat"), {{"ts", 1}});
        QVERIFY(frames.wait(kWaitMs));
        m_sim->setHeartbeatAcks(true);
        client->send(QStringLiteral("heartbeat"), {{"ts", 2}});
        const auto ack = client->event(QStringLiteral("heartbeat_ack"));
        QVERIFY(ack);
        // The first ack to arrive answers the second heartbeat: the first went unanswered.
        QCOMPARE(ack->payload.value("ts").toInt(), 2);
        QCOMPARE(m_sim->heartbeatsReceived(), 2);
    }

    void heartbeatTimeoutClosesConnection()
    {
        m_sim->setHeartbeatTimeoutMs(300);
        auto client = joinedClient();
        QVERIFY(client);
        QSignalSpy left(m_sim.get(), &PlugboardSimulator::clientLeft);
        QSignalSpy disconnected(&client->ws, &QWebSocket::disconnected);
        QVERIFY(left.wait(kWaitMs));
        QCOMPARE(left.first().at(0).toString(), m_pathId);
        QCOMPARE(left.first().at(1).toString(), QStringLiteral("heartbeat_timeout"));
        QVERIFY(disconnected.count() > 0 || disconnected.wait(kWaitMs));
        QVERIFY(client->event(QStringLiteral("phx_error")));
        QCOMPARE(m_sim->joinedClients(), 0);
        QTRY_COMPARE(m_sim->connectedClients(), 0);
    }

    // --- Refresh ---------------------------------------------------------------------------------

    void refresh_data()
    {
        QTest::addColumn<int>("style");
        QTest::newRow("phx_reply (deployed)") << int(PlugboardSimulator::RefreshReplyStyle::PhxReply);
        QTest::newRow("refresh_token_ack push (reference)") << int(PlugboardSimulator::RefreshReplyStyle::PushAck);
    }

    void refresh()
    {
        QFETCH(int, style);
        m_sim->setRefreshReplyStyle(PlugboardSimulator::RefreshReplyStyle(style));
        m_sim->setTokenTtlSecs(900);
        auto client = joinedClient();
        QVERIFY(client);
        QSignalSpy refreshed(m_sim.get(), &PlugboardSimulator::tokenRefreshed);
        const QString ref = client->send(QStringLiteral("refresh_token"));
        QJsonObject answer;
        if (style == int(PlugboardSimulator::RefreshReplyStyle::PhxReply)) {
            const auto reply = client->replyTo(ref);
            QVERIFY(reply);
            QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("ok"));
            answer = reply->payload.value("response").toObject();
        } else {
            const auto ack = client->event(QStringLiteral("refresh_token_ack"));
            QVERIFY(ack);
            answer = ack->payload;
            QVERIFY(client->frames.isEmpty()); // no phx_reply besides the push
        }
        const QString newToken = answer.value("token").toString();
        QCOMPARE(answer.value("expires_in").toInt(), 900);
        QVERIFY(!newToken.isEmpty());
        QVERIFY(newToken != m_token);
        QCOMPARE(refreshed.count(), 1);
        QCOMPARE(refreshed.first().at(0).toString(), m_sim->jtiOf(m_token));
        QCOMPARE(refreshed.first().at(1).toString(), newToken);
        QCOMPARE(m_sim->refreshRequests(), 1);

        const JwtDecodeResult oldClaims = decodeJwt(m_token);
        const JwtDecodeResult newClaims = decodeJwt(newToken);
        QVERIFY(oldClaims.claims && newClaims.claims);
        QCOMPARE(newClaims.claims->jti, oldClaims.claims->jti);
        QCOMPARE(newClaims.claims->pathId, m_pathId);
        QVERIFY(newClaims.claims->iat > oldClaims.claims->iat);
        QCOMPARE(newClaims.claims->exp - newClaims.claims->iat, 900);

        WsClient fresh;
        QVERIFY(fresh.open(withToken(m_sim->socketUrl(), newToken)));
        QVERIFY(fresh.join(m_pathId));

        QSignalSpy refused(m_sim.get(), &PlugboardSimulator::upgradeRefused);
        WsClient stale;
        stale.ws.open(url());
        QVERIFY(refused.wait(kWaitMs));
        QCOMPARE(refused.first().first().toString(), QStringLiteral("superseded"));
    }

    void refreshErrors()
    {
        auto client = joinedClient();
        QVERIFY(client);
        m_sim->setRefreshFails(QStringLiteral("database_down"));
        auto reply = client->replyTo(client->send(QStringLiteral("refresh_token")));
        QVERIFY(reply);
        QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("error"));
        QCOMPARE(reply->payload.value("response").toObject().value("reason").toString(),
                 QStringLiteral("database_down"));

        m_sim->setRefreshFails({});
        m_sim->revokeToken(m_sim->jtiOf(m_token));
        reply = client->replyTo(client->send(QStringLiteral("refresh_token")));
        QVERIFY(reply);
        QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("error"));
        QCOMPARE(reply->payload.value("response").toObject().value("reason").toString(),
                 QStringLiteral("token_revoked"));
        QCOMPARE(m_sim->refreshRequests(), 2);
    }

    // --- Leave, close, controls ------------------------------------------------------------------

    void leaveAndCloseCode()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QSignalSpy left(m_sim.get(), &PlugboardSimulator::clientLeft);
        const auto reply = client->replyTo(client->send(QStringLiteral("phx_leave")));
        QVERIFY(reply);
        QCOMPARE(reply->payload.value("status").toString(), QStringLiteral("ok"));
        QCOMPARE(m_sim->leavesReceived(), 1);
        QCOMPARE(left.count(), 1);
        QCOMPARE(left.first().at(1).toString(), QStringLiteral("leave"));
        QCOMPARE(m_sim->joinedClients(), 0);

        client->ws.close(QWebSocketProtocol::CloseCodeNormal);
        QTRY_COMPARE(m_sim->connectedClients(), 0);
        QCOMPARE(m_sim->lastClientCloseCode(), 1000);
    }

    void kickAllClosesWith1011()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QSignalSpy disconnected(&client->ws, &QWebSocket::disconnected);
        m_sim->kickAll();
        QVERIFY(disconnected.wait(kWaitMs));
        QCOMPARE(int(client->ws.closeCode()), 1011);
        QTRY_COMPARE(m_sim->connectedClients(), 0);
    }

    void pushToAllPhxCloseEndsChannel()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QSignalSpy left(m_sim.get(), &PlugboardSimulator::clientLeft);
        m_sim->pushToAll(QStringLiteral("phx_close"));
        const auto close = client->event(QStringLiteral("phx_close"));
        QVERIFY(close);
        QCOMPARE(close->joinRef, client->joinRef);
        QCOMPARE(left.count(), 1);
        QCOMPARE(left.first().at(1).toString(), QStringLiteral("phx_close"));
        QCOMPARE(m_sim->joinedClients(), 0);
        const auto reply = client->replyTo(client->send(QStringLiteral("heartbeat"), {{"ts", 1}}));
        QVERIFY(reply);
        QCOMPARE(reply->payload.value("response").toObject().value("reason").toString(),
                 QStringLiteral("unmatched topic"));
        // Rejoining works as after a real phx_close.
        QVERIFY(client->join(m_pathId));
    }

    void sendToAllReachesClients()
    {
        auto client = joinedClient();
        QVERIFY(client);
        m_sim->sendToAll("[broken");
        QTRY_COMPARE(client->garbage, 1);
    }

    void restartKeepsTokens()
    {
        auto client = joinedClient();
        QVERIFY(client);
        const quint16 port = m_sim->port();
        QSignalSpy disconnected(&client->ws, &QWebSocket::disconnected);
        m_sim->close();
        QVERIFY(!m_sim->isListening());
        QVERIFY(disconnected.count() > 0 || disconnected.wait(kWaitMs));
        QCOMPARE(m_sim->connectedClients(), 0);
        QCOMPARE(m_sim->joinedClients(), 0);

        WsClient refusedClient;
        QSignalSpy failed(&refusedClient.ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        refusedClient.ws.open(url());
        QVERIFY(failed.wait(kWaitMs)); // nobody listens while "down"

        QVERIFY(m_sim->listen(QHostAddress::LocalHost, port));
        QCOMPARE(m_sim->port(), port);
        auto again = joinedClient();
        QVERIFY(again);
        QCOMPARE(m_sim->joinedClients(m_pathId), 1);
    }

    // --- HTTP front ------------------------------------------------------------------------------

    void proxyRoundTrip()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QNetworkReply *reply = get("/call/demo/users/123?foo=bar&baz=qux", "POST", R"({"a":"é"})",
                                   {{"Content-Type", "application/json"}, {"X-Thing", "One"}});
        const auto req = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        QVERIFY(req->joinRef.isNull());
        QCOMPARE(req->topic, client->topic);
        const QJsonObject p = req->payload;
        QVERIFY(!QUuid::fromString(p.value("request_id").toString()).isNull());
        QCOMPARE(p.value("method").toString(), QStringLiteral("POST"));
        QCOMPARE(p.value("path").toString(), QStringLiteral("/users/123"));
        QCOMPARE(p.value("query_string").toString(), QStringLiteral("foo=bar&baz=qux"));
        QCOMPARE(p.value("body").toString(), QStringLiteral(R"({"a":"é"})"));
        QVERIFY(!p.contains("body_encoding"));
        const QJsonObject headers = p.value("headers").toObject();
        QCOMPARE(headers.value("content-type").toString(), QStringLiteral("application/json"));
        QCOMPARE(headers.value("x-thing").toString(), QStringLiteral("One"));
        QVERIFY(headers.contains("host"));
        QCOMPARE(m_sim->proxyRequests(), 1);
        QCOMPARE(m_sim->pendingRequests(), 1);

        client->respond(p.value("request_id").toString(), 201,
                        {{"content-type", "text/plain; charset=utf-8"},
                         {"x-custom", "v1"},
                         {"content-length", "999"},
                         {"connection", "close"}},
                        QStringLiteral("hellö"));
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        QCOMPARE(reply->rawHeader("x-custom"), QByteArray("v1"));
        QCOMPARE(reply->rawHeader("content-type"), QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(reply->rawHeader("content-length"), QByteArray("6"));
        QCOMPARE(reply->readAll(), QStringLiteral("hellö").toUtf8());
        QCOMPARE(m_sim->pendingRequests(), 0);
        reply->deleteLater();
    }

    void proxyPathsAndMounts_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("mount");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::newRow("mount root") << QByteArray("/call/demo") << "/demo" << "/" << "";
        QTest::newRow("mount root slash") << QByteArray("/call/demo/") << "/demo" << "/" << "";
        QTest::newRow("raw bytes kept") << QByteArray("/call/demo/a%2Fb/../c/?x=%3F+y") << "/demo" << "/a%2Fb/../c/"
                                        << "x=%3F+y";
        QTest::newRow("longest prefix") << QByteArray("/call/team/api/v1?") << "/team/api" << "/v1" << "";
        QTest::newRow("shorter mount") << QByteArray("/call/team/apix") << "/team" << "/apix" << "";
        QTest::newRow("query only after first ?") << QByteArray("/call/demo/q?a=1?b") << "/demo" << "/q" << "a=1?b";
    }

    void proxyPathsAndMounts()
    {
        QFETCH(QByteArray, target);
        QFETCH(QString, mount);
        QFETCH(QString, path);
        QFETCH(QString, query);
        m_sim->addMount(QStringLiteral("/team"));
        m_sim->addMount(QStringLiteral("team/api/")); // normalised to /team/api
        const QString pathId = m_sim->pathIdOf(mount);
        QVERIFY(!pathId.isEmpty());
        WsClient client;
        QVERIFY(client.open(withToken(m_sim->socketUrl(), m_sim->mintToken(pathId))));
        QVERIFY(client.join(pathId));

        RawHttp http;
        QVERIFY(http.connectTo(m_sim->port()));
        http.write("GET " + target + " HTTP/1.1\r\nHost: sim\r\nX-Dup: a\r\nx-dup: b\r\n\r\n");
        const auto req = client.event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        QCOMPARE(req->payload.value("path").toString(), path);
        QCOMPARE(req->payload.value("query_string").toString(), query);
        QCOMPARE(req->payload.value("headers").toObject().value("x-dup").toString(), QStringLiteral("a, b"));
        QCOMPARE(req->payload.value("body").toString(), QString());
        QVERIFY(req->payload.value("body").isString());
        client.respond(req->payload.value("request_id").toString(), 200, {}, QStringLiteral("ok"));
        const auto response = http.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->body, QByteArray("ok"));
    }

    void proxyChunkedResponse()
    {
        auto client = joinedClient();
        QVERIFY(client);
        RawHttp http;
        QVERIFY(http.connectTo(m_sim->port()));
        http.write("GET /call/demo/stream HTTP/1.1\r\nHost: sim\r\n\r\n");
        const auto req = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        client->respond(req->payload.value("request_id").toString(), 200,
                        {{"content-type", "text/plain"}, {"transfer-encoding", "chunked"}}, QString(),
                        {{"chunked", true}, {"chunks", QJsonArray{"chunk1", "", "chünk2", "c3"}}});
        const auto response = http.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(response->chunked);
        QCOMPARE(response->count("transfer-encoding"), 1);
        QCOMPARE(response->count("content-length"), 0);
        QCOMPARE(response->body, QStringLiteral("chunk1chünk2c3").toUtf8());
        QVERIFY(response->raw.endsWith("6\r\nchunk1\r\n7\r\nch\xc3\xbcnk2\r\n2\r\nc3\r\n0\r\n\r\n"));

        // The same through QNetworkAccessManager, which de-chunks.
        QNetworkReply *reply = get("/call/demo/stream2");
        const auto req2 = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req2);
        client->respond(req2->payload.value("request_id").toString(), 200, {}, QString(),
                        {{"chunked", true}, {"chunks", QJsonArray{"ab", "cd"}}});
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->rawHeader("transfer-encoding"), QByteArray("chunked"));
        QCOMPARE(reply->readAll(), QByteArray("abcd"));
        reply->deleteLater();
    }

    void proxyBase64Bodies()
    {
        m_sim->setFeatureBodyBase64(true);
        auto client = joinedClient();
        QVERIFY(client);
        const QByteArray binary("\xff\xfe\x00\x01\x80png", 8);
        QNetworkReply *reply = get("/call/demo/upload", "PUT", binary, {{"Content-Type", "image/png"}});
        const auto req = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        QCOMPARE(req->payload.value("body_encoding").toString(), QStringLiteral("base64"));
        QCOMPARE(QByteArray::fromBase64(req->payload.value("body").toString().toLatin1()), binary);

        const QByteArray answer("\x00\xc3\x28\xff", 4);
        client->respond(req->payload.value("request_id").toString(), 200,
                        {{"content-type", "application/octet-stream"}}, QString::fromLatin1(answer.toBase64()),
                        {{"body_encoding", "base64"}});
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), answer);
        reply->deleteLater();

        // Chunks are base64 too.
        QNetworkReply *chunked = get("/call/demo/bin");
        const auto req2 = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req2);
        client->respond(req2->payload.value("request_id").toString(), 200, {}, QString(),
                        {{"body_encoding", "base64"},
                         {"chunked", true},
                         {"chunks", QJsonArray{QString::fromLatin1(answer.left(2).toBase64()),
                                               QString::fromLatin1(answer.mid(2).toBase64())}}});
        QVERIFY(waitFinished(chunked));
        QCOMPARE(chunked->readAll(), answer);
        chunked->deleteLater();
    }

    void binaryRequestWithoutBase64Is502()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QNetworkReply *reply = get("/call/demo/upload", "POST", QByteArray("\xff\xfe\xfd", 3));
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 502);
        QCOMPARE(reply->rawHeader("content-type"), QByteArray("application/json"));
        QCOMPARE(jsonBody(reply->readAll()).value("reason").toString(),
                 QStringLiteral("request body is binary and cannot be carried"));
        QCOMPARE(m_sim->proxyRequests(), 0);
        reply->deleteLater();
    }

    void multiValueHeaders()
    {
        m_sim->setFeatureMultiValueHeaders(true);
        auto client = joinedClient();
        QVERIFY(client);
        RawHttp http;
        QVERIFY(http.connectTo(m_sim->port()));
        http.write("GET /call/demo/login HTTP/1.1\r\nHost: sim\r\n\r\n");
        const auto req = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        client->respond(req->payload.value("request_id").toString(), 302,
                        {{"set-cookie", QJsonArray{"a=1; Path=/", "b=2"}}, {"location", "/home"}}, QString());
        const auto response = http.read();
        QVERIFY(response);
        QCOMPARE(response->status, 302);
        QCOMPARE(response->count("set-cookie"), 2);
        QVERIFY(response->raw.contains("set-cookie: a=1; Path=/\r\nset-cookie: b=2\r\n"));
        QCOMPARE(response->header("location"), QByteArray("/home"));

        // Without the feature an array is a malformed proxy_res.
        m_sim->setFeatureMultiValueHeaders(false);
        http.write("GET /call/demo/login HTTP/1.1\r\nHost: sim\r\n\r\n");
        const auto req2 = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req2);
        client->respond(req2->payload.value("request_id").toString(), 200, {{"set-cookie", QJsonArray{"a=1"}}},
                        QString());
        const auto refused = http.read();
        QVERIFY(refused);
        QCOMPARE(refused->status, 502);
        QCOMPARE(jsonBody(refused->body).value("reason").toString(), QStringLiteral("Bad Gateway - Telephone error"));
    }

    void malformedAndLateProxyResponses()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QNetworkReply *reply = get("/call/demo/x");
        const auto req = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        const QString id = req->payload.value("request_id").toString();
        client->respond(id, 0, {}, QStringLiteral("bad status"));
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 502);
        const QJsonObject body = jsonBody(reply->readAll());
        QCOMPARE(body.value("error").toBool(), true);
        QCOMPARE(body.value("reason").toString(), QStringLiteral("Bad Gateway - Telephone error"));
        QCOMPARE(body.value("details").toObject().value("path").toString(), QStringLiteral("/demo/x"));
        reply->deleteLater();

        // A second answer to the same request, one for an unknown id and one without an id: ignored.
        QSignalSpy frames(m_sim.get(), &PlugboardSimulator::frameReceived);
        client->respond(id, 200, {}, QString());
        client->respond(QStringLiteral("no-such-request"), 200, {}, QString());
        client->send(QStringLiteral("proxy_res"), {{"status", 200}});
        QTRY_COMPARE(frames.count(), 3);
        QCOMPARE(m_sim->lateResponses(), 3);
        QCOMPARE(m_sim->connectedClients(), 1);
    }

    void concurrentRequestsOutOfOrder()
    {
        auto client = joinedClient();
        QVERIFY(client);
        constexpr int n = 5;
        QList<QNetworkReply *> replies;
        for (int i = 0; i < n; ++i)
            replies.append(get("/call/demo/item/" + QByteArray::number(i)));
        QList<telephone::Frame> requests;
        for (int i = 0; i < n; ++i) {
            const auto req = client->event(QStringLiteral("proxy_req"));
            QVERIFY(req);
            requests.append(*req);
        }
        QCOMPARE(m_sim->pendingRequests(), n);
        for (qsizetype i = requests.size() - 1; i >= 0; --i) {
            const QJsonObject &p = requests.at(i).payload;
            client->respond(p.value("request_id").toString(), 200, {},
                            QStringLiteral("for ") + p.value("path").toString());
        }
        for (int i = 0; i < n; ++i) {
            QVERIFY(waitFinished(replies.at(i)));
            QCOMPARE(replies.at(i)->readAll(), "for /item/" + QByteArray::number(i));
            replies.at(i)->deleteLater();
        }
        QCOMPARE(m_sim->pendingRequests(), 0);
    }

    void roundRobinOverTwoClients()
    {
        auto first = joinedClient();
        auto second = joinedClient();
        QVERIFY(first && second);
        QCOMPARE(m_sim->joinedClients(m_pathId), 2);
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 4; ++i)
            replies.append(get("/call/demo/rr"));
        QTRY_COMPARE(first->frames.size() + second->frames.size(), 4);
        QCOMPARE(first->frames.size(), 2);
        QCOMPARE(second->frames.size(), 2);
        for (WsClient *client : {first.get(), second.get()}) {
            const QList<telephone::Frame> frames = std::exchange(client->frames, {});
            for (const telephone::Frame &f : frames)
                client->respond(f.payload.value("request_id").toString(), 200, {}, QStringLiteral("ok"));
        }
        for (QNetworkReply *reply : replies) {
            QVERIFY(waitFinished(reply));
            QCOMPARE(reply->readAll(), QByteArray("ok"));
            reply->deleteLater();
        }
    }

    void disconnectMidRequestIs502()
    {
        auto client = joinedClient();
        QVERIFY(client);
        QNetworkReply *reply = get("/call/demo/slow");
        QVERIFY(client->event(QStringLiteral("proxy_req")));
        client->ws.abort();
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 502);
        QCOMPARE(reply->rawHeader("content-type"), QByteArray("application/json"));
        const QJsonObject body = jsonBody(reply->readAll());
        QCOMPARE(body.value("reason").toString(),
                 QStringLiteral("Bad Gateway - Telephone disconnected during request"));
        QCOMPARE(m_sim->pendingRequests(), 0);
        reply->deleteLater();
    }

    void timeoutIs504()
    {
        m_sim->setRequestTimeoutMs(200);
        auto client = joinedClient();
        QVERIFY(client);
        QNetworkReply *reply = get("/call/demo/slow");
        const auto req = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 504);
        const QJsonObject body = jsonBody(reply->readAll());
        QCOMPARE(body.value("error").toBool(), true);
        QCOMPARE(body.value("reason").toString(),
                 QStringLiteral("Gateway Timeout - The telephone did not respond in time"));
        QCOMPARE(body.value("details").toObject().value("timeout_ms").toInt(), 200);
        QCOMPARE(body.value("details").toObject().value("path").toString(), QStringLiteral("/demo/slow"));
        reply->deleteLater();
        // The answer that comes too late is ignored.
        client->respond(req->payload.value("request_id").toString(), 200, {}, QString());
        QTRY_COMPARE(m_sim->lateResponses(), 1);
    }

    void unknownMountIs404AndNoClientIs503()
    {
        QNetworkReply *missing = get("/call/nowhere/x");
        QVERIFY(waitFinished(missing));
        QCOMPARE(missing->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
        QCOMPARE(missing->rawHeader("content-type"), QByteArray("application/json"));
        QJsonObject body = jsonBody(missing->readAll());
        QCOMPARE(body.value("error").toBool(), true);
        QCOMPARE(body.value("reason").toString(), QStringLiteral("No mount point found for path"));
        QCOMPARE(body.value("details").toObject().value("path").toString(), QStringLiteral("/nowhere/x"));
        missing->deleteLater();

        QNetworkReply *nobody = get("/call/demo/x");
        QVERIFY(waitFinished(nobody));
        QCOMPARE(nobody->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
        body = jsonBody(nobody->readAll());
        QCOMPARE(body.value("reason").toString(), QStringLiteral("No telephone available for this path"));
        nobody->deleteLater();
    }

    void headRequestHasNoBody()
    {
        auto client = joinedClient();
        QVERIFY(client);
        RawHttp http;
        QVERIFY(http.connectTo(m_sim->port()));
        http.write("HEAD /call/demo/h HTTP/1.1\r\nHost: sim\r\n\r\n");
        const auto req = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req);
        QCOMPARE(req->payload.value("method").toString(), QStringLiteral("HEAD"));
        client->respond(req->payload.value("request_id").toString(), 200, {}, QStringLiteral("12345"));
        const auto response = http.read(true);
        QVERIFY(response);
        QCOMPARE(response->header("content-length"), QByteArray("5"));
        // Nothing after the head: the next response starts right away on this connection.
        http.write("GET /call/demo/h2 HTTP/1.1\r\nHost: sim\r\n\r\n");
        const auto req2 = client->event(QStringLiteral("proxy_req"));
        QVERIFY(req2);
        client->respond(req2->payload.value("request_id").toString(), 204, {}, QString());
        const auto second = http.read();
        QVERIFY(second);
        QCOMPARE(second->status, 204);
        QVERIFY(http.buffer.isEmpty());
    }

    // --- HttpServer on its own -------------------------------------------------------------------

    void httpKeepAliveAndPipelining()
    {
        HttpServer server;
        QList<HttpRequest> seen;
        server.setHandler([&seen, this](const HttpRequest &request, HttpResponder *responder) {
            seen.append(request);
            const QPointer<HttpResponder> later(responder);
            // The first answer comes late: pipelined answers must still leave in request order.
            QTimer::singleShot(request.target == "/first" ? 50 : 0, this, [later, target = request.target] {
                if (later)
                    later->respond(200, {{"x-target", target}}, target);
            });
        });
        QVERIFY(server.listen());
        RawHttp http;
        QVERIFY(http.connectTo(server.port()));
        http.write("GET /one HTTP/1.1\r\nHost: a\r\n\r\n");
        auto response = http.read();
        QVERIFY(response);
        QCOMPARE(response->body, QByteArray("/one"));
        http.write("GET /two HTTP/1.1\r\nHost: a\r\n\r\n");
        response = http.read();
        QVERIFY(response);
        QCOMPARE(response->body, QByteArray("/two"));
        QCOMPARE(server.connectionCount(), 1);

        http.write("GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n");
        response = http.read();
        QVERIFY(response);
        QCOMPARE(response->body, QByteArray("/first"));
        response = http.read();
        QVERIFY(response);
        QCOMPARE(response->body, QByteArray("/second"));
        QCOMPARE(seen.size(), 4);
        QCOMPARE(http.socket.state(), QAbstractSocket::ConnectedState);

        http.write("GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        response = http.read();
        QVERIFY(response);
        QCOMPARE(response->header("connection"), QByteArray("close"));
        QVERIFY(http.waitClosed());
    }

    void httpChunkedRequestAndRawHead()
    {
        HttpServer server;
        std::optional<HttpRequest> seen;
        server.setHandler([&seen](const HttpRequest &request, HttpResponder *responder) {
            seen = request;
            responder->respond(200, {}, request.body);
        });
        QVERIFY(server.listen());
        RawHttp http;
        QVERIFY(http.connectTo(server.port()));
        const QByteArray head = "POST /call/demo/a%2Fb/../c/?x=%3F+y HTTP/1.1\r\nHost: a\r\n"
                                "X-Mixed-Case: One\r\nx-mixed-case: Two\r\nTransfer-Encoding: chunked\r\n\r\n";
        http.write(head + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        const auto response = http.read();
        QVERIFY(response);
        QCOMPARE(response->body, QByteArray("hello world"));
        QVERIFY(seen);
        QCOMPARE(seen->rawHead, head);
        QCOMPARE(seen->method, QByteArray("POST"));
        QCOMPARE(seen->target, QByteArray("/call/demo/a%2Fb/../c/?x=%3F+y"));
        QCOMPARE(seen->path(), QByteArray("/call/demo/a%2Fb/../c/"));
        QCOMPARE(seen->query(), QByteArray("x=%3F+y"));
        QCOMPARE(seen->header("X-MIXED-CASE"), QByteArray("One"));
        QCOMPARE(seen->headerValues("x-mixed-case"), (QList<QByteArray>{"One", "Two"}));
        QCOMPARE(seen->headers.at(1).first, QByteArray("X-Mixed-Case"));
        QCOMPARE(seen->peer, QHostAddress(QHostAddress::LocalHost));
    }

    void httpLimitsAndErrors_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("header too large") << "GET / HTTP/1.1\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n"
                                          << 431;
        QTest::newRow("unterminated huge head") << "GET / HTTP/1.1\r\nX-Big: " + QByteArray(70 * 1024, 'a') << 431;
        QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : a\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: a\r\n\r\n") << 400;
        QTest::newRow("bad content-length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") << 400;
        QTest::newRow("te and cl") << QByteArray(
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                   << 400;
        QTest::newRow("body too large") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n") << 413;
        QTest::newRow("chunked too large") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n")
                                           << 413;
        QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                        << 400;
        QTest::newRow("version") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
    }

    void httpLimitsAndErrors()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        HttpServer server;
        server.setMaxBodySize(10);
        int handled = 0;
        server.setHandler([&handled](const HttpRequest &, HttpResponder *responder) {
            ++handled;
            responder->respond(200);
        });
        QVERIFY(server.listen());
        RawHttp http;
        QVERIFY(http.connectTo(server.port()));
        http.write(request);
        const auto response = http.read();
        QVERIFY(response);
        QCOMPARE(response->status, status);
        QVERIFY(http.waitClosed());
        QCOMPARE(handled, 0);
    }

    void httpRawAndAbruptAnswers()
    {
        HttpServer server;
        server.setHandler([](const HttpRequest &request, HttpResponder *responder) {
            if (request.target == "/raw")
                responder->respondRaw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
            else
                responder->closeAbruptly();
        });
        QVERIFY(server.listen());
        RawHttp raw;
        QVERIFY(raw.connectTo(server.port()));
        raw.write("GET /raw HTTP/1.1\r\nHost: a\r\n\r\n");
        QVERIFY(raw.waitClosed());
        QCOMPARE(raw.buffer, QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"));

        RawHttp reset;
        QVERIFY(reset.connectTo(server.port()));
        QSignalSpy errors(&reset.socket, &QAbstractSocket::errorOccurred);
        reset.write("GET /reset HTTP/1.1\r\nHost: a\r\n\r\n");
        QVERIFY(reset.waitClosed());
        QVERIFY(reset.buffer.isEmpty());
        QVERIFY(errors.count() > 0);
        QCOMPARE(errors.first().first().value<QAbstractSocket::SocketError>(), QAbstractSocket::RemoteHostClosedError);
    }

    void responderSurvivesDeadConnection()
    {
        HttpServer server;
        QPointer<HttpResponder> kept;
        server.setHandler([&kept](const HttpRequest &, HttpResponder *responder) { kept = responder; });
        QVERIFY(server.listen());
        {
            RawHttp http;
            QVERIFY(http.connectTo(server.port()));
            http.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            QTRY_VERIFY(kept);
            QVERIFY(kept->isAlive());
            http.socket.abort();
        }
        QTRY_VERIFY(!kept->isAlive());
        kept->respond(200, {}, "late"); // a no-op, not a crash
        QVERIFY(kept->hasResponded());
        QTRY_VERIFY(!kept);
    }

    // --- EchoBackend -----------------------------------------------------------------------------

    void echoBackendDescribesRequest()
    {
        EchoBackend backend;
        QVERIFY(backend.listen());
        QNetworkRequest request(QUrl(backend.url().toString() + QStringLiteral("/hello?x=1")));
        request.setRawHeader("X-Test", "yes");
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain"));
        QNetworkReply *reply = m_nam->post(request, QByteArray("ping"));
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->rawHeader("content-type"), QByteArray("application/json"));
        const QJsonObject page = jsonBody(reply->readAll());
        QCOMPARE(page.value("method").toString(), QStringLiteral("POST"));
        QCOMPARE(page.value("target").toString(), QStringLiteral("/hello?x=1"));
        QCOMPARE(page.value("body").toString(), QStringLiteral("ping"));
        QCOMPARE(page.value("body_length").toInt(), 4);
        bool found = false;
        for (const QJsonValue &h : page.value("headers").toArray())
            found = found
                || (h.toArray().at(0).toString() == QLatin1String("X-Test")
                    && h.toArray().at(1).toString() == QLatin1String("yes"));
        QVERIFY(found);
        QCOMPARE(backend.requestsServed(), 1);
        reply->deleteLater();
    }

private:
    // --- WebSocket proxying (PROTOCOL.md "WebSocket proxying"), the telephone played by WsClient ---

    // Sends a browser's upgrade on a raw socket and returns the HTTP status line the server answers.
    QByteArray browserUpgradeStatus(const QByteArray &target, int timeoutMs)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_sim->port());
        if (!socket.waitForConnected(kWaitMs))
            return {};
        socket.write("GET " + target + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     "Cookie: a=b\r\nUser-Agent: not-forwarded\r\n\r\n");
        QByteArray answer;
        (void)QTest::qWaitFor([&] {
            answer += socket.readAll();
            return answer.contains("\r\n");
        }, timeoutMs);
        return answer.left(answer.indexOf("\r\n"));
    }

    struct SimBrowser {
        QWebSocket socket;
        QStringList texts;
        SimBrowser() { QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [this](const QString &t) { texts << t; }); }
    };

    // Upgrades a browser through `telephone` (answering its ws_check); returns the ws_connect.
    std::optional<telephone::Frame> upgradeBrowser(WsClient *telephone, SimBrowser *browser)
    {
        browser->socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/call/demo/room?x=1").arg(m_sim->port())));
        const auto check = telephone->event(QStringLiteral("ws_check"));
        if (!check)
            return std::nullopt;
        telephone->send(QStringLiteral("ws_check_result"), {{"check_id", check->payload.value("check_id")}, {"supported", true}});
        if (!QTest::qWaitFor([&] { return browser->socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs))
            return std::nullopt;
        return telephone->event(QStringLiteral("ws_connect"));
    }

private slots:
    void wsCheckAnswersDecideTheBrowsersStatus()
    {
        // No telephone joined: 503 at once.
        QVERIFY(browserUpgradeStatus("/call/demo/live", kWaitMs).startsWith("HTTP/1.1 503"));
        auto telephone = joinedClient();
        QVERIFY(telephone);
        // The telephone refuses: 502; the check carries only the headers PROTOCOL.md lists.
        QByteArray status;
        QTimer::singleShot(0, telephone.get(), [&] {
            const auto check = telephone->event(QStringLiteral("ws_check"));
            QVERIFY(check);
            QCOMPARE(check->payload.value("path").toString(), QStringLiteral("/live"));
            const QJsonObject headers = check->payload.value("headers").toObject();
            QCOMPARE(headers.value("cookie").toString(), QStringLiteral("a=b"));
            QVERIFY(!headers.contains("user-agent"));
            QVERIFY(!headers.contains("sec-websocket-key"));
            telephone->send(QStringLiteral("ws_check_result"),
                            {{"check_id", check->payload.value("check_id")}, {"supported", false}, {"reason", "no"}});
        });
        status = browserUpgradeStatus("/call/demo/live", kWaitMs);
        QVERIFY2(status.startsWith("HTTP/1.1 502"), status.constData());
        // No answer within the server's 5 s: 504.
        QElapsedTimer clock;
        clock.start();
        status = browserUpgradeStatus("/call/demo/live", 8000);
        QVERIFY2(status.startsWith("HTTP/1.1 504"), status.constData());
        QVERIFY(clock.elapsed() >= 4900);
    }

    void wsFramesAreHeldUntilConnectedThenRelayed()
    {
        auto telephone = joinedClient();
        QVERIFY(telephone);
        SimBrowser browser;
        const auto connect = upgradeBrowser(telephone.get(), &browser);
        QVERIFY(connect);
        const QString id = connect->payload.value("connection_id").toString();
        QCOMPARE(connect->payload.value("path").toString(), QStringLiteral("/room"));
        QCOMPARE(connect->payload.value("query_string").toString(), QStringLiteral("x=1"));
        browser.socket.sendTextMessage(QStringLiteral("early"));
        browser.socket.sendBinaryMessage(QByteArray("\x00\xff", 2));
        QTest::qWait(100);
        QVERIFY(!telephone->take([](const telephone::Frame &f) { return f.event == QLatin1String("ws_frame"); }, 0));
        telephone->send(QStringLiteral("ws_connected"), {{"connection_id", id}});
        const auto first = telephone->event(QStringLiteral("ws_frame"));
        const auto second = telephone->event(QStringLiteral("ws_frame"));
        QVERIFY(first && second);
        QCOMPARE(first->payload.value("opcode").toString(), QStringLiteral("text"));
        QCOMPARE(QByteArray::fromBase64(first->payload.value("data").toString().toLatin1()), QByteArray("early"));
        QCOMPARE(second->payload.value("opcode").toString(), QStringLiteral("binary"));
        QCOMPARE(QByteArray::fromBase64(second->payload.value("data").toString().toLatin1()), QByteArray("\x00\xff", 2));
        telephone->send(QStringLiteral("ws_frame"), {{"connection_id", id}, {"opcode", "text"}, {"data", "aGVsbG8="}});
        QTRY_COMPARE_WITH_TIMEOUT(browser.texts, QStringList{QStringLiteral("hello")}, kWaitMs);
        telephone->send(QStringLiteral("ws_closed"), {{"connection_id", id}, {"code", 4001}, {"reason", "bye"}});
        QTRY_COMPARE_WITH_TIMEOUT(browser.socket.state(), QAbstractSocket::UnconnectedState, kWaitMs);
        QCOMPARE(int(browser.socket.closeCode()), 4001);
        QCOMPARE(browser.socket.closeReason(), QStringLiteral("bye"));
    }

    void wsTooManyEarlyFramesClose1009()
    {
        auto telephone = joinedClient();
        QVERIFY(telephone);
        SimBrowser browser;
        const auto connect = upgradeBrowser(telephone.get(), &browser);
        QVERIFY(connect);
        for (int i = 0; i < 101; ++i)
            browser.socket.sendTextMessage(QStringLiteral("x"));
        QTRY_COMPARE_WITH_TIMEOUT(browser.socket.state(), QAbstractSocket::UnconnectedState, kWaitMs);
        QCOMPARE(int(browser.socket.closeCode()), 1009);
        const auto close = telephone->event(QStringLiteral("ws_close"));
        QVERIFY(close);
        QCOMPARE(close->payload.value("code").toInt(), 1009);
    }

    void wsConnectUnansweredCloses1014AndChannelEndCloses1001()
    {
        auto telephone = joinedClient();
        QVERIFY(telephone);
        QSignalSpy serverCloses(m_sim->webSocketFront(), &WebSocketFront::browserClosed);
        SimBrowser late;
        QVERIFY(upgradeBrowser(telephone.get(), &late));
        SimBrowser connected;
        const auto connect = upgradeBrowser(telephone.get(), &connected);
        QVERIFY(connect);
        telephone->send(QStringLiteral("ws_connected"), {{"connection_id", connect->payload.value("connection_id")}});
        QTRY_COMPARE_WITH_TIMEOUT(late.socket.state(), QAbstractSocket::UnconnectedState, 8000);
        // Qt 6.4's QWebSocket takes 1012-1014 for invalid codes (it reports 1002), so the code is
        // read where the server closed the browser.
        QCOMPARE(serverCloses.size(), 1);
        QCOMPARE(serverCloses.first().at(1).toInt(), 1014);
        const auto close = telephone->event(QStringLiteral("ws_close"));
        QVERIFY(close);
        QCOMPARE(close->payload.value("code").toInt(), 1014);
        QCOMPARE(connected.socket.state(), QAbstractSocket::ConnectedState);
        telephone->ws.close();
        QTRY_COMPARE_WITH_TIMEOUT(connected.socket.state(), QAbstractSocket::UnconnectedState, kWaitMs);
        QCOMPARE(int(connected.socket.closeCode()), 1001);
    }
};

QTEST_GUILESS_MAIN(TestSimulator)
#include "test_simulator.moc"
