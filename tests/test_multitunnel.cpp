// Issue 15: several tunnels in one process. The real `telephone` binary runs headless with a
// config file of three [tunnel.NAME] sections against the Plugboard simulator (three mounts, three
// tokens) and three real local backends; requests go through the simulator's public HTTP side.

#include "support/cleanenvironment.h"
#include "support/prometheusparser.h"
#include "support/recordingbackend.h"
#include "sim/plugboardsimulator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

#include <unistd.h>

using namespace telephone;

namespace {

QProcessEnvironment testEnvironment(const QString &home)
{
    QProcessEnvironment env = cleanEnvironment();
    // Never the developer's token store or keychain: a data directory of the test's own, and the
    // key file secret store (no keychain prompt).
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("TELEPHONE_SECRET_STORE"), QStringLiteral("file"));
    return env;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

struct Answer {
    int status = 0;
    QByteArray body;
};

} // namespace

class TestMultiTunnel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    std::unique_ptr<sim::PlugboardSimulator> m_simulator;
    std::unique_ptr<RecordingBackend> m_api, m_web, m_hooks;
    QString m_apiToken, m_webToken, m_hooksToken;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_err;
    quint16 m_opsPort = 0;
    QNetworkAccessManager m_nam;

    /// `givenTokens` false: api and web have no token in the file and take one from the store.
    void startTelephone(const QByteArray &extraApi = {}, const QStringList &extraArgs = {}, bool givenTokens = true)
    {
        m_opsPort = freePort();
        const QByteArray server = m_simulator->socketUrl().toString().toUtf8();
        const QByteArray ini = "[general]\n"
                               "server = " + server + "\n"
                               "heartbeat-interval = 1\n"
                               "metrics-address = " + QByteArray::number(m_opsPort) + "\n"
                               "log-format = json\n"
                               "\n[tunnel.api]\n"
                               "backend = " + m_api->url().toString().toUtf8() + "\n"
                               + (givenTokens ? "token = " + m_apiToken.toUtf8() + "\n" : QByteArray()) + extraApi +
                               "\n[tunnel.web]\n"
                               "backend = " + m_web->url().toString().toUtf8() + "\n"
                               + (givenTokens ? "token = " + m_webToken.toUtf8() + "\n" : QByteArray()) +
                               "\n[tunnel.hooks]\n"
                               "backend = " + m_hooks->url().toString().toUtf8() + "\n"
                               "token-file = hooks.jwt\n";
        const QString configFile = m_home.filePath(QStringLiteral("telephone.ini"));
        QFile config(configFile);
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(ini);
        config.close();
        QVERIFY(config.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QFile tokenFile(m_home.filePath(QStringLiteral("hooks.jwt")));
        QVERIFY(tokenFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
        tokenFile.write(m_hooksToken.toUtf8() + "\n");
        tokenFile.close();
        QVERIFY(tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));

        m_process = std::make_unique<QProcess>();
        m_process->setProcessEnvironment(testEnvironment(m_home.path()));
        connect(m_process.get(), &QProcess::readyReadStandardError, this,
                [this] { m_err += m_process->readAllStandardError(); });
        m_process->start(QStringLiteral(TELEPHONE_BINARY),
                         QStringList{QStringLiteral("--no-gui"), QStringLiteral("--config"), configFile} + extraArgs);
        QVERIFY(m_process->waitForStarted());
    }

    Answer get(const QUrl &url)
    {
        QScopedPointer<QNetworkReply> reply(m_nam.get(QNetworkRequest(url)));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!finished.wait(10000))
            return {};
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    }

    QUrl publicUrl(const QString &mount, const QString &path) const
    {
        return QUrl(m_simulator->httpUrl().toString() + QStringLiteral("/call") + mount + path);
    }

    /// /health's tunnels by name: name → state.
    QHash<QString, QString> healthStates()
    {
        const Answer answer = get(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(m_opsPort)));
        QHash<QString, QString> states;
        const QJsonArray tunnels = QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("tunnels")).toArray();
        for (const QJsonValue &tunnel : tunnels)
            states.insert(tunnel.toObject().value(QStringLiteral("tunnel")).toString(),
                          tunnel.toObject().value(QStringLiteral("state")).toString());
        return states;
    }

    bool allJoined()
    {
        return m_simulator->joinedClients(m_simulator->pathIdOf(QStringLiteral("/api"))) == 1
            && m_simulator->joinedClients(m_simulator->pathIdOf(QStringLiteral("/web"))) == 1
            && m_simulator->joinedClients(m_simulator->pathIdOf(QStringLiteral("/hooks"))) == 1;
    }

private slots:
    void init()
    {
        m_err.clear();
        m_simulator = std::make_unique<sim::PlugboardSimulator>();
        QVERIFY(m_simulator->listen());
        m_apiToken = m_simulator->mintToken(m_simulator->addMount(QStringLiteral("/api")));
        m_webToken = m_simulator->mintToken(m_simulator->addMount(QStringLiteral("/web")));
        m_hooksToken = m_simulator->mintToken(m_simulator->addMount(QStringLiteral("/hooks")));
        m_api = std::make_unique<RecordingBackend>();
        m_web = std::make_unique<RecordingBackend>();
        m_hooks = std::make_unique<RecordingBackend>();
    }

    void cleanup()
    {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process->processId()), SIGTERM);
            QTRY_VERIFY_WITH_TIMEOUT(m_process->state() == QProcess::NotRunning, 15000);
            QCOMPARE(m_process->exitCode(), 0);
        }
        m_process.reset();
        // No token in any log line, from any tunnel.
        for (const QString &token : {m_apiToken, m_webToken, m_hooksToken})
            QVERIFY2(!m_err.contains(token.section(QLatin1Char('.'), 1, 1).toUtf8()), m_err.constData());
    }

    void requestsGoToTheirOwnBackend()
    {
        startTelephone();
        QTRY_VERIFY2_WITH_TIMEOUT(allJoined(), m_err.constData(), 10000);
        QCOMPARE(get(publicUrl(QStringLiteral("/api"), QStringLiteral("/users?id=1"))).status, 200);
        QCOMPARE(get(publicUrl(QStringLiteral("/web"), QStringLiteral("/index.html"))).status, 200);
        QCOMPARE(get(publicUrl(QStringLiteral("/hooks"), QStringLiteral("/github"))).status, 200);
        QCOMPARE(m_api->received.size(), 1);
        QCOMPARE(m_web->received.size(), 1);
        QCOMPARE(m_hooks->received.size(), 1);
        QCOMPARE(m_api->received.constFirst().target, QByteArray("/users?id=1"));
        QCOMPARE(m_web->received.constFirst().target, QByteArray("/index.html"));
        QCOMPARE(m_hooks->received.constFirst().target, QByteArray("/github"));
        // /metrics labels every tunnel's series with its name (read with an independent parser).
        QCOMPARE(get(publicUrl(QStringLiteral("/api"), QStringLiteral("/again"))).status, 200);
        const Answer metrics = get(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_opsPort)));
        QCOMPARE(metrics.status, 200);
        const prom::Exposition exposition = prom::parse(metrics.body);
        QVERIFY2(exposition.error.isEmpty(), qPrintable(exposition.error));
        const auto requests = [&exposition](const char *tunnel) {
            return exposition.value(QStringLiteral("telephone_requests_total"),
                                    {{QStringLiteral("tunnel"), QString::fromLatin1(tunnel)},
                                     {QStringLiteral("status_class"), QStringLiteral("2xx")}});
        };
        QCOMPARE(requests("api"), 2.0);
        QCOMPARE(requests("web"), 1.0);
        QCOMPARE(requests("hooks"), 1.0);
        // JSON log lines name their tunnel by its configured name.
        QVERIFY2(m_err.contains("\"tunnel\":\"api\"") && m_err.contains("\"tunnel\":\"hooks\""), m_err.constData());
    }

    // Three tunnels on one server, one token store keyed by server and mount: after a restart
    // without given tokens, each takes its own mount's stored token (the one it joined last), not
    // the server's newest, which would put two tunnels on one mount and leave another unserved.
    void tunnelsSharingAServerEachTakeTheirOwnStoredToken()
    {
        startTelephone();
        QTRY_VERIFY2_WITH_TIMEOUT(allJoined(), m_err.constData(), 10000);
        ::kill(pid_t(m_process->processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(m_process->state() == QProcess::NotRunning, 15000);
        QCOMPARE(m_process->exitCode(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_simulator->connectedClients(), 0, 5000);

        startTelephone({}, {}, false);
        QTRY_VERIFY2_WITH_TIMEOUT(allJoined(), m_err.constData(), 10000);
        QCOMPARE(m_simulator->connectedClients(), 3);
        QCOMPARE(get(publicUrl(QStringLiteral("/api"), QStringLiteral("/a"))).status, 200);
        QCOMPARE(get(publicUrl(QStringLiteral("/web"), QStringLiteral("/w"))).status, 200);
        QCOMPARE(m_api->received.size(), 1);
        QCOMPARE(m_web->received.size(), 1);
    }

    void kickingOneLeavesTheOthersServing()
    {
        startTelephone();
        QTRY_VERIFY2_WITH_TIMEOUT(allJoined(), m_err.constData(), 10000);
        const QString webPath = m_simulator->pathIdOf(QStringLiteral("/web"));
        const int joinsBefore = m_simulator->joins();
        m_simulator->kickPath(webPath);
        QTRY_COMPARE_WITH_TIMEOUT(m_simulator->joinedClients(webPath), 0, 5000);
        // While web is away, the others serve; their sockets were never touched.
        QCOMPARE(get(publicUrl(QStringLiteral("/api"), QStringLiteral("/a"))).status, 200);
        QCOMPARE(get(publicUrl(QStringLiteral("/hooks"), QStringLiteral("/h"))).status, 200);
        // Web comes back by itself after the default backoff (1 s ± 25 %); only web rejoined.
        QTRY_COMPARE_WITH_TIMEOUT(m_simulator->joinedClients(webPath), 1, 10000);
        QCOMPARE(m_simulator->joins(), joinsBefore + 1);
        QCOMPARE(get(publicUrl(QStringLiteral("/web"), QStringLiteral("/w"))).status, 200);
        QCOMPARE(m_web->received.size(), 1);
    }

    void oneRefusedTokenLeavesTheOthersWorking()
    {
        m_simulator->revokeToken(m_simulator->jtiOf(m_webToken));
        startTelephone();
        const QString apiPath = m_simulator->pathIdOf(QStringLiteral("/api"));
        const QString hooksPath = m_simulator->pathIdOf(QStringLiteral("/hooks"));
        QTRY_VERIFY2_WITH_TIMEOUT(m_simulator->joinedClients(apiPath) == 1 && m_simulator->joinedClients(hooksPath) == 1,
                                  m_err.constData(), 10000);
        QCOMPARE(get(publicUrl(QStringLiteral("/api"), QStringLiteral("/a"))).status, 200);
        QCOMPARE(get(publicUrl(QStringLiteral("/hooks"), QStringLiteral("/h"))).status, 200);
        // /health says which one is refused, by name; /ready is 503 and names it.
        QTRY_COMPARE_WITH_TIMEOUT(healthStates().value(QStringLiteral("web")), QStringLiteral("AuthFailed"), 10000);
        const QHash<QString, QString> states = healthStates();
        QCOMPARE(states.size(), 3);
        QCOMPARE(states.value(QStringLiteral("api")), QStringLiteral("Connected"));
        QCOMPARE(states.value(QStringLiteral("hooks")), QStringLiteral("Connected"));
        const Answer ready = get(QUrl(QStringLiteral("http://127.0.0.1:%1/ready").arg(m_opsPort)));
        QCOMPARE(ready.status, 503);
        const QString reason = QJsonDocument::fromJson(ready.body).object().value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.startsWith(QStringLiteral("web is AuthFailed")) && !reason.contains(QStringLiteral("api"))
                     && !reason.contains(QStringLiteral("hooks")),
                 ready.body.constData());
        QCOMPARE(m_process->state(), QProcess::Running);
    }

    void aStalledBackendAtItsCapDoesNotSlowTheOthers()
    {
        // api's backend takes requests and never answers; api may forward two at once.
        QList<QPointer<sim::HttpResponder>> held;
        m_api->answer = [&held](const sim::HttpRequest &, sim::HttpResponder *responder) { held.append(responder); };
        // A short drain: the stalled requests are still in flight when the test stops Telephone.
        startTelephone("max-concurrent = 2\nrequest-timeout = 120\ndrain-timeout = 2\n");
        QTRY_VERIFY2_WITH_TIMEOUT(allJoined(), m_err.constData(), 10000);
        QList<QNetworkReply *> stalled;
        for (int i = 0; i < 2; ++i)
            stalled << m_nam.get(QNetworkRequest(publicUrl(QStringLiteral("/api"), QStringLiteral("/slow"))));
        QTRY_COMPARE_WITH_TIMEOUT(m_api->received.size(), 2, 10000);
        // At its cap: the third is refused at once.
        QCOMPARE(get(publicUrl(QStringLiteral("/api"), QStringLiteral("/third"))).status, 503);
        // Web serves every request while api's two stay stalled.
        for (int i = 0; i < 50; ++i)
            QCOMPARE(get(publicUrl(QStringLiteral("/web"), QStringLiteral("/fast/%1").arg(i))).status, 200);
        QCOMPARE(m_web->received.size(), 50);
        for (QNetworkReply *reply : std::as_const(stalled)) {
            QVERIFY(!reply->isFinished());
            reply->abort();
            reply->deleteLater();
        }
    }

    void tunnelsCommandListsTheRunningStates()
    {
        m_simulator->revokeToken(m_simulator->jtiOf(m_webToken));
        startTelephone();
        QTRY_COMPARE_WITH_TIMEOUT(healthStates().value(QStringLiteral("web")), QStringLiteral("AuthFailed"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(healthStates().value(QStringLiteral("hooks")), QStringLiteral("Connected"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(healthStates().value(QStringLiteral("api")), QStringLiteral("Connected"), 10000);
        const auto list = [this] {
            QProcess tunnels;
            tunnels.setProcessEnvironment(testEnvironment(m_home.path()));
            tunnels.start(QStringLiteral(TELEPHONE_BINARY),
                          {QStringLiteral("tunnels"), QStringLiteral("--config"), m_home.filePath(QStringLiteral("telephone.ini"))});
            // The simulator and Telephone's ops endpoint need this event loop while it asks.
            if (!QTest::qWaitFor([&tunnels] { return tunnels.state() == QProcess::NotRunning; }, 10000))
                return QStringLiteral("telephone tunnels did not finish");
            return QString::fromUtf8(tunnels.readAllStandardOutput());
        };
        const QStringList lines = list().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("NAME ")), qPrintable(lines.join('\n')));
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("api    Connected ")), qPrintable(lines.join('\n')));
        QVERIFY2(lines.at(2).startsWith(QStringLiteral("web    AuthFailed ")), qPrintable(lines.join('\n')));
        QVERIFY2(lines.at(3).startsWith(QStringLiteral("hooks  Connected ")), qPrintable(lines.join('\n')));
        QVERIFY2(lines.at(1).contains(m_api->url().toString()), qPrintable(lines.at(1)));

        ::kill(pid_t(m_process->processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(m_process->state() == QProcess::NotRunning, 15000);
        const QString stopped = list();
        QVERIFY2(stopped.contains(QStringLiteral("api    not running (nothing answers on %1)").arg(m_opsPort)),
                 qPrintable(stopped));
    }

    void tunnelOptionStartsASubset()
    {
        startTelephone({}, {QStringLiteral("--tunnel"), QStringLiteral("hooks"), QStringLiteral("--tunnel"),
                            QStringLiteral("web")});
        const QString webPath = m_simulator->pathIdOf(QStringLiteral("/web"));
        const QString hooksPath = m_simulator->pathIdOf(QStringLiteral("/hooks"));
        QTRY_VERIFY2_WITH_TIMEOUT(m_simulator->joinedClients(webPath) == 1 && m_simulator->joinedClients(hooksPath) == 1,
                                  m_err.constData(), 10000);
        QCOMPARE(m_simulator->joinedClients(m_simulator->pathIdOf(QStringLiteral("/api"))), 0);
        QCOMPARE(m_simulator->upgradesAccepted(), 2);
    }

    void anInvalidSectionIsReportedAndTheOthersStart()
    {
        startTelephone("request-timeout = soon\n");
        QTRY_VERIFY2_WITH_TIMEOUT(m_simulator->joinedClients(m_simulator->pathIdOf(QStringLiteral("/web"))) == 1
                                      && m_simulator->joinedClients(m_simulator->pathIdOf(QStringLiteral("/hooks"))) == 1,
                                  m_err.constData(), 10000);
        QVERIFY2(m_err.contains("tunnel api ([tunnel.api] at config file ") && m_err.contains(" line 7): --request-timeout (from config file ")
                     && m_err.contains("soon"),
                 m_err.constData());
        QCOMPARE(m_simulator->joinedClients(m_simulator->pathIdOf(QStringLiteral("/api"))), 0);
    }
};

QTEST_GUILESS_MAIN(TestMultiTunnel)
#include "test_multitunnel.moc"
