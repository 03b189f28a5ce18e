// WebSocket proxying end to end: a browser-style QWebSocket → the simulator's /call front →
// ws_check / ws_connect / ws_frame over the tunnel → Telephone's WebSocketRelay → a real
// QWebSocketServer backend (behind a small HTTP server that also answers plain requests).
// Every oracle is independent of the relay: Qt's WebSocket implementation on both ends, and the
// simulator's own reading of PROTOCOL.md.

#include "support/prometheusparser.h"

#include "ops/opsreport.h"
#include "proxy/websocketrelay.h"
#include "sim/echobackend.h"
#include "sim/httpserver.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "tunnel/tunnelmanager.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTimer>
#include <QTcpSocket>
#include <QTest>
#include <QtEndian>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <QWebSocketServer>

#include <functional>
#include <memory>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

/// One message of a flood: its number in the first 4 bytes (big-endian), then that number's low
/// byte repeated, so order and content can both be checked.
QByteArray floodMessage(quint32 n, qsizetype size)
{
    QByteArray message(size, char(n & 0xff));
    qToBigEndian(n, message.data());
    return message;
}

/// The backend: HTTP on every path, a WebSocket upgrade on every path but /refuse (403). Echoes
/// text and binary; "close-me" → close 4001 "bye"; "big" → a binary message of 1 MiB + 1;
/// "blob S" → a binary message of S bytes; "flood N S" → N floodMessages of S bytes, written
/// as fast as Qt takes them (its socket buffer grows when Telephone stops reading).
class Backend : public QObject
{
public:
    sim::HttpServer http;
    QWebSocketServer ws{QStringLiteral("test-backend"), QWebSocketServer::NonSecureMode};
    QList<QPointer<QWebSocket>> sockets;
    QList<QByteArray> upgradeTargets;
    QList<sim::HttpHeaders> upgradeHeaders;
    QList<QByteArray> pongs;
    int closedSockets = 0;
    int lastCloseCode = -1;
    QString lastCloseReason;

    Backend()
    {
        http.setHandler([](const sim::HttpRequest &request, sim::HttpResponder *responder) {
            if (request.hasHeader("upgrade"))
                responder->respond(403, {{"content-type", "text/plain"}}, "no WebSocket here\n");
            else
                responder->respond(200, {{"content-type", "text/plain"}}, "http " + request.target);
        });
        http.setUpgradeHandler([this](const sim::HttpRequest &request, QTcpSocket *socket) {
            upgradeTargets.append(request.target);
            upgradeHeaders.append(request.headers);
            if (request.path() == "/refuse")
                return false;
            socket->setParent(&ws);
            ws.handleConnection(socket);
            return true;
        });
        connect(&ws, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = ws.nextPendingConnection()) {
                socket->setParent(this);
                sockets.append(socket);
                connect(socket, &QWebSocket::textMessageReceived, socket, [socket](const QString &text) {
                    if (text == QLatin1String("close-me"))
                        socket->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("bye"));
                    else if (text == QLatin1String("ping-me"))
                        socket->ping("are you there");
                    else if (text == QLatin1String("big"))
                        socket->sendBinaryMessage(QByteArray(1024 * 1024 + 1, 'x'));
                    else if (text.startsWith(QLatin1String("blob ")))
                        socket->sendBinaryMessage(QByteArray(text.mid(5).toInt(), 'b'));
                    else if (text.startsWith(QLatin1String("flood "))) {
                        const QStringList args = text.split(QLatin1Char(' '));
                        for (int n = 0; n < args.at(1).toInt(); ++n)
                            socket->sendBinaryMessage(floodMessage(quint32(n), args.at(2).toInt()));
                    }
                    else
                        socket->sendTextMessage(text);
                });
                connect(socket, &QWebSocket::binaryMessageReceived, socket, &QWebSocket::sendBinaryMessage);
                connect(socket, &QWebSocket::pong, this, [this](quint64, const QByteArray &payload) { pongs << payload; });
                connect(socket, &QWebSocket::disconnected, this, [this, socket] {
                    ++closedSockets;
                    lastCloseCode = socket->closeCode();
                    lastCloseReason = socket->closeReason();
                    socket->deleteLater();
                });
            }
        });
        if (!http.listen())
            qFatal("backend did not listen");
    }

    ~Backend() override
    {
        // The QWebSockets go before the members they report to and the server owning their TCP sockets.
        for (const auto &socket : std::as_const(sockets)) {
            if (socket) {
                socket->disconnect(this);
                delete socket.data();
            }
        }
    }

    int openSockets() const
    {
        int n = 0;
        for (const auto &s : sockets)
            n += s && s->state() == QAbstractSocket::ConnectedState;
        return n;
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(http.port())); }
};

struct Fixture {
    sim::PlugboardSimulator simulator;
    Backend backend;
    MemoryTokenSink sink;
    TunnelManager manager;
    Tunnel *tunnel = nullptr;
    QList<QJsonObject> checkResults; ///< ws_check_result payloads, as the simulator received them
    QList<QJsonObject> errors;       ///< ws_error payloads

    explicit Fixture(const QUrl &backendUrl = {}, const std::function<void(TunnelConfig &)> &adjust = {})
    {
        if (!simulator.listen())
            qFatal("simulator did not listen");
        const QString pathId = simulator.addMount(QStringLiteral("/demo"));
        TunnelConfig c;
        c.server = simulator.socketUrl();
        c.token = simulator.mintToken(pathId);
        c.backend = backendUrl.isEmpty() ? backend.url() : backendUrl;
        c.heartbeatInterval = 1s;
        c.joinTimeout = 2s;
        if (adjust)
            adjust(c);
        tunnel = manager.addTunnel(c, &sink);
        QObject::connect(&simulator, &sim::PlugboardSimulator::frameReceived, &simulator, [this](const sim::Frame &frame) {
            if (frame.event == QLatin1String("ws_check_result"))
                checkResults.append(frame.payload);
            else if (frame.event == QLatin1String("ws_error"))
                errors.append(frame.payload);
        });
        tunnel->start();
    }

    bool connected() { return QTest::qWaitFor([this] { return tunnel->state() == Tunnel::State::Connected; }, 5000); }
    QUrl wsUrl(const QString &path) const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/call/demo%2").arg(simulator.port()).arg(path));
    }
    const WebSocketRelayStats &stats() const { return tunnel->webSocketRelay()->stats(); }
};

/// A browser: opens, and records messages and the close.
struct Browser {
    QWebSocket socket;
    QList<QByteArray> texts; ///< UTF-8
    QList<QByteArray> binaries;

    Browser()
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &t) { texts.append(t.toUtf8()); });
        QObject::connect(&socket, &QWebSocket::binaryMessageReceived, &socket,
                         [this](const QByteArray &b) { binaries.append(b); });
    }
    bool open(const QUrl &url, const QStringList &protocols = {})
    {
        QWebSocketHandshakeOptions options;
        options.setSubprotocols(protocols);
        socket.open(QNetworkRequest(url), options);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 8000);
    }
    bool waitClosed(int ms = 8000)
    {
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::UnconnectedState; }, ms);
    }
};

/// A TCP hop between Telephone and the simulator that can stop taking Telephone's bytes: the
/// server side of the tunnel "not reading". Its own buffer and the kernel's are kept small, so
/// the pause reaches Telephone's socket soon. Server → Telephone always flows.
class StallableTcpProxy : public QObject
{
public:
    explicit StallableTcpProxy(quint16 targetPort)
        : m_target(targetPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection()) {
                client->setParent(this);
                client->setReadBufferSize(64 * 1024);
                client->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 64 * 1024);
                auto *upstream = new QTcpSocket(this);
                m_pairs.append(qMakePair(QPointer<QTcpSocket>(client), QPointer<QTcpSocket>(upstream)));
                connect(client, &QTcpSocket::readyRead, this, [this, client, upstream] { forward(client, upstream); });
                connect(upstream, &QTcpSocket::connected, this, [this, client, upstream] { forward(client, upstream); });
                connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
                connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
                connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
                upstream->connectToHost(QHostAddress::LocalHost, m_target);
            }
        });
        if (!m_server.listen(QHostAddress::LocalHost))
            qFatal("proxy did not listen");
    }

    quint16 port() const { return m_server.serverPort(); }
    void setTelephoneBytesPaused(bool paused)
    {
        m_paused = paused;
        for (const auto &[client, upstream] : std::as_const(m_pairs))
            forward(client, upstream);
    }

private:
    void forward(QTcpSocket *client, QTcpSocket *upstream)
    {
        if (!m_paused && client && upstream && upstream->state() == QAbstractSocket::ConnectedState)
            upstream->write(client->readAll());
    }

    QTcpServer m_server;
    quint16 m_target;
    bool m_paused = false;
    QList<QPair<QPointer<QTcpSocket>, QPointer<QTcpSocket>>> m_pairs;
};

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(QRandomGenerator::global()->bounded(256));
    return bytes;
}

QString randomText(qsizetype utf8Bytes)
{
    // ASCII, two-, three- and four-byte sequences, cut to whole characters.
    static const QString pieces[] = {QStringLiteral("a"), QStringLiteral("é"), QStringLiteral("€"),
                                     QString::fromUtf8("\xF0\x9F\x93\x9E")};
    QString text;
    qsizetype bytes = 0;
    while (bytes < utf8Bytes) {
        const QString &piece = pieces[QRandomGenerator::global()->bounded(4)];
        const qsizetype size = piece.toUtf8().size();
        if (bytes + size > utf8Bytes)
            break;
        text += piece;
        bytes += size;
    }
    while (bytes < utf8Bytes) {
        text += QLatin1Char('a');
        ++bytes;
    }
    return text;
}

} // namespace

class TestWsProxy : public QObject
{
    Q_OBJECT

private slots:
    void connectionIsPublishedWithItsFrames()
    {
        // What the inspector is fed: one Exchange per connection, with its frames both ways.
        Fixture f;
        QVERIFY(f.connected());
        QSignalSpy opened(f.tunnel, &Tunnel::webSocketOpened);
        QSignalSpy updated(f.tunnel, &Tunnel::webSocketUpdated);
        QSignalSpy closed(f.tunnel, &Tunnel::webSocketClosed);
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/live?vsn=2"))));
        browser.socket.sendTextMessage(QStringLiteral("hello"));
        QVERIFY(QTest::qWaitFor([&] { return browser.texts.size() == 1; }, 5000));
        browser.socket.sendBinaryMessage(QByteArray("\x00\x01\xff", 3));
        QVERIFY(QTest::qWaitFor([&] { return browser.binaries.size() == 1; }, 5000));
        // While open: the frames so far, still pending (the update may already have come while the
        // echoes were awaited, so the spy is checked rather than waited on).
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 5000);
        const auto live = updated.last().at(0).value<Exchange>();
        QVERIFY(live.isPending());
        QCOMPARE(live.status, 101);
        browser.socket.sendTextMessage(QStringLiteral("close-me"));
        QVERIFY(closed.wait(5000));

        QCOMPARE(opened.size(), 1);
        QCOMPARE(closed.size(), 1);
        const auto ws = closed.at(0).at(0).value<Exchange>();
        QVERIFY(ws.isWebSocket());
        QVERIFY(!ws.isPending());
        QCOMPARE(ws.requestId, opened.at(0).at(0).value<Exchange>().requestId);
        QCOMPARE(ws.method, QStringLiteral("GET"));
        QCOMPARE(ws.path, QStringLiteral("/live"));
        QCOMPARE(ws.query, QStringLiteral("vsn=2"));
        QCOMPARE(ws.status, 101);
        QCOMPARE(ws.webSocket->framesToBackend, 3);
        QCOMPARE(ws.webSocket->bytesToBackend, 5 + 3 + 8);
        QCOMPARE(ws.webSocket->framesFromBackend, 2);
        QCOMPARE(ws.webSocket->bytesFromBackend, 5 + 3);
        QCOMPARE(ws.webSocket->closeCode, 4001);
        QCOMPARE(ws.webSocket->closeReason, QStringLiteral("bye"));
        const QList<WebSocketFrameRecord> &frames = ws.webSocket->frames;
        QCOMPARE(frames.size(), 5);
        int up = 0;
        for (const WebSocketFrameRecord &frame : frames) {
            up += frame.direction == WebSocketFrameRecord::ToBackend;
            QVERIFY(frame.opcode == 1 || frame.opcode == 2);
            QCOMPARE(frame.size, frame.data.size());
        }
        QCOMPARE(up, 3);
        QCOMPARE(frames.at(0).direction, WebSocketFrameRecord::ToBackend);
        QCOMPARE(frames.at(0).data, QByteArray("hello"));
        QCOMPARE(frames.at(1).direction, WebSocketFrameRecord::FromBackend); // the echo of "hello"
        QCOMPARE(frames.at(1).data, QByteArray("hello"));
        QCOMPARE(frames.last().data, QByteArray("close-me"));
        QVERIFY(std::any_of(frames.cbegin(), frames.cend(), [](const WebSocketFrameRecord &fr) {
            return fr.opcode == 2 && fr.data == QByteArray("\x00\x01\xff", 3);
        }));
    }

    void refusedUpgradeIsPublishedWithItsReason()
    {
        Fixture f;
        QVERIFY(f.connected());
        QSignalSpy closed(f.tunnel, &Tunnel::webSocketClosed);
        Browser browser;
        QVERIFY(!browser.open(f.wsUrl(QStringLiteral("/refuse"))));
        QVERIFY(closed.size() == 1 || closed.wait(5000));
        const auto ws = closed.at(0).at(0).value<Exchange>();
        QVERIFY(ws.isWebSocket());
        QVERIFY(!ws.isPending());
        QCOMPARE(ws.path, QStringLiteral("/refuse"));
        QCOMPARE(ws.status, 0);
        QVERIFY2(ws.error.contains(QLatin1String("403")), qPrintable(ws.error));
    }

    void echoesByteExact_data()
    {
        QTest::addColumn<qsizetype>("size");
        for (qsizetype size : {1, 125, 126, 65535, 65536, 300000, 1024 * 1024})
            QTest::addRow("%lld bytes", qlonglong(size)) << size;
    }

    void echoesByteExact()
    {
        QFETCH(qsizetype, size);
        Fixture f;
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        const QByteArray binary = randomBytes(size);
        // Qt's QWebSocket sends text in 512 KiB frames cut at a byte count, and its receiving side
        // rejects a character split between frames (1007): the two Qt ends of this test need the
        // cut to fall between characters. The relay itself carries any split as it comes.
        constexpr qsizetype QtFrame = 512 * 1024;
        const QByteArray text = size <= QtFrame ? randomText(size).toUtf8()
                                                : (randomText(QtFrame) + randomText(size - QtFrame)).toUtf8();
        QCOMPARE(text.size(), size);
        browser.socket.sendBinaryMessage(binary);
        browser.socket.sendTextMessage(QString::fromUtf8(text));
        QTRY_COMPARE_WITH_TIMEOUT(browser.binaries.size() + browser.texts.size(), 2, 30000);
        QVERIFY(browser.binaries.first() == binary);
        QVERIFY(browser.texts.first() == text);
        QCOMPARE(f.stats().bytesToBackend, 2 * size);
        QCOMPARE(f.stats().bytesFromBackend, 2 * size);
        // One browser socket, one backend handshake: the connection that answered ws_check was kept.
        QCOMPARE(f.backend.upgradeTargets.size(), 1);
        QCOMPARE(f.backend.upgradeTargets.first(), QByteArray("/echo"));
    }

    void orderHoldsOnTenConnectionsWithHttpAlongside()
    {
        Fixture f;
        QVERIFY(f.connected());
        constexpr int Connections = 10;
        constexpr int Messages = 60;
        std::vector<std::unique_ptr<Browser>> browsers;
        for (int i = 0; i < Connections; ++i) {
            browsers.push_back(std::make_unique<Browser>());
            QVERIFY(browsers.back()->open(f.wsUrl(QStringLiteral("/room/%1?n=%1").arg(i))));
        }
        QNetworkAccessManager nam;
        std::vector<std::unique_ptr<QNetworkReply>> replies;
        for (int m = 0; m < Messages; ++m) {
            for (int i = 0; i < Connections; ++i)
                browsers[size_t(i)]->socket.sendTextMessage(QStringLiteral("%1:%2").arg(i).arg(m));
            if (m % 3 == 0)
                replies.emplace_back(nam.get(QNetworkRequest(f.wsUrl(QStringLiteral("/http/%1").arg(m)).toString().replace(
                    QLatin1String("ws://"), QLatin1String("http://")))));
        }
        for (int i = 0; i < Connections; ++i) {
            Browser &b = *browsers[size_t(i)];
            QTRY_COMPARE_WITH_TIMEOUT(b.texts.size(), Messages, 15000);
            for (int m = 0; m < Messages; ++m)
                QCOMPARE(b.texts[m], QStringLiteral("%1:%2").arg(i).arg(m).toUtf8());
        }
        for (auto &reply : replies) {
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            QVERIFY(reply->readAll().startsWith("http /http/"));
        }
        QCOMPARE(f.backend.upgradeTargets.size(), Connections);
        QCOMPARE(f.tunnel->webSocketRelay()->liveConnections(), Connections);
        QCOMPARE(f.tunnel->webSocketRelay()->heldConnections(), 0);
        QVERIFY(f.backend.upgradeTargets.contains("/room/7?n=7"));
    }

    void subprotocolIsTheBackendsChoice()
    {
        Fixture f;
        f.backend.ws.setSupportedSubprotocols({QStringLiteral("v2.chat")});
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/chat")), {QStringLiteral("v1.chat"), QStringLiteral("v2.chat")}));
        QCOMPARE(browser.socket.subprotocol(), QStringLiteral("v2.chat"));
        QCOMPARE(f.checkResults.size(), 1);
        QCOMPARE(f.checkResults.first().value(QLatin1String("protocol")).toString(), QStringLiteral("v2.chat"));
        bool offered = false;
        for (const auto &[name, value] : f.backend.upgradeHeaders.first())
            offered |= name.toLower() == "sec-websocket-protocol" && value.contains("v1.chat") && value.contains("v2.chat");
        QVERIFY(offered);
    }

    void backendRefusingTheUpgradeIsReadable()
    {
        Fixture f;
        QVERIFY(f.connected());
        Browser browser;
        QSignalSpy errors(&browser.socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        browser.socket.open(f.wsUrl(QStringLiteral("/refuse")));
        QVERIFY(errors.wait(8000));
        QCOMPARE(f.checkResults.size(), 1);
        QCOMPARE(f.checkResults.first().value(QLatin1String("supported")).toBool(), false);
        const QString reason = f.checkResults.first().value(QLatin1String("reason")).toString();
        QVERIFY2(reason.contains(QLatin1String("refused")) && reason.contains(QLatin1String("403")), qPrintable(reason));
        QCOMPARE(f.backend.upgradeTargets.size(), 1); // checked once, never dialled again
        QCOMPARE(f.tunnel->webSocketRelay()->heldConnections(), 0);
        QCOMPARE(f.simulator.webSocketFront()->connectsSent(), 0);
    }

    void backendDownIsRefusedFast()
    {
        Fixture f;
        QVERIFY(f.connected());
        f.backend.http.close();
        Browser browser;
        QSignalSpy errors(&browser.socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        browser.socket.open(f.wsUrl(QStringLiteral("/echo")));
        QVERIFY(errors.wait(4000)); // well before the server's 5 s check timeout (504)
        QCOMPARE(f.checkResults.size(), 1);
        QVERIFY(f.checkResults.first().value(QLatin1String("reason")).toString().contains(QLatin1String("reached")));
    }

    void backendCloseReachesTheBrowser()
    {
        Fixture f;
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        browser.socket.sendTextMessage(QStringLiteral("close-me"));
        QVERIFY(browser.waitClosed());
        QCOMPARE(int(browser.socket.closeCode()), 4001);
        QCOMPARE(browser.socket.closeReason(), QStringLiteral("bye"));
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->webSocketRelay()->liveConnections(), 0, 3000);
    }

    void browserCloseReachesTheBackend()
    {
        Fixture f;
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        browser.socket.close(QWebSocketProtocol::CloseCode(4321), QStringLiteral("tab closed"));
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.closedSockets, 1, 5000);
        QCOMPARE(f.backend.lastCloseCode, 4321);
        QCOMPARE(f.backend.lastCloseReason, QStringLiteral("tab closed"));
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->webSocketRelay()->liveConnections(), 0, 3000);
    }

    void kickClosesEveryBackendSocket()
    {
        Fixture f;
        QVERIFY(f.connected());
        std::vector<std::unique_ptr<Browser>> browsers;
        for (int i = 0; i < 3; ++i) {
            browsers.push_back(std::make_unique<Browser>());
            QVERIFY(browsers.back()->open(f.wsUrl(QStringLiteral("/echo"))));
        }
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.openSockets(), 3, 3000);
        f.simulator.kickAll();
        for (auto &b : browsers) {
            QVERIFY(b->waitClosed());
            QCOMPARE(int(b->socket.closeCode()), 1001);
        }
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.openSockets(), 0, 3000);
        QCOMPARE(f.backend.closedSockets, 3);
        QCOMPARE(f.tunnel->webSocketRelay()->liveConnections(), 0);
        // And after the reconnect, WebSockets work again.
        QVERIFY(f.connected());
        Browser again;
        QVERIFY(again.open(f.wsUrl(QStringLiteral("/echo"))));
        again.socket.sendTextMessage(QStringLiteral("still here"));
        QTRY_COMPARE_WITH_TIMEOUT(again.texts.size(), 1, 5000);
    }

    void oversizeBackendFrameClosesWith1009()
    {
        Fixture f;
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        browser.socket.sendTextMessage(QStringLiteral("big"));
        QVERIFY(browser.waitClosed());
        QCOMPARE(int(browser.socket.closeCode()), 1009);
        QVERIFY(browser.binaries.isEmpty()); // not sent, not truncated
        QCOMPARE(f.stats().closedOverLimit, 1);
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.openSockets(), 0, 6000);
    }

    void floodingBackendIsThrottledAndDoesNotHoldUpOthers()
    {
        // The server side of the tunnel stops taking Telephone's bytes while a backend floods one
        // connection. Telephone must stop reading that backend (its writes back up) instead of
        // queueing the flood toward the server: then memory stays bounded, and a frame of another
        // connection is not stuck behind the whole flood. Nothing is lost or cut off.
        std::unique_ptr<StallableTcpProxy> proxy;
        Fixture f({}, [&proxy](TunnelConfig &c) {
            proxy = std::make_unique<StallableTcpProxy>(quint16(c.server.port()));
            c.server.setPort(proxy->port());
            c.heartbeatInterval = 30s; // the default: heartbeats wait behind the stall too
            c.wsBuffer = 1024 * 1024;
        });
        QVERIFY(f.connected());
        Browser flooded;
        Browser other;
        QVERIFY(flooded.open(f.wsUrl(QStringLiteral("/flood"))));
        QVERIFY(other.open(f.wsUrl(QStringLiteral("/echo"))));
        constexpr int Messages = 1536;
        constexpr qsizetype Size = 16 * 1024;
        constexpr qint64 Total = qint64(Messages) * Size; // 24 MiB

        proxy->setTelephoneBytesPaused(true);
        flooded.socket.sendTextMessage(QStringLiteral("flood %1 %2").arg(Messages).arg(Size));
        QTest::qWait(3000);
        // What Telephone read meanwhile: the kernel's and its socket's buffers toward the server (a
        // few MiB of base64) plus at most the --ws-buffer; the rest waits in the backend.
        const qint64 readDuringStall = f.stats().bytesFromBackend;
        QVERIFY2(readDuringStall < Total / 2, qPrintable(QString::number(readDuringStall)));
        // The other connection's echo is queued now, behind only that bounded part. Without the
        // bound it waits behind all of the flood Telephone has read by then, and reading goes on.
        other.socket.sendTextMessage(QStringLiteral("me too"));
        QTest::qWait(500);
        proxy->setTelephoneBytesPaused(false);
        QTRY_COMPARE_WITH_TIMEOUT(other.texts.size(), 1, 20000);
        qint64 floodedBytesBefore = 0;
        for (const QByteArray &m : std::as_const(flooded.binaries))
            floodedBytesBefore += m.size();
        QVERIFY2(floodedBytesBefore < Total / 2, qPrintable(QString::number(floodedBytesBefore)));
        qInfo("read from the backend during the stall: %lld bytes; flood delivered before the other echo: %lld of %lld",
              qlonglong(readDuringStall), qlonglong(floodedBytesBefore), qlonglong(Total));

        QTRY_COMPARE_WITH_TIMEOUT(flooded.binaries.size(), Messages, 60000);
        for (int n = 0; n < Messages; ++n) {
            if (flooded.binaries.at(n) != floodMessage(quint32(n), Size))
                QFAIL(qPrintable(QStringLiteral("message %1 is not the %1th the backend sent").arg(n)));
        }
        QCOMPARE(f.stats().closedOverLimit, 0);
        QVERIFY(f.stats().backendReadPauses >= 1);
        QCOMPARE(flooded.socket.state(), QAbstractSocket::ConnectedState);
    }

    void backendMessageBeyondTheBufferClosesWith1009()
    {
        // A message that alone exceeds --ws-buffer cannot wait toward the server: the connection
        // is closed 1009 both ways with a reason a person can read, the message is not sent.
        Fixture f({}, [](TunnelConfig &c) { c.wsBuffer = 64 * 1024; });
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        browser.socket.sendTextMessage(QStringLiteral("blob %1").arg(100 * 1024));
        QVERIFY(browser.waitClosed());
        QCOMPARE(int(browser.socket.closeCode()), 1009);
        const QString reason = browser.socket.closeReason();
        QVERIFY2(reason.startsWith(QLatin1String("the server is not taking")), qPrintable(reason));
        QVERIFY2(reason.endsWith(QLatin1String("over the --ws-buffer of 65536")), qPrintable(reason));
        QVERIFY(browser.binaries.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.closedSockets, 1, 6000);
        QCOMPARE(f.backend.lastCloseCode, 1009);
        QCOMPARE(f.backend.lastCloseReason, browser.socket.closeReason()); // whole: it fits a close frame
        QCOMPARE(f.stats().closedOverLimit, 1);
        QCOMPARE(f.tunnel->webSocketRelay()->liveConnections(), 0);
    }

    // The server hands over decoded paths: bytes a request line cannot carry are percent-encoded,
    // exactly as for proxy_req, so nothing raw (CR, LF, NUL) ever reaches the backend's request line.
    void decodedBytesAreEncodedBeforeDialling_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QByteArray>("target");
        QTest::addRow("CRLF in path") << QStringLiteral("/a\r\nHost: evil") << QString() << QByteArray("/a%0D%0AHost:%20evil");
        QTest::addRow("NUL in query") << QStringLiteral("/a") << QString::fromUtf8("x\0y", 3) << QByteArray("/a?x%00y");
    }

    void decodedBytesAreEncodedBeforeDialling()
    {
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(QByteArray, target);
        Fixture f;
        QVERIFY(f.connected());
        f.simulator.pushToAll(QStringLiteral("ws_check"),
                              QJsonObject{{"check_id", "c1"}, {"path", path}, {"query_string", query},
                                          {"headers", QJsonObject()}});
        QTRY_COMPARE_WITH_TIMEOUT(f.checkResults.size(), 1, 3000);
        QCOMPARE(f.checkResults.first().value(QLatin1String("supported")).toBool(), true);
        QCOMPARE(f.backend.upgradeTargets.size(), 1);
        QCOMPARE(f.backend.upgradeTargets.first(), target);
    }

    void hostileChecksAreRefusedWithoutDialling_data()
    {
        QTest::addColumn<QJsonObject>("payload");
        const QJsonObject noHeaders;
        QTest::addRow("another host") << QJsonObject{{"path", "//evil.example/x"}, {"query_string", ""}, {"headers", noHeaders}};
        QTest::addRow("absolute URL") << QJsonObject{{"path", "http://evil.example/"}, {"query_string", ""}, {"headers", noHeaders}};
        QTest::addRow("CRLF in header") << QJsonObject{{"path", "/a"}, {"query_string", ""},
                                                       {"headers", QJsonObject{{"cookie", "a=b\r\nHost: evil"}}}};
        QTest::addRow("huge headers") << QJsonObject{{"path", "/a"}, {"query_string", ""},
                                                     {"headers", QJsonObject{{"cookie", QString(200000, QLatin1Char('c'))}}}};
        QTest::addRow("no path") << QJsonObject{{"query_string", ""}, {"headers", noHeaders}};
    }

    void hostileChecksAreRefusedWithoutDialling()
    {
        QFETCH(QJsonObject, payload);
        Fixture f;
        QVERIFY(f.connected());
        QJsonObject check = payload;
        check.insert(QStringLiteral("check_id"), QStringLiteral("c1"));
        f.simulator.pushToAll(QStringLiteral("ws_check"), check);
        QTRY_COMPARE_WITH_TIMEOUT(f.checkResults.size(), 1, 3000);
        QCOMPARE(f.checkResults.first().value(QLatin1String("check_id")).toString(), QStringLiteral("c1"));
        QCOMPARE(f.checkResults.first().value(QLatin1String("supported")).toBool(), false);
        QVERIFY(!f.checkResults.first().value(QLatin1String("reason")).toString().isEmpty());

        QJsonObject connect = payload;
        connect.insert(QStringLiteral("connection_id"), QStringLiteral("k1"));
        f.simulator.pushToAll(QStringLiteral("ws_connect"), connect);
        QTRY_COMPARE_WITH_TIMEOUT(f.errors.size(), 1, 3000);
        QCOMPARE(f.errors.first().value(QLatin1String("connection_id")).toString(), QStringLiteral("k1"));
        QVERIFY(!f.errors.first().value(QLatin1String("reason")).toString().isEmpty());
        QTest::qWait(100);
        QCOMPARE(f.backend.upgradeTargets.size(), 0);
        QCOMPARE(f.stats().backendHandshakes, 0);
    }

    void backendPingIsAnsweredByTheBrowser()
    {
        // The backend's ping travels to the browser as a ping frame; the browser's pong comes back.
        Fixture f;
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        browser.socket.sendTextMessage(QStringLiteral("ping-me"));
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.pongs, QList<QByteArray>{"are you there"}, 5000);
        QCOMPARE(f.stats().framesFromBackend, 1); // the ping
    }

    void browserPingReachesTheBackendAndItsPongComesBack()
    {
        // The server relays a browser's ping (it does not answer it itself): the backend gets a
        // ping frame, answers with a pong, and that pong is what the browser receives.
        Fixture f;
        QVERIFY(f.connected());
        QList<QJsonObject> framesFromTelephone;
        QObject::connect(&f.simulator, &sim::PlugboardSimulator::frameReceived, &f.simulator, [&](const sim::Frame &frame) {
            if (frame.event == QLatin1String("ws_frame"))
                framesFromTelephone.append(frame.payload);
        });
        Browser browser;
        QSignalSpy pongs(&browser.socket, &QWebSocket::pong);
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        browser.socket.ping("anyone home?");
        QVERIFY(pongs.wait(5000));
        QCOMPARE(pongs.size(), 1);
        QCOMPARE(pongs.first().at(1).toByteArray(), QByteArray("anyone home?"));
        QCOMPARE(f.stats().framesToBackend, 1);   // the ping
        QCOMPARE(f.stats().framesFromBackend, 1); // the backend's pong
        QCOMPARE(framesFromTelephone.size(), 1);
        QCOMPARE(framesFromTelephone.first().value(QLatin1String("opcode")).toString(), QStringLiteral("pong"));
        QCOMPARE(QByteArray::fromBase64(framesFromTelephone.first().value(QLatin1String("data")).toString().toLatin1()),
                 QByteArray("anyone home?"));
    }

    void serverClosesIdleConnections()
    {
        // The server closes a proxied WebSocket idle for 300 s (shortened here: it is the
        // simulator's timer, not Telephone's behaviour). Its ws_close reaches the backend with the
        // code and reason the browser got; a connection with traffic stays open.
        Fixture f;
        f.simulator.setWebSocketIdleTimeoutMs(1500);
        QVERIFY(f.connected());
        Browser idle;
        Browser busy;
        QVERIFY(idle.open(f.wsUrl(QStringLiteral("/echo"))));
        QVERIFY(busy.open(f.wsUrl(QStringLiteral("/echo"))));
        QTimer chatter;
        QObject::connect(&chatter, &QTimer::timeout, &busy.socket, [&busy] { busy.socket.sendTextMessage(QStringLiteral("tick")); });
        chatter.start(200);
        QVERIFY(idle.waitClosed(6000));
        QCOMPARE(int(idle.socket.closeCode()), 1000);
        QCOMPARE(idle.socket.closeReason(), QStringLiteral("Idle timeout"));
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.closedSockets, 1, 5000);
        QCOMPARE(f.backend.lastCloseCode, 1000);
        QCOMPARE(f.backend.lastCloseReason, QStringLiteral("Idle timeout"));
        QTest::qWait(1000);
        QCOMPARE(busy.socket.state(), QAbstractSocket::ConnectedState);
        QVERIFY(busy.texts.size() > 10);
        QCOMPARE(f.tunnel->webSocketRelay()->liveConnections(), 1);
    }

    void demoEchoBackendEchoesWebSockets()
    {
        // What the --demo banner invites people to try.
        sim::EchoBackend echo;
        QVERIFY(echo.listen());
        Fixture f(echo.url());
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        browser.socket.sendTextMessage(QStringLiteral("héllo"));
        browser.socket.sendBinaryMessage(QByteArray("\x00\x01\xfe", 3));
        QTRY_COMPARE_WITH_TIMEOUT(browser.texts, QList<QByteArray>{QStringLiteral("héllo").toUtf8()}, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(browser.binaries, QList<QByteArray>{QByteArray("\x00\x01\xfe", 3)}, 5000);
    }

    void unknownConnectionIdsAreCountedAndIgnored()
    {
        Fixture f;
        QVERIFY(f.connected());
        f.simulator.pushToAll(QStringLiteral("ws_frame"), {{"connection_id", "nope"}, {"opcode", "text"}, {"data", "aGk="}});
        f.simulator.pushToAll(QStringLiteral("ws_close"), {{"connection_id", "nope"}, {"code", 1000}, {"reason", ""}});
        QTRY_COMPARE_WITH_TIMEOUT(f.stats().unknownConnectionIds, 2, 3000);
        QCOMPARE(f.tunnel->state(), Tunnel::State::Connected);
    }

    void closeCodesThatMayNotTravelAreMapped_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("wire");
        QTest::newRow("1005") << 1005 << 1000;
        QTest::newRow("1006") << 1006 << 1011;
        QTest::newRow("1015") << 1015 << 1011;
        QTest::newRow("1004") << 1004 << 1011;
        QTest::newRow("999") << 999 << 1011;
        QTest::newRow("1000") << 1000 << 1000;
        QTest::newRow("1009") << 1009 << 1009;
        QTest::newRow("4001") << 4001 << 4001;
    }

    void closeCodesThatMayNotTravelAreMapped()
    {
        QFETCH(int, code);
        QFETCH(int, wire);
        QCOMPARE(WebSocketRelay::wireCloseCode(code), wire);
    }

    void metricsAndHealthCountConnectionsAndFrames()
    {
        Fixture f;
        OpsReport report(&f.manager);
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        for (int i = 0; i < 3; ++i)
            browser.socket.sendTextMessage(QStringLiteral("0123456789"));
        QTRY_COMPARE_WITH_TIMEOUT(browser.texts.size(), 3, 5000);

        const prom::Exposition metrics = prom::parse(report.metrics());
        QVERIFY2(metrics.error.isEmpty(), qPrintable(metrics.error));
        QCOMPARE(metrics.value(QStringLiteral("telephone_websockets_live")), 1.0);
        QCOMPARE(metrics.value(QStringLiteral("telephone_websockets_opened_total")), 1.0);
        QCOMPARE(metrics.value(QStringLiteral("telephone_websocket_frames_to_backend_total")), 3.0);
        QCOMPARE(metrics.value(QStringLiteral("telephone_websocket_bytes_to_backend_total")), 30.0);
        QCOMPARE(metrics.value(QStringLiteral("telephone_websocket_frames_from_backend_total")), 3.0);
        QCOMPARE(metrics.value(QStringLiteral("telephone_websocket_bytes_from_backend_total")), 30.0);
        QCOMPARE(metrics.types.value(QStringLiteral("telephone_websockets_live")), QStringLiteral("gauge"));

        const QJsonObject ws = report.health().value(QLatin1String("tunnels")).toArray().first().toObject()
                                   .value(QLatin1String("websockets")).toObject();
        QCOMPARE(ws.value(QLatin1String("live")).toInt(), 1);
        QCOMPARE(ws.value(QLatin1String("frames_from_backend_total")).toInt(), 3);

        browser.socket.close();
        QTRY_COMPARE_WITH_TIMEOUT(prom::parse(report.metrics()).value(QStringLiteral("telephone_websockets_live")), 0.0, 5000);
    }

    void gracefulStopSaysGoingAway()
    {
        Fixture f;
        QVERIFY(f.connected());
        Browser browser;
        QVERIFY(browser.open(f.wsUrl(QStringLiteral("/echo"))));
        QSignalSpy stopped(f.tunnel, &Tunnel::stopped);
        f.tunnel->stop();
        QVERIFY(stopped.wait(5000));
        QTRY_COMPARE_WITH_TIMEOUT(f.backend.closedSockets, 1, 5000);
        QCOMPARE(f.backend.lastCloseCode, 1001);
        QCOMPARE(f.backend.lastCloseReason, QStringLiteral("going away"));
    }
};

QTEST_GUILESS_MAIN(TestWsProxy)
#include "test_wsproxy.moc"
