// The operations endpoints over real HTTP: /live, /ready flipping with the tunnel across a kick and
// a reconnect, /health, GET/HEAD only, 404, addresses and loopback binding.

#include "ops/opsreport.h"
#include "ops/opsserver.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "tunnel/tunnelmanager.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <algorithm>
#include <memory>
#include <vector>

using namespace telephone;
using namespace std::chrono_literals;
using State = Tunnel::State;

namespace {

struct Answer {
    int status = -1;
    QByteArray body;
    QNetworkReply *reply = nullptr;
    QByteArray header(const char *name) const { return reply ? reply->rawHeader(name) : QByteArray(); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// One request on a fresh connection; the reply object stays alive (owned by `nam`) for headers.
Answer ask(QNetworkAccessManager &nam, const QString &base, const QString &path, const QByteArray &verb = "GET")
{
    QNetworkRequest request(QUrl(base + path));
    // A custom "HEAD" would make QNetworkAccessManager wait for a body; head() knows better.
    QNetworkReply *reply = verb == "HEAD" ? nam.head(request) : nam.sendCustomRequest(request, verb);
    QSignalSpy spy(reply, &QNetworkReply::finished);
    Answer answer;
    answer.reply = reply;
    if (!reply->isFinished() && !spy.wait(5000))
        return answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    return answer;
}

struct Fixture {
    sim::PlugboardSimulator simulator;
    sim::EchoBackend backend;
    MemoryTokenSink sink;
    TunnelManager manager;
    QString pathId;
    Tunnel *tunnel = nullptr;
    OpsReport *report = nullptr;
    OpsServer *server = nullptr;
    QString base;

    explicit Fixture(std::chrono::milliseconds backoff = 20ms)
    {
        if (!simulator.listen() || !backend.listen(QHostAddress::LocalHost, 0))
            qFatal("simulator or backend did not listen");
        pathId = simulator.addMount(QStringLiteral("/demo"));
        TunnelConfig c;
        c.server = simulator.socketUrl();
        c.token = simulator.mintToken(pathId);
        c.backend = backend.url();
        c.heartbeatInterval = 1s;
        c.joinTimeout = 2s;
        c.backoffInitial = backoff;
        c.backoffMax = backoff;
        c.drainTimeout = 2s;
        tunnel = manager.addTunnel(c, &sink);
        report = new OpsReport(&manager, &manager);
        server = new OpsServer(report, &manager);
        QString error;
        if (!server->listen(QStringLiteral("0"), &error))
            qFatal("ops server: %s", qPrintable(error));
        base = server->baseUrl();
    }
};

} // namespace

class TestEndpoints : public QObject
{
    Q_OBJECT

private slots:
    void addressesParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host"); // empty: refused
        QTest::addColumn<int>("port");
        QTest::newRow("bare port is loopback") << "9090" << "127.0.0.1" << 9090;
        QTest::newRow("empty host is loopback") << ":9090" << "127.0.0.1" << 9090;
        QTest::newRow("localhost") << "localhost:9090" << "127.0.0.1" << 9090;
        QTest::newRow("any") << "0.0.0.0:9091" << "0.0.0.0" << 9091;
        QTest::newRow("ipv6") << "[::1]:9092" << "::1" << 9092;
        QTest::newRow("host name") << "metrics.example:9090" << "" << 0;
        QTest::newRow("no port") << "127.0.0.1" << "" << 0;
        QTest::newRow("port too big") << "70000" << "" << 0;
        QTest::newRow("words") << "soon" << "" << 0;
    }

    void addressesParse()
    {
        QFETCH(QString, text);
        QFETCH(QString, host);
        QFETCH(int, port);
        QString error;
        const auto address = OpsServer::parseAddress(text, &error);
        if (host.isEmpty()) {
            QVERIFY(!address);
            QVERIFY(!error.isEmpty());
            return;
        }
        QVERIFY2(address, qPrintable(error));
        QCOMPARE(address->host, QHostAddress(host));
        QCOMPARE(int(address->port), port);
    }

    void bindsLoopbackByDefault()
    {
        Fixture f;
        QCOMPARE(f.server->serverAddress(), QHostAddress(QHostAddress::LocalHost));
        QVERIFY(f.server->serverPort() != 0);
        // Not reachable on another address of this machine: connect via a non-loopback address if any.
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.isLoopback() || address.protocol() != QAbstractSocket::IPv4Protocol)
                continue;
            QTcpSocket socket;
            socket.connectToHost(address, f.server->serverPort());
            QVERIFY2(!socket.waitForConnected(2000), qPrintable(address.toString()));
            break;
        }
    }

    void aPortInUseIsAClearError()
    {
        QTcpServer holder;
        QVERIFY(holder.listen(QHostAddress::LocalHost, 0));
        TunnelManager manager;
        OpsReport report(&manager);
        OpsServer server(&report);
        QString error;
        QVERIFY(!server.listen(QString::number(holder.serverPort()), &error));
        QVERIFY2(error.contains(QStringLiteral("127.0.0.1:%1").arg(holder.serverPort())), qPrintable(error));
    }

    void readyFlipsAcrossAKickAndReconnect()
    {
        // A backoff of 1.5 s (at least 1.1 s with jitter) keeps the tunnel down long enough to ask.
        Fixture f(1500ms);
        QNetworkAccessManager nam;
        Answer a = ask(nam, f.base, QStringLiteral("/ready"));
        QCOMPARE(a.status, 503); // not started: nothing is joined
        f.manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Connected, 5000);
        a = ask(nam, f.base, QStringLiteral("/ready"));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json().value(QStringLiteral("ready")).toBool(), true);

        QSignalSpy states(f.tunnel, &Tunnel::stateChanged);
        f.simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Reconnecting, 5000);
        a = ask(nam, f.base, QStringLiteral("/ready"));
        QCOMPARE(a.status, 503);
        QCOMPARE(a.json().value(QStringLiteral("ready")).toBool(), false);
        QVERIFY2(a.json().value(QStringLiteral("reason")).toString().contains(QStringLiteral("Reconnecting")), a.body.constData());
        QCOMPARE(a.header("Content-Type"), QByteArray("application/json"));

        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Connected, 5000);
        a = ask(nam, f.base, QStringLiteral("/ready"));
        QCOMPARE(a.status, 200);
        // And it really went down in between rather than the request racing the kick.
        QVERIFY(states.count() >= 3);

        // /live never depended on the tunnel.
        QCOMPARE(ask(nam, f.base, QStringLiteral("/live")).status, 200);
    }

    void healthDescribesEachTunnel()
    {
        Fixture f;
        f.manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Connected, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(f.tunnel->heartbeatRoundTrip().has_value(), 5000);
        f.simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.simulator.joins(), 2, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Connected, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(f.tunnel->heartbeatRoundTrip().has_value(), 5000); // measured anew

        QNetworkAccessManager nam;
        const Answer a = ask(nam, f.base, QStringLiteral("/health"));
        QCOMPARE(a.status, 200);
        const QJsonObject health = a.json();
        QCOMPARE(health.value(QStringLiteral("version")).toString(), QStringLiteral(TELEPHONE_VERSION));
        const QJsonArray tunnels = health.value(QStringLiteral("tunnels")).toArray();
        QCOMPARE(tunnels.size(), 1);
        const QJsonObject t = tunnels.first().toObject();
        QCOMPARE(t.value(QStringLiteral("tunnel")).toString(), f.pathId);
        QCOMPARE(t.value(QStringLiteral("mount_path")).toString(), QStringLiteral("/demo"));
        QCOMPARE(t.value(QStringLiteral("state")).toString(), QStringLiteral("Connected"));
        QVERIFY(QDateTime::fromString(t.value(QStringLiteral("since")).toString(), Qt::ISODateWithMs).isValid());
        QVERIFY(t.value(QStringLiteral("heartbeat_rtt_ms")).isDouble());
        const double left = t.value(QStringLiteral("token_expires_in_seconds")).toDouble();
        QVERIFY(left > 3500 && left <= 3600);
        QCOMPARE(t.value(QStringLiteral("in_flight_requests")).toInt(-1), 0);
        // The kick left its mark as the last error, with a time.
        const QJsonObject lastError = t.value(QStringLiteral("last_error")).toObject();
        QVERIFY2(!lastError.value(QStringLiteral("message")).toString().isEmpty(), a.body.constData());
        QVERIFY(QDateTime::fromString(lastError.value(QStringLiteral("at")).toString(), Qt::ISODateWithMs).isValid());
        QVERIFY(!a.body.contains(f.tunnel->config().token.toUtf8()));
    }

    // Issue 11 item 12: the round trip measured on a connection that is gone was still shown.
    void noHeartbeatRoundTripWhileReconnecting()
    {
        Fixture f(1500ms); // stays down long enough to ask
        f.manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Connected, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(f.tunnel->heartbeatRoundTrip().has_value(), 5000);
        f.simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Reconnecting, 5000);
        QNetworkAccessManager nam;
        const Answer health = ask(nam, f.base, QStringLiteral("/health"));
        const QJsonObject t = health.json().value(QStringLiteral("tunnels")).toArray().first().toObject();
        QCOMPARE(t.value(QStringLiteral("state")).toString(), QStringLiteral("Reconnecting"));
        QVERIFY2(t.value(QStringLiteral("heartbeat_rtt_ms")).isNull(), health.body.constData());
        const Answer metrics = ask(nam, f.base, QStringLiteral("/metrics"));
        QVERIFY2(!metrics.body.contains("telephone_tunnel_heartbeat_rtt_seconds{"), metrics.body.constData());
    }

    // Issue 11 item 12: a failing refresh left no trace in /health or /metrics.
    void refreshFailuresShowInHealthAndMetrics()
    {
        Fixture f;
        f.simulator.setRefreshFails(QStringLiteral("database_unavailable"));
        // A token past its half-life: the refresh is due at once.
        QString problem;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QVERIFY2(f.tunnel->setToken(f.simulator.mintToken(f.pathId, 3600, now - 1900), &problem), qPrintable(problem));
        f.manager.startAll();
        QTRY_VERIFY_WITH_TIMEOUT(f.simulator.refreshRequests() >= 2, 10000);
        QNetworkAccessManager nam;
        const Answer health = ask(nam, f.base, QStringLiteral("/health"));
        const QJsonObject t = health.json().value(QStringLiteral("tunnels")).toArray().first().toObject();
        QCOMPARE(t.value(QStringLiteral("state")).toString(), QStringLiteral("Connected"));
        const QString message = t.value(QStringLiteral("last_error")).toObject().value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(QLatin1String("refresh")) && message.contains(QLatin1String("database_unavailable")),
                 health.body.constData());
        const Answer metrics = ask(nam, f.base, QStringLiteral("/metrics"));
        const QRegularExpression failures(QStringLiteral("telephone_token_refresh_failures_total\\{tunnel=\"%1\"\\} (\\d+)")
                                              .arg(f.pathId));
        const QRegularExpressionMatch match = failures.match(QString::fromUtf8(metrics.body));
        QVERIFY2(match.hasMatch() && match.captured(1).toInt() >= 2, metrics.body.constData());
    }

    // Issue 11 item 4: idle connections were never closed; 300 of them took every file descriptor.
    // At most OpsListener::maxConnections stay open (the newest replace the oldest), and the
    // endpoints and the tunnel keep answering.
    void heldConnectionsAreBoundedAndEverythingStillAnswers()
    {
        Fixture f;
        f.manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Connected, 5000);
        const int max = f.server->listener()->maxConnections();
        QVERIFY(max >= 2 && max <= OpsListener::DefaultMaxConnections);
        std::vector<std::unique_ptr<QTcpSocket>> held;
        const QUrl base(f.base);
        int connected = 0;
        for (int i = 0; i < 100; ++i) {
            held.push_back(std::make_unique<QTcpSocket>());
            connect(held.back().get(), &QTcpSocket::connected, this, [&connected] { ++connected; });
            held.back()->connectToHost(QHostAddress::LocalHost, quint16(base.port()));
        }
        auto stillOpen = [&held] {
            return std::count_if(held.begin(), held.end(), [](const auto &s) {
                return s->state() == QAbstractSocket::ConnectedState;
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(connected, 100, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(stillOpen() <= max, 5000);
        QVERIFY(f.server->listener()->openConnections() <= max);
        QNetworkAccessManager nam;
        QCOMPARE(ask(nam, f.base, QStringLiteral("/ready")).status, 200);
        QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(f.simulator.httpUrl().toString() + QStringLiteral("/call/demo/x"))));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    }

    // Issue 11 item 4: a connection that says nothing is closed after the idle timeout (shortened
    // here; 30 s by default).
    void idleConnectionsAreClosed()
    {
        Fixture f;
        f.server->listener()->setIdleTimeout(300ms);
        QTcpSocket idle;
        idle.connectToHost(QHostAddress::LocalHost, quint16(QUrl(f.base).port()));
        QVERIFY(idle.waitForConnected(5000));
        QTRY_COMPARE_WITH_TIMEOUT(idle.state(), QAbstractSocket::UnconnectedState, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(f.server->listener()->openConnections(), 0, 3000);
        QCOMPARE(OpsListener::DefaultIdleTimeout, std::chrono::milliseconds(30000));
    }

    void onlyGetAndHead_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        for (const char *verb : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
            for (const char *path : {"/metrics", "/ready", "/nowhere"})
                QTest::addRow("%s %s", verb, path) << QByteArray(verb) << QString::fromLatin1(path);
        }
    }

    void onlyGetAndHead()
    {
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        Fixture f;
        QNetworkAccessManager nam;
        const Answer a = ask(nam, f.base, path, verb);
        QCOMPARE(a.status, 405);
        QCOMPARE(a.header("Allow"), QByteArray("GET, HEAD"));
    }

    void headHasTheHeadersButNoBody()
    {
        Fixture f;
        f.manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(f.tunnel->state(), State::Connected, 5000);
        QNetworkAccessManager nam;
        const Answer get = ask(nam, f.base, QStringLiteral("/metrics"));
        QCOMPARE(get.status, 200);
        QVERIFY(get.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        const Answer head = ask(nam, f.base, QStringLiteral("/metrics"), "HEAD");
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QVERIFY(head.header("Content-Length").toInt() > 100);
        // The connection is still usable after a HEAD (no stray body bytes confused it).
        QCOMPARE(ask(nam, f.base, QStringLiteral("/live")).status, 200);
    }

    // Nothing here speaks WebSocket: an upgrade request never becomes an open WebSocket (whether
    // Qt answers it as a plain GET or hands us the socket, which is closed at once), and the
    // endpoints keep answering afterwards.
    void webSocketUpgradesAreNotAccepted()
    {
        Fixture f;
        QWebSocket ws;
        QSignalSpy disconnected(&ws, &QWebSocket::disconnected);
        bool opened = false;
        connect(&ws, &QWebSocket::connected, this, [&opened] { opened = true; });
        QString wsUrl = f.base + QStringLiteral("/live");
        wsUrl.replace(0, 4, QStringLiteral("ws"));
        ws.open(QUrl(wsUrl));
        QVERIFY(disconnected.wait(5000));
        QVERIFY(!opened || ws.closeCode() == QWebSocketProtocol::CloseCodePolicyViolated);
        QNetworkAccessManager nam;
        QCOMPARE(ask(nam, f.base, QStringLiteral("/live")).status, 200);
    }

    void unknownPathsAre404()
    {
        Fixture f;
        QNetworkAccessManager nam;
        for (const char *path : {"/", "/metrics/extra", "/call/demo/"}) {
            const Answer a = ask(nam, f.base, QString::fromLatin1(path));
            QCOMPARE(a.status, 404);
            // Our answer, not Qt's default 404: the catch-all route reaches every path.
            QVERIFY2(a.json().value(QStringLiteral("error")).toString().startsWith(QStringLiteral("not found; try /live")),
                     a.body.constData());
            QCOMPARE(a.header("Cache-Control"), QByteArray("no-store"));
        }
    }
};

QTEST_GUILESS_MAIN(TestEndpoints)
#include "test_endpoints.moc"
