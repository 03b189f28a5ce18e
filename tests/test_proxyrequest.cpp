// proxy_req validation: the one place hostile input from the server is judged. Table-driven.

#include "protocol/httpfield.h"
#include "protocol/websockethandshake.h"
#include "proxy/proxyrequest.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QTest>

using namespace telephone;

namespace {

QJsonObject request(const QString &path, const QString &query = QString(), const QString &method = QStringLiteral("GET"))
{
    return {{QStringLiteral("request_id"), QStringLiteral("r-1")},
            {QStringLiteral("method"), method},
            {QStringLiteral("path"), path},
            {QStringLiteral("query_string"), query},
            {QStringLiteral("headers"), QJsonObject{{QStringLiteral("host"), QStringLiteral("public.example")}}},
            {QStringLiteral("body"), QString()}};
}

} // namespace

class TestProxyRequest : public QObject
{
    Q_OBJECT

private slots:
    // Comma-separated header lists (Connection's options): whole elements, OWS (SP, HTAB) trimmed,
    // lower-cased, empty ones dropped; a VT is not whitespace and stays in its element.
    void fieldListElementsAreWholeTrimmedAndLowerCase()
    {
        QCOMPARE(fieldListElements(" Keep-Alive ,\tUpgrade,, x-Custom\t"),
                 (QList<QByteArray>{"keep-alive", "upgrade", "x-custom"}));
        QCOMPARE(fieldListElements(""), QList<QByteArray>{});
        QCOMPARE(fieldListElements("close\v"), QList<QByteArray>{"close\v"});
        QVERIFY(fieldListHas("keep-alive, UPGRADE", "upgrade"));
        QVERIFY(!fieldListHas("notupgrade", "upgrade"));
        QVERIFY(!fieldListHas("upgrade-please", "upgrade"));
    }

    // A backend's 101 must list "upgrade" in Connection as a whole element (RFC 6455 4.2.2).
    void handshakeConnectionMustListUpgrade_data()
    {
        QTest::addColumn<QByteArray>("connection");
        QTest::addColumn<bool>("valid");
        QTest::newRow("Upgrade") << QByteArray("Upgrade") << true;
        QTest::newRow("list") << QByteArray("keep-alive, upgrade") << true;
        QTest::newRow("substring") << QByteArray("notupgrade") << false;
        QTest::newRow("missing") << QByteArray("keep-alive") << false;
    }

    void handshakeConnectionMustListUpgrade()
    {
        QFETCH(QByteArray, connection);
        QFETCH(bool, valid);
        const QByteArray key = websocket::newHandshakeKey();
        // The accept value computed here by hand from RFC 6455's GUID, not by the engine.
        const QByteArray accept = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                                           QCryptographicHash::Sha1).toBase64();
        const QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: " + connection
                                + "\r\nSec-WebSocket-Accept: " + accept + "\r\n";
        QCOMPARE(websocket::parseHandshakeReply(head, key).valid, valid);
    }

    void hostilePaths_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status"); // 0 = accepted
        QTest::addColumn<QByteArray>("target"); // for accepted ones, with base path "/base"; empty: as given

        QTest::newRow("plain") << QStringLiteral("/users/1") << QString() << 0 << QByteArray();
        QTest::newRow("root") << QStringLiteral("/") << QString() << 0 << QByteArray();
        QTest::newRow("encoded slash kept") << QStringLiteral("/a%2Fb") << QString() << 0 << QByteArray();
        QTest::newRow("dot segments kept") << QStringLiteral("/a/../b/./c") << QString() << 0 << QByteArray();
        QTest::newRow("trailing slash") << QStringLiteral("/dir/") << QString() << 0 << QByteArray();
        // The deployed server decodes paths: what a request line cannot carry is encoded again (item 2).
        QTest::newRow("unicode") << QStringLiteral("/caf\u00e9/\u65e5\u672c") << QString() << 0
                                 << QByteArray("/base/caf%C3%A9/%E6%97%A5%E6%9C%AC");
        QTest::newRow("at sign inside the path") << QStringLiteral("/users/@me") << QString() << 0 << QByteArray();
        QTest::newRow("encoded double slash") << QStringLiteral("/%2F%2Fevil.example") << QString() << 0 << QByteArray();
        QTest::newRow("empty") << QString() << QString() << 400 << QByteArray();
        QTest::newRow("relative") << QStringLiteral("users/1") << QString() << 400 << QByteArray();
        QTest::newRow("network-path //x") << QStringLiteral("//evil.example/x") << QString() << 400 << QByteArray();
        QTest::newRow("absolute-form") << QStringLiteral("http://evil.example/") << QString() << 400 << QByteArray();
        QTest::newRow("authority @") << QStringLiteral("@evil.example/x") << QString() << 400 << QByteArray();
        QTest::newRow("backslash at the start") << QStringLiteral("/\\evil.example") << QString() << 400 << QByteArray();
        QTest::newRow("backslash inside") << QStringLiteral("/a\\b") << QString() << 0 << QByteArray("/base/a%5Cb");
        QTest::newRow("CR LF") << QStringLiteral("/x\r\nHost: evil") << QString() << 0
                               << QByteArray("/base/x%0D%0AHost:%20evil");
        QTest::newRow("LF") << QStringLiteral("/x\nX: y") << QString() << 0 << QByteArray("/base/x%0AX:%20y");
        QTest::newRow("NUL") << QStringLiteral("/x\u0000y") << QString() << 0 << QByteArray("/base/x%00y");
        QTest::newRow("space") << QStringLiteral("/x HTTP/1.1") << QString() << 0 << QByteArray("/base/x%20HTTP/1.1");
        QTest::newRow("decoded %20") << QStringLiteral("/report 2024.pdf") << QString() << 0
                                     << QByteArray("/base/report%202024.pdf");
        QTest::newRow("fragment") << QStringLiteral("/x#y") << QString() << 0 << QByteArray("/base/x%23y");
        QTest::newRow("query in path") << QStringLiteral("/x?y=1") << QString() << 0 << QByteArray("/base/x%3Fy=1");
        QTest::newRow("lone percent") << QStringLiteral("/100%") << QString() << 0 << QByteArray("/base/100%25");
        QTest::newRow("absurd length") << QStringLiteral("/") + QString(9000, u'a') << QString() << 400 << QByteArray();
        QTest::newRow("query with space") << QStringLiteral("/x") << QStringLiteral("a=b c") << 0
                                          << QByteArray("/base/x?a=b%20c");
        QTest::newRow("query CRLF") << QStringLiteral("/x") << QStringLiteral("a\r\nb") << 0
                                    << QByteArray("/base/x?a%0D%0Ab");
        QTest::newRow("query # and ?") << QStringLiteral("/x") << QStringLiteral("a=?#b") << 0
                                       << QByteArray("/base/x?a=?%23b");
        QTest::newRow("query encoded") << QStringLiteral("/x") << QStringLiteral("q=%3F&r=a+b") << 0 << QByteArray();
    }

    void hostilePaths()
    {
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(int, status);
        QFETCH(QByteArray, target);
        const ParsedProxyRequest parsed = parseProxyRequest(request(path, query));
        QCOMPARE(parsed.requestId, QStringLiteral("r-1"));
        if (status == 0) {
            QVERIFY2(parsed.request, qPrintable(parsed.refusal.reason()));
            if (target.isEmpty()) // valid as it is: byte for byte
                target = QByteArray("/base") + path.toUtf8() + (query.isEmpty() ? QByteArray() : '?' + query.toUtf8());
            QCOMPARE(parsed.request->target("/base"), target);
        } else {
            QVERIFY(!parsed.request);
            QCOMPARE(parsed.refusal.status, status);
            QVERIFY(parsed.refusal.reason().startsWith(QLatin1String("invalid request")));
        }
    }

    // Issue 11, item 6: with a backend base path, "/../admin" would leave it.
    void dotSegmentsAreRefusedUnderABasePath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("..") << QStringLiteral("/../admin/secret");
        QTest::newRow("inner ..") << QStringLiteral("/a/../../admin");
        QTest::newRow(".") << QStringLiteral("/./x");
        QTest::newRow("%2e%2e") << QStringLiteral("/%2e%2e/admin");
        QTest::newRow("%2E%2E") << QStringLiteral("/%2E%2E/admin");
        QTest::newRow("..;") << QStringLiteral("/..;/admin");
    }

    void dotSegmentsAreRefusedUnderABasePath()
    {
        QFETCH(QString, path);
        ProxyRequestLimits withBase;
        withBase.refuseDotSegments = true;
        const ParsedProxyRequest refused = parseProxyRequest(request(path), withBase);
        QVERIFY(!refused.request);
        QCOMPARE(refused.refusal.status, 400);
        QVERIFY2(refused.refusal.reason().contains(QLatin1String("'..'")), qPrintable(refused.refusal.reason()));
        // Without a base path the backend's root is all there is: forwarded byte for byte.
        const ParsedProxyRequest kept = parseProxyRequest(request(path));
        QVERIFY(kept.request);
        QCOMPARE(kept.request->path, path.toUtf8());
    }

    void methods_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("status");
        QTest::newRow("GET") << QStringLiteral("GET") << 0;
        QTest::newRow("PROPFIND (WebDAV)") << QStringLiteral("PROPFIND") << 0;
        QTest::newRow("custom token") << QStringLiteral("M-SEARCH") << 0;
        QTest::newRow("CONNECT") << QStringLiteral("CONNECT") << 405;
        QTest::newRow("space") << QStringLiteral("GET /x") << 400;
        QTest::newRow("empty") << QString() << 400;
        QTest::newRow("CRLF") << QStringLiteral("GET\r\n") << 400;
        QTest::newRow("too long") << QString(40, u'A') << 400;
    }

    void methods()
    {
        QFETCH(QString, method);
        QFETCH(int, status);
        const ParsedProxyRequest parsed = parseProxyRequest(request(QStringLiteral("/"), {}, method));
        QCOMPARE(parsed.request.has_value(), status == 0);
        if (status)
            QCOMPARE(parsed.refusal.status, status);
    }

    void headerRules()
    {
        QJsonObject payload = request(QStringLiteral("/"));
        payload.insert(QStringLiteral("headers"),
                       QJsonObject{{QStringLiteral("host"), QStringLiteral("public.example")},
                                   {QStringLiteral("Accept"), QStringLiteral("text/html")},
                                   {QStringLiteral("connection"), QStringLiteral("keep-alive, x-secret-hop")},
                                   {QStringLiteral("x-secret-hop"), QStringLiteral("1")},
                                   {QStringLiteral("keep-alive"), QStringLiteral("timeout=5")},
                                   {QStringLiteral("transfer-encoding"), QStringLiteral("chunked")},
                                   {QStringLiteral("content-length"), QStringLiteral("999")},
                                   {QStringLiteral("te"), QStringLiteral("trailers")},
                                   {QStringLiteral("upgrade"), QStringLiteral("h2c")},
                                   {QStringLiteral("proxy-authorization"), QStringLiteral("Basic x")},
                                   {QStringLiteral("cookie"), QJsonArray{QStringLiteral("a=1"), QStringLiteral("b=2")}}});
        const ParsedProxyRequest parsed = parseProxyRequest(payload);
        QVERIFY(parsed.request);
        QCOMPARE(parsed.request->host, QByteArray("public.example"));
        const HeaderList expected{{"accept", "text/html"}, {"cookie", "a=1"}, {"cookie", "b=2"}};
        QCOMPARE(parsed.request->headers, expected);
    }

    void hostileHeaders_data()
    {
        QTest::addColumn<QJsonObject>("headers");
        QTest::addColumn<int>("status");
        QTest::newRow("CRLF in value") << QJsonObject{{QStringLiteral("x-a"), QStringLiteral("1\r\nX-Injected: 1")}} << 400;
        QTest::newRow("NUL in value") << QJsonObject{{QStringLiteral("x-a"), QStringLiteral("1\u00002")}} << 400;
        // Issue 11, item 11: refused in responses, so refused in requests too (one rule).
        QTest::newRow("VT in value") << QJsonObject{{QStringLiteral("x-a"), QStringLiteral("1\u000b2")}} << 400;
        QTest::newRow("ESC in value") << QJsonObject{{QStringLiteral("x-a"), QStringLiteral("\u001b[31mred")}} << 400;
        QTest::newRow("DEL in value") << QJsonObject{{QStringLiteral("x-a"), QStringLiteral("1\u007f")}} << 400;
        QTest::newRow("trailing VT") << QJsonObject{{QStringLiteral("x-a"), QStringLiteral("1\u000b")}} << 400;
        QTest::newRow("space in name") << QJsonObject{{QStringLiteral("x a"), QStringLiteral("1")}} << 400;
        QTest::newRow("colon in name") << QJsonObject{{QStringLiteral("x:a"), QStringLiteral("1")}} << 400;
        QTest::newRow("number value") << QJsonObject{{QStringLiteral("x-a"), 5}} << 400;
        QJsonObject many;
        for (int i = 0; i < 150; ++i)
            many.insert(QStringLiteral("x-h%1").arg(i), QStringLiteral("v"));
        QTest::newRow("too many") << many << 431;
        QTest::newRow("too large") << QJsonObject{{QStringLiteral("x-big"), QString(70000, u'a')}} << 431;
    }

    void hostileHeaders()
    {
        QFETCH(QJsonObject, headers);
        QFETCH(int, status);
        QJsonObject payload = request(QStringLiteral("/"));
        payload.insert(QStringLiteral("headers"), headers);
        const ParsedProxyRequest parsed = parseProxyRequest(payload);
        QVERIFY(!parsed.request);
        QCOMPARE(parsed.refusal.status, status);
    }

    void bodies()
    {
        QJsonObject payload = request(QStringLiteral("/"), {}, QStringLiteral("POST"));
        payload.insert(QStringLiteral("body"), QStringLiteral("caf\u00e9"));
        QCOMPARE(parseProxyRequest(payload).request->body, QByteArray("caf\xc3\xa9"));

        payload.insert(QStringLiteral("body_encoding"), QStringLiteral("base64"));
        payload.insert(QStringLiteral("body"), QString::fromLatin1(QByteArray("\x00\xff\x80", 3).toBase64()));
        QCOMPARE(parseProxyRequest(payload).request->body, QByteArray("\x00\xff\x80", 3));

        payload.insert(QStringLiteral("body"), QStringLiteral("not base64!"));
        const ParsedProxyRequest bad = parseProxyRequest(payload);
        QVERIFY(!bad.request);
        QCOMPARE(bad.refusal.status, 400);
    }

    void requestIdMustBeVisibleAscii_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("ok");
        QTest::newRow("uuid") << QStringLiteral("550e8400-e29b-41d4-a716-446655440000") << true;
        QTest::newRow("CRLF header injection") << QStringLiteral("r1\r\nX-Injected: 1") << false;
        QTest::newRow("bare LF") << QStringLiteral("r1\nx") << false;
        QTest::newRow("NUL") << QStringLiteral("r1") + QChar(0) << false;
        QTest::newRow("space") << QStringLiteral("r 1") << false;
        QTest::newRow("non-ASCII") << QStringLiteral("r\u00e9") << false;
    }

    void requestIdMustBeVisibleAscii()
    {
        QFETCH(QString, id);
        QFETCH(bool, ok);
        QJsonObject payload = request(QStringLiteral("/"));
        payload.insert(QStringLiteral("request_id"), id);
        const ParsedProxyRequest parsed = parseProxyRequest(payload);
        QCOMPARE(parsed.request.has_value(), ok);
        QCOMPARE(parsed.requestId, id); // a refusal can still be answered
        if (!ok)
            QCOMPARE(parsed.refusal.status, 400);
    }

    void tabInHeaderValueIsFine()
    {
        QJsonObject payload = request(QStringLiteral("/"));
        payload.insert(QStringLiteral("headers"), QJsonObject{{QStringLiteral("x-a"), QStringLiteral("a\tb")}});
        QVERIFY(parseProxyRequest(payload).request);
    }

    // The words the HTTP client gets for a refusal, written out as they were before refusals became
    // Problem codes: the codes are for the inspector's translation, the client's text is unchanged.
    void refusalTextsForTheClientAreUnchanged_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        const auto header = [](const QString &name, const QJsonValue &value) { return QJsonValue(QJsonObject{{name, value}}); };
        QTest::newRow("no id") << "request_id" << QJsonValue(QJsonValue::Undefined) << 400 << "invalid request: no usable request_id";
        QTest::newRow("id with space") << "request_id" << QJsonValue(QStringLiteral("a b")) << 400
                                       << "invalid request: the request_id contains a space, control or non-ASCII character";
        QTest::newRow("method") << "method" << QJsonValue(QStringLiteral("GE T")) << 400
                                << "invalid request: the method is not an HTTP token";
        QTest::newRow("CONNECT") << "method" << QJsonValue(QStringLiteral("CONNECT")) << 405
                                 << "CONNECT cannot be proxied to a backend";
        QTest::newRow("no path") << "path" << QJsonValue(QJsonValue::Undefined) << 400 << "invalid request: the path is missing";
        QTest::newRow("not origin-form") << "path" << QJsonValue(QStringLiteral("x")) << 400
                                         << "invalid request: the path must start with '/' (origin-form)";
        QTest::newRow("another host") << "path" << QJsonValue(QStringLiteral("//h/x")) << 400
                                      << "invalid request: the path starts with '//', which names another host";
        QTest::newRow("long path") << "path" << QJsonValue(QStringLiteral("/") + QString(9000, u'a')) << 400
                                   << "invalid request: the path is longer than 8192 bytes";
        QTest::newRow("query number") << "query_string" << QJsonValue(5) << 400
                                      << "invalid request: query_string is not a string";
        QTest::newRow("long query") << "query_string" << QJsonValue(QString(9000, u'q')) << 400
                                    << "invalid request: the query is longer than 8192 bytes";
        QTest::newRow("headers text") << "headers" << QJsonValue(QStringLiteral("x")) << 400
                                      << "invalid request: headers is not an object";
        QTest::newRow("header name") << "headers" << header(QStringLiteral("a b"), QStringLiteral("1")) << 400
                                     << "invalid request: a header name is not an HTTP token";
        QTest::newRow("header number") << "headers" << header(QStringLiteral("x-a"), 5) << 400
                                       << "invalid request: header x-a has a non-string value";
        QTest::newRow("header CRLF") << "headers" << header(QStringLiteral("x-a"), QStringLiteral("a\r\nb")) << 400
                                     << "invalid request: header x-a contains a control character (CR, LF, NUL, ESC, DEL "
                                        "or another)";
        QTest::newRow("headers large") << "headers" << header(QStringLiteral("x-a"), QString(70000, u'v')) << 431
                                       << "the request headers are larger than 65536 bytes";
        QTest::newRow("body number") << "body" << QJsonValue(5) << 400 << "invalid request: body is not a string";
    }

    void refusalTextsForTheClientAreUnchanged()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(int, status);
        QFETCH(QString, reason);
        QJsonObject payload = request(QStringLiteral("/"));
        if (value.isUndefined())
            payload.remove(field);
        else
            payload.insert(field, value);
        const ParsedProxyRequest parsed = parseProxyRequest(payload);
        QVERIFY(!parsed.request);
        QCOMPARE(parsed.refusal.status, status);
        QCOMPARE(parsed.refusal.reason(), reason);
        QVERIFY(!parsed.refusal.problem.isNone());
    }

    // Issue 11, item 11: a long id got no answer at all, and the caller waited for the server's timeout.
    void overlongRequestIdIsRefusedWithTheIdAsGiven()
    {
        QJsonObject payload = request(QStringLiteral("/"));
        const QString id = QString(201, u'i');
        payload.insert(QStringLiteral("request_id"), id);
        const ParsedProxyRequest parsed = parseProxyRequest(payload);
        QVERIFY(!parsed.request);
        QCOMPARE(parsed.requestId, id);
        QCOMPARE(parsed.refusal.status, 400);
        QVERIFY2(parsed.refusal.reason().contains(QLatin1String("longer than 200")), qPrintable(parsed.refusal.reason()));
        payload.insert(QStringLiteral("request_id"), QString(200, u'i'));
        QVERIFY(parseProxyRequest(payload).request);
    }

    void missingRequestIdCannotBeAnswered()
    {
        QJsonObject payload = request(QStringLiteral("/"));
        payload.remove(QStringLiteral("request_id"));
        const ParsedProxyRequest parsed = parseProxyRequest(payload);
        QVERIFY(!parsed.request);
        QVERIFY(parsed.requestId.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProxyRequest)
#include "test_proxyrequest.moc"
