// Security checks (issue 7).
//
// 1. A hostile proxy_req corpus through the real path: the Plugboard simulator, a Tunnel in this
//    process and a backend that records every request it receives. The proxy_req frames are injected
//    DIRECTLY (PlugboardSimulator::pushToAll / sendToAll), so that they can hold what no HTTP client
//    could send; the client's proxy_res is captured from the simulator's frameReceived signal.
//    Each request gets the status the README documents (400 / 405 / 413 / 431, 502 for a broken
//    backend response) and the backend sees nothing harmful: the assertions are on the raw request
//    the backend received, or on its receiving nothing at all.
// 2. The real `telephone --no-gui` binary: its own listener binds loopback, the files holding secrets
//    are 0600 in a 0700 directory, and the token appears in no log line (debug level), no command line
//    or process title, no error message.

#include "sim/httpserver.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "support/cleanenvironment.h"
#include "support/rawhttpclient.h"
#include "support/recordingbackend.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <optional>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------------------------------------------
// In-process fixture

using Backend = RecordingBackend;

// A listener standing for "another host" (on loopback: no traffic leaves the machine). Nothing in a
// proxy_req may make the client connect here.
struct OtherHost {
    QTcpServer server;
    int connections = 0;
    OtherHost()
    {
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                ++connections;
                s->abort();
                s->deleteLater();
            }
        });
        if (!server.listen(QHostAddress::LocalHost, 0))
            qFatal("other host did not listen");
    }
    QByteArray hostPort() const { return "127.0.0.1:" + QByteArray::number(server.serverPort()); }
};

struct Setup {
    sim::PlugboardSimulator simulator;
    Backend backend;
    OtherHost other;
    MemoryTokenSink sink;
    std::unique_ptr<Tunnel> tunnel;
    QString pathId;
    QHash<QString, QJsonObject> responses; ///< request_id -> proxy_res payload
    int proxyResFrames = 0;

    explicit Setup(std::function<void(TunnelConfig &)> adjust = {})
    {
        if (!simulator.listen())
            qFatal("simulator did not listen");
        pathId = simulator.addMount(QStringLiteral("/app"));
        QObject::connect(&simulator, &sim::PlugboardSimulator::frameReceived, &simulator, [this](const sim::Frame &f) {
            if (f.event != QLatin1String("proxy_res"))
                return;
            ++proxyResFrames;
            responses.insert(f.payload.value(QStringLiteral("request_id")).toString(), f.payload);
        });
        TunnelConfig config;
        config.server = simulator.socketUrl();
        config.token = simulator.mintToken(pathId);
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(backend.server.port()));
        config.backoffInitial = 20ms;
        config.backoffMax = 200ms;
        config.requestTimeout = 5s;
        if (adjust)
            adjust(config);
        tunnel = std::make_unique<Tunnel>(config, &sink);
        tunnel->start();
    }

    bool connected()
    {
        QElapsedTimer timer;
        timer.start();
        while ((tunnel->state() != Tunnel::State::Connected || simulator.joinedClients() == 0) && timer.elapsed() < 5000)
            QTest::qWait(10);
        return tunnel->state() == Tunnel::State::Connected && simulator.joinedClients() > 0;
    }

    QString topic() const { return QStringLiteral("telephone:") + pathId; }

    std::optional<QJsonObject> waitFor(const QString &requestId, int ms = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!responses.contains(requestId) && timer.elapsed() < ms)
            QTest::qWait(2);
        if (!responses.contains(requestId))
            return std::nullopt;
        return responses.value(requestId);
    }

    std::optional<QJsonObject> inject(const QJsonObject &payload, int ms = 10000)
    {
        simulator.pushToAll(QStringLiteral("proxy_req"), payload);
        return waitFor(payload.value(QStringLiteral("request_id")).toString(), ms);
    }

    /// A proxy_req frame whose payload is given as JSON text (for what QJsonObject cannot hold:
    /// lone surrogate escapes, duplicate keys).
    void injectRaw(const QByteArray &payloadJson)
    {
        simulator.sendToAll("[null,null,\"" + topic().toUtf8() + "\",\"proxy_req\"," + payloadJson + "]");
    }

    /// A valid request sent after a hostile one: frames are handled in order, so once it is answered
    /// the one before it has been dealt with, whatever that meant.
    bool followUpAnswered()
    {
        const QString id = QStringLiteral("follow-up-%1").arg(++followUps);
        const auto r = inject(QJsonObject{{QStringLiteral("request_id"), id},
                                          {QStringLiteral("method"), QStringLiteral("GET")},
                                          {QStringLiteral("path"), QStringLiteral("/follow-up")},
                                          {QStringLiteral("query_string"), QString()},
                                          {QStringLiteral("headers"), QJsonObject()},
                                          {QStringLiteral("body"), QString()}});
        return r && r->value(QStringLiteral("status")).toInt() == 200;
    }

    /// Backend requests other than the follow-ups.
    QList<sim::HttpRequest> hostileReceived() const
    {
        QList<sim::HttpRequest> out;
        for (const auto &r : backend.received) {
            if (r.path() != "/follow-up")
                out.append(r);
        }
        return out;
    }

    int followUps = 0;
};

// A backend that writes exactly the bytes a test gives for every request head it reads, and
// counts connections and the ones the client closed (a connection reused after an ambiguous
// response would show up as a second request on the first connection).
struct RawBackend {
    QTcpServer server;
    QByteArray reply;
    int connections = 0;
    int requests = 0;
    int closedByClient = 0;

    RawBackend()
    {
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                ++connections;
                auto pending = std::make_shared<QByteArray>();
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, pending] {
                    *pending += s->readAll();
                    for (qsizetype end; (end = pending->indexOf("\r\n\r\n")) >= 0;) { // GETs: no bodies
                        pending->remove(0, end + 4);
                        ++requests;
                        s->write(reply);
                    }
                });
                QObject::connect(s, &QTcpSocket::disconnected, s, [this, s] {
                    ++closedByClient;
                    s->deleteLater();
                });
            }
        });
        if (!server.listen(QHostAddress::LocalHost, 0))
            qFatal("raw backend did not listen");
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort())); }
};

QJsonObject basePayload(const QString &id, const QString &method = QStringLiteral("GET"),
                        const QString &path = QStringLiteral("/ok"))
{
    // Test names make readable ids; a request_id must be visible ASCII (no spaces), so dash them.
    QString requestId = id;
    requestId.replace(QLatin1Char(' '), QLatin1Char('-'));
    return QJsonObject{{QStringLiteral("request_id"), requestId},
                       {QStringLiteral("method"), method},
                       {QStringLiteral("path"), path},
                       {QStringLiteral("query_string"), QString()},
                       {QStringLiteral("headers"), QJsonObject()},
                       {QStringLiteral("body"), QString()}};
}

/// The body of an answer Telephone gave itself: Plugboard's error shape.
bool isPlugboardError(const QJsonObject &proxyRes)
{
    const QJsonObject body = QJsonDocument::fromJson(proxyRes.value(QStringLiteral("body")).toString().toUtf8()).object();
    return body.value(QStringLiteral("error")).toBool() && !body.value(QStringLiteral("reason")).toString().isEmpty();
}

QString describe(const std::optional<QJsonObject> &r)
{
    return r ? QString::fromUtf8(QJsonDocument(*r).toJson(QJsonDocument::Compact)) : QStringLiteral("(no proxy_res)");
}

/// Puts `value` into `field` of a base payload. `field`: request_id, method, path, query_string,
/// header_name, header_value, host, body.
QJsonObject payloadWith(const QString &id, const QByteArray &field, const QString &value)
{
    QJsonObject p = basePayload(id, field == "body" ? QStringLiteral("POST") : QStringLiteral("GET"));
    if (field == "request_id")
        p.insert(QStringLiteral("request_id"), value);
    else if (field == "method")
        p.insert(QStringLiteral("method"), value);
    else if (field == "path")
        p.insert(QStringLiteral("path"), value);
    else if (field == "query_string")
        p.insert(QStringLiteral("query_string"), value);
    else if (field == "header_name")
        p.insert(QStringLiteral("headers"), QJsonObject{{value, QStringLiteral("v")}});
    else if (field == "header_value")
        p.insert(QStringLiteral("headers"), QJsonObject{{QStringLiteral("x-test"), value}});
    else if (field == "host")
        p.insert(QStringLiteral("headers"), QJsonObject{{QStringLiteral("host"), value}});
    else if (field == "body")
        p.insert(QStringLiteral("body"), value);
    else
        qFatal("unknown field");
    return p;
}

// ---------------------------------------------------------------------------------------------------
// The real binary

struct Telephone {
    QProcess process;
    QString errPath;

    void start(const QStringList &args, const QProcessEnvironment &env, const QString &logPath, bool umaskZero = false)
    {
        errPath = logPath;
        process.setProcessEnvironment(env);
        process.setStandardOutputFile(QProcess::nullDevice());
        process.setStandardErrorFile(errPath);
        if (umaskZero) // the files must be private whatever the umask
            process.setChildProcessModifier([] { ::umask(0); });
        process.start(QStringLiteral(TELEPHONE_BINARY), args);
    }
    QByteArray pid() const { return QByteArray::number(process.processId()); }
    QByteArray err() const
    {
        QFile f(errPath);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    /// SIGTERM, then the exit code (-1 for a crash or no exit).
    int stop()
    {
        if (process.state() == QProcess::NotRunning)
            return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        ::kill(pid_t(process.processId()), SIGTERM);
        QElapsedTimer t;
        t.start();
        while (process.state() != QProcess::NotRunning && t.elapsed() < 15000)
            QTest::qWait(20);
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
            return -1;
        }
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    ~Telephone()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct ListeningSocket {
    QByteArray address; ///< as in /proc/net/tcp*: hex, e.g. 0100007F
    int port = 0;
    bool v6 = false;
};

/// The TCP sockets in LISTEN state owned by `pid` (its fds matched against /proc/net/tcp and tcp6).
QList<ListeningSocket> listeningSocketsOf(const QByteArray &pid)
{
    QSet<QByteArray> inodes;
    const QString fdDir = QStringLiteral("/proc/") + QString::fromLatin1(pid) + QStringLiteral("/fd");
    for (const QString &name : QDir(fdDir).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        char buffer[256];
        const ssize_t n = ::readlink(QFile::encodeName(fdDir + QLatin1Char('/') + name).constData(), buffer, sizeof buffer - 1);
        const QByteArray target(buffer, n > 0 ? qsizetype(n) : 0);
        if (target.startsWith("socket:[") && target.endsWith(']'))
            inodes.insert(target.mid(8, target.size() - 9));
    }
    QList<ListeningSocket> out;
    for (const bool v6 : {false, true}) {
        const QList<QByteArray> lines = readFile(v6 ? QStringLiteral("/proc/net/tcp6") : QStringLiteral("/proc/net/tcp")).split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines.at(i).simplified().split(' ');
            if (fields.size() < 10 || fields.at(3) != "0A" || !inodes.contains(fields.at(9)))
                continue;
            const QList<QByteArray> local = fields.at(1).split(':');
            ListeningSocket s;
            s.address = local.value(0);
            s.port = local.value(1).toInt(nullptr, 16);
            s.v6 = v6;
            out.append(s);
        }
    }
    return out;
}

bool isLoopback(const ListeningSocket &s)
{
    if (!s.v6)
        return s.address.endsWith("7F"); // 127.x.y.z in little-endian hex
    return s.address == "00000000000000000000000001000000"; // ::1
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool waitUntil(const std::function<bool()> &condition, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!condition() && t.elapsed() < ms)
        QTest::qWait(20);
    return condition();
}

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT

private slots:
    // ---- Reaching another host ------------------------------------------------------------------

    void pathsNamingAnotherHostAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        // OTHER is replaced by the other host's 127.0.0.1:port.
        QTest::newRow("network-path //host") << QStringLiteral("//OTHER/x");
        QTest::newRow("network-path //evil") << QStringLiteral("//evil.example/");
        QTest::newRow("absolute URL http") << QStringLiteral("http://OTHER/");
        QTest::newRow("absolute URL https") << QStringLiteral("https://evil.example:443/x");
        QTest::newRow("userinfo @host") << QStringLiteral("@OTHER/");
        QTest::newRow("authority-form") << QStringLiteral("OTHER");
        QTest::newRow("backslashes \\\\evil") << QStringLiteral("\\\\evil.example\\x");
        QTest::newRow("slash backslash /\\evil") << QStringLiteral("/\\evil.example/");
        QTest::newRow("relative evil/x") << QStringLiteral("evil.example/x");
        QTest::newRow("empty path") << QString();
        QTest::newRow("asterisk-form") << QStringLiteral("*");
    }

    void pathsNamingAnotherHostAreRefused()
    {
        QFETCH(QString, path);
        Setup s;
        QVERIFY(s.connected());
        path.replace(QStringLiteral("OTHER"), QString::fromLatin1(s.other.hostPort()));
        const auto r = s.inject(payloadWith(QStringLiteral("p1"), "path", path));
        QVERIFY2(r, "no proxy_res");
        QCOMPARE(r->value(QStringLiteral("status")).toInt(), 400);
        QVERIFY2(isPlugboardError(*r), qPrintable(describe(r)));
        QVERIFY(s.followUpAnswered());
        QCOMPARE(s.hostileReceived().size(), 0);
        QCOMPARE(s.other.connections, 0);
    }

    void originFormPathsThatLookLikeHostsStayOnTheBackend_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::newRow("/@host") << QStringLiteral("/@OTHER/") << QString();
        QTest::newRow("/http://host/") << QStringLiteral("/http://OTHER/") << QString();
        QTest::newRow("encoded //") << QStringLiteral("/%2F%2FOTHER/") << QString();
        QTest::newRow("URL in the query") << QStringLiteral("/r") << QStringLiteral("next=http://OTHER/&u=//OTHER");
    }

    void originFormPathsThatLookLikeHostsStayOnTheBackend()
    {
        QFETCH(QString, path);
        QFETCH(QString, query);
        Setup s;
        QVERIFY(s.connected());
        path.replace(QStringLiteral("OTHER"), QString::fromLatin1(s.other.hostPort()));
        query.replace(QStringLiteral("OTHER"), QString::fromLatin1(s.other.hostPort()));
        QJsonObject p = payloadWith(QStringLiteral("p1"), "path", path);
        p.insert(QStringLiteral("query_string"), query);
        const auto r = s.inject(p);
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        QCOMPARE(s.backend.received.size(), 1);
        const sim::HttpRequest &got = s.backend.received.first();
        QCOMPARE(got.target, (path + (query.isEmpty() ? QString() : QLatin1Char('?') + query)).toUtf8());
        QCOMPARE(got.headerValues("host"), QList<QByteArray>{s.backend.hostPort()});
        QCOMPARE(s.other.connections, 0);
    }

    // Issue 11, item 2: the deployed server decodes paths before the proxy_req, so these are what
    // callers sent percent-encoded. They were refused with 400; now they reach the backend encoded
    // again, and nothing raw ever reaches the request line.
    void decodedPathsReachTheBackendEncoded_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("space") << QStringLiteral("/report 2024.pdf") << QString() << QByteArray("/report%202024.pdf");
        QTest::newRow("raw UTF-8") << QStringLiteral("/caf\u00e9") << QString() << QByteArray("/caf%C3%A9");
        QTest::newRow("#") << QStringLiteral("/issues/#12") << QString() << QByteArray("/issues/%2312");
        QTest::newRow("? in the path") << QStringLiteral("/what?") << QStringLiteral("a=1") << QByteArray("/what%3F?a=1");
        QTest::newRow("lone %") << QStringLiteral("/100%") << QString() << QByteArray("/100%25");
        QTest::newRow("valid escapes stay") << QStringLiteral("/a%2Fb%20c") << QString() << QByteArray("/a%2Fb%20c");
        QTest::newRow("query: space and #, ? kept") << QStringLiteral("/s") << QStringLiteral("q=a b#c?d")
                                                    << QByteArray("/s?q=a%20b%23c?d");
        // These once selected nothing but looked dangerous; encoded, they are plain paths.
        QTest::newRow("fragment /a#@evil") << QStringLiteral("/a#@OTHER") << QString() << QByteArray("/a%23@OTHER");
        QTest::newRow("space then absolute URL") << QStringLiteral("/ http://OTHER/") << QString()
                                                 << QByteArray("/%20http://OTHER/");
        QTest::newRow("query in path") << QStringLiteral("/a?u=http://OTHER/") << QString()
                                       << QByteArray("/a%3Fu=http://OTHER/");
    }

    void decodedPathsReachTheBackendEncoded()
    {
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(QByteArray, target);
        Setup s;
        QVERIFY(s.connected());
        path.replace(QStringLiteral("OTHER"), QString::fromLatin1(s.other.hostPort()));
        target.replace("OTHER", s.other.hostPort());
        QJsonObject p = payloadWith(QStringLiteral("e1"), "path", path);
        p.insert(QStringLiteral("query_string"), query);
        const auto r = s.inject(p);
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        QCOMPARE(s.backend.received.size(), 1);
        QCOMPARE(s.backend.received.first().target, target);
        QCOMPARE(s.other.connections, 0);
    }

    // Issue 11, item 6: with --backend http://h/public, "/../admin/secret" reached
    // GET /public/../admin/secret. With a base path, dot-segments are refused.
    void dotSegmentsCannotLeaveTheBasePath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("..") << QStringLiteral("/../admin/secret");
        QTest::newRow("deeper") << QStringLiteral("/a/../../admin/secret");
        QTest::newRow(".") << QStringLiteral("/./secret");
        QTest::newRow("%2e%2e") << QStringLiteral("/%2e%2e/admin/secret");
        QTest::newRow("%2E%2e") << QStringLiteral("/%2E%2e/admin/secret");
        QTest::newRow("..%2f") << QStringLiteral("/..%2fadmin/secret");
        QTest::newRow("..\\") << QStringLiteral("/x/..\\..\\admin");
        QTest::newRow("..;") << QStringLiteral("/..;/admin/secret");
    }

    void dotSegmentsCannotLeaveTheBasePath()
    {
        QFETCH(QString, path);
        Setup s([](TunnelConfig &c) { c.backend.setPath(QStringLiteral("/public")); });
        QVERIFY(s.connected());
        const auto r = s.inject(payloadWith(QStringLiteral("d1"), "path", path));
        QVERIFY2(r, "no proxy_res");
        QCOMPARE(r->value(QStringLiteral("status")).toInt(), 400);
        QVERIFY2(isPlugboardError(*r), qPrintable(describe(r)));
        QVERIFY2(r->value(QStringLiteral("body")).toString().contains(QLatin1String("base path")), qPrintable(describe(r)));
        QVERIFY(s.followUpAnswered());
        // Only the follow-up arrived, under the base path as everything does.
        QCOMPARE(s.backend.received.size(), 1);
        QCOMPARE(s.backend.received.last().target, QByteArray("/public/follow-up"));
    }

    void hostHeaderDoesNotChangeWhereWeConnect_data()
    {
        QTest::addColumn<bool>("preserveHost");
        QTest::newRow("default") << false;
        QTest::newRow("--preserve-host") << true;
    }

    void hostHeaderDoesNotChangeWhereWeConnect()
    {
        QFETCH(bool, preserveHost);
        Setup s([&](TunnelConfig &c) { c.preserveHost = preserveHost; });
        QVERIFY(s.connected());
        const QStringList hosts{QString::fromLatin1(s.other.hostPort()), QStringLiteral("http://") + s.other.hostPort() + '/',
                                QStringLiteral("evil.example"), QStringLiteral("user@") + s.other.hostPort()};
        int n = 0;
        for (const QString &host : hosts) {
            const QString id = QStringLiteral("h%1").arg(++n);
            QJsonObject p = basePayload(id);
            // "Host" and "host" both: one of them must not become a second Host line.
            p.insert(QStringLiteral("headers"),
                     QJsonObject{{QStringLiteral("host"), host}, {QStringLiteral("Host"), host + QStringLiteral("2")},
                                 {QStringLiteral("x-forwarded-host"), QStringLiteral("caller.example")}});
            const auto r = s.inject(p);
            QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
            const sim::HttpRequest &got = s.backend.received.last();
            QCOMPARE(got.headerValues("host").size(), 1);
            if (!preserveHost)
                QCOMPARE(got.header("host"), s.backend.hostPort());
            QCOMPARE(got.headerValues("x-forwarded-host"), QList<QByteArray>{"caller.example"});
        }
        QCOMPARE(s.backend.received.size(), hosts.size());
        QCOMPARE(s.other.connections, 0);
    }

    // ---- CRLF injection --------------------------------------------------------------------------

    void crlfInRequestFieldsIsRefused_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<QString>("value");
        const QString crlf = QStringLiteral("a\r\nX-Injected: 1");
        for (const char *field : {"header_value", "header_name", "path", "query_string", "method", "host"}) {
            QTest::addRow("%s CRLF", field) << QByteArray(field) << (QByteArray(field) == "path" ? QLatin1Char('/') + crlf : crlf);
        }
        // request_id becomes the x-request-id header: these rows found a header injection (fixed in
        // parseProxyRequest: visible ASCII only).
        QTest::newRow("request_id CRLF") << QByteArray("request_id") << crlf;
        QTest::newRow("header_value bare LF") << QByteArray("header_value") << QStringLiteral("a\nX-Injected: 1");
        QTest::newRow("header_value bare CR") << QByteArray("header_value") << QStringLiteral("a\rX-Injected: 1");
        QTest::newRow("header_value NUL") << QByteArray("header_value") << QStringLiteral("a") + QChar(0) + QStringLiteral("b");
        // Issue 11, item 11: refused in backend responses, so refused here too (one rule both ways).
        QTest::newRow("header_value VT") << QByteArray("header_value") << QStringLiteral("a\u000bX-Injected: 1");
        QTest::newRow("header_value ESC") << QByteArray("header_value") << QStringLiteral("\u001b]0;X-Injected\u0007");
        QTest::newRow("header_value DEL") << QByteArray("header_value") << QStringLiteral("a\u007fX-Injected: 1");
        QTest::newRow("host VT") << QByteArray("host") << QStringLiteral("a\u000bX-Injected: 1");
        QTest::newRow("header_name colon") << QByteArray("header_name") << QStringLiteral("x-a: 1\r\nx-injected");
        QTest::newRow("header_name space") << QByteArray("header_name") << QStringLiteral("x a");
        QTest::newRow("header_name empty") << QByteArray("header_name") << QString();
        QTest::newRow("path request line") << QByteArray("path")
                                           << QStringLiteral("/a HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET /smuggled");
        QTest::newRow("path bare LF") << QByteArray("path") << QStringLiteral("/a\nX-Injected: 1");
        QTest::newRow("path NUL") << QByteArray("path") << QStringLiteral("/a") + QChar(0);
        QTest::newRow("path tab") << QByteArray("path") << QStringLiteral("/a\tb");
        QTest::newRow("query request line") << QByteArray("query_string") << QStringLiteral("a=1 HTTP/1.1\r\nX-Injected: 1");
        QTest::newRow("query space") << QByteArray("query_string") << QStringLiteral("a=1 b");
        QTest::newRow("query fragment") << QByteArray("query_string") << QStringLiteral("a=1#x");
        QTest::newRow("method request line") << QByteArray("method")
                                             << QStringLiteral("GET /x HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET");
        QTest::newRow("method space") << QByteArray("method") << QStringLiteral("G ET");
        QTest::newRow("request_id bare LF") << QByteArray("request_id") << QStringLiteral("id\nX-Injected: 1");
        QTest::newRow("request_id NUL") << QByteArray("request_id") << QStringLiteral("id") + QChar(0);
    }

    // Every string field of a proxy_req that ends up in the request line or a header: CR, LF, NUL
    // (and in header values any control but HTAB) get 400 from Telephone and nothing reaches the
    // backend — except path and query_string, whose control bytes are percent-encoded (issue 11,
    // item 2: the deployed server decodes them), so that the one request that arrives is harmless.
    void crlfInRequestFieldsIsRefused()
    {
        QFETCH(QByteArray, field);
        QFETCH(QString, value);
        Setup s;
        QVERIFY(s.connected());
        const QString id = field == "request_id" ? value : QStringLiteral("c1");
        s.simulator.pushToAll(QStringLiteral("proxy_req"), payloadWith(id, field, value));
        const auto r = s.waitFor(id, 5000);
        QVERIFY(s.followUpAnswered());
        const QList<sim::HttpRequest> got = s.hostileReceived();
        for (const sim::HttpRequest &req : got) {
            QVERIFY2(!req.rawHead.toLower().contains("\nx-injected"),
                     ("the backend received an injected header line:\n" + req.rawHead).constData());
        }
        if (field == "path" || field == "query_string") {
            QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
            QCOMPARE(got.size(), 1);
            const QByteArray requestLine = got.first().rawHead.left(got.first().rawHead.indexOf("\r\n"));
            QCOMPARE(requestLine.count(' '), 2); // "GET <target> HTTP/1.1" and nothing more
            for (const char c : requestLine)
                QVERIFY2(static_cast<unsigned char>(c) > 0x20 || c == ' ', requestLine.toPercentEncoding(" /").constData());
            return;
        }
        QVERIFY2(got.isEmpty(), got.isEmpty() ? "" : ("the backend received:\n" + got.first().rawHead).constData());
        QVERIFY2(r, "no proxy_res");
        QCOMPARE(r->value(QStringLiteral("status")).toInt(), 400);
        QVERIFY2(isPlugboardError(*r), qPrintable(describe(r)));
    }

    void crlfInBackendResponseHeadersDoesNotSplit_data()
    {
        QTest::addColumn<QByteArray>("headerLines");
        QTest::addColumn<bool>("separateLineAllowed"); ///< X-Injected may arrive as a header of its own
        QTest::newRow("bare CR in a value") << QByteArray("X-A: foo\rX-Injected: 1\r\n") << false;
        QTest::newRow("two bare CRs in a value") << QByteArray("X-A: foo\r\rX-Injected: 1\r\n") << false;
        QTest::newRow("obs-fold with space") << QByteArray("X-A: foo\r\n X-Injected: 1\r\n") << false;
        QTest::newRow("obs-fold with tab") << QByteArray("X-A: foo\r\n\tX-Injected: 1\r\n") << false;
        QTest::newRow("NUL in a value") << QByteArray("X-A: foo\0X-Injected: 1\r\n", 25) << false;
        QTest::newRow("space in a name") << QByteArray("X A: foo\r\n") << false;
        // A bare LF ends a line (RFC 9112 2.2 lets a recipient accept it): two headers, not a split value.
        QTest::newRow("bare LF line end") << QByteArray("X-A: foo\nX-Injected: 1\r\n") << true;
    }

    // A bare CR inside a value was passed on in proxy_res until the fuzzing work (e749fe3) made the
    // response parser refuse control bytes in header values (RFC 9112 2.2 / RFC 9110 5.5).
    void crlfInBackendResponseHeadersDoesNotSplit()
    {
        QFETCH(QByteArray, headerLines);
        QFETCH(bool, separateLineAllowed);
        Setup s;
        s.backend.answer = [headerLines](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respondRaw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + headerLines + "Content-Length: 2\r\n\r\nok");
        };
        QVERIFY(s.connected());

        // What Telephone hands the server.
        const auto r = s.inject(basePayload(QStringLiteral("r1")));
        QVERIFY2(r, "no proxy_res");
        const int status = r->value(QStringLiteral("status")).toInt();
        const QJsonObject headers = r->value(QStringLiteral("headers")).toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            QVERIFY2(!it.key().contains(QLatin1Char('\r')) && !it.key().contains(QLatin1Char('\n')), qPrintable(describe(r)));
            const QJsonArray values = it.value().isArray() ? it.value().toArray() : QJsonArray{it.value()};
            for (const QJsonValue &v : values) {
                const QString text = v.toString();
                QVERIFY2(!text.contains(QLatin1Char('\r')) && !text.contains(QLatin1Char('\n')) && !text.contains(QChar(0)),
                         qPrintable(describe(r)));
                QVERIFY2(!text.contains(QLatin1String("X-Injected")), qPrintable(describe(r)));
            }
            if (!separateLineAllowed)
                QVERIFY2(it.key().compare(QLatin1String("x-injected"), Qt::CaseInsensitive) != 0, qPrintable(describe(r)));
        }
        if (!separateLineAllowed) {
            QCOMPARE(status, 502); // "sent an invalid response"
            QVERIFY2(isPlugboardError(*r), qPrintable(describe(r)));
        }

        // And end to end: what the caller of the simulator's HTTP front receives is not split.
        const RawResponse caller = rawCall(s.simulator.port(), "GET", "/call/app/e2e");
        QVERIFY(caller.status != 0);
        QVERIFY2(!caller.head.contains('\0'), caller.head.constData());
        QVERIFY2(caller.head.count('\r') == caller.head.count("\r\n"), caller.head.constData()); // no bare CR
        if (!separateLineAllowed)
            QVERIFY2(!caller.head.toLower().contains("\r\nx-injected"), caller.head.constData());
    }

    // ---- Smuggling -------------------------------------------------------------------------------

    void smugglingHeadersAreNormalised_data()
    {
        QTest::addColumn<QByteArray>("headersJson"); // the proxy_req's "headers" as JSON text
        QTest::addColumn<QString>("body");
        const QString smuggled = QStringLiteral("0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::newRow("two Content-Length keys") << QByteArray(R"({"content-length":"5","Content-Length":"100"})")
                                                 << QStringLiteral("hello");
        QTest::newRow("duplicate JSON key") << QByteArray(R"({"content-length":"0","content-length":"999"})")
                                            << QStringLiteral("hello");
        QTest::newRow("Content-Length list") << QByteArray(R"({"content-length":["5","6"]})") << QStringLiteral("hello");
        QTest::newRow("Content-Length too small") << QByteArray(R"({"content-length":"1"})") << QStringLiteral("hello world");
        QTest::newRow("CL + TE chunked") << QByteArray(R"({"content-length":"100","transfer-encoding":"chunked"})")
                                         << smuggled;
        QTest::newRow("TE list") << QByteArray(R"({"transfer-encoding":["chunked","identity"]})") << smuggled;
        QTest::newRow("TE odd case") << QByteArray(R"({"Transfer-Encoding":" chunked","TRANSFER-ENCODING":"chunked"})")
                                     << smuggled;
        QTest::newRow("TE + Connection + Upgrade")
            << QByteArray(R"({"transfer-encoding":"chunked","connection":"keep-alive, x-secret","x-secret":"1","upgrade":"h2c","te":"trailers","keep-alive":"timeout=5"})")
            << smuggled;
    }

    void smugglingHeadersAreNormalised()
    {
        QFETCH(QByteArray, headersJson);
        QFETCH(QString, body);
        Setup s;
        QVERIFY(s.connected());
        const QByteArray bodyJson = QJsonDocument(QJsonArray{body}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
        s.injectRaw(R"({"request_id":"s1","method":"POST","path":"/s","query_string":"","headers":)" + headersJson +
                    R"(,"body":)" + bodyJson + "}");
        const auto r = s.waitFor(QStringLiteral("s1"));
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        QTest::qWait(100); // a smuggled second request would arrive now
        QVERIFY(s.followUpAnswered());
        const QList<sim::HttpRequest> got = s.hostileReceived();
        QCOMPARE(got.size(), 1);
        const sim::HttpRequest &req = got.first();
        QCOMPARE(req.headerValues("content-length"), QList<QByteArray>{QByteArray::number(body.toUtf8().size())});
        QVERIFY2(!req.hasHeader("transfer-encoding"), req.rawHead.constData());
        QCOMPARE(req.body, body.toUtf8());
        for (const char *absent : {"x-secret", "upgrade", "te", "keep-alive"})
            QVERIFY2(!req.hasHeader(absent), absent);
    }

    // ---- Backend framing (issue 11, item 8) --------------------------------------------------------

    void ambiguousBackendFramingIs502AndTheConnectionIsNotReused_data()
    {
        QTest::addColumn<QByteArray>("reply");
        const QByteArray chunked("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        QTest::newRow("Content-Length +5") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello");
        QTest::newRow("Content-Length 0x5") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello");
        QTest::newRow("two different lengths") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                                             "Content-Length: 5\r\n\r\nhello");
        QTest::newRow("chunk size +5") << chunked + "+5\r\nhello\r\n0\r\n\r\n";
        QTest::newRow("chunk size 0x5") << chunked + "0x5\r\nhello\r\n0\r\n\r\n";
        QTest::newRow("chunk size -5") << chunked + "-5\r\nhello\r\n0\r\n\r\n";
        QTest::newRow("status 600") << QByteArray("HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nhi");
        QTest::newRow("status 999") << QByteArray("HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nhi");
    }

    void ambiguousBackendFramingIs502AndTheConnectionIsNotReused()
    {
        QFETCH(QByteArray, reply);
        RawBackend raw;
        raw.reply = reply;
        Setup s([&raw](TunnelConfig &c) { c.backend = raw.url(); });
        QVERIFY(s.connected());
        const auto r = s.inject(basePayload(QStringLiteral("f1")));
        QVERIFY2(r, "no proxy_res");
        QCOMPARE(r->value(QStringLiteral("status")).toInt(), 502);
        QVERIFY2(isPlugboardError(*r), qPrintable(describe(r)));
        QTRY_COMPARE_WITH_TIMEOUT(raw.closedByClient, 1, 5000);
        // The next request gets a connection of its own.
        raw.reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        const auto next = s.inject(basePayload(QStringLiteral("f2")));
        QVERIFY2(next && next->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(next)));
        QCOMPARE(raw.connections, 2);
        QCOMPARE(raw.requests, 2);
    }

    // RFC 9112 6.3: Transfer-Encoding wins; the Content-Length (here 100, for a 5-byte body) went
    // to the caller as it was.
    void contentLengthBesideChunkedIsDropped()
    {
        RawBackend raw;
        raw.reply = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n";
        Setup s([&raw](TunnelConfig &c) { c.backend = raw.url(); });
        QVERIFY(s.connected());
        const auto r = s.inject(basePayload(QStringLiteral("te1")));
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        QCOMPARE(r->value(QStringLiteral("body")).toString(), QStringLiteral("hello"));
        QVERIFY2(!r->value(QStringLiteral("headers")).toObject().contains(QStringLiteral("content-length")),
                 qPrintable(describe(r)));
        QTRY_COMPARE_WITH_TIMEOUT(raw.closedByClient, 1, 5000); // framed both ways: not reused
    }

    void equalContentLengthsGoOutOnce()
    {
        RawBackend raw;
        raw.reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi";
        Setup s([&raw](TunnelConfig &c) { c.backend = raw.url(); });
        QVERIFY(s.connected());
        const auto r = s.inject(basePayload(QStringLiteral("cl1")));
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        QCOMPARE(r->value(QStringLiteral("headers")).toObject().value(QStringLiteral("content-length")).toString(),
                 QStringLiteral("2")); // was "2, 2"
        QCOMPARE(r->value(QStringLiteral("body")).toString(), QStringLiteral("hi"));
    }

    // Bare-LF responses waited for "\r\n\r\n" until the request timeout (504).
    void bareLfResponseIsAnswered()
    {
        RawBackend raw;
        raw.reply = "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nhi";
        Setup s([&raw](TunnelConfig &c) { c.backend = raw.url(); });
        QVERIFY(s.connected());
        const auto r = s.inject(basePayload(QStringLiteral("lf1")));
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        QCOMPARE(r->value(QStringLiteral("body")).toString(), QStringLiteral("hi"));
        QCOMPARE(r->value(QStringLiteral("headers")).toObject().value(QStringLiteral("content-type")).toString(),
                 QStringLiteral("text/plain"));
    }

    // ---- Repeated and oversized ids, header limits (issue 11, items 10 and 11) ---------------------

    // A proxy_req the server sends twice (in flight, or just answered) ran the backend request again.
    void duplicateRequestIdsReachTheBackendOnce()
    {
        Setup s;
        QList<QPointer<sim::HttpResponder>> held; // the first request stays in flight until released
        s.backend.answer = [&held](const sim::HttpRequest &request, sim::HttpResponder *r) {
            if (request.path() == "/once")
                held.append(r);
            else
                r->respond(200, {}, "ok");
        };
        QVERIFY(s.connected());
        QJsonObject p = basePayload(QStringLiteral("dup-1"), QStringLiteral("POST"), QStringLiteral("/once"));
        p.insert(QStringLiteral("body"), QStringLiteral("charge the card"));
        s.simulator.pushToAll(QStringLiteral("proxy_req"), p);
        QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
        s.simulator.pushToAll(QStringLiteral("proxy_req"), p); // while the first is in flight
        QVERIFY(s.followUpAnswered());
        QCOMPARE(held.size(), 1);
        held.first()->respond(201, {}, "charged");
        const auto r = s.waitFor(QStringLiteral("dup-1"));
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 201, qPrintable(describe(r)));
        s.simulator.pushToAll(QStringLiteral("proxy_req"), p); // just answered
        QVERIFY(s.followUpAnswered());
        QCOMPARE(held.size(), 1);
        QCOMPARE(s.proxyResFrames, 3); // dup-1 once, and the two follow-ups
        QCOMPARE(s.tunnel->duplicateRequests(), qint64(2));
    }

    // A caller's X-Request-Id reached the backend beside ours: two headers.
    void callersRequestIdIsReplacedByOurs()
    {
        Setup s;
        QVERIFY(s.connected());
        QJsonObject p = basePayload(QStringLiteral("xr-1"));
        p.insert(QStringLiteral("headers"), QJsonObject{{QStringLiteral("x-request-id"), QStringLiteral("caller-chosen")},
                                                        {QStringLiteral("X-Request-ID"), QStringLiteral("other")}});
        const auto r = s.inject(p);
        QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        QCOMPARE(s.backend.received.size(), 1);
        QCOMPARE(s.backend.received.first().headerValues("x-request-id"), QList<QByteArray>{"xr-1"});
    }

    // 200,000 headers in one proxy_req blocked the event loop for 9 s (the JSON object was built
    // in quadratic time) before the 431. The cost itself is measured in test_jsonparser.
    void twoHundredThousandHeadersAreRefused()
    {
        Setup s;
        QVERIFY(s.connected());
        QByteArray headers;
        headers.reserve(200000 * 16);
        for (int i = 0; i < 200000; ++i)
            headers += (i ? ",\"x-h" : "\"x-h") + QByteArray::number(i) + "\":\"v\"";
        s.injectRaw(R"({"request_id":"many","method":"GET","path":"/m","query_string":"","headers":{)" + headers
                    + R"(},"body":""})");
        const auto r = s.waitFor(QStringLiteral("many"), 60000);
        QVERIFY2(r, "no proxy_res");
        QCOMPARE(r->value(QStringLiteral("status")).toInt(), 431);
        QVERIFY(s.followUpAnswered());
        QCOMPARE(s.hostileReceived().size(), 0);
    }

    // Issue 11, item 7: the concurrency slot is held until the response is written to the socket;
    // written responses give it back, so a small limit still serves any number of requests in turn.
    void concurrencySlotsComeBackOnceResponsesAreWritten()
    {
        Setup s([](TunnelConfig &c) { c.maxConcurrent = 2; });
        QVERIFY(s.connected());
        for (int i = 0; i < 20; ++i) {
            const auto r = s.inject(basePayload(QStringLiteral("slot-%1").arg(i)));
            QVERIFY2(r && r->value(QStringLiteral("status")).toInt() == 200, qPrintable(describe(r)));
        }
        QCOMPARE(s.tunnel->inFlightRequests(), 0);
    }

    // ---- Sizes -----------------------------------------------------------------------------------

    void oversizedRequests()
    {
        Setup s;
        QVERIFY(s.connected());
        auto withHeaders = [](const QString &id, int count, int valueSize) {
            QJsonObject headers;
            for (int i = 0; i < count; ++i)
                headers.insert(QStringLiteral("x-h%1").arg(i), QString(valueSize, QLatin1Char('v')));
            QJsonObject p = basePayload(id);
            p.insert(QStringLiteral("headers"), headers);
            return p;
        };
        auto statusOf = [&](const QJsonObject &p) {
            const auto r = s.inject(p, 30000);
            if (r && r->value(QStringLiteral("status")).toInt() != 200 && !isPlugboardError(*r))
                return -2;
            return r ? r->value(QStringLiteral("status")).toInt() : -1;
        };

        QCOMPARE(statusOf(withHeaders(QStringLiteral("100 headers"), 100, 10)), 200);
        QCOMPARE(statusOf(withHeaders(QStringLiteral("101 headers"), 101, 10)), 431);
        QCOMPARE(statusOf(withHeaders(QStringLiteral("5000 headers"), 5000, 1)), 431);
        QCOMPARE(statusOf(withHeaders(QStringLiteral("64 KiB of headers"), 2, 33 * 1024)), 431);
        QCOMPARE(statusOf(withHeaders(QStringLiteral("one 1 MiB header"), 1, 1024 * 1024)), 431);
        QCOMPARE(statusOf(payloadWith(QStringLiteral("8 KiB path"), "path", QLatin1Char('/') + QString(8 * 1024, QLatin1Char('p')))), 400);
        QCOMPARE(statusOf(payloadWith(QStringLiteral("8 KiB query"), "query_string", QString(8 * 1024 + 1, QLatin1Char('q')))), 400);
        QCOMPARE(statusOf(payloadWith(QStringLiteral("CONNECT"), "method", QStringLiteral("CONNECT"))), 405);
        QCOMPARE(statusOf(payloadWith(QStringLiteral("long method"), "method", QString(33, QLatin1Char('M')))), 400);
        const int backendBefore = int(s.backend.received.size());
        QCOMPARE(backendBefore, 1); // only the 100-header request got through
        {
            QJsonObject p = basePayload(QStringLiteral("big body"), QStringLiteral("POST"));
            p.insert(QStringLiteral("body"), QString(100 * 1024 * 1024 + 1, QLatin1Char('b')));
            QCOMPARE(statusOf(p), 413);
        }
        // Issue 11, item 11: a request_id too long to become a header got no answer, and the caller
        // waited for the server's 60 s timeout. Now: 400, carrying the id as given.
        const QString longId = QString(201, QLatin1Char('i'));
        QCOMPARE(statusOf(basePayload(longId)), 400);
        QVERIFY(s.responses.value(longId).value(QStringLiteral("body")).toString().contains(QLatin1String("longer than 200")));
        QCOMPARE(s.hostileReceived().size(), backendBefore);
        QCOMPARE(s.tunnel->state(), Tunnel::State::Connected);
    }

    // ---- Unicode ---------------------------------------------------------------------------------

    void invalidUnicodeInEveryField_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<QByteArray>("escape");
        for (const char *field : {"request_id", "method", "path", "query_string", "header_name", "header_value", "body"}) {
            QTest::addRow("%s lone high surrogate", field) << QByteArray(field) << QByteArray("\\ud800");
            QTest::addRow("%s lone low surrogate", field) << QByteArray(field) << QByteArray("x\\udfff");
            QTest::addRow("%s reversed pair", field) << QByteArray(field) << QByteArray("\\udc00\\ud800");
        }
    }

    // Plugboard encodes with Jason, which never produces these; a frame holding one is not valid JSON
    // text for the strict parser: it is ignored as a whole and counted as malformed (README, metric
    // telephone_tunnel_malformed_frames_total), never half-decoded with replacement characters.
    void invalidUnicodeInEveryField()
    {
        QFETCH(QByteArray, field);
        QFETCH(QByteArray, escape);
        Setup s;
        QVERIFY(s.connected());
        const QString marker = QStringLiteral("@@U@@");
        QJsonObject p = payloadWith(QStringLiteral("u1"), field, field == "path" ? QLatin1Char('/') + marker : marker);
        const QByteArray json = QJsonDocument(p).toJson(QJsonDocument::Compact).replace(marker.toUtf8(), escape);
        const qint64 malformedBefore = s.tunnel->malformedFrames();
        s.injectRaw(json);
        QVERIFY(s.followUpAnswered());
        QCOMPARE(s.hostileReceived().size(), 0);
        QVERIFY(!s.responses.contains(QStringLiteral("u1")));
        QCOMPARE(s.tunnel->malformedFrames(), malformedBefore + 1);
        QCOMPARE(s.tunnel->state(), Tunnel::State::Connected);
    }

    void nonAsciiTextInFields_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("status");
        QTest::newRow("method U+FFFD") << QByteArray("method") << QStringLiteral("G\uFFFDT") << 400;
        QTest::newRow("method non-ASCII") << QByteArray("method") << QStringLiteral("GÉT") << 400;
        QTest::newRow("header name non-ASCII") << QByteArray("header_name") << QStringLiteral("x-é") << 400;
        QTest::newRow("header name U+FFFD") << QByteArray("header_name") << QStringLiteral("x-\uFFFD") << 400;
        QTest::newRow("header value non-ASCII") << QByteArray("header_value") << QStringLiteral("café \U0001F600") << 200;
        QTest::newRow("path non-ASCII") << QByteArray("path") << QStringLiteral("/café") << 200;
        QTest::newRow("path U+2028") << QByteArray("path") << QStringLiteral("/a\u2028b") << 200;
        QTest::newRow("body with U+FFFD") << QByteArray("body") << QStringLiteral("a\uFFFDb") << 200;
        QTest::newRow("body with NUL") << QByteArray("body") << QStringLiteral("a") + QChar(0) + QStringLiteral("b") << 200;
    }

    // Valid Unicode that is not a token where one is needed is refused; elsewhere it travels as UTF-8
    // bytes (percent-encoded in the path), and never as anything that could end a line.
    void nonAsciiTextInFields()
    {
        QFETCH(QByteArray, field);
        QFETCH(QString, value);
        QFETCH(int, status);
        Setup s;
        QVERIFY(s.connected());
        const auto r = s.inject(payloadWith(QStringLiteral("n1"), field, value));
        QVERIFY2(r, "no proxy_res");
        QCOMPARE(r->value(QStringLiteral("status")).toInt(), status);
        if (status != 200) {
            QVERIFY(isPlugboardError(*r));
            QCOMPARE(s.backend.received.size(), 0);
            return;
        }
        QCOMPARE(s.backend.received.size(), 1);
        const sim::HttpRequest &got = s.backend.received.first();
        if (field == "header_value")
            QCOMPARE(got.header("x-test"), value.toUtf8());
        else if (field == "path") // percent-encoded, never raw bytes on the request line (issue 11, item 2)
            QCOMPARE(got.target, value.toUtf8().toPercentEncoding("/"));
        else if (field == "body")
            QCOMPARE(got.body, value.toUtf8());
    }

    void binaryAndBrokenFramesAreIgnored()
    {
        Setup s;
        QVERIFY(s.connected());
        const QList<QWebSocket *> sockets = s.simulator.findChildren<QWebSocket *>();
        QVERIFY(!sockets.isEmpty());
        const QByteArray invalidUtf8 = "[null,null,\"" + s.topic().toUtf8() +
                                       "\",\"proxy_req\",{\"request_id\":\"b1\",\"method\":\"GET\",\"path\":\"/\xff\xfe\","
                                       "\"headers\":{},\"body\":\"\xc3\x28\"}]";
        for (QWebSocket *socket : sockets)
            socket->sendBinaryMessage(invalidUtf8);
        for (const QByteArray &text : {QByteArray("[null,null,\"") + s.topic().toUtf8() + "\",\"proxy_req\",{\"request_id\":\"b2\"",
                                       QByteArray("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["),
                                       QByteArray("[null,null,\"") + s.topic().toUtf8() + "\",\"proxy_req\",\"not an object\"]",
                                       QByteArray("[null,null,\"") + s.topic().toUtf8() + "\",\"proxy_req\",{}]",
                                       QByteArray("[null,null,\"") + s.topic().toUtf8() +
                                           "\",\"proxy_req\",{\"request_id\":7,\"method\":\"GET\",\"path\":\"/\"}]"})
            s.simulator.sendToAll(text);
        QVERIFY(s.followUpAnswered());
        QCOMPARE(s.hostileReceived().size(), 0);
        QCOMPARE(s.tunnel->state(), Tunnel::State::Connected);
    }

    // ---- The real binary -------------------------------------------------------------------------

    // Files holding secrets are 0600 and their directories 0700 (even with umask 0); the listener of
    // `--metrics-address PORT` binds loopback; the token is in no log line at debug level, not in
    // /proc/<pid>/cmdline, not in `ps` and not in the files in clear.
    void realBinaryKeepsSecretsPrivate()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        Backend backend;
        const QString pathId = simulator.addMount(QStringLiteral("/sec"));
        simulator.setTokenTtlSecs(3600);
        // Lifetime 30 s, issued 14 s ago: the refresh (at half-life) is due about 1 s after the start.
        const QString token = simulator.mintToken(pathId, 30, QDateTime::currentSecsSinceEpoch() - 14);
        QStringList refreshed;
        QObject::connect(&simulator, &sim::PlugboardSimulator::tokenRefreshed, &simulator,
                         [&](const QString &, const QString &t) { refreshed << t; });

        const QString dataDir = home.filePath(QStringLiteral("fresh/data")); // does not exist yet
        const quint16 metricsPort = freePort();
        QProcessEnvironment env = cleanEnvironment(home.path());
        env.insert(QStringLiteral("TELEPHONE_TOKEN"), token);
        Telephone t;
        t.start({QStringLiteral("--no-gui"), QStringLiteral("--debug"), QStringLiteral("--server"),
                 simulator.socketUrl().toString(), QStringLiteral("--backend"), QString::number(backend.server.port()),
                 QStringLiteral("--secret-store"), QStringLiteral("file"), QStringLiteral("--data-dir"), dataDir,
                 QStringLiteral("--metrics-address"),
                 QString::number(metricsPort)},
                env, home.filePath(QStringLiteral("stderr.log")), true);
        QVERIFY(t.process.waitForStarted(10000));
        QVERIFY2(waitUntil([&] { return simulator.joinedClients() > 0; }, 15000), t.err().constData());
        QVERIFY2(waitUntil([&] { return !refreshed.isEmpty(); }, 15000), t.err().constData());
        QTest::qWait(500); // the refreshed token is stored before it is used; give the write a moment

        // The listener: the bare port binds 127.0.0.1, and nothing else listens off loopback.
        const QList<ListeningSocket> listening = listeningSocketsOf(t.pid());
        bool metricsFound = false;
        for (const ListeningSocket &l : listening) {
            QVERIFY2(isLoopback(l), qPrintable(QStringLiteral("listening on %1:%2").arg(QString::fromLatin1(l.address)).arg(l.port)));
            metricsFound = metricsFound || (l.port == metricsPort && l.address == "0100007F");
        }
        QVERIFY2(metricsFound, "the metrics listener was not found on 127.0.0.1");

        // Command line, process title, ps.
        const QByteArray cmdline = readFile(QStringLiteral("/proc/") + QString::fromLatin1(t.pid()) + QStringLiteral("/cmdline"));
        QVERIFY(!cmdline.isEmpty());
        QVERIFY(!cmdline.contains(token.toUtf8()));
        QVERIFY(!cmdline.contains("eyJ"));
        const QByteArray comm = readFile(QStringLiteral("/proc/") + QString::fromLatin1(t.pid()) + QStringLiteral("/comm"));
        QVERIFY(!comm.contains("eyJ"));
        QProcess ps;
        ps.start(QStringLiteral("ps"), {QStringLiteral("-ww"), QStringLiteral("-eo"), QStringLiteral("pid,comm,args")});
        if (ps.waitForFinished(10000)) {
            const QByteArray out = ps.readAllStandardOutput();
            QVERIFY(out.contains(t.pid()));
            QVERIFY(!out.contains(token.toUtf8()));
            for (const QString &r : std::as_const(refreshed))
                QVERIFY(!out.contains(r.toUtf8()));
        }

        QCOMPARE(t.stop(), 0);
        const QByteArray log = t.err();
        QVERIFY2(log.contains("Connected"), log.constData());
        QVERIFY(!log.contains(token.toUtf8()));
        QVERIFY(!log.contains(token.section(QLatin1Char('.'), 1, 1).toUtf8()));
        QVERIFY(!log.contains(token.section(QLatin1Char('.'), 2, 2).toUtf8()));
        for (const QString &r : std::as_const(refreshed)) {
            QVERIFY(!log.contains(r.toUtf8()));
            QVERIFY(!log.contains(r.section(QLatin1Char('.'), 2, 2).toUtf8()));
        }
        QVERIFY(!log.contains("eyJ"));

        // Every file in the data directory: 0600 (or stricter), every directory 0700; no token in clear.
        QFileInfo root(dataDir);
        QVERIFY(root.isDir());
        int files = 0;
        auto mode = [](const QString &path) {
            struct stat st {};
            return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
        };
        QCOMPARE(mode(dataDir), 0700);
        QDirIterator it(dataDir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        QStringList names;
        while (it.hasNext()) {
            const QString path = it.next();
            names << QFileInfo(path).fileName();
            const int m = mode(path);
            if (QFileInfo(path).isDir()) {
                QVERIFY2(m == 0700, qPrintable(QStringLiteral("%1 is %2").arg(path).arg(m, 4, 8, QLatin1Char('0'))));
                continue;
            }
            ++files;
            QVERIFY2((m & 077) == 0 && (m & 0600) == 0600,
                     qPrintable(QStringLiteral("%1 is %2").arg(path).arg(m, 4, 8, QLatin1Char('0'))));
            const QByteArray content = readFile(path);
            QVERIFY2(!content.contains(token.toUtf8()), qPrintable(path));
            for (const QString &r : std::as_const(refreshed))
                QVERIFY2(!content.contains(r.toUtf8()), qPrintable(path));
        }
        QVERIFY2(names.contains(QStringLiteral("tokens.sqlite")) && names.contains(QStringLiteral("token-key")),
                 qPrintable(names.join(QLatin1Char(' '))));
        QVERIFY(files >= 2);
    }

    // README: "prefer the environment or the config file" for the token. A token given with --token
    // is visible in /proc/<pid>/cmdline (and `ps`) to every local user while it runs: expected and
    // documented, so this test records it rather than failing on it; the log still never shows it.
    void tokenOnTheCommandLineIsOnlyInArgv()
    {
        QTemporaryDir home;
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/argv"));
        const QString token = simulator.mintToken(pathId);
        Telephone t;
        t.start({QStringLiteral("--no-gui"), QStringLiteral("--debug"), QStringLiteral("--server"),
                 simulator.socketUrl().toString(), QStringLiteral("--backend"), QStringLiteral("1"),
                 QStringLiteral("--secret-store"), QStringLiteral("file"), QStringLiteral("--data-dir"),
                 home.filePath(QStringLiteral("data")), QStringLiteral("--token"), token},
                cleanEnvironment(home.path()), home.filePath(QStringLiteral("stderr.log")));
        QVERIFY(t.process.waitForStarted(10000));
        QVERIFY2(waitUntil([&] { return simulator.joinedClients() > 0; }, 15000), t.err().constData());
        const QByteArray cmdline = readFile(QStringLiteral("/proc/") + QString::fromLatin1(t.pid()) + QStringLiteral("/cmdline"));
        qInfo("--token on the command line is %s in /proc/<pid>/cmdline (documented: use TELEPHONE_TOKEN)",
              cmdline.contains(token.toUtf8()) ? "visible" : "not visible");
        QCOMPARE(t.stop(), 0);
        QVERIFY(!t.err().contains(token.toUtf8()));
        QVERIFY(!t.err().contains("eyJ"));
    }

    void refusedOrMalformedTokensAreNotEchoed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("revoked (403 at the upgrade)") << QStringLiteral("revoked");
        QTest::newRow("expired (never sent)") << QStringLiteral("expired");
        QTest::newRow("not a JWT") << QStringLiteral("garbage");
        QTest::newRow("JWT with a broken payload") << QStringLiteral("badpayload");
        QTest::newRow("JWT of another server") << QStringLiteral("foreign");
    }

    // The error message about a token that is refused or cannot be read names the problem, never
    // the token (nor any part of it), on stderr at debug level.
    void refusedOrMalformedTokensAreNotEchoed()
    {
        QFETCH(QString, kind);
        QTemporaryDir home;
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/bad"));
        QString token;
        QStringList secretParts;
        if (kind == QLatin1String("revoked")) {
            token = simulator.mintToken(pathId);
            simulator.revokeToken(simulator.jtiOf(token));
        } else if (kind == QLatin1String("expired")) {
            token = simulator.mintToken(pathId, 60, QDateTime::currentSecsSinceEpoch() - 3600);
        } else if (kind == QLatin1String("garbage")) {
            token = QStringLiteral("not-a-jwt-SECRETMARKER-4f1c2e");
            secretParts << QStringLiteral("SECRETMARKER");
        } else if (kind == QLatin1String("badpayload")) {
            token = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.U0VDUkVUTUFSS0VSLW5vdC1qc29u.c2lnU0VDUkVU");
            secretParts << QStringLiteral("U0VDUkVUTUFSS0VS") << QStringLiteral("SECRETMARKER") << QStringLiteral("c2lnU0VDUkVU");
        } else {
            sim::PlugboardSimulator other; // its minter has another key
            const QString otherPath = other.addMount(QStringLiteral("/bad"));
            token = other.mintToken(otherPath);
        }
        if (token.count(QLatin1Char('.')) == 2) {
            secretParts << token.section(QLatin1Char('.'), 1, 1) << token.section(QLatin1Char('.'), 2, 2);
        }
        QProcessEnvironment env = cleanEnvironment(home.path());
        env.insert(QStringLiteral("TELEPHONE_TOKEN"), token);
        Telephone t;
        t.start({QStringLiteral("--no-gui"), QStringLiteral("--debug"), QStringLiteral("--server"),
                 simulator.socketUrl().toString(), QStringLiteral("--backend"), QStringLiteral("1"),
                 QStringLiteral("--secret-store"), QStringLiteral("file"), QStringLiteral("--data-dir"),
                 home.filePath(QStringLiteral("data")), QStringLiteral("--exit-on-auth-failure"),
                 QStringLiteral("--auth-retry-interval"), QStringLiteral("0")},
                env, home.filePath(QStringLiteral("stderr.log")));
        QVERIFY(t.process.waitForStarted(10000));
        // It exits (2: unusable token, 3: refused) or waits in AuthFailed; either way, give it time
        // to say why, then stop it.
        waitUntil([&] { return t.process.state() == QProcess::NotRunning || simulator.upgradesRefused() > 0; }, 8000);
        QTest::qWait(300);
        const int exit = t.stop();
        const QByteArray log = t.err();
        QVERIFY2(exit == 0 || exit == 2 || exit == 3, qPrintable(QStringLiteral("exit %1:\n").arg(exit) + QString::fromUtf8(log)));
        QVERIFY2(!log.trimmed().isEmpty(), "no error message at all");
        QVERIFY2(!log.contains(token.toUtf8()), log.constData());
        for (const QString &part : std::as_const(secretParts))
            QVERIFY2(part.isEmpty() || !log.contains(part.toUtf8()), qPrintable(part + QStringLiteral(" in:\n") + QString::fromUtf8(log)));
        QCOMPARE(simulator.joinedClients(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSecurity)
#include "test_security.moc"
