// The real `telephone` binary, as scripts and systemd run it: help, version, configuration errors
// and exit codes, the headless demo end to end, signals, and no token in any log line.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"

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

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys) {
        if (key.startsWith(QLatin1String("TELEPHONE_")))
            env.remove(key);
    }
    // No display: the binary must not need one with --no-gui, and must fall back without it.
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    return env;
}

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
