// The real `telephone` binary, as scripts and systemd run it: help, version, configuration errors
// and exit codes, the headless demo end to end, signals, and no token in any log line.

#include "support/cleanenvironment.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>

#include <csignal>
#include <memory>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

using namespace telephone;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runToEnd(const QStringList &args, const QProcessEnvironment &env = cleanEnvironment(), int timeoutMs = 15000)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(TELEPHONE_BINARY), args);
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = "timed out";
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// CPU time (user + system) the process has used so far, from /proc.
double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // The fields after the command name, which is in parentheses and may hold spaces.
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) / double(::sysconf(_SC_CLK_TCK));
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void helpListsEveryOptionAndItsEnvironmentTwin()
    {
        const Run run = runToEnd({QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        for (const char *option : {"--no-gui", "--demo", "--server", "--token", "--backend", "--config", "--data-dir",
                                   "--heartbeat-interval", "--request-timeout", "--debug", "--log-format", "--version",
                                   "--exit-on-auth-failure", "TELEPHONE_SERVER", "TELEPHONE_TOKEN", "TELEPHONE_BACKEND",
                                   "Exit codes"})
            QVERIFY2(run.out.contains(option), option);
    }

    void versionPrintsTheVersion()
    {
        const Run run = runToEnd({QStringLiteral("--version")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(), QByteArray("telephone " TELEPHONE_VERSION));
    }

    void badConfigurationExitsWithCode2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << QByteArray("frobnicate");
        QTest::newRow("bad duration") << QStringList{QStringLiteral("--no-gui"), QStringLiteral("--heartbeat-interval"),
                                                     QStringLiteral("soon")}
                                      << QByteArray("heartbeat-interval");
        QTest::newRow("bad backend") << QStringList{QStringLiteral("--no-gui"), QStringLiteral("--backend"),
                                                    QStringLiteral("ftp://x")}
                                     << QByteArray("backend");
        QTest::newRow("nothing to connect to") << QStringList{QStringLiteral("--no-gui")} << QByteArray("--server");
        QTest::newRow("stray argument") << QStringList{QStringLiteral("--no-gui"), QStringLiteral("extra")}
                                        << QByteArray("extra");
    }

    void badConfigurationExitsWithCode2()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Run run = runToEnd(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), run.err.constData());
    }

    void headlessDemoServesARequestAndStopsOnSigterm()
    {
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment());
        // No --no-gui and no display: it must notice and run headless instead of aborting.
        process.start(QStringLiteral(TELEPHONE_BINARY), {QStringLiteral("--demo"), QStringLiteral("--debug")});
        QVERIFY(process.waitForStarted());
        QByteArray err;
        QRegularExpression urlPattern(QStringLiteral("curl (http://127\\.0\\.0\\.1:\\d+/call/demo/)"));
        QRegularExpressionMatch match;
        QTRY_VERIFY_WITH_TIMEOUT((err += process.readAllStandardError(),
                                  match = urlPattern.match(QString::fromUtf8(err)), match.hasMatch()),
                                 10000);
        QVERIFY(err.contains("running headless"));

        QNetworkAccessManager nam;
        QScopedPointer<QNetworkReply> reply(nam.get(QNetworkRequest(QUrl(match.captured(1) + QStringLiteral("hi?q=1")))));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->readAll().contains("/hi?q=1"));

        ::kill(pid_t(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        err += process.readAllStandardError();
        QVERIFY2(err.contains("Stopping") || err.contains("stopping"), err.constData());

        // A full session at debug level: the minted token must appear nowhere. It is the only
        // JWT-shaped string the process knows, so look for the JWT header prefix.
        QVERIFY2(!err.contains("eyJ"), err.constData());
    }

    void authFailureExitsWithCode3WhenAsked()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/api"));
        const QString token = simulator.mintToken(pathId);
        simulator.revokeToken(simulator.jtiOf(token));

        QProcess process;
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("TELEPHONE_TOKEN"), token); // the environment twin, as systemd would pass it
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--no-gui"), QStringLiteral("--server"), simulator.socketUrl().toString(),
                       QStringLiteral("--backend"), QStringLiteral("3000"), QStringLiteral("--exit-on-auth-failure"),
                       QStringLiteral("--debug")});
        // The simulator lives in this process: keep its event loop turning while we wait.
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 10000);
        QCOMPARE(process.exitCode(), 3);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("403"), err.constData());
        QVERIFY2(!err.contains(token.toUtf8()), err.constData());
        QVERIFY(!err.contains(token.section(QLatin1Char('.'), 1, 1).toUtf8())); // not even the payload part
    }

    // Issue 11 item 13: headless, a given token that cannot be sent waited forever ("waiting for a
    // new token") though nothing could ever give it one. Exit 2 with the reason.
    void unusableGivenTokenExitsWithCode2_data()
    {
        QTest::addColumn<bool>("expired");
        QTest::addColumn<QByteArray>("reason");
        QTest::newRow("malformed") << false << QByteArray("the token cannot be used");
        QTest::newRow("expired") << true << QByteArray("the token expired at");
    }

    void unusableGivenTokenExitsWithCode2()
    {
        QFETCH(bool, expired);
        QFETCH(QByteArray, reason);
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/api"));
        const QString token = expired ? simulator.mintToken(pathId, 3600, QDateTime::currentSecsSinceEpoch() - 7200)
                                      : QStringLiteral("not.a-jwt.at-all");
        QTemporaryDir dir;
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment());
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--no-gui"), QStringLiteral("--server"), simulator.socketUrl().toString(),
                       QStringLiteral("--backend"), QStringLiteral("3000"), QStringLiteral("--token"), token,
                       QStringLiteral("--secret-store"), QStringLiteral("file"), QStringLiteral("--data-dir"),
                       dir.path()});
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 10000);
        const QByteArray err = process.readAllStandardError();
        QCOMPARE(process.exitCode(), 2);
        QVERIFY2(err.contains(reason), err.constData());
        QVERIFY2(err.contains("headless"), err.constData());
        QCOMPARE(simulator.upgradesAccepted() + simulator.upgradesRefused(), 0); // never sent
    }

    // Issue 11 item 4: under `ulimit -n 256`, 300 idle connections to the ops endpoints took every
    // file descriptor; accept then failed and was retried at once, forever (100 % CPU), and the
    // tunnel could not open a socket to the backend.
    void heldOpsConnectionsUnderALowFileLimitNeitherSpinNorStarveTheTunnel()
    {
        QTemporaryDir dir;
        const quint16 metricsPort = freePort();
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment());
        process.setChildProcessModifier([] {
            const struct rlimit limit {256, 256};
            ::setrlimit(RLIMIT_NOFILE, &limit);
        });
        QByteArray err;
        connect(&process, &QProcess::readyReadStandardError, this, [&] { err += process.readAllStandardError(); });
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--demo"), QStringLiteral("--no-gui"), QStringLiteral("--metrics-address"),
                       QString::number(metricsPort), QStringLiteral("--data-dir"), dir.path()});
        const QRegularExpression curl(QStringLiteral("curl (http://\\S+)"));
        QRegularExpressionMatch match;
        QTRY_VERIFY_WITH_TIMEOUT((match = curl.match(QString::fromUtf8(err))).hasMatch(), 15000);
        const QUrl demoUrl(match.captured(1));

        // One after the other, as a client holding connections open does; the server is another
        // process, so waiting here blocks nothing of it. A connection it no longer accepts times out.
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 300; ++i) {
            held.push_back(std::make_unique<QTcpSocket>());
            held.back()->connectToHost(QHostAddress::LocalHost, metricsPort);
            if (!held.back()->waitForConnected(2000))
                break;
        }
        QTest::qWait(1000);
        const double cpuBefore = cpuSeconds(process.processId());
        QElapsedTimer wall;
        wall.start();
        QTest::qWait(3000);
        const double cpuUsed = cpuSeconds(process.processId()) - cpuBefore;
        const double share = cpuUsed / (double(wall.elapsed()) / 1000.0);
        QVERIFY2(share < 0.3, qPrintable(QStringLiteral("the process used %1 % of a CPU while idle").arg(share * 100)));

        // The tunnel still reaches its backend, with every connection still held by the client.
        QNetworkAccessManager nam;
        QNetworkReply *reply = nam.get(QNetworkRequest(demoUrl));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY2(finished.wait(10000), err.constData());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

        ::kill(pid_t(process.processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 10000);
        QCOMPARE(process.exitCode(), 0);
    }

    void pathMismatchExitsWithCode2()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/api"));
        const QString token = simulator.mintToken(pathId);
        simulator.reassignToken(simulator.jtiOf(token), simulator.addMount(QStringLiteral("/elsewhere")));
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment());
        process.start(QStringLiteral(TELEPHONE_BINARY),
                      {QStringLiteral("--no-gui"), QStringLiteral("--server"), simulator.socketUrl().toString(),
                       QStringLiteral("--backend"), QStringLiteral("3000"), QStringLiteral("--token"), token});
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 10000);
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("path_id_mismatch"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
