// Issue 16, "done when": the real `telephone --no-gui`, given nothing but a service-account key,
// survives a token expiry and a token revocation without a person, against the simulator. It runs
// with the product's defaults — one vending request per minute at most, the default reconnect
// backoff — so the whole run takes about two minutes. Along the way: the key is in no log line
// (debug level), not in /proc/<pid>/cmdline or `ps`, not in /health, not in the token store.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "support/cleanenvironment.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace telephone;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray httpGet(const QUrl &url)
{
    QNetworkAccessManager nam;
    QScopedPointer<QNetworkReply> reply(nam.get(QNetworkRequest(url)));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(10000))
        return {};
    return reply->readAll();
}

} // namespace

class TestVendingHeadless : public QObject
{
    Q_OBJECT

private slots:
    void survivesExpiryAndRevocationWithOnlyAKey()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        sim::EchoBackend backend;
        QVERIFY(backend.listen(QHostAddress::LocalHost, 0));
        const QString pathId = simulator.addMount(QStringLiteral("/fleet"));
        const QString key = simulator.addServiceAccount(pathId);
        // The first token lives 6 s and cannot be refreshed (a transient refresh error): it expires.
        simulator.setVendedTokenTtlSecs(6);
        simulator.setRefreshFails(QStringLiteral("timeout"));
        QStringList vended;
        connect(&simulator, &sim::PlugboardSimulator::vendRequested, this, [&](int status) { vended << QString::number(status); });

        const QString keyFile = home.filePath(QStringLiteral("sa-key"));
        {
            QFile f(keyFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            f.write(key.toUtf8() + '\n');
        }
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 metricsPort = probe.serverPort();
        probe.close();

        QProcessEnvironment env = cleanEnvironment(home.path());
        const QString dataDir = home.filePath(QStringLiteral("data"));
        const QString errLog = home.filePath(QStringLiteral("stderr.log"));
        QProcess telephone;
        telephone.setProcessEnvironment(env);
        telephone.setStandardOutputFile(QProcess::nullDevice());
        telephone.setStandardErrorFile(errLog);
        telephone.start(QStringLiteral(TELEPHONE_BINARY),
                        {QStringLiteral("--no-gui"), QStringLiteral("--debug"), QStringLiteral("--server"),
                         simulator.socketUrl().toString(), QStringLiteral("--backend"), backend.url().toString(),
                         QStringLiteral("--secret-store"), QStringLiteral("file"), QStringLiteral("--data-dir"), dataDir,
                         QStringLiteral("--service-account-key-file"), keyFile, QStringLiteral("--metrics-address"),
                         QString::number(metricsPort), QStringLiteral("--exit-on-auth-failure")});
        QVERIFY(telephone.waitForStarted(10000));
        const auto running = [&] { return telephone.state() == QProcess::Running; };

        // 1. First start: no token at all, one is vended, the tunnel joins.
        QTRY_VERIFY2_WITH_TIMEOUT(simulator.joinedClients(pathId) == 1 || !running(), readAll(errLog).constData(), 20000);
        QVERIFY2(running(), readAll(errLog).constData());
        QCOMPARE(vended, QStringList{QStringLiteral("201")});
        const QByteArray health = httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(metricsPort)));
        QVERIFY2(health.contains("Connected") || health.contains("connected"), health.constData());
        QVERIFY(!health.contains(key.toUtf8()));
        QVERIFY(!health.contains(key.mid(8, 8).toUtf8()));

        // 2. Expiry while the server is away: back, the expired token is not sent; one is vended
        //    once the minute since the last request has passed.
        simulator.setVendedTokenTtlSecs(3600);
        const quint16 port = simulator.port();
        simulator.close();
        QTest::qWait(8000); // the 6-second token has expired
        simulator.setRefreshFails({});
        QVERIFY(simulator.listen(QHostAddress::LocalHost, port));
        QTRY_VERIFY2_WITH_TIMEOUT(vended.size() == 2 || !running(), readAll(errLog).constData(), 90000);
        QTRY_VERIFY2_WITH_TIMEOUT(simulator.joinedClients(pathId) == 1 || !running(), readAll(errLog).constData(), 40000);
        QVERIFY2(running(), readAll(errLog).constData());
        QCOMPARE(vended, (QStringList{QStringLiteral("201"), QStringLiteral("201")}));

        // 3. Revocation: the server refuses the token; a new one is vended (after the minute), once.
        simulator.revokeAllTokens();
        simulator.kickAll();
        QTRY_VERIFY2_WITH_TIMEOUT(vended.size() == 3 || !running(), readAll(errLog).constData(), 90000);
        QTRY_VERIFY2_WITH_TIMEOUT(simulator.joinedClients(pathId) == 1 || !running(), readAll(errLog).constData(), 40000);
        QVERIFY2(running(), readAll(errLog).constData());
        QTest::qWait(2000);
        QCOMPARE(vended.size(), 3);
        QCOMPARE(simulator.joinedClients(pathId), 1);

        // The key is nowhere a person or another user could read it.
        const QString pid = QString::number(telephone.processId());
        QVERIFY(!readAll(QStringLiteral("/proc/%1/cmdline").arg(pid)).contains(key.toUtf8()));
        QProcess ps;
        ps.start(QStringLiteral("ps"), {QStringLiteral("-ww"), QStringLiteral("-eo"), QStringLiteral("pid,args")});
        if (ps.waitForFinished(10000))
            QVERIFY(!ps.readAllStandardOutput().contains(key.toUtf8()));
        QVERIFY(!httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(metricsPort))).contains(key.toUtf8()));

        ::kill(pid_t(telephone.processId()), SIGTERM);
        QVERIFY(telephone.waitForFinished(20000));
        QCOMPARE(telephone.exitCode(), 0);
        const QByteArray log = readAll(errLog);
        QVERIFY2(log.contains("sa_live_"), log.constData()); // the prefix is named ...
        QVERIFY(!log.contains(key.toUtf8()));                 // ... the key never
        QVERIFY(!log.contains(key.mid(10).toUtf8()));
        QVERIFY(!log.contains("eyJ"));                        // nor any token
        int files = 0;
        QDirIterator it(dataDir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            ++files;
            QVERIFY2(!readAll(path).contains(key.toUtf8()), qPrintable(path));
        }
        QVERIFY(files > 0);
    }
};

QTEST_GUILESS_MAIN(TestVendingHeadless)
#include "test_vendingheadless.moc"
