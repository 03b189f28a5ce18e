// Reconnection as users get it (issue 10): the DEFAULT backoff and rejoin schedule against the
// Plugboard simulator over real sockets. Only the heartbeat is shortened (so that a connection proves
// itself healthy at once); never the backoff, the rejoin delays or anything else measured here.
// Each slot waits real seconds, so CMake registers each one as its own CTest entry (they run in
// parallel); run one with `test_reconnect <slot>`.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace telephone;
using namespace std::chrono_literals;
using State = Tunnel::State;
using Drop = sim::PlugboardSimulator::Drop;

namespace {

struct Fixture {
    sim::PlugboardSimulator simulator;
    sim::EchoBackend backend;
    MemoryTokenSink sink;
    QString pathId;

    Fixture()
    {
        if (!simulator.listen() || !backend.listen(QHostAddress::LocalHost, 0))
            qFatal("simulator or backend did not listen");
        pathId = simulator.addMount(QStringLiteral("/demo"));
    }

    // Everything at its default except the heartbeat (a healthy connection proves itself within
    // milliseconds of the join instead of 30 s).
    TunnelConfig config()
    {
        TunnelConfig c;
        c.server = simulator.socketUrl();
        c.token = simulator.mintToken(pathId);
        c.backend = backend.url();
        c.heartbeatInterval = 300ms;
        return c;
    }
};

// Timestamps (ms on one clock) of every state the tunnel enters, and the wait it announced.
struct Timeline : QObject {
    QElapsedTimer clock;
    QList<QPair<State, qint64>> entries;
    QList<qint64> announcedWaitsMs; ///< nextRetryAt - now, at each Reconnecting
    bool sawAuthFailed = false;

    explicit Timeline(Tunnel *tunnel)
    {
        clock.start();
        connect(tunnel, &Tunnel::stateChanged, this, [this, tunnel](State s) {
            entries.append({s, clock.elapsed()});
            sawAuthFailed = sawAuthFailed || s == State::AuthFailed;
            if (s == State::Reconnecting)
                announcedWaitsMs << QDateTime::currentDateTimeUtc().msecsTo(tunnel->nextRetryAt());
        });
    }
    QList<qint64> times(State s) const
    {
        QList<qint64> out;
        for (const auto &entry : entries) {
            if (entry.first == s)
                out << entry.second;
        }
        return out;
    }
};

QString join(const QList<qint64> &values)
{
    QStringList parts;
    for (qint64 v : values)
        parts << QString::number(v);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestReconnect : public QObject
{
    Q_OBJECT

private slots:
    // Ten drops of a healthy connection in one minute, as a rolling deploy does them: each rejoin
    // goes out after the first backoff step (1 s ± 25 %), however many drops came before.
    void tenHealthyDropsEachRejoinWithinABound()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        QSignalSpy rtts(&tunnel, &Tunnel::heartbeatRoundTripMeasured);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);

        const QList<Drop> kinds{Drop::CloseFrame, Drop::Fin, Drop::Reset};
        const QStringList names{QStringLiteral("close frame"), QStringLiteral("FIN"), QStringLiteral("RST"),
                                QStringLiteral("restart")};
        QList<qint64> rejoinMs;
        QStringList report;
        QElapsedTimer minute;
        minute.start();
        for (int i = 0; i < 10; ++i) {
            // Healthy first: joined and at least one heartbeat answered on this connection.
            rtts.clear();
            QTRY_VERIFY_WITH_TIMEOUT(!rtts.isEmpty() && tunnel.heartbeatRoundTrip().has_value(), 3000);
            QTest::qWait(4000); // faults spaced like a rolling deploy; ten of them fit in a minute
            const int kind = i % 4;
            const int joinsBefore = f.simulator.joins();
            QElapsedTimer sinceDrop;
            sinceDrop.start();
            if (kind < 3) {
                f.simulator.dropAll(kinds[kind]);
            } else {
                const quint16 port = f.simulator.port();
                f.simulator.close();
                QTimer::singleShot(300, &f.simulator, [&f, port] { f.simulator.listen(QHostAddress::LocalHost, port); });
            }
            QTRY_VERIFY_WITH_TIMEOUT(tunnel.state() != State::Connected, 3000);
            QVERIFY2(!tunnel.heartbeatRoundTrip(), "a round-trip time from the dropped connection is still shown");
            QTRY_VERIFY_WITH_TIMEOUT(tunnel.state() == State::Connected && f.simulator.joins() > joinsBefore, 10000);
            rejoinMs << sinceDrop.elapsed();
            report << QStringLiteral("%1 %2 ms").arg(names[kind]).arg(rejoinMs.last());
        }
        qInfo().noquote() << "ten healthy drops in" << minute.elapsed() / 1000 << "s; rejoin after each:"
                          << report.join(QStringLiteral(", "));
        for (int i = 0; i < rejoinMs.size(); ++i)
            QVERIFY2(rejoinMs[i] <= 1500, qPrintable(QStringLiteral("drop %1 (%2) took %3 ms to rejoin")
                                                        .arg(i + 1).arg(names[i % 4]).arg(rejoinMs[i])));
        QVERIFY(minute.elapsed() <= 65000);
        QCOMPARE(f.simulator.upgradesAccepted(), 11);
    }

    // A server that accepts the TCP connection and drops it at once, for 20 s: every attempt fails
    // before the join, so the waits grow 1, 2, 4, 8, 16 s (± 25 %) and only five attempts go out.
    void crashLoopingServerIsBackedOff()
    {
        Fixture f;
        f.simulator.setDropConnectionsAtOnce(true);
        Tunnel tunnel(f.config(), &f.sink);
        Timeline timeline(&tunnel);
        tunnel.start();
        QTest::qWait(20000);
        const QList<qint64> attempts = timeline.times(State::Connecting);
        qInfo().noquote() << "attempts at (ms):" << join(attempts) << "announced waits (ms):"
                          << join(timeline.announcedWaitsMs);
        QCOMPARE(attempts.size(), 5);
        QCOMPARE(f.simulator.connectionsDroppedAtOnce(), 5);
        QCOMPARE(timeline.announcedWaitsMs.size(), 5);
        for (int i = 0; i < 5; ++i) {
            const double base = 1000.0 * (1 << i);
            QVERIFY2(timeline.announcedWaitsMs[i] >= 0.75 * base - 50 && timeline.announcedWaitsMs[i] <= 1.25 * base,
                     qPrintable(QStringLiteral("wait %1 was %2 ms").arg(i + 1).arg(timeline.announcedWaitsMs[i])));
            // The next attempt went out no sooner than announced.
            if (i + 1 < attempts.size())
                QVERIFY(attempts[i + 1] - attempts[i] >= timeline.announcedWaitsMs[i] - 50);
        }
        // Dropped before the join is a failed attempt, never an auth failure (issue 11, item 3).
        QVERIFY(!timeline.sawAuthFailed);
        QCOMPARE(tunnel.authFailures(), 0);

        f.simulator.setDropConnectionsAtOnce(false);
        tunnel.reconnectNow();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
    }

    // phx_error on a live socket: the channel is rejoined on that socket after about a second; joins
    // that keep failing follow 1, 2, 5, 10, 10 s; the socket keeps beating so the server never
    // idle-closes it.
    void channelErrorRejoinsOnTheSameSocketOnSchedule()
    {
        Fixture f;
        f.simulator.setSocketIdleTimeoutMs(2000); // the deployed server's 60 s, shortened like the heartbeat
        Tunnel tunnel(f.config(), &f.sink);
        Timeline timeline(&tunnel);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);

        f.simulator.setJoinFails(QStringLiteral("join_crashed"));
        const qint64 errorAt = timeline.clock.elapsed();
        const int joinsBefore = int(timeline.times(State::Joining).size());
        f.simulator.pushToAll(QStringLiteral("phx_error"));
        QTRY_COMPARE_WITH_TIMEOUT(f.simulator.joinsRefused(), 5, 35000);
        f.simulator.setJoinFails(QString());
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 15000);

        const QList<qint64> joins = timeline.times(State::Joining).mid(joinsBefore);
        QCOMPARE(joins.size(), 6);
        QList<qint64> gaps{joins[0] - errorAt};
        for (int i = 1; i < joins.size(); ++i)
            gaps << joins[i] - joins[i - 1];
        qInfo().noquote() << "rejoin gaps after phx_error (ms):" << join(gaps);
        const QList<qint64> schedule{1000, 2000, 5000, 10000, 10000, 10000};
        for (int i = 0; i < schedule.size(); ++i)
            QVERIFY2(gaps[i] >= schedule[i] - 50 && gaps[i] <= schedule[i] + 400,
                     qPrintable(QStringLiteral("rejoin %1 after %2 ms, expected %3").arg(i + 1).arg(gaps[i]).arg(schedule[i])));
        // One socket throughout: never reconnected, never idle-closed.
        QCOMPARE(f.simulator.upgradesAccepted(), 1);
        QCOMPARE(f.simulator.socketsIdleClosed(), 0);
        QCOMPARE(timeline.times(State::Connecting).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestReconnect)
#include "test_reconnect.moc"
