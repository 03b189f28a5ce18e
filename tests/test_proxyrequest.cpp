// proxy_req validation: the one place hostile input from the server is judged. Table-driven.

#include "proxy/proxyrequest.h"

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
    void hostilePaths_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status"); // 0 = accepted

        QTest::newRow("plain") << QStringLiteral("/users/1") << QString() << 0;
        QTest::newRow("root") << QStringLiteral("/") << QString() << 0;
        QTest::newRow("encoded slash kept") << QStringLiteral("/a%2Fb") << QString() << 0;
        QTest::newRow("dot segments kept") << QStringLiteral("/a/../b/./c") << QString() << 0;
        QTest::newRow("trailing slash") << QStringLiteral("/dir/") << QString() << 0;
        QTest::newRow("unicode") << QStringLiteral("/caf\u00e9/\u65e5\u672c") << QString() << 0;
        QTest::newRow("at sign inside the path") << QStringLiteral("/users/@me") << QString() << 0;
        QTest::newRow("encoded double slash") << QStringLiteral("/%2F%2Fevil.example") << QString() << 0;
        QTest::newRow("empty") << QString() << QString() << 400;
        QTest::newRow("relative") << QStringLiteral("users/1") << QString() << 400;
        QTest::newRow("network-path //x") << QStringLiteral("//evil.example/x") << QString() << 400;
        QTest::newRow("absolute-form") << QStringLiteral("http://evil.example/") << QString() << 400;
        QTest::newRow("authority @") << QStringLiteral("@evil.example/x") << QString() << 400;
        QTest::newRow("backslash") << QStringLiteral("/\\evil.example") << QString() << 400;
        QTest::newRow("CR LF") << QStringLiteral("/x\r\nHost: evil") << QString() << 400;
        QTest::newRow("LF") << QStringLiteral("/x\nX: y") << QString() << 400;
        QTest::newRow("NUL") << QStringLiteral("/x\u0000y") << QString() << 400;
        QTest::newRow("space") << QStringLiteral("/x HTTP/1.1") << QString() << 400;
        QTest::newRow("fragment") << QStringLiteral("/x#y") << QString() << 400;
        QTest::newRow("query in path") << QStringLiteral("/x?y=1") << QString() << 400;
        QTest::newRow("absurd length") << QStringLiteral("/") + QString(9000, u'a') << QString() << 400;
        QTest::newRow("query with space") << QStringLiteral("/x") << QStringLiteral("a=b c") << 400;
        QTest::newRow("query CRLF") << QStringLiteral("/x") << QStringLiteral("a\r\nb") << 400;
        QTest::newRow("query encoded") << QStringLiteral("/x") << QStringLiteral("q=%3F&r=a+b") << 0;
    }

    void hostilePaths()
    {
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(int, status);
        const ParsedProxyRequest parsed = parseProxyRequest(request(path, query));
        QCOMPARE(parsed.requestId, QStringLiteral("r-1"));
        if (status == 0) {
            QVERIFY2(parsed.request, qPrintable(parsed.refusal.reason));
            QCOMPARE(parsed.request->path, path.toUtf8());
            QCOMPARE(parsed.request->target("/base"), QByteArray("/base") + path.toUtf8()
                                                          + (query.isEmpty() ? QByteArray() : '?' + query.toUtf8()));
        } else {
            QVERIFY(!parsed.request);
            QCOMPARE(parsed.refusal.status, status);
            QVERIFY(parsed.refusal.reason.startsWith(QLatin1String("invalid request")));
        }
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
