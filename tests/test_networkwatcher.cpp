// Network changes and wake-ups, through the same slots the OS sources call.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnelmanager.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace telephone;
using namespace std::chrono_literals;

class TestNetworkWatcher : public QObject
{
    Q_OBJECT

private slots:
    void resumeRule_data()
    {
        QTest::addColumn<qint64>("wall");
        QTest::addColumn<qint64>("monotonic");
        QTest::addColumn<bool>("resume");
        QTest::newRow("normal tick") << qint64(5000) << qint64(5000) << false;
        QTest::newRow("scheduler jitter") << qint64(5400) << qint64(5000) << false;
        QTest::newRow("NTP step back") << qint64(-3000) << qint64(5000) << false;
        QTest::newRow("slept an hour") << qint64(3605000) << qint64(5000) << true;
        QTest::newRow("just over threshold") << qint64(15001) << qint64(5000) << true;
    }

    void resumeRule()
    {
        QFETCH(qint64, wall);
        QFETCH(qint64, monotonic);
        QFETCH(bool, resume);
        QCOMPARE(NetworkWatcher::looksLikeResume(wall, monotonic, 10000), resume);
    }

    void networkBackSkipsTheBackoff()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        sim::EchoBackend backend;
        QVERIFY(backend.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/n"));
        TunnelConfig config;
        config.server = simulator.socketUrl();
        config.token = simulator.mintToken(pathId);
        config.backend = backend.url();
        config.backoffInitial = 30s; // a long wait that only the network event can cut short
        config.backoffMax = 30s;
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        const quint16 port = simulator.port();
        simulator.close();
        manager.startAll();
        QTRY_COMPARE(tunnel->state(), Tunnel::State::Reconnecting);
        QVERIFY(simulator.listen(QHostAddress::LocalHost, port));
        QElapsedTimer timer;
        timer.start();
        manager.networkWatcher()->notifyNetworkReachable();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);
        QVERIFY2(timer.elapsed() < 5000, "reconnected only after the backoff");
    }

    void wakeUpFindsADeadSocketQuickly()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        sim::EchoBackend backend;
        QVERIFY(backend.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/n"));
        TunnelConfig config;
        config.server = simulator.socketUrl();
        config.token = simulator.mintToken(pathId);
        config.backend = backend.url();
        config.heartbeatInterval = 20s; // without the probe, death would take 50 s to notice
        config.joinTimeout = 300ms;
        config.backoffInitial = 20ms;
        config.backoffMax = 100ms;
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        QSignalSpy firstAck(tunnel, &Tunnel::heartbeatRoundTripMeasured);
        manager.startAll();
        QTRY_COMPARE(tunnel->state(), Tunnel::State::Connected);
        // The beat sent on joining is answered first, so that its ack cannot count for the probe.
        QVERIFY(firstAck.count() > 0 || firstAck.wait(3000));

        // While "asleep" the server stopped answering: the socket looks open but is dead.
        simulator.setHeartbeatAcks(false);
        QStringList reasons;
        connect(tunnel, &Tunnel::stateChanged, this, [&reasons](Tunnel::State, const QString &r) { reasons << r; });
        manager.networkWatcher()->notifyResumed();
        // Transitions, not snapshots: the reconnect after the verdict takes only milliseconds.
        QTRY_VERIFY_WITH_TIMEOUT(reasons.join(QLatin1Char('|')).contains(QLatin1String("after waking up")), 3000);
        simulator.setHeartbeatAcks(true);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);

        // A live socket survives the probe.
        const int upgrades = simulator.upgradesAccepted();
        manager.networkWatcher()->notifyResumed();
        QTest::qWait(600);
        QCOMPARE(tunnel->state(), Tunnel::State::Connected);
        QCOMPARE(simulator.upgradesAccepted(), upgrades);
    }
};

QTEST_GUILESS_MAIN(TestNetworkWatcher)
#include "test_networkwatcher.moc"
