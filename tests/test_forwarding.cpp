// Forwarding end to end: caller → simulator's HTTP front → tunnel → a real local HTTP backend that
// records what reached it, and back. Callers use raw sockets so that nothing adds headers of its own.

#include "protocol/phoenixsocket.h"
#include "proxy/forwarder.h"
#include "sim/httpserver.h"
#include "sim/plugboardsimulator.h"
#include "support/rawhttpclient.h"
#include "support/recordingbackend.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

using Backend = RecordingBackend;

struct Setup {
    sim::PlugboardSimulator simulator;
    Backend backend;
    MemoryTokenSink sink;
    std::unique_ptr<Tunnel> tunnel;

    explicit Setup(std::function<void(TunnelConfig &)> adjust = {}, bool base64 = false, bool multiValue = false)
    {
        simulator.setFeatureBodyBase64(base64);
        simulator.setFeatureMultiValueHeaders(multiValue);
        if (!simulator.listen())
            qFatal("simulator did not listen");
        const QString pathId = simulator.addMount(QStringLiteral("/app"));
        TunnelConfig config;
        config.server = simulator.socketUrl();
        config.token = simulator.mintToken(pathId);
        config.backend = backend.url();
        config.backoffInitial = 20ms;
        config.backoffMax = 200ms;
        if (adjust)
            adjust(config);
        tunnel = std::make_unique<Tunnel>(config, &sink);
        tunnel->start();
    }
    bool connected()
    {
        QElapsedTimer timer;
        timer.start();
        while (tunnel->state() != Tunnel::State::Connected && timer.elapsed() < 5000)
            QTest::qWait(10);
        return tunnel->state() == Tunnel::State::Connected;
    }
    RawResponse call(const QByteArray &method, const QByteArray &pathAndQuery, const QByteArray &headers = {},
                     const QByteArray &body = {})
    {
        return rawCall(simulator.port(), method, "/call/app" + pathAndQuery, headers, body);
    }
};


// A join whose answers are held, standing for frames still waiting in the socket's queue.
struct HeldReplies : ReplyContext {
    HeldReplies(PhoenixSocket *socket, QList<ProxyResponse> *held)
        : ReplyContext(socket, QStringLiteral("telephone:t"), QStringLiteral("1"), {}, 1024 * 1024)
        , held(held)
    {
    }
    std::optional<ResponseWriterStats> send(ProxyResponse response) override
    {
        held->append(std::move(response));
        return ResponseWriterStats{};
    }
    QList<ProxyResponse> *held;
};

QByteArray requestLine(const sim::HttpRequest &request)
{
    return request.rawHead.left(request.rawHead.indexOf("\r\n"));
}

// gzip(1): an encoder that is not the one under test.
QByteArray gzip(const QByteArray &data)
{
    QProcess process;
    process.start(QStringLiteral("gzip"), {QStringLiteral("-c"), QStringLiteral("-n")});
    if (!process.waitForStarted())
        return {};
    process.write(data);
    process.closeWriteChannel();
    // waitForFinished keeps feeding stdin and draining stdout meanwhile.
    if (!process.waitForFinished(30000) || process.exitCode() != 0)
        return {};
    return process.readAllStandardOutput();
}

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator rng(seed);
    for (char &c : bytes)
        c = char(rng.bounded(256));
    return bytes;
}

} // namespace

class TestForwarding : public QObject
{
    Q_OBJECT

private slots:
    void pathAndQueryReachTheBackendByteForByte_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("encoded slash") << QByteArray("/a%2Fb") << QByteArray("/base/a%2Fb");
        QTest::newRow("encoded question mark") << QByteArray("/q?x=%3F") << QByteArray("/base/q?x=%3F");
        QTest::newRow("trailing slash") << QByteArray("/dir/") << QByteArray("/base/dir/");
        QTest::newRow("plus and encoded space") << QByteArray("/s?q=a+b%20c") << QByteArray("/base/s?q=a+b%20c");
        QTest::newRow("unicode percent-encoded") << QByteArray("/caf%C3%A9") << QByteArray("/base/caf%C3%A9");
        QTest::newRow("unreserved percent-encoded") << QByteArray("/%7Euser/%41") << QByteArray("/base/%7Euser/%41");
        QTest::newRow("mount root") << QByteArray("/") << QByteArray("/base/");
        QTest::newRow("repeated slashes inside") << QByteArray("/a//b") << QByteArray("/base/a//b");
    }

    void pathAndQueryReachTheBackendByteForByte()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, expected);
        Setup s([&](TunnelConfig &c) { c.backend = QUrl(c.backend.toString() + QStringLiteral("/base")); });
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", target);
        QCOMPARE(r.status, 200);
        QCOMPARE(s.backend.received.size(), 1);
        QCOMPARE(requestLine(s.backend.received.first()), "GET " + expected + " HTTP/1.1");
    }

    void requestHeaderRules()
    {
        Setup s;
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/h", "X-Custom: one\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                                                  "Upgrade: h2c\r\nX-Forwarded-For: 203.0.113.9\r\n");
        QCOMPARE(r.status, 200);
        const sim::HttpRequest &got = s.backend.received.first();
        QCOMPARE(got.header("host"), QByteArray("127.0.0.1:") + QByteArray::number(s.backend.server.port()));
        QCOMPARE(got.header("x-custom"), QByteArray("one"));
        QCOMPARE(got.header("x-forwarded-host"), QByteArray("public.example"));
        QCOMPARE(got.header("x-forwarded-proto"), QByteArray("http"));
        QCOMPARE(got.header("x-forwarded-for"), QByteArray("203.0.113.9"));
        QVERIFY(!got.header("x-request-id").isEmpty());
        for (const char *absent : {"keep-alive", "te", "upgrade", "accept-language", "transfer-encoding"})
            QVERIFY2(!got.hasHeader(absent), absent);
        // This server lists no body_base64: compressed bodies could not travel, so none are asked for.
        QCOMPARE(got.header("accept-encoding"), QByteArray("identity"));
        QCOMPARE(got.headerValues("host").size(), 1);
    }

    void preserveHostKeepsTheCallersHost()
    {
        Setup s([](TunnelConfig &c) { c.preserveHost = true; });
        QVERIFY(s.connected());
        QCOMPARE(s.call("GET", "/").status, 200);
        QCOMPARE(s.backend.received.first().header("host"), QByteArray("public.example"));
    }

    void methodsAndBodies()
    {
        Setup s;
        s.backend.answer = [](const sim::HttpRequest &req, sim::HttpResponder *r) {
            r->respond(207, {{"content-type", "application/xml"}}, req.method + ':' + req.body);
        };
        QVERIFY(s.connected());
        const QByteArray xml = "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><allprop/></propfind>";
        RawResponse r = s.call("PROPFIND", "/dav/", "Depth: 1\r\n", xml);
        QCOMPARE(r.status, 207);
        QCOMPARE(r.body, "PROPFIND:" + xml);
        QCOMPARE(s.backend.received.last().header("content-length"), QByteArray::number(xml.size()));
        r = s.call("POST", "/empty", {}, {});
        QCOMPARE(r.body, QByteArray("POST:"));
        QCOMPARE(s.backend.received.last().header("content-length"), QByteArray("0"));
    }

    void responsesPassThroughUnchanged_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("204") << 204 << QByteArray();
        QTest::newRow("304") << 304 << QByteArray();
        QTest::newRow("404") << 404 << QByteArray("{\"missing\":true}");
        QTest::newRow("500") << 500 << QByteArray("boom");
        QTest::newRow("302 not followed") << 302 << QByteArray("moved");
    }

    void responsesPassThroughUnchanged()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        Setup s;
        s.backend.answer = [status, body](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(status, {{"Location", "http://elsewhere.example/"}, {"X-Trace", "abc"}, {"ETag", "\"v1\""}}, body);
        };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/x");
        QCOMPARE(r.status, status);
        QCOMPARE(r.body, body);
        QCOMPARE(r.header("location"), QByteArray("http://elsewhere.example/"));
        QCOMPARE(r.header("x-trace"), QByteArray("abc"));
        QCOMPARE(r.header("etag"), QByteArray("\"v1\""));
        QCOMPARE(s.backend.received.size(), 1); // the redirect was not followed
    }

    void headHasNoBody()
    {
        Setup s;
        s.backend.answer = [](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"content-type", "text/plain"}}, "body that HEAD must not carry");
        };
        QVERIFY(s.connected());
        const RawResponse r = s.call("HEAD", "/x");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
    }

    void setCookies_data()
    {
        QTest::addColumn<bool>("multiValue");
        QTest::addColumn<int>("cookies");
        QTest::newRow("with multi_value_headers") << true << 2;
        QTest::newRow("without: first kept, loss counted") << false << 1;
    }

    void setCookies()
    {
        QFETCH(bool, multiValue);
        QFETCH(int, cookies);
        Setup s({}, false, multiValue);
        s.backend.answer = [](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"Set-Cookie", "a=1; Path=/"}, {"Set-Cookie", "b=2; HttpOnly"}}, "ok");
        };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/login");
        QCOMPARE(r.count("set-cookie"), cookies);
        QCOMPARE(r.header("set-cookie"), QByteArray("a=1; Path=/"));
        QCOMPARE(s.tunnel->droppedHeaderValues(), qint64(multiValue ? 0 : 1));
    }

    void binaryBodies_data()
    {
        QTest::addColumn<bool>("base64");
        QTest::newRow("body_base64 offered: byte-exact") << true;
        QTest::newRow("not offered: clean 502") << false;
    }

    void binaryBodies()
    {
        QFETCH(bool, base64);
        Setup s({}, base64);
        const QByteArray binary = randomBytes(1024 * 1024, 99);
        s.backend.answer = [&binary](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"content-type", "application/octet-stream"}}, binary);
        };
        QVERIFY(s.connected());
        QSignalSpy finished(s.tunnel.get(), &Tunnel::exchangeFinished);
        const RawResponse r = s.call("GET", "/blob");
        if (base64) {
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body.size(), binary.size());
            QVERIFY(r.body == binary);
        } else {
            QCOMPARE(r.status, 502);
            QVERIFY2(r.body.contains("binary"), r.body.constData());
            QVERIFY(r.body.contains("body_base64"));
            QTRY_COMPARE(finished.count(), 1);
            QVERIFY(finished.first().first().value<Exchange>().error.contains(QLatin1String("binary")));
        }
    }

    // The inspector's timeline: received ≤ backend connected ≤ first byte ≤ answered, the first byte
    // no sooner than the backend's deliberate 150 ms pause; the next request reuses the connection.
    void timelineOfARequest()
    {
        Setup s;
        s.backend.answer = [](const sim::HttpRequest &, sim::HttpResponder *r) {
            QPointer<sim::HttpResponder> responder(r);
            QTimer::singleShot(150, r, [responder] {
                if (responder)
                    responder->respond(200, {{"content-type", "text/plain"}}, "late");
            });
        };
        QVERIFY(s.connected());
        QSignalSpy finished(s.tunnel.get(), &Tunnel::exchangeFinished);
        for (int i = 0; i < 2; ++i)
            QCOMPARE(s.call("GET", "/slow").status, 200);
        QTRY_COMPARE(finished.count(), 2);
        for (int i = 0; i < 2; ++i) {
            const Exchange e = finished.at(i).first().value<Exchange>();
            QVERIFY(e.backendConnectedAt.isValid());
            QVERIFY(e.firstByteAt.isValid());
            const QDateTime answered = e.startedAt.addMSecs(e.durationMs);
            QVERIFY(e.startedAt <= e.backendConnectedAt);
            QVERIFY(e.backendConnectedAt <= e.firstByteAt);
            QVERIFY(e.firstByteAt <= answered);
            QVERIFY2(e.backendConnectedAt.msecsTo(e.firstByteAt) >= 150,
                     qPrintable(QString::number(e.backendConnectedAt.msecsTo(e.firstByteAt))));
            QCOMPARE(e.backendConnectionReused, i == 1);
        }
    }

    // A backend that is not there: no connection, no first byte on the timeline.
    void timelineWithoutABackend()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        Setup s([port](TunnelConfig &c) { c.backend = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); });
        QVERIFY(s.connected());
        QSignalSpy finished(s.tunnel.get(), &Tunnel::exchangeFinished);
        QCOMPARE(s.call("GET", "/nobody").status, 502);
        QTRY_COMPARE(finished.count(), 1);
        const Exchange e = finished.first().first().value<Exchange>();
        QVERIFY(!e.backendConnectedAt.isValid());
        QVERIFY(!e.firstByteAt.isValid());
    }

    void binaryRequestBodyWithBase64()
    {
        Setup s({}, true);
        s.backend.answer = [](const sim::HttpRequest &req, sim::HttpResponder *r) {
            r->respond(200, {{"content-type", "text/plain"}}, QByteArray::number(qChecksum(req.body)) + ' '
                                                                  + QByteArray::number(req.body.size()));
        };
        QVERIFY(s.connected());
        const QByteArray upload = randomBytes(200 * 1024, 5);
        const RawResponse r = s.call("POST", "/upload", "Content-Type: application/octet-stream\r\n", upload);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray::number(qChecksum(upload)) + ' ' + QByteArray::number(upload.size()));
    }

    void compressedBodiesStayCompressed()
    {
        Setup s({}, true);
        const QByteArray gzipBytes("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00\x86\xa6\x10\x36"
                                   "\x05\x00\x00\x00",
                                   25);
        s.backend.answer = [&gzipBytes](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"Content-Encoding", "gzip"}, {"Content-Type", "text/plain"}}, gzipBytes);
        };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/z", "Accept-Encoding: gzip\r\n");
        QCOMPARE(r.header("content-encoding"), QByteArray("gzip"));
        QCOMPARE(r.body, gzipBytes);
        QCOMPARE(s.backend.received.first().header("accept-encoding"), QByteArray("gzip"));
    }

    void largeTextIsChunkedWithoutSplittingCharacters()
    {
        Setup s([](TunnelConfig &c) { c.chunkSize = 64 * 1024; });
        QByteArray text;
        while (text.size() < 3 * 1024 * 1024)
            text += "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \"quoted\" \\ line\n";
        s.backend.answer = [&text](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"content-type", "text/plain; charset=utf-8"}}, text);
        };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/text");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("transfer-encoding").contains("chunked"));
        QVERIFY(r.body == text);
    }

    void headerValuesTheServerCannotCarryAre502_data()
    {
        QTest::addColumn<QByteArray>("rawResponse");
        QTest::addColumn<QByteArray>("reason");
        QTest::newRow("Latin-1 value") << QByteArray("HTTP/1.1 200 OK\r\nX-Name: caf\xe9\r\nContent-Length: 2\r\n\r\nok")
                                       << QByteArray("not UTF-8");
        QTest::newRow("bare CR splitting a header")
            << QByteArray("HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok")
            << QByteArray("control character");
    }

    void headerValuesTheServerCannotCarryAre502()
    {
        QFETCH(QByteArray, rawResponse);
        QFETCH(QByteArray, reason);
        Setup s;
        s.backend.answer = [rawResponse](const sim::HttpRequest &, sim::HttpResponder *r) { r->respondRaw(rawResponse); };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/h");
        QCOMPARE(r.status, 502);
        QVERIFY2(r.body.contains(reason), r.body.constData());
        QCOMPARE(r.count("set-cookie"), 0);
    }

    // The deployed server offers no body_base64: the caller's Accept-Encoding is replaced by identity,
    // and a backend that compresses anyway has its text decoded (by gzip(1) and qCompress here, an
    // implementation independent of ours).
    void compressedTextWithoutBodyBase64ArrivesAsText_data()
    {
        QTest::addColumn<QByteArray>("coding");
        QTest::newRow("gzip") << QByteArray("gzip");
        QTest::newRow("deflate") << QByteArray("deflate");
    }

    void compressedTextWithoutBodyBase64ArrivesAsText()
    {
        QFETCH(QByteArray, coding);
        Setup s;
        QByteArray html = "<!doctype html><title>Grüße</title>";
        for (int i = 0; i < 2000; ++i)
            html += "<p>paragraph " + QByteArray::number(i) + " \xe2\x9c\x93</p>\n";
        const QByteArray compressed = coding == "gzip" ? gzip(html) : qCompress(html).mid(4);
        QVERIFY(!compressed.isEmpty());
        s.backend.answer = [&](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"Content-Encoding", coding}, {"Content-Type", "text/html; charset=utf-8"}}, compressed);
        };
        QVERIFY(s.connected());
        QSignalSpy finished(s.tunnel.get(), &Tunnel::exchangeFinished);
        const RawResponse r = s.call("GET", "/page", "Accept-Encoding: gzip, deflate, br\r\n");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body == html);
        QVERIFY(r.header("content-encoding").isEmpty());
        QCOMPARE(s.backend.received.first().header("accept-encoding"), QByteArray("identity"));
        QTRY_COMPARE(finished.count(), 1);
        const Exchange exchange = finished.first().first().value<Exchange>();
        QCOMPARE(exchange.decodedContentEncoding, QString::fromLatin1(coding));
        QVERIFY(exchange.requestHeaders.contains(qMakePair(QByteArray("accept-encoding"), QByteArray("identity"))));
    }

    void compressedBinaryWithoutBodyBase64Is502()
    {
        Setup s;
        const QByteArray png = gzip(randomBytes(64 * 1024, 7));
        s.backend.answer = [&png](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"Content-Encoding", "gzip"}, {"Content-Type", "image/png"}}, png);
        };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/logo.png");
        QCOMPARE(r.status, 502);
        QVERIFY2(r.body.contains("binary"), r.body.constData());
    }

    // 64 MiB of zeros in ~64 KiB of gzip: decoding stops at the response limit with a clear 502.
    void decompressionBombIs502()
    {
        Setup s([](TunnelConfig &c) { c.maxResponseSize = 1024 * 1024; });
        const QByteArray bomb = gzip(QByteArray(64 * 1024 * 1024, '0'));
        QVERIFY(bomb.size() < 1024 * 1024);
        s.backend.answer = [&bomb](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"Content-Encoding", "gzip"}, {"Content-Type", "text/plain"}}, bomb);
        };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/bomb");
        QCOMPARE(r.status, 502);
        QVERIFY2(r.body.contains("decompresses to more than"), r.body.constData());
    }

    void responseLargerThanTheLimitIs502NamingIt()
    {
        Setup s([](TunnelConfig &c) { c.maxResponseSize = 1000; });
        s.backend.answer = [](const sim::HttpRequest &, sim::HttpResponder *r) { r->respond(200, {}, QByteArray(5000, 'x')); };
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/big");
        QCOMPARE(r.status, 502);
        QVERIFY2(r.body.contains("1000-byte limit"), r.body.constData());
    }

    void slowBackendIs504()
    {
        Setup s([](TunnelConfig &c) { c.requestTimeout = 300ms; });
        s.backend.answer = [](const sim::HttpRequest &, sim::HttpResponder *) {}; // never answers
        QVERIFY(s.connected());
        const RawResponse r = s.call("GET", "/slow");
        QCOMPARE(r.status, 504);
        QVERIFY(r.body.contains("did not answer within 0.3 s"));
    }

    void refusedBackendIs502WithinMilliseconds()
    {
        // The port stays taken until the simulator and its echo backend listen, so that neither of
        // them can be given it (the backend would then be the simulator, answering 404).
        QTcpServer reserve;
        QVERIFY(reserve.listen(QHostAddress::LocalHost, 0));
        const quint16 deadPort = reserve.serverPort();
        Setup s([deadPort](TunnelConfig &c) { c.backend = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(deadPort)); });
        reserve.close();
        QVERIFY(s.connected());
        QElapsedTimer timer;
        timer.start();
        const RawResponse r = s.call("GET", "/");
        QCOMPARE(r.status, 502);
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY2(r.body.contains("refused the connection"), r.body.constData());
        QVERIFY(r.body.contains(QByteArray::number(deadPort)));
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QVERIFY(r.body.startsWith("{\"details\":") || r.body.contains("\"error\":true"));
    }

    void resetBackendIs502()
    {
        Setup s;
        s.backend.answer = [](const sim::HttpRequest &, sim::HttpResponder *r) { r->closeAbruptly(); };
        QVERIFY(s.connected());
        const RawResponse r = s.call("POST", "/reset", {}, "data");
        QCOMPARE(r.status, 502);
        QVERIFY2(r.body.contains("reset") || r.body.contains("closed"), r.body.constData());
    }

    void concurrencyCapAnswers503AtOnce()
    {
        Setup s([](TunnelConfig &c) { c.maxConcurrent = 2; });
        QList<QPointer<sim::HttpResponder>> held;
        s.backend.answer = [&held](const sim::HttpRequest &, sim::HttpResponder *r) { held.append(r); };
        QVERIFY(s.connected());
        QTcpSocket a, b;
        for (QTcpSocket *socket : {&a, &b}) {
            socket->connectToHost(QHostAddress::LocalHost, s.simulator.port());
            socket->write("GET /call/app/hold HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        QTRY_COMPARE(held.size(), 2);
        const RawResponse third = s.call("GET", "/third");
        QCOMPARE(third.status, 503);
        QVERIFY(third.body.contains("limit of 2 concurrent"));
        for (const auto &r : held)
            r->respond(200, {}, "released");
        QTRY_VERIFY(a.bytesAvailable() > 0 && b.bytesAvailable() > 0);
    }

    // Issue 11, item 7: the slot was given back when the response was queued, so a server that
    // read slowly collected a response per slot, then another, without limit. The frame owns the
    // response (ProxyResponse::slot): the slot comes back when it is written or dropped.
    void concurrencySlotIsHeldUntilTheResponseIsWritten()
    {
        RecordingBackend backend;
        ForwarderOptions options;
        options.backend = backend.url();
        options.maxConcurrent = 1;
        Forwarder forwarder(options);
        QList<ProxyResponse> unwritten; // stands for frames still waiting in the socket's queue
        PhoenixSocket socket;
        const auto join = std::make_shared<HeldReplies>(&socket, &unwritten);
        auto payload = [](const char *id) {
            return QJsonObject{{QStringLiteral("request_id"), QString::fromLatin1(id)},
                               {QStringLiteral("method"), QStringLiteral("GET")},
                               {QStringLiteral("path"), QStringLiteral("/slot")}};
        };
        forwarder.handle(payload("first"), join);
        QTRY_COMPARE(unwritten.size(), 1);
        QCOMPARE(unwritten.at(0).status, 200);
        QCOMPARE(forwarder.inFlight(), 0);    // the backend is done with it...
        QCOMPARE(forwarder.slotsInUse(), 1);  // ...but its response is not written yet
        forwarder.handle(payload("second"), join);
        QCOMPARE(unwritten.size(), 2);
        QCOMPARE(unwritten.at(1).status, 503);
        QCOMPARE(backend.received.size(), 1);

        unwritten.clear(); // written (or dropped with the socket): the slot comes back
        QCOMPARE(forwarder.slotsInUse(), 0);
        forwarder.handle(payload("third"), join);
        QTRY_COMPARE(unwritten.size(), 1);
        QCOMPARE(unwritten.at(0).status, 200);
        QCOMPARE(backend.received.size(), 2);
    }

    // PROTOCOL.md: when a channel ends, the server answers its callers 502; a response finished
    // later has no caller. A draining stop keeps its requests running to answer them, so a
    // phx_close then must end their join: the late answer is not sent under the old join_ref
    // (before, Tunnel::sendResponse sent it with whatever join_ref it held).
    void aResponseForAnEndedChannelIsNotSent()
    {
        Setup s;
        QList<QPointer<sim::HttpResponder>> held;
        s.backend.answer = [&held](const sim::HttpRequest &, sim::HttpResponder *r) { held.append(r); };
        QVERIFY(s.connected());
        QList<sim::Frame> responses;
        connect(&s.simulator, &sim::PlugboardSimulator::frameReceived, this, [&responses](const sim::Frame &frame) {
            if (frame.event == QLatin1String("proxy_res"))
                responses.append(frame);
        });
        QTcpSocket caller;
        caller.connectToHost(QHostAddress::LocalHost, s.simulator.port());
        caller.write("GET /call/app/slow HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(held.size(), 1);
        QSignalSpy stopped(s.tunnel.get(), &Tunnel::stopped);
        s.tunnel->stop(); // drains: the request keeps running
        QCOMPARE(s.tunnel->state(), Tunnel::State::Stopping);
        s.simulator.pushToAll(QStringLiteral("phx_close"));
        QTRY_VERIFY(caller.bytesAvailable() > 0);
        QVERIFY2(caller.peek(40).startsWith("HTTP/1.1 502"), caller.peek(40).constData());
        QVERIFY(held.first());
        held.first()->respond(200, {}, "too late");
        QVERIFY(stopped.wait(10000));
        QCOMPARE(responses.size(), 0);
        QCOMPARE(s.simulator.lateResponses(), 0);
    }

    // A proxy_res still waiting whole in the socket's queue when its join ends is withdrawn; one
    // whose first fragment is out is finished (a message cannot be cut short). The withdrawn
    // frame's concurrency slot comes back.
    void aQueuedResponseIsWithdrawnWhenItsJoinEnds()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/app"));
        QList<sim::Frame> received;
        connect(&simulator, &sim::PlugboardSimulator::frameReceived, this,
                [&received](const sim::Frame &frame) { received.append(frame); });
        PhoenixSocket socket;
        QSignalSpy opened(&socket, &PhoenixSocket::opened);
        QUrl url = simulator.socketUrl();
        url.setQuery(QStringLiteral("token=") + simulator.mintToken(pathId) + QStringLiteral("&vsn=2.0.0"));
        socket.open(url);
        QVERIFY(opened.wait(5000));
        ReplyContext join(&socket, QStringLiteral("telephone:") + pathId, QStringLiteral("1"), {}, 1024 * 1024);

        ProxyResponse big;
        big.requestId = QStringLiteral("big");
        big.status = 200;
        big.body = QByteArray(3 * 1024 * 1024, 'x'); // fills the socket's 1 MiB high water at once
        ProxyResponse small;
        small.requestId = QStringLiteral("small");
        small.status = 200;
        small.body = "late";
        auto slot = std::make_shared<int>(0);
        small.slot = slot;
        const std::weak_ptr<int> slotHeld = slot;
        slot.reset();
        QVERIFY(join.send(std::move(big)));
        QVERIFY(join.send(std::move(small))); // queued behind the big one
        QVERIFY(!slotHeld.expired());
        join.end();
        QVERIFY(!join.send(ProxyResponse{})); // dropped at once after the end
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), 10000);
        QCOMPARE(received.first().payload.value(QLatin1String("request_id")).toString(), QStringLiteral("big"));
        QTRY_VERIFY(slotHeld.expired());
        QTest::qWait(200);
        QCOMPARE(received.size(), 1);
    }

    void hundredConcurrentRequestsWithMixedDelays()
    {
        Setup s;
        s.backend.answer = [](const sim::HttpRequest &req, sim::HttpResponder *r) {
            QPointer<sim::HttpResponder> responder(r);
            const QByteArray id = req.path();
            QTimer::singleShot(QRandomGenerator::global()->bounded(200), r, [responder, id] {
                if (responder)
                    responder->respond(200, {{"content-type", "text/plain"}}, "answer for " + id);
            });
        };
        QVERIFY(s.connected());
        QSignalSpy finished(s.tunnel.get(), &Tunnel::exchangeFinished);
        QList<QTcpSocket *> sockets;
        for (int i = 0; i < 100; ++i) {
            auto *socket = new QTcpSocket(this);
            socket->connectToHost(QHostAddress::LocalHost, s.simulator.port());
            socket->write("GET /call/app/r" + QByteArray::number(i) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            sockets.append(socket);
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(sockets.cbegin(), sockets.cend(), [](QTcpSocket *t) {
                                     return t->state() == QAbstractSocket::UnconnectedState;
                                 }),
                                 15000);
        for (int i = 0; i < 100; ++i) {
            const QByteArray wire = sockets[i]->readAll();
            QVERIFY2(wire.startsWith("HTTP/1.1 200"), wire.left(40).constData());
            QVERIFY(wire.endsWith("answer for /r" + QByteArray::number(i)));
        }
        qDeleteAll(sockets);
        QCOMPARE(finished.count(), 100);
    }

    void everyRequestIsPublishedAndCanBeReplayed_data()
    {
        QTest::addColumn<QString>("basePath");
        QTest::newRow("no base path") << QString();
        QTest::newRow("base path") << QStringLiteral("/base/");
    }

    // Issue 12: a replay builds its backend request with the forwarding path's function
    // (Forwarder::backendRequestFor, base path joined by ProxyRequest::target) and is recorded by
    // the same code (onBackendResult): under a base path too it reaches the very URL the forwarded
    // original reached, and its exchange says the same. (Replay already did so when the base-path
    // row was added; it guards against a replay that joins the base path itself.)
    void everyRequestIsPublishedAndCanBeReplayed()
    {
        QFETCH(QString, basePath);
        Setup s([basePath](TunnelConfig &config) { config.backend.setPath(basePath); });
        QVERIFY(s.connected());
        QSignalSpy started(s.tunnel.get(), &Tunnel::exchangeStarted);
        QSignalSpy finished(s.tunnel.get(), &Tunnel::exchangeFinished);
        QCOMPARE(s.call("POST", "/orders?x=1", "Authorization: Bearer abc\r\n", "{\"n\":1}").status, 200);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(started.count(), 1);
        QVERIFY(started.first().first().value<Exchange>().isPending());
        const Exchange done = finished.first().first().value<Exchange>();
        QCOMPARE(done.method, QStringLiteral("POST"));
        QCOMPARE(done.path, QStringLiteral("/orders"));
        QCOMPARE(done.query, QStringLiteral("x=1"));
        QCOMPARE(done.status, 200);
        QCOMPARE(done.requestBody, QByteArray("{\"n\":1}"));
        QCOMPARE(done.responseBody, QByteArray("ok"));
        QVERIFY(done.durationMs >= 0);
        QVERIFY(!done.replay);

        s.tunnel->replay(done);
        QTRY_COMPARE(finished.count(), 2);
        const Exchange replayed = finished.last().first().value<Exchange>();
        QVERIFY(replayed.replay);
        QCOMPARE(replayed.status, 200);
        QCOMPARE(s.backend.received.size(), 2);
        QCOMPARE(requestLine(s.backend.received[1]), requestLine(s.backend.received[0]));
        QCOMPARE(s.backend.received[1].body, s.backend.received[0].body);
        QCOMPARE(s.backend.received[1].header("authorization"), QByteArray("Bearer abc"));
        QVERIFY(s.backend.received[1].header("x-request-id") != s.backend.received[0].header("x-request-id"));
        QCOMPARE(requestLine(s.backend.received[0]),
                 (basePath.isEmpty() ? QByteArray() : QByteArray("/base")).prepend("POST ") + "/orders?x=1 HTTP/1.1");
        QCOMPARE(s.backend.received[1].header("host"), s.backend.received[0].header("host"));
        // Recorded alike: the same path, query, response, and the headers sent (but the request id).
        QCOMPARE(replayed.path, done.path);
        QCOMPARE(replayed.query, done.query);
        QCOMPARE(replayed.responseBody, done.responseBody);
        QCOMPARE(replayed.responseHeaders, done.responseHeaders);
        HeaderList sentOriginal = done.requestHeaders;
        HeaderList sentReplay = replayed.requestHeaders;
        for (HeaderList *list : {&sentOriginal, &sentReplay})
            list->removeIf([](const auto &header) { return header.first == "x-request-id"; });
        QCOMPARE(sentReplay, sentOriginal);
    }

    // A replay follows the proxy_req rules: the decoded path of a capture went raw onto the request
    // line, and a capture Telephone had refused (a CR LF in the method) could be sent after all.
    void replayEncodesAndJudgesLikeAProxyReq()
    {
        Setup s;
        QVERIFY(s.connected());
        QSignalSpy finished(s.tunnel.get(), &Tunnel::exchangeFinished);
        Exchange decoded;
        decoded.method = QStringLiteral("GET");
        decoded.path = QStringLiteral("/report 2024.pdf");
        decoded.query = QStringLiteral("v=a b");
        decoded.requestHeaders = {{"host", s.backend.hostPort()}, {"x-request-id", "old"}, {"accept", "*/*"}};
        s.tunnel->replay(decoded);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.last().first().value<Exchange>().status, 200);
        QCOMPARE(s.backend.received.size(), 1);
        QCOMPARE(requestLine(s.backend.received[0]), QByteArray("GET /report%202024.pdf?v=a%20b HTTP/1.1"));
        QCOMPARE(s.backend.received[0].headerValues("x-request-id").size(), 1);

        Exchange refused;
        refused.method = QStringLiteral("GET /x HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET");
        refused.path = QStringLiteral("/x");
        s.tunnel->replay(refused);
        QTRY_COMPARE(finished.count(), 2);
        const Exchange answer = finished.last().first().value<Exchange>();
        QVERIFY2(answer.error.contains(QLatin1String("cannot be replayed")), qPrintable(answer.error));
        QTest::qWait(100);
        QCOMPARE(s.backend.received.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestForwarding)
#include "test_forwarding.moc"
