// What leaves the inspector: HAR 1.2 files (checked against the spec's structure), curl commands
// (run through a real /bin/sh with a stand-in curl that records its arguments and stdin, so the
// quoting is proven, not eyeballed), credential redaction, and the body views.

#include "ui/bodyformatter.h"
#include "ui/curlcommand.h"
#include "ui/harexport.h"
#include "ui/redaction.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace telephone;

namespace {

// ---- HAR 1.2 structure (http://www.softwareishard.com/blog/har-12-spec/) ----

struct HarChecker {
    QStringList errors;

    void fail(const QString &where, const QString &what) { errors << where + QStringLiteral(": ") + what; }

    // Every key is one the spec defines for this object, "comment", or a custom "_field".
    void keys(const QJsonObject &o, const QString &where, const QStringList &required, const QStringList &optional)
    {
        for (const QString &key : required) {
            if (!o.contains(key))
                fail(where, QStringLiteral("missing required \"%1\"").arg(key));
        }
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!required.contains(it.key()) && !optional.contains(it.key()) && it.key() != QLatin1String("comment")
                && !it.key().startsWith(QLatin1Char('_')))
                fail(where, QStringLiteral("unknown field \"%1\"").arg(it.key()));
        }
        if (o.contains(QStringLiteral("comment")) && !o.value(QStringLiteral("comment")).isString())
            fail(where, QStringLiteral("comment is not a string"));
    }
    void string(const QJsonObject &o, const QString &key, const QString &where)
    {
        if (o.contains(key) && !o.value(key).isString())
            fail(where, key + QStringLiteral(" is not a string"));
    }
    void number(const QJsonObject &o, const QString &key, const QString &where, double min)
    {
        if (!o.contains(key))
            return;
        if (!o.value(key).isDouble())
            fail(where, key + QStringLiteral(" is not a number"));
        else if (o.value(key).toDouble() < min)
            fail(where, key + QStringLiteral(" is below %1").arg(min));
    }
    void pairs(const QJsonValue &v, const QString &where, const QStringList &optional = {})
    {
        if (!v.isArray()) {
            fail(where, QStringLiteral("is not an array"));
            return;
        }
        const QJsonArray array = v.toArray();
        for (int i = 0; i < array.size(); ++i) {
            const QString at = where + QStringLiteral("[%1]").arg(i);
            const QJsonObject o = array.at(i).toObject();
            keys(o, at, {QStringLiteral("name"), QStringLiteral("value")}, optional);
            string(o, QStringLiteral("name"), at);
            string(o, QStringLiteral("value"), at);
        }
    }
    void cookies(const QJsonValue &v, const QString &where)
    {
        pairs(v, where,
              {QStringLiteral("path"), QStringLiteral("domain"), QStringLiteral("expires"), QStringLiteral("httpOnly"),
               QStringLiteral("secure")});
    }

    void request(const QJsonObject &r, const QString &where)
    {
        keys(r, where,
             {QStringLiteral("method"), QStringLiteral("url"), QStringLiteral("httpVersion"), QStringLiteral("cookies"),
              QStringLiteral("headers"), QStringLiteral("queryString"), QStringLiteral("headersSize"),
              QStringLiteral("bodySize")},
             {QStringLiteral("postData")});
        for (const char *key : {"method", "url", "httpVersion"})
            string(r, QString::fromLatin1(key), where);
        const QUrl url(r.value(QStringLiteral("url")).toString());
        if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty())
            fail(where, QStringLiteral("url is not absolute"));
        cookies(r.value(QStringLiteral("cookies")), where + QStringLiteral(".cookies"));
        pairs(r.value(QStringLiteral("headers")), where + QStringLiteral(".headers"));
        pairs(r.value(QStringLiteral("queryString")), where + QStringLiteral(".queryString"));
        number(r, QStringLiteral("headersSize"), where, -1);
        number(r, QStringLiteral("bodySize"), where, -1);
        if (r.contains(QStringLiteral("postData"))) {
            const QJsonObject p = r.value(QStringLiteral("postData")).toObject();
            const QString at = where + QStringLiteral(".postData");
            keys(p, at, {QStringLiteral("mimeType"), QStringLiteral("params"), QStringLiteral("text")}, {});
            string(p, QStringLiteral("mimeType"), at);
            string(p, QStringLiteral("text"), at);
            if (!p.value(QStringLiteral("params")).isArray())
                fail(at, QStringLiteral("params is not an array"));
        }
    }

    void response(const QJsonObject &r, const QString &where)
    {
        keys(r, where,
             {QStringLiteral("status"), QStringLiteral("statusText"), QStringLiteral("httpVersion"),
              QStringLiteral("cookies"), QStringLiteral("headers"), QStringLiteral("content"),
              QStringLiteral("redirectURL"), QStringLiteral("headersSize"), QStringLiteral("bodySize")},
             {});
        number(r, QStringLiteral("status"), where, 0);
        for (const char *key : {"statusText", "httpVersion", "redirectURL"})
            string(r, QString::fromLatin1(key), where);
        cookies(r.value(QStringLiteral("cookies")), where + QStringLiteral(".cookies"));
        pairs(r.value(QStringLiteral("headers")), where + QStringLiteral(".headers"));
        number(r, QStringLiteral("headersSize"), where, -1);
        number(r, QStringLiteral("bodySize"), where, -1);
        const QJsonObject c = r.value(QStringLiteral("content")).toObject();
        const QString at = where + QStringLiteral(".content");
        keys(c, at, {QStringLiteral("size"), QStringLiteral("mimeType")},
             {QStringLiteral("compression"), QStringLiteral("text"), QStringLiteral("encoding")});
        number(c, QStringLiteral("size"), at, 0);
        string(c, QStringLiteral("mimeType"), at);
        string(c, QStringLiteral("text"), at);
        string(c, QStringLiteral("encoding"), at);
    }

    void har(const QJsonObject &root)
    {
        keys(root, QStringLiteral("root"), {QStringLiteral("log")}, {});
        const QJsonObject log = root.value(QStringLiteral("log")).toObject();
        keys(log, QStringLiteral("log"), {QStringLiteral("version"), QStringLiteral("creator"), QStringLiteral("entries")},
             {QStringLiteral("browser"), QStringLiteral("pages")});
        if (log.value(QStringLiteral("version")).toString() != QLatin1String("1.2"))
            fail(QStringLiteral("log"), QStringLiteral("version is not 1.2"));
        const QJsonObject creator = log.value(QStringLiteral("creator")).toObject();
        keys(creator, QStringLiteral("log.creator"), {QStringLiteral("name"), QStringLiteral("version")}, {});
        string(creator, QStringLiteral("name"), QStringLiteral("log.creator"));
        string(creator, QStringLiteral("version"), QStringLiteral("log.creator"));
        const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
        for (int i = 0; i < entries.size(); ++i) {
            const QString at = QStringLiteral("entries[%1]").arg(i);
            const QJsonObject e = entries.at(i).toObject();
            keys(e, at,
                 {QStringLiteral("startedDateTime"), QStringLiteral("time"), QStringLiteral("request"),
                  QStringLiteral("response"), QStringLiteral("cache"), QStringLiteral("timings")},
                 {QStringLiteral("pageref"), QStringLiteral("serverIPAddress"), QStringLiteral("connection")});
            if (!QDateTime::fromString(e.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs).isValid())
                fail(at, QStringLiteral("startedDateTime is not ISO 8601"));
            number(e, QStringLiteral("time"), at, 0);
            request(e.value(QStringLiteral("request")).toObject(), at + QStringLiteral(".request"));
            response(e.value(QStringLiteral("response")).toObject(), at + QStringLiteral(".response"));
            if (!e.value(QStringLiteral("cache")).isObject())
                fail(at, QStringLiteral("cache is not an object"));
            const QJsonObject t = e.value(QStringLiteral("timings")).toObject();
            keys(t, at + QStringLiteral(".timings"), {QStringLiteral("send"), QStringLiteral("wait"), QStringLiteral("receive")},
                 {QStringLiteral("blocked"), QStringLiteral("dns"), QStringLiteral("connect"), QStringLiteral("ssl")});
            for (const char *key : {"send", "wait", "receive"})
                number(t, QString::fromLatin1(key), at + QStringLiteral(".timings"), 0);
        }
    }
};

Exchange sample()
{
    Exchange e;
    e.requestId = QStringLiteral("r1");
    e.startedAt = QDateTime(QDate(2025, 3, 4), QTime(10, 11, 12, 345), Qt::UTC);
    e.durationMs = 42;
    e.method = QStringLiteral("POST");
    e.path = QStringLiteral("/api/items");
    e.query = QStringLiteral("a=1&b=two%20words");
    e.requestHeaders = {{"Host", "127.0.0.1:3000"},
                        {"Authorization", "Bearer s3cret-token"},
                        {"Cookie", "session=abc123; theme=dark"},
                        {"Content-Type", "application/json"},
                        {"Content-Length", "13"}};
    e.requestBody = "{\"name\":\"x\"}\n";
    e.requestBytes = e.requestBody.size();
    e.status = 201;
    e.responseHeaders = {{"Content-Type", "application/json"},
                         {"Set-Cookie", "session=zzz999; Path=/; HttpOnly; Secure"},
                         {"Location", "/api/items/7"}};
    e.responseBody = "{\"id\":7}";
    e.responseBytes = e.responseBody.size();
    return e;
}

const QUrl PublicBase(QStringLiteral("https://plugboard.example/call/demo/"));
const QUrl Backend(QStringLiteral("http://127.0.0.1:3000/base/"));

} // namespace

class TestUiExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_fakeBin;

    struct CurlRun {
        QList<QByteArray> args;
        QByteArray stdinBytes;
        QString error;
    };

    // Runs the command in /bin/sh (dash on Debian: no bash-only quoting gets through) with a
    // stand-in curl first on PATH that writes its arguments (NUL-separated) and its stdin to files.
    CurlRun runCurl(const QString &command)
    {
        CurlRun run;
        const QString argsFile = m_dir.filePath(QStringLiteral("args"));
        const QString stdinFile = m_dir.filePath(QStringLiteral("stdin"));
        QFile::remove(argsFile);
        QFile::remove(stdinFile);
        QProcess sh;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PATH"), m_fakeBin + QStringLiteral(":/usr/bin:/bin"));
        env.insert(QStringLiteral("ARGS_FILE"), argsFile);
        env.insert(QStringLiteral("STDIN_FILE"), stdinFile);
        sh.setProcessEnvironment(env);
        sh.setWorkingDirectory(m_dir.path());
        sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command});
        sh.closeWriteChannel();
        if (!sh.waitForFinished(10000) || sh.exitCode() != 0) {
            run.error = QStringLiteral("sh failed: ") + QString::fromUtf8(sh.readAllStandardError());
            return run;
        }
        QFile a(argsFile);
        if (!a.open(QIODevice::ReadOnly)) {
            run.error = QStringLiteral("the stand-in curl did not run");
            return run;
        }
        QByteArray all = a.readAll();
        if (all.endsWith('\0'))
            all.chop(1);
        run.args = all.split('\0');
        QFile in(stdinFile);
        if (in.open(QIODevice::ReadOnly))
            run.stdinBytes = in.readAll();
        return run;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_fakeBin = m_dir.filePath(QStringLiteral("bin"));
        QVERIFY(QDir().mkpath(m_fakeBin));
        QFile fake(m_fakeBin + QStringLiteral("/curl"));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("#!/bin/sh\n"
                   ": > \"$ARGS_FILE\"\n"
                   "for a in \"$@\"; do printf '%s\\0' \"$a\" >> \"$ARGS_FILE\"; done\n"
                   "cat > \"$STDIN_FILE\"\n");
        fake.close();
        QVERIFY(fake.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QVERIFY(!m_fakeBin.contains(QLatin1Char('\'')));
    }

    // ---- HAR ----

    void harIsValidHar12()
    {
        Exchange binary = sample();
        binary.requestId = QStringLiteral("bin");
        binary.method = QStringLiteral("PUT");
        binary.query = QString();
        binary.requestBody = QByteArray("\x00\x01\xff\xfe", 4);
        binary.requestBytes = 4;
        binary.responseBody = QByteArray("\x89PNG\r\n\x1a\n", 8);
        binary.responseBytes = 100000; // truncated capture
        binary.responseHeaders = {{"Content-Type", "image/png"}};
        Exchange pending = sample();
        pending.requestId = QStringLiteral("pending");
        pending.status = 0;
        pending.durationMs = -1;
        pending.responseHeaders.clear();
        pending.responseBody.clear();
        pending.responseBytes = 0;
        Exchange failed = sample();
        failed.requestId = QStringLiteral("failed");
        failed.status = 502;
        failed.error = QStringLiteral("the backend is unreachable");
        failed.replay = true;

        const QByteArray json = HarExport::toJson({sample(), binary, pending, failed}, PublicBase, false);
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        HarChecker checker;
        checker.har(doc.object());
        QVERIFY2(checker.errors.isEmpty(), qPrintable(checker.errors.join(QLatin1Char('\n'))));

        const QJsonArray entries = doc.object().value("log").toObject().value("entries").toArray();
        QCOMPARE(entries.size(), 4);
        const QJsonObject first = entries.at(0).toObject();
        QCOMPARE(first.value("startedDateTime").toString(), QStringLiteral("2025-03-04T10:11:12.345Z"));
        QCOMPARE(first.value("time").toInt(), 42);
        const QJsonObject request = first.value("request").toObject();
        QCOMPARE(request.value("url").toString(),
                 QStringLiteral("https://plugboard.example/call/demo/api/items?a=1&b=two%20words"));
        QCOMPARE(request.value("queryString").toArray().at(1).toObject().value("value").toString(),
                 QStringLiteral("two words"));
        QCOMPARE(request.value("postData").toObject().value("text").toString(), QStringLiteral("{\"name\":\"x\"}\n"));
        const QJsonObject response = first.value("response").toObject();
        QCOMPARE(response.value("status").toInt(), 201);
        QCOMPARE(response.value("statusText").toString(), QStringLiteral("Created"));
        QCOMPARE(response.value("redirectURL").toString(), QStringLiteral("/api/items/7"));
        QCOMPARE(response.value("content").toObject().value("text").toString(), QStringLiteral("{\"id\":7}"));

        const QJsonObject second = entries.at(1).toObject();
        QCOMPARE(second.value("request").toObject().value("postData").toObject().value("text").toString(),
                 QString::fromLatin1(QByteArray("\x00\x01\xff\xfe", 4).toBase64()));
        const QJsonObject content = second.value("response").toObject().value("content").toObject();
        QCOMPARE(content.value("encoding").toString(), QStringLiteral("base64"));
        QCOMPARE(QByteArray::fromBase64(content.value("text").toString().toLatin1()), binary.responseBody);
        QCOMPARE(content.value("size").toInt(), 100000);
        QVERIFY(second.value("comment").toString().contains(QStringLiteral("truncated")));
        QVERIFY(entries.at(2).toObject().value("comment").toString().contains(QStringLiteral("no response yet")));
        QCOMPARE(entries.at(2).toObject().value("response").toObject().value("status").toInt(), 0);
        const QJsonObject failedEntry = entries.at(3).toObject();
        QVERIFY(failedEntry.value("comment").toString().contains(QStringLiteral("replayed")));
        QVERIFY(failedEntry.value("response").toObject().value("comment").toString().contains(
            QStringLiteral("unreachable")));
    }

    // Several tunnels: each entry on its tunnel's public URL, named in the custom _tunnel field.
    void harNamesEachEntrysTunnel()
    {
        Exchange api = sample();
        api.tunnel = QStringLiteral("api");
        Exchange web = sample();
        web.requestId = QStringLiteral("web-1");
        web.tunnel = QStringLiteral("web");
        Exchange unnamed = sample();
        unnamed.requestId = QStringLiteral("unnamed");
        const HarExport::BaseByTunnel bases{{QStringLiteral("api"), QUrl(QStringLiteral("https://plugboard.example/call/api"))},
                                            {QStringLiteral("web"), QUrl(QStringLiteral("https://plugboard.example/call/web"))},
                                            {QString(), PublicBase}};
        const QJsonDocument doc = QJsonDocument::fromJson(HarExport::toJson({api, web, unnamed}, bases, false));
        HarChecker checker;
        checker.har(doc.object());
        QVERIFY2(checker.errors.isEmpty(), qPrintable(checker.errors.join(QLatin1Char('\n'))));
        const QJsonArray entries = doc.object().value("log").toObject().value("entries").toArray();
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries.at(0).toObject().value("_tunnel").toString(), QStringLiteral("api"));
        QCOMPARE(entries.at(1).toObject().value("_tunnel").toString(), QStringLiteral("web"));
        QVERIFY(!entries.at(2).toObject().contains(QStringLiteral("_tunnel")));
        QVERIFY(entries.at(0).toObject().value("request").toObject().value("url").toString().startsWith(
            QStringLiteral("https://plugboard.example/call/api/api/items?")));
        QVERIFY(entries.at(1).toObject().value("request").toObject().value("url").toString().startsWith(
            QStringLiteral("https://plugboard.example/call/web/api/items?")));
        QVERIFY(entries.at(2).toObject().value("request").toObject().value("url").toString().startsWith(
            QStringLiteral("https://plugboard.example/call/demo/api/items?")));
        // One tunnel, one base: as before, and no _tunnel for an unnamed exchange.
        const QJsonObject single =
            QJsonDocument::fromJson(HarExport::toJson({unnamed}, PublicBase, false)).object();
        QVERIFY(!single.value("log").toObject().value("entries").toArray().at(0).toObject().contains(QStringLiteral("_tunnel")));
    }

    void harRedactsCredentialsUnlessAskedTo()
    {
        const QByteArray redacted = HarExport::toJson({sample()}, PublicBase, false);
        for (const char *secret : {"s3cret-token", "abc123", "zzz999", "dark"})
            QVERIFY2(!redacted.contains(secret), secret);
        const QJsonObject entry =
            QJsonDocument::fromJson(redacted).object().value("log").toObject().value("entries").toArray().at(0).toObject();
        const QJsonArray headers = entry.value("request").toObject().value("headers").toArray();
        QCOMPARE(headers.at(1).toObject().value("name").toString(), QStringLiteral("Authorization"));
        QCOMPARE(headers.at(1).toObject().value("value").toString(), QStringLiteral("[redacted]"));
        QCOMPARE(headers.at(3).toObject().value("value").toString(), QStringLiteral("application/json"));
        // Cookie names stay: they help reading the file; their values do not.
        const QJsonArray cookies = entry.value("request").toObject().value("cookies").toArray();
        QCOMPARE(cookies.size(), 2);
        QCOMPARE(cookies.at(0).toObject().value("name").toString(), QStringLiteral("session"));
        QCOMPARE(cookies.at(0).toObject().value("value").toString(), QStringLiteral("[redacted]"));
        const QJsonObject setCookie = entry.value("response").toObject().value("cookies").toArray().at(0).toObject();
        QCOMPARE(setCookie.value("value").toString(), QStringLiteral("[redacted]"));
        QCOMPARE(setCookie.value("path").toString(), QStringLiteral("/"));
        QVERIFY(setCookie.value("httpOnly").toBool());
        QVERIFY(setCookie.value("secure").toBool());

        const QByteArray full = HarExport::toJson({sample()}, PublicBase, true);
        for (const char *secret : {"Bearer s3cret-token", "session=abc123; theme=dark", "zzz999"})
            QVERIFY2(full.contains(secret), secret);
    }

    void redactionNamesAnyCase_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("sensitive");
        QTest::newRow("authorization") << QByteArray("authorization") << true;
        QTest::newRow("Authorization") << QByteArray("Authorization") << true;
        QTest::newRow("PROXY-AUTHORIZATION") << QByteArray("PROXY-AUTHORIZATION") << true;
        QTest::newRow("cookie") << QByteArray("Cookie") << true;
        QTest::newRow("set-cookie") << QByteArray("set-cookie") << true;
        QTest::newRow("padded") << QByteArray(" Cookie ") << true;
        QTest::newRow("x-authorization-hint") << QByteArray("x-authorization-hint") << false;
        QTest::newRow("content-type") << QByteArray("content-type") << false;
    }

    void redactionNamesAnyCase()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, sensitive);
        QCOMPARE(Redaction::isSensitive(name), sensitive);
        const HeaderList out = Redaction::apply({{name, "value"}});
        QCOMPARE(out.at(0).first, name);
        QCOMPARE(out.at(0).second, sensitive ? QByteArray("[redacted]") : QByteArray("value"));
    }

    // ---- curl ----

    void curlQuotesHostileValues_data()
    {
        QTest::addColumn<QByteArray>("headerValue");
        QTest::newRow("single quotes") << QByteArray("it's 'quoted'");
        QTest::newRow("command substitution") << QByteArray("$(touch pwned) `touch pwned2` ${HOME}");
        QTest::newRow("double quotes and backslash") << QByteArray("\"a\\\"b\\\\\"");
        QTest::newRow("newline and CR") << QByteArray("line1\nline2\rX-Injected: yes");
        QTest::newRow("shell operators") << QByteArray("a; rm -rf x && b | c > d < e & f");
        QTest::newRow("percent and glob") << QByteArray("100% *.txt ? [a-z] {x,y}");
        QTest::newRow("utf-8") << QByteArray("grüße ✓");
        QTest::newRow("quote at the end") << QByteArray("'");
    }

    void curlQuotesHostileValues()
    {
        QFETCH(QByteArray, headerValue);
        Exchange e = sample();
        e.requestHeaders = {{"X-Evil", headerValue}, {"X-Empty", ""}};
        e.path = QStringLiteral("/a b/'[x]{y}/../z");
        e.query = QStringLiteral("q=$(id)&r='");
        const CurlRun run = runCurl(CurlCommand::build(e, Backend, false));
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("pwned"))));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("pwned2"))));
        const QList<QByteArray> expected{"--path-as-is",
                                         "--globoff",
                                         "--request",
                                         "POST",
                                         "http://127.0.0.1:3000/base/a b/'[x]{y}/../z?q=$(id)&r='",
                                         "--header",
                                         "X-Evil: " + headerValue,
                                         "--header",
                                         "X-Empty;",
                                         "--data-binary",
                                         "{\"name\":\"x\"}\n"};
        QCOMPARE(run.args, expected);
    }

    void curlSendsBinaryBodiesExactly_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("viaStdin");
        QByteArray all;
        for (int i = 0; i < 256; ++i)
            all += char(i);
        QTest::newRow("every byte") << all << true;
        QTest::newRow("printf specials as text") << QByteArray("%s %d %% \\n \\0 \\\\ '\"") << false;
        QTest::newRow("NUL then digits") << QByteArray("\x00" "123", 4) << true;
        QTest::newRow("starts with @") << QByteArray("@/etc/passwd") << true;
    }

    void curlSendsBinaryBodiesExactly()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, viaStdin);
        Exchange e = sample();
        e.requestHeaders = {{"Content-Type", "application/octet-stream"}};
        e.requestBody = body;
        e.requestBytes = body.size();
        const QString command = CurlCommand::build(e, Backend, false);
        const CurlRun run = runCurl(command);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error + QStringLiteral("\n") + command));
        if (viaStdin) {
            // Not text, or text curl would read as a file name: printf feeds it, curl reads "@-".
            QCOMPARE(run.args.constLast(), QByteArray("@-"));
            QCOMPARE(run.stdinBytes, body);
        } else {
            QCOMPARE(run.args.constLast(), body);
        }
    }

    void curlRedactsUnlessAskedTo()
    {
        const QString redacted = CurlCommand::build(sample(), Backend, false);
        QVERIFY(!redacted.contains(QStringLiteral("s3cret-token")));
        QVERIFY(!redacted.contains(QStringLiteral("abc123")));
        // Left out, not replaced (a placeholder cookie would be sent), and named in a comment.
        QVERIFY2(!redacted.contains(QStringLiteral("[redacted]")), qPrintable(redacted));
        QVERIFY(redacted.startsWith(QStringLiteral("# Left out (credentials): Authorization, Cookie.")));
        const CurlRun redactedRun = runCurl(redacted);
        QVERIFY2(redactedRun.error.isEmpty(), qPrintable(redactedRun.error));
        for (const QByteArray &arg : redactedRun.args)
            QVERIFY2(!arg.startsWith("Authorization") && !arg.startsWith("Cookie"), arg.constData());
        QVERIFY(!redacted.contains(QStringLiteral("Content-Length")));
        const QString full = CurlCommand::build(sample(), Backend, true);
        QVERIFY(full.contains(QStringLiteral("'Authorization: Bearer s3cret-token'")));
        const CurlRun run = runCurl(full);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        QVERIFY(run.args.contains("Cookie: session=abc123; theme=dark"));
    }

    void curlHeadAndTruncation()
    {
        Exchange e = sample();
        e.method = QStringLiteral("HEAD");
        e.requestBody.clear();
        e.requestBytes = 0;
        CurlRun run = runCurl(CurlCommand::build(e, Backend, false));
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        QVERIFY(run.args.contains("--head"));
        QVERIFY(!run.args.contains("--request"));
        QVERIFY(!run.args.contains("--data-binary"));

        Exchange cut = sample();
        cut.requestBytes = 1000000;
        const QString command = CurlCommand::build(cut, Backend, false);
        QVERIFY(command.startsWith(QStringLiteral("# ")));
        QVERIFY(command.contains(QStringLiteral("1000000")));
        run = runCurl(command);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
    }

    // ---- body views ----

    void prettyJsonKeepsOrderAndNumbers()
    {
        const QByteArray json = "{\"z\":1,\"a\":[1,2.50,{\"big\":12345678901234567890}],\"e\":{},\"l\":[ ],"
                                "\"s\":\"x,y:{[\\\"}\"}";
        const QString pretty = BodyFormatter::prettyJson(json);
        QCOMPARE(pretty, QStringLiteral("{\n"
                                        "  \"z\": 1,\n"
                                        "  \"a\": [\n"
                                        "    1,\n"
                                        "    2.50,\n"
                                        "    {\n"
                                        "      \"big\": 12345678901234567890\n"
                                        "    }\n"
                                        "  ],\n"
                                        "  \"e\": {},\n"
                                        "  \"l\": [],\n"
                                        "  \"s\": \"x,y:{[\\\"}\"\n"
                                        "}"));
        QVERIFY(BodyFormatter::prettyJson("{\"a\":").isNull());
    }

    void bodyKinds_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("kind");
        QTest::newRow("empty") << QByteArray() << QByteArray() << int(BodyFormatter::Kind::Empty);
        QTest::newRow("json by type") << QByteArray("[1]") << QByteArray("application/json") << int(BodyFormatter::Kind::Json);
        QTest::newRow("json by shape") << QByteArray(" {\"a\":1}") << QByteArray("text/plain") << int(BodyFormatter::Kind::Json);
        QTest::newRow("broken json is text") << QByteArray("{\"a\":") << QByteArray("application/json") << int(BodyFormatter::Kind::Text);
        QTest::newRow("text") << QByteArray("héllo\r\n\tworld") << QByteArray() << int(BodyFormatter::Kind::Text);
        QTest::newRow("cut multibyte at end") << QByteArray("ab\xc3") << QByteArray() << int(BodyFormatter::Kind::Text);
        QTest::newRow("invalid utf-8") << QByteArray("a\xff" "b") << QByteArray() << int(BodyFormatter::Kind::Binary);
        QTest::newRow("control bytes") << QByteArray("a\x01" "b") << QByteArray() << int(BodyFormatter::Kind::Binary);
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << QByteArray() << int(BodyFormatter::Kind::Binary);
    }

    void bodyKinds()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(int, kind);
        QCOMPARE(int(BodyFormatter::format(body, contentType).kind), kind);
    }

    void hexDump()
    {
        const QString dump = BodyFormatter::hexDump(QByteArray("Hello, world!\n\x00\xff" "ABC", 19));
        QCOMPARE(dump, QStringLiteral("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 ff  |Hello, world!...|\n"
                                      "00000010  41 42 43                                          |ABC|\n"));
        const QByteArray big(BodyFormatter::HexLimit + 100, 'x');
        QCOMPARE(BodyFormatter::hexDump(big).count(QLatin1Char('\n')), BodyFormatter::HexLimit / 16);
        QVERIFY(BodyFormatter::format(QByteArray(BodyFormatter::HexLimit + 1, '\x01'), {}).label.contains(QStringLiteral("first")));
    }
};

QTEST_MAIN(TestUiExport)
#include "test_ui_export.moc"
