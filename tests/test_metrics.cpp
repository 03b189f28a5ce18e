// The /metrics text: the writer and histogram on their own, a strict format check (promtool's
// rules, see prometheusparser.h) that is itself shown to reject bad text, and the counters of a
// real tunnel moving with real traffic through the simulator.

#include "support/prometheusparser.h"

#include "ops/histogram.h"
#include "ops/opsreport.h"
#include "ops/prometheustext.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "tunnel/tunnelmanager.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QJsonObject>
#include <QTest>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

TunnelConfig fastConfig(const sim::PlugboardSimulator &simulator, const QString &token, const QUrl &backend)
{
    TunnelConfig c;
    c.server = simulator.socketUrl();
    c.token = token;
    c.backend = backend;
    c.heartbeatInterval = 200ms;
    c.joinTimeout = 2s;
    c.backoffInitial = 20ms;
    c.backoffMax = 200ms;
    c.drainTimeout = 2s;
    return c;
}

int get(QNetworkAccessManager &nam, const QUrl &url, QByteArray *body = nullptr, const QByteArray &verb = "GET",
        const QByteArray &payload = {})
{
    QScopedPointer<QNetworkReply> reply(nam.sendCustomRequest(QNetworkRequest(url), verb, payload));
    QSignalSpy spy(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !spy.wait(5000))
        return -1;
    if (body)
        *body = reply->readAll();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private slots:
    void histogramBucketsAreLessOrEqualAndCumulative()
    {
        Histogram h({0.1, 1, 10});
        for (const double v : {0.05, 0.1, 0.5, 1.0, 3.0, 100.0})
            h.observe(v);
        QCOMPARE(h.cumulativeCounts(), (QList<quint64>{2, 4, 5, 6}));
        QCOMPARE(h.count(), quint64(6));
        QCOMPARE(h.sum(), 104.65);
    }

    void valuesAndLabelsAreWrittenAsTheFormatWants_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("integer") << 42.0 << QByteArray("42");
        QTest::newRow("negative") << -3.0 << QByteArray("-3");
        QTest::newRow("fraction") << 0.005 << QByteArray("0.005");
        QTest::newRow("inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
        QTest::newRow("big") << 1e20 << QByteArray("1e+20");
    }

    void valuesAndLabelsAreWrittenAsTheFormatWants()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, text);
        QCOMPARE(PrometheusText::formatValue(value), text);
        QCOMPARE(PrometheusText::escapeLabelValue(QStringLiteral("a\"b\\c\nd")), QByteArray("a\\\"b\\\\c\\nd"));
    }

    void writerOutputPassesTheFormatCheck()
    {
        PrometheusText out;
        out.family(QStringLiteral("x_total"), "counter", QStringLiteral("help with \\ and\nnewline"));
        out.sample(QStringLiteral("x_total"), {{QStringLiteral("k"), QStringLiteral("va\"l\\ue\n")}}, 3);
        out.family(QStringLiteral("d_seconds"), "histogram", QStringLiteral("h"));
        Histogram h({0.5, 1});
        h.observe(0.7);
        out.histogram(QStringLiteral("d_seconds"), {{QStringLiteral("k"), QStringLiteral("v")}}, h);
        const prom::Exposition e = prom::parse(out.text());
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error + QLatin1Char('\n') + QString::fromUtf8(out.text())));
        QCOMPARE(e.value(QStringLiteral("x_total"), {{QStringLiteral("k"), QStringLiteral("va\"l\\ue\n")}}), 3.0);
        QCOMPARE(e.value(QStringLiteral("d_seconds_bucket"), {{QStringLiteral("le"), QStringLiteral("1")}}), 1.0);
        QCOMPARE(e.value(QStringLiteral("d_seconds_bucket"), {{QStringLiteral("le"), QStringLiteral("0.5")}}), 0.0);
    }

    // The checker must be able to fail, or a green run says nothing.
    void formatCheckRejectsBrokenText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("no type") << QByteArray("# HELP a h\na 1\n");
        QTest::newRow("no help") << QByteArray("# TYPE a gauge\na 1\n");
        QTest::newRow("counter not _total") << QByteArray("# HELP a h\n# TYPE a counter\na 1\n");
        QTest::newRow("bad value") << QByteArray("# HELP a h\n# TYPE a gauge\na one\n");
        QTest::newRow("unquoted label") << QByteArray("# HELP a h\n# TYPE a gauge\na{x=1} 1\n");
        QTest::newRow("bad escape") << QByteArray("# HELP a h\n# TYPE a gauge\na{x=\"\\t\"} 1\n");
        QTest::newRow("duplicate series") << QByteArray("# HELP a h\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n");
        QTest::newRow("split family")
            << QByteArray("# HELP a h\n# TYPE a gauge\na 1\n# HELP b h\n# TYPE b gauge\nb 1\na{x=\"2\"} 1\n");
        QTest::newRow("type after samples") << QByteArray("# HELP a h\n# TYPE a gauge\na 1\n# TYPE a gauge\n");
        QTest::newRow("no final newline") << QByteArray("# HELP a h\n# TYPE a gauge\na 1");
        QTest::newRow("bucket not cumulative")
            << QByteArray("# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                          "h_sum 1\nh_count 1\n");
        QTest::newRow("inf differs from count")
            << QByteArray("# HELP h h\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 2\n");
        QTest::newRow("no inf bucket") << QByteArray("# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n");
    }

    void formatCheckRejectsBrokenText()
    {
        QFETCH(QByteArray, text);
        QVERIFY2(!prom::parse(text).error.isEmpty(), text.constData());
    }

    void countersMoveWithTrafficAndLabelsStayBounded()
    {
        sim::PlugboardSimulator simulator;
        sim::EchoBackend backend;
        QVERIFY(simulator.listen());
        QVERIFY(backend.listen(QHostAddress::LocalHost, 0));
        const QString pathId = simulator.addMount(QStringLiteral("/demo"));
        const QString token = simulator.mintToken(pathId);
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(fastConfig(simulator, token, backend.url()), &sink);
        OpsReport report(&manager);
        manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);

        const QMap<QString, QString> me{{QStringLiteral("tunnel"), pathId}};
        auto scrape = [&report] {
            const QByteArray text = report.metrics();
            prom::Exposition e = prom::parse(text);
            if (!e.error.isEmpty())
                qWarning().noquote() << e.error << '\n' << text;
            return e;
        };
        const prom::Exposition before = scrape();
        QVERIFY(before.error.isEmpty());
        QCOMPARE(before.value(QStringLiteral("telephone_tunnel_ready"), me), 1.0);
        QCOMPARE(before.value(QStringLiteral("telephone_tunnel_state"), {{QStringLiteral("state"), QStringLiteral("Connected")}}), 1.0);
        QCOMPARE(before.value(QStringLiteral("telephone_tunnel_joins_total"), me), 1.0);
        QCOMPARE(before.value(QStringLiteral("telephone_requests_total"), {{QStringLiteral("status_class"), QStringLiteral("2xx")}}), 0.0);
        QCOMPARE(before.value(QStringLiteral("telephone_request_duration_seconds_count"), me), 0.0);
        QCOMPARE(before.value(QStringLiteral("telephone_tunnel_info"), {{QStringLiteral("mount_path"), QStringLiteral("/demo")}}), 1.0);
        const double expiry = before.value(QStringLiteral("telephone_tunnel_token_expiry_seconds"), me);
        QVERIFY2(expiry > 3500 && expiry <= 3600, qPrintable(QString::number(expiry)));

        // Traffic: three GETs and a POST with a body, to a path that must not become a label.
        QNetworkAccessManager nam;
        const QString base = simulator.httpUrl().toString() + QStringLiteral("/call/demo/secret-looking-path");
        for (int i = 0; i < 3; ++i)
            QCOMPARE(get(nam, QUrl(base + QStringLiteral("?n=%1").arg(i))), 200);
        QCOMPARE(get(nam, QUrl(base), nullptr, "POST", QByteArray(1000, 'x')), 200);
        // exchangeFinished may trail the HTTP answer by a turn of the event loop.
        QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("telephone_requests_total"),
                                                 {{QStringLiteral("status_class"), QStringLiteral("2xx")}}),
                                  4.0, 5000);

        // A heartbeat round trip gets measured within a few intervals.
        QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(scrape().value(QStringLiteral("telephone_tunnel_heartbeat_rtt_seconds"), me)), 5000);

        const QByteArray text = report.metrics();
        const prom::Exposition after = prom::parse(text);
        QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
        QCOMPARE(after.value(QStringLiteral("telephone_request_duration_seconds_count"), me), 4.0);
        QCOMPARE(after.value(QStringLiteral("telephone_request_duration_seconds_bucket"), {{QStringLiteral("le"), QStringLiteral("+Inf")}}), 4.0);
        QVERIFY(after.value(QStringLiteral("telephone_request_body_bytes_total"), me) >= 1000);
        QVERIFY(after.value(QStringLiteral("telephone_response_body_bytes_total"), me) > 0);
        QVERIFY(after.value(QStringLiteral("telephone_socket_received_bytes_total"), me)
                > before.value(QStringLiteral("telephone_socket_received_bytes_total"), me) + 1000);
        QVERIFY(after.value(QStringLiteral("telephone_socket_sent_bytes_total"), me)
                > before.value(QStringLiteral("telephone_socket_sent_bytes_total"), me));
        QCOMPARE(after.value(QStringLiteral("telephone_requests_in_flight"), me), 0.0);
        QVERIFY(!text.contains("secret-looking-path"));
        QVERIFY(!text.contains(token.toUtf8()));

        // A malformed frame and a kick move their counters too.
        simulator.sendToAll("this is not a phoenix frame");
        QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("telephone_tunnel_malformed_frames_total"), me), 1.0, 5000);
        // A proxy_req repeating an answered request_id is ignored and counted (issue 11, item 10).
        QCOMPARE(scrape().value(QStringLiteral("telephone_tunnel_duplicate_requests_total"), me), 0.0);
        const QJsonObject repeatedRequest{{QStringLiteral("request_id"), QStringLiteral("metrics-repeat")},
                                          {QStringLiteral("method"), QStringLiteral("GET")},
                                          {QStringLiteral("path"), QStringLiteral("/repeat")}};
        simulator.pushToAll(QStringLiteral("proxy_req"), repeatedRequest);
        QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("telephone_requests_total"),
                                                 {{QStringLiteral("status_class"), QStringLiteral("2xx")}}),
                                  5.0, 5000);
        simulator.pushToAll(QStringLiteral("proxy_req"), repeatedRequest);
        QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("telephone_tunnel_duplicate_requests_total"), me), 1.0, 5000);
        simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("telephone_tunnel_reconnects_total"), me), 1.0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("telephone_tunnel_joins_total"), me), 2.0, 5000);
        QVERIFY(scrape().value(QStringLiteral("telephone_tunnel_connect_attempts_total"), me) >= 2);
    }

    void refusalsAreCountedByReason()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/demo"));
        // Nothing listens on this backend port: the tunnel answers 502 itself.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QUrl deadBackend(QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort()));
        closed.close();
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(fastConfig(simulator, simulator.mintToken(pathId), deadBackend), &sink);
        OpsReport report(&manager);
        manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);
        QNetworkAccessManager nam;
        QCOMPARE(get(nam, QUrl(simulator.httpUrl().toString() + QStringLiteral("/call/demo/x"))), 502);
        const QMap<QString, QString> failed{{QStringLiteral("tunnel"), pathId}, {QStringLiteral("reason"), QStringLiteral("backend_failed")}};
        QTRY_COMPARE_WITH_TIMEOUT(prom::parse(report.metrics()).value(QStringLiteral("telephone_requests_refused_total"), failed), 1.0, 5000);
        const prom::Exposition e = prom::parse(report.metrics());
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.value(QStringLiteral("telephone_requests_total"), {{QStringLiteral("status_class"), QStringLiteral("5xx")}}), 1.0);
        QCOMPARE(e.value(QStringLiteral("telephone_requests_refused_total"), {{QStringLiteral("reason"), QStringLiteral("unavailable")}}), 0.0);
        // Issue 11 item 12: Telephone's own 502 body is not a backend's response body.
        QCOMPARE(e.value(QStringLiteral("telephone_response_body_bytes_total"), {{QStringLiteral("tunnel"), pathId}}), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"
