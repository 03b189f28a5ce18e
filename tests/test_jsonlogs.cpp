// --log-format json: the line format with its context fields, and a full session of the real binary
// at debug level (join, refresh, traffic, a kick and reconnect, a scrape, SIGTERM) whose stderr must
// parse as one JSON object per line and never carry the token, old or refreshed.

#include "support/cleanenvironment.h"
#include "support/prometheusparser.h"

#include "base/logging.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace telephone;

namespace {

const QDateTime kTime(QDate(2026, 11, 22), QTime(1, 2, 3, 123), Qt::UTC);

QJsonObject parseLine(const QByteArray &line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    return error.error == QJsonParseError::NoError && doc.isObject() ? doc.object() : QJsonObject();
}

int fetch(QNetworkAccessManager &nam, const QUrl &url, QByteArray *body = nullptr)
{
    QScopedPointer<QNetworkReply> reply(nam.get(QNetworkRequest(url)));
    QSignalSpy spy(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !spy.wait(5000))
        return -1;
    if (body)
        *body = reply->readAll();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// The parts of a JWT that are unique to it (the header is the same for every token).
QList<QByteArray> secretParts(const QString &token)
{
    return {token.toUtf8(), token.section(QLatin1Char('.'), 1, 1).toUtf8(), token.section(QLatin1Char('.'), 2, 2).toUtf8()};
}

} // namespace

class TestJsonLogs : public QObject
{
    Q_OBJECT

private slots:
    void jsonLineCarriesTheContext()
    {
        const QByteArray line =
            logging::formatLine(logging::Format::Json, kTime, QtInfoMsg, "telephone.ops.access", QStringLiteral("GET 200"),
                                logging::Context{QStringLiteral("path-1"), QStringLiteral("req-9")});
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        const QJsonObject o = parseLine(line);
        QCOMPARE(o.value(QStringLiteral("time")).toString(), QStringLiteral("2026-11-22T01:02:03.123Z"));
        QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
        QCOMPARE(o.value(QStringLiteral("category")).toString(), QStringLiteral("telephone.ops.access"));
        QCOMPARE(o.value(QStringLiteral("message")).toString(), QStringLiteral("GET 200"));
        QCOMPARE(o.value(QStringLiteral("tunnel")).toString(), QStringLiteral("path-1"));
        QCOMPARE(o.value(QStringLiteral("request_id")).toString(), QStringLiteral("req-9"));

        // No context: no empty fields, and the old signature writes the same line.
        const QByteArray bare = logging::formatLine(logging::Format::Json, kTime, QtInfoMsg, "c", QStringLiteral("m"));
        QVERIFY(!parseLine(bare).contains(QStringLiteral("tunnel")));
        QVERIFY(!parseLine(bare).contains(QStringLiteral("request_id")));
        QCOMPARE(bare, logging::formatLine(logging::Format::Json, kTime, QtInfoMsg, "c", QStringLiteral("m"), {}));
        // Text lines name the tunnel as a prefix, never the request id.
        QCOMPARE(logging::formatLine(logging::Format::Text, kTime, QtInfoMsg, "c", QStringLiteral("m"),
                                     logging::Context{QStringLiteral("t"), QStringLiteral("r")}),
                 QByteArray("2026-11-22T01:02:03.123Z info  c: [t] m\n"));
    }

    void scopesNestAndTheDefaultFillsIn()
    {
        logging::setDefaultTunnel(QStringLiteral("default-tunnel"));
        QCOMPARE(logging::currentContext().tunnel, QStringLiteral("default-tunnel"));
        QVERIFY(logging::currentContext().requestId.isEmpty());
        {
            const logging::ContextScope outer(QString(), QStringLiteral("r1"));
            QCOMPARE(logging::currentContext().tunnel, QStringLiteral("default-tunnel"));
            QCOMPARE(logging::currentContext().requestId, QStringLiteral("r1"));
            {
                const logging::ContextScope inner(QStringLiteral("other"), QStringLiteral("r2"));
                QCOMPARE(logging::currentContext().tunnel, QStringLiteral("other"));
                QCOMPARE(logging::currentContext().requestId, QStringLiteral("r2"));
            }
            QCOMPARE(logging::currentContext().requestId, QStringLiteral("r1"));
        }
        QVERIFY(logging::currentContext().requestId.isEmpty());
        logging::setDefaultTunnel(QString());
        QVERIFY(logging::currentContext().tunnel.isEmpty());
    }

    // --demo prints a banner for people; in JSON format it is a log record like every other line.
    void demoBannerIsAJsonRecord()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment(home.path()));
        QByteArray err;
        connect(&process, &QProcess::readyReadStandardError, this, [&] { err += process.readAllStandardError(); });
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--demo"), QStringLiteral("--no-gui"), QStringLiteral("--log-format"),
                       QStringLiteral("json"), QStringLiteral("--data-dir"), home.path() + QStringLiteral("/state")});
        QVERIFY(process.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(err.contains("/call/demo/"), 10000);
        ::kill(pid_t(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(15000));
        err += process.readAllStandardError();
        const QList<QByteArray> lines = err.split('\n');
        QVERIFY2(lines.constLast().isEmpty(), "the last line is not terminated");
        bool banner = false;
        for (int i = 0; i < lines.size() - 1; ++i) {
            const QJsonObject o = parseLine(lines[i]);
            QVERIFY2(!o.isEmpty(), lines[i].constData());
            const QString message = o.value(QStringLiteral("message")).toString();
            banner = banner || (message.contains(QLatin1String("curl http://127.0.0.1:")) && message.contains(QLatin1String("/call/demo/")));
        }
        QVERIFY2(banner, err.constData());
    }

    // An error that ends the program is a JSON record too (headless, nothing to connect with: exit 2).
    void fatalStartErrorIsAJsonRecord()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment(home.path()));
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--no-gui"), QStringLiteral("--log-format"), QStringLiteral("json"),
                       QStringLiteral("--server"), QStringLiteral("ws://127.0.0.1:9"), QStringLiteral("--backend"),
                       QStringLiteral("3000"), QStringLiteral("--secret-store"), QStringLiteral("file"),
                       QStringLiteral("--data-dir"), home.path() + QStringLiteral("/state")});
        QVERIFY(process.waitForFinished(15000));
        QCOMPARE(process.exitCode(), 2);
        const QList<QByteArray> lines = process.readAllStandardError().split('\n');
        QVERIFY2(lines.constLast().isEmpty(), "the last line is not terminated");
        bool fatal = false;
        for (int i = 0; i < lines.size() - 1; ++i) {
            const QJsonObject o = parseLine(lines[i]);
            QVERIFY2(!o.isEmpty(), lines[i].constData());
            fatal = fatal || o.value(QStringLiteral("message")).toString().contains(QLatin1String("missing --token"));
        }
        QVERIFY(fatal);
    }

    // Errors found before the settings resolve (an unknown option, a stray argument, a bad value,
    // a broken config file) are JSON records too when JSON was asked for, on the command line or
    // in the environment: a log collector never meets a plain-text line.
    void optionAndConfigErrorsAreJsonRecords_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("formatFromEnvironment");
        QTest::addColumn<QString>("expected");
        const QStringList json{QStringLiteral("--log-format"), QStringLiteral("json")};
        QTest::newRow("unknown option") << (json + QStringList{QStringLiteral("--no-such-option")}) << false
                                        << QStringLiteral("no-such-option");
        QTest::newRow("stray argument") << (json + QStringList{QStringLiteral("stray")}) << false
                                        << QStringLiteral("unexpected argument 'stray'");
        QTest::newRow("bad value, --log-format=json")
            << QStringList{QStringLiteral("--log-format=json"), QStringLiteral("--request-timeout"), QStringLiteral("soon")}
            << false << QStringLiteral("request-timeout");
        QTest::newRow("broken config, format from the environment")
            << QStringList{QStringLiteral("--config"), QStringLiteral("BROKEN")} << true << QStringLiteral("tunnel.");
    }

    void optionAndConfigErrorsAreJsonRecords()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, formatFromEnvironment);
        QFETCH(QString, expected);
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString config = home.filePath(QStringLiteral("broken.ini"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[tunnel.]\nbackend = 3000\n");
        file.close();
        arguments.replaceInStrings(QStringLiteral("BROKEN"), config);
        QProcessEnvironment env = cleanEnvironment(home.path());
        if (formatFromEnvironment)
            env.insert(QStringLiteral("TELEPHONE_LOG_FORMAT"), QStringLiteral("json"));
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(TELEPHONE_BINARY), QStringList{QStringLiteral("--no-gui")} + arguments);
        QVERIFY(process.waitForFinished(15000));
        QCOMPARE(process.exitCode(), 2);
        const QByteArray err = process.readAllStandardError();
        const QList<QByteArray> lines = err.split('\n');
        QVERIFY2(lines.size() > 1 && lines.constLast().isEmpty(), err.constData());
        bool found = false;
        for (int i = 0; i < lines.size() - 1; ++i) {
            const QJsonObject o = parseLine(lines[i]);
            QVERIFY2(!o.isEmpty(), lines[i].constData());
            found = found || o.value(QStringLiteral("message")).toString().contains(expected);
        }
        QVERIFY2(found, err.constData());
    }

    void fullDebugSessionIsJsonLinesWithoutTheToken()
    {
        sim::PlugboardSimulator simulator;
        sim::EchoBackend backend;
        QVERIFY(simulator.listen());
        QVERIFY(backend.listen(QHostAddress::LocalHost, 0));
        const QString pathId = simulator.addMount(QStringLiteral("/demo"));
        // A short-lived token, so that the session includes a refresh and a second token to keep out.
        const QString token = simulator.mintToken(pathId, 4);
        QSignalSpy refreshed(&simulator, &sim::PlugboardSimulator::tokenRefreshed);

        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = cleanEnvironment(home.path());
        env.insert(QStringLiteral("TELEPHONE_TOKEN"), token);

        QProcess process;
        process.setProcessEnvironment(env);
        QByteArray err;
        connect(&process, &QProcess::readyReadStandardError, this, [&] { err += process.readAllStandardError(); });
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--no-gui"), QStringLiteral("--debug"), QStringLiteral("--log-format"),
                       QStringLiteral("json"), QStringLiteral("--server"), simulator.socketUrl().toString(),
                       QStringLiteral("--backend"), backend.url().toString(), QStringLiteral("--metrics-address"),
                       QStringLiteral("0"), QStringLiteral("--heartbeat-interval"), QStringLiteral("0.5"),
                       QStringLiteral("--backoff-initial"), QStringLiteral("0.05"), QStringLiteral("--refresh-margin"),
                       QStringLiteral("1"), QStringLiteral("--data-dir"), home.path() + QStringLiteral("/state")});
        QVERIFY(process.waitForStarted());

        // Where the endpoints are, from the log line that says so (port 0 picked a free one).
        const QRegularExpression serving(QStringLiteral("on (http://127\\.0\\.0\\.1:\\d+)\""));
        QRegularExpressionMatch match;
        QTRY_VERIFY_WITH_TIMEOUT((match = serving.match(QString::fromUtf8(err))).hasMatch(), 10000);
        const QString opsBase = match.captured(1);

        QTRY_COMPARE_WITH_TIMEOUT(simulator.joinedClients(pathId), 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 10000);
        const QString refreshedToken = refreshed.constLast().at(1).toString();
        QVERIFY(!refreshedToken.isEmpty());

        QNetworkAccessManager nam;
        for (int i = 0; i < 3; ++i)
            QCOMPARE(fetch(nam, QUrl(simulator.httpUrl().toString() + QStringLiteral("/call/demo/item/%1").arg(i))), 200);
        const int joinsBefore = simulator.joins();
        simulator.kickAll();
        QTRY_VERIFY_WITH_TIMEOUT(simulator.joins() > joinsBefore, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(fetch(nam, QUrl(opsBase + QStringLiteral("/ready"))), 200, 10000);

        QByteArray metrics;
        QCOMPARE(fetch(nam, QUrl(opsBase + QStringLiteral("/metrics")), &metrics), 200);
        const prom::Exposition exposition = prom::parse(metrics);
        QVERIFY2(exposition.error.isEmpty(), qPrintable(exposition.error));
        QCOMPARE(exposition.value(QStringLiteral("telephone_requests_total"),
                                  {{QStringLiteral("tunnel"), QStringLiteral("default")},
                                   {QStringLiteral("status_class"), QStringLiteral("2xx")}}),
                 3.0);

        ::kill(pid_t(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(15000));
        err += process.readAllStandardError();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);

        const QList<QByteArray> lines = err.split('\n');
        QVERIFY(lines.size() > 10);
        QVERIFY2(lines.constLast().isEmpty(), "the last line is not terminated");
        int debugLines = 0;
        int accessLines = 0;
        int tunnelLines = 0;
        for (int i = 0; i < lines.size() - 1; ++i) {
            const QByteArray &line = lines[i];
            const QJsonObject o = parseLine(line);
            QVERIFY2(!o.isEmpty(), line.constData());
            for (const char *field : {"time", "level", "category", "message"})
                QVERIFY2(o.value(QLatin1String(field)).isString(), line.constData());
            QVERIFY2(QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs).isValid(),
                     line.constData());
            for (const QByteArray &secret : secretParts(token) + secretParts(refreshedToken))
                QVERIFY2(!line.contains(secret), line.constData());
            debugLines += o.value(QStringLiteral("level")).toString() == QLatin1String("debug");
            // Issue 15: the configured name; the command-line tunnel is "default".
            if (o.value(QStringLiteral("tunnel")).toString() == QLatin1String("default"))
                ++tunnelLines;
            if (o.value(QStringLiteral("category")).toString() == QLatin1String("telephone.ops.access")) {
                ++accessLines;
                QVERIFY2(!o.value(QStringLiteral("request_id")).toString().isEmpty(), line.constData());
            }
        }
        QVERIFY2(debugLines > 0, "--debug produced no debug line");
        QCOMPARE(accessLines, 3);
        // Everything from the tunnel's creation on names it.
        QVERIFY2(tunnelLines > 5, qPrintable(QString::number(tunnelLines)));
    }

    // Issue 15: with several tunnels, every line a tunnel writes names it — a JSON field, a text prefix.
    void severalTunnelsNameThemselvesOnEveryTunnelLine_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("json") << QStringLiteral("json");
        QTest::newRow("text") << QStringLiteral("text");
    }

    void severalTunnelsNameThemselvesOnEveryTunnelLine()
    {
        QFETCH(QString, format);
        sim::PlugboardSimulator simulator;
        sim::EchoBackend backend;
        QVERIFY(simulator.listen());
        QVERIFY(backend.listen(QHostAddress::LocalHost, 0));
        const QString apiPath = simulator.addMount(QStringLiteral("/api"));
        const QString webPath = simulator.addMount(QStringLiteral("/web"));
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString config = home.filePath(QStringLiteral("telephone.ini"));
        {
            QFile file(config);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QStringLiteral("server = %1\nbackend = %2\n\n[tunnel.api]\ntoken = %3\n\n[tunnel.web]\ntoken = %4\n")
                           .arg(simulator.socketUrl().toString(), backend.url().toString(),
                                simulator.mintToken(apiPath, 3600), simulator.mintToken(webPath, 3600))
                           .toUtf8());
            QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        }
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment(home.path()));
        QByteArray err;
        connect(&process, &QProcess::readyReadStandardError, this, [&] { err += process.readAllStandardError(); });
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--no-gui"), QStringLiteral("--log-format"), format, QStringLiteral("--config"),
                       config, QStringLiteral("--data-dir"), home.path() + QStringLiteral("/state"),
                       QStringLiteral("--secret-store"), QStringLiteral("file")});
        QVERIFY(process.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(simulator.joinedClients(apiPath), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(simulator.joinedClients(webPath), 1, 10000);
        ::kill(pid_t(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(15000));
        err += process.readAllStandardError();
        QCOMPARE(process.exitCode(), 0);

        QHash<QString, int> perTunnel;
        const QList<QByteArray> lines = err.split('\n');
        for (const QByteArray &line : lines) {
            if (format == QLatin1String("json")) {
                const QJsonObject o = parseLine(line);
                if (o.value(QStringLiteral("category")).toString() != QLatin1String("telephone.tunnel.tunnel"))
                    continue;
                const QString tunnel = o.value(QStringLiteral("tunnel")).toString();
                QVERIFY2(tunnel == QLatin1String("api") || tunnel == QLatin1String("web"), line.constData());
                ++perTunnel[tunnel];
            } else if (line.contains(" telephone.tunnel.tunnel: ")) {
                const QRegularExpression prefix(QStringLiteral(" telephone\\.tunnel\\.tunnel: \\[(api|web)\\] "));
                const QRegularExpressionMatch match = prefix.match(QString::fromUtf8(line));
                QVERIFY2(match.hasMatch(), line.constData());
                ++perTunnel[match.captured(1)];
            }
        }
        // Each tunnel at least connected and stopped in its own name.
        QVERIFY2(perTunnel.value(QStringLiteral("api")) >= 2 && perTunnel.value(QStringLiteral("web")) >= 2, err.constData());
    }
};

QTEST_GUILESS_MAIN(TestJsonLogs)
#include "test_jsonlogs.moc"
