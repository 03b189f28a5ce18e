// The tunnel against the Plugboard simulator and a real local HTTP backend, over real sockets.
// The heartbeat and other timers are shrunk through TunnelConfig so that the class runs in seconds;
// the reconnection backoff is not.

#include "sim/echobackend.h"
#include "sim/httpserver.h"
#include "sim/plugboardsimulator.h"
#include "support/manualclock.h"
#include "tunnel/tokenrefresher.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "tunnel/tunnelmanager.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace telephone;
using namespace std::chrono_literals;
using State = Tunnel::State;

namespace {

struct Fixture {
    sim::PlugboardSimulator simulator;
    sim::EchoBackend backend;
    MemoryTokenSink sink;
    QString pathId;
    QString token;

    Fixture()
    {
        if (!simulator.listen())
            qFatal("simulator did not listen");
        if (!backend.listen(QHostAddress::LocalHost, 0))
            qFatal("backend did not listen");
        pathId = simulator.addMount(QStringLiteral("/demo"));
        token = simulator.mintToken(pathId);
    }

    /// A token issued so long ago that its refresh (at half-life) is due at once.
    QString tokenPastHalfLife(int ttlSecs = 3600)
    {
        return simulator.mintToken(pathId, ttlSecs, QDateTime::currentSecsSinceEpoch() - ttlSecs / 2 - 1);
    }

    TunnelConfig config() const
    {
        TunnelConfig c;
        c.server = simulator.socketUrl();
        c.token = token;
        c.backend = backend.url();
        c.heartbeatInterval = 1s;
        c.joinTimeout = 2s;
        // The backoff stays at its default (1 s doubling to 30 s): reconnection is tested as users get it.
        c.authRetryInterval = 0ms;
        c.drainTimeout = 5s;
        return c;
    }
};

// Records every transition, to check sequences rather than snapshots.
struct StateLog : QObject {
    QList<State> states;
    QStringList reasons;
    explicit StateLog(Tunnel *tunnel)
    {
        connect(tunnel, &Tunnel::stateChanged, this, [this](State s, const QString &r) {
            states << s;
            reasons << r;
        });
    }
    int count(State s) const { return int(states.count(s)); }
};

QNetworkReply *call(QNetworkAccessManager &nam, const QUrl &base, const QString &pathAndQuery)
{
    return nam.get(QNetworkRequest(QUrl(base.toString() + QStringLiteral("/call/demo") + pathAndQuery)));
}

bool waitFinished(QNetworkReply *reply, int ms = 5000)
{
    if (reply->isFinished())
        return true;
    QSignalSpy spy(reply, &QNetworkReply::finished);
    return spy.wait(ms);
}

} // namespace

class TestTunnel : public QObject
{
    Q_OBJECT

private slots:
    void connectsJoinsAndReportsEveryStep()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        StateLog log(&tunnel);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QCOMPARE(log.states, (QList<State>{State::Connecting, State::Joining, State::Connected}));
        for (const QString &reason : log.reasons)
            QVERIFY(!reason.isEmpty());
        QCOMPARE(tunnel.mountPath(), QStringLiteral("/demo"));
        QCOMPARE(tunnel.publicUrl(), QUrl(f.simulator.httpUrl().toString() + QStringLiteral("/call/demo/")));
        QCOMPARE(f.simulator.joinedClients(f.pathId), 1);
        // The token travels only in the upgrade URL; nothing a person reads carries it.
        QVERIFY(!tunnel.displayServer().contains(f.token));
        for (const QString &reason : log.reasons)
            QVERIFY(!reason.contains(f.token));
    }

    void getGoesThroughToTheBackend()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QNetworkAccessManager nam;
        QScopedPointer<QNetworkReply> reply(call(nam, f.simulator.httpUrl(), QStringLiteral("/hello?x=1")));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QByteArray body = reply->readAll();
        QVERIFY2(body.contains("/hello?x=1"), body.constData());
    }

    void manyConcurrentRequestsAllAnswered()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QNetworkAccessManager nam;
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 50; ++i)
            replies << call(nam, f.simulator.httpUrl(), QStringLiteral("/item/%1").arg(i));
        for (int i = 0; i < replies.size(); ++i) {
            QVERIFY(waitFinished(replies[i]));
            QCOMPARE(replies[i]->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            QVERIFY(replies[i]->readAll().contains(QStringLiteral("/item/%1\"").arg(i).toUtf8()));
            delete replies[i];
        }
    }

    void heartbeatAcksGiveRoundTripTime()
    {
        Fixture f;
        TunnelConfig config = f.config();
        config.heartbeatInterval = 100ms;
        Tunnel tunnel(config, &f.sink);
        QSignalSpy rtt(&tunnel, &Tunnel::heartbeatRoundTripMeasured);
        tunnel.start();
        QVERIFY(rtt.wait(5000));
        QVERIFY(tunnel.heartbeatRoundTrip().has_value());
        QVERIFY(tunnel.heartbeatRoundTrip()->count() < 1000);
        QTRY_VERIFY_WITH_TIMEOUT(f.simulator.heartbeatsReceived() >= 3, 5000);
    }

    void heartbeatPauseIsDetectedAndRecovered()
    {
        Fixture f;
        TunnelConfig config = f.config();
        config.heartbeatInterval = 100ms;
        Tunnel tunnel(config, &f.sink);
        StateLog log(&tunnel);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        f.simulator.setHeartbeatAcks(false);
        QTRY_VERIFY_WITH_TIMEOUT(log.count(State::Reconnecting) >= 1, 3000);
        QVERIFY2(log.reasons.at(log.states.indexOf(State::Reconnecting)).contains(QLatin1String("nothing heard")),
                 qPrintable(log.reasons.join(QLatin1Char('|'))));
        f.simulator.setHeartbeatAcks(true);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QVERIFY(f.simulator.upgradesAccepted() >= 2);
    }

    void serverHeartbeatTimeoutIsNeverHitWhileBeating()
    {
        Fixture f;
        f.simulator.setHeartbeatTimeoutMs(400);
        TunnelConfig config = f.config();
        config.heartbeatInterval = 100ms;
        Tunnel tunnel(config, &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QSignalSpy left(&f.simulator, &sim::PlugboardSimulator::clientLeft);
        QTest::qWait(1500); // several server-side timeout windows
        QCOMPARE(left.count(), 0);
        QCOMPARE(tunnel.state(), State::Connected);
    }

    void refresh_data()
    {
        QTest::addColumn<int>("style");
        QTest::newRow("phx_reply (deployed server)") << int(sim::PlugboardSimulator::RefreshReplyStyle::PhxReply);
        QTest::newRow("refresh_token_ack push (reference)") << int(sim::PlugboardSimulator::RefreshReplyStyle::PushAck);
    }

    void refresh()
    {
        QFETCH(int, style);
        Fixture f;
        f.simulator.setRefreshReplyStyle(sim::PlugboardSimulator::RefreshReplyStyle(style));
        f.simulator.setTokenTtlSecs(7200); // the refreshed token is not due again at once
        TunnelConfig config = f.config();
        config.token = f.tokenPastHalfLife();
        Tunnel tunnel(config, &f.sink);
        QSignalSpy refreshed(&tunnel, &Tunnel::tokenRefreshed);
        tunnel.start();
        QVERIFY(refreshed.wait(5000));
        const QString newToken = refreshed.first().first().toString();
        QVERIFY(newToken != f.token);
        QCOMPARE(tunnel.claims().exp - tunnel.claims().iat, 7200);
        // Stored before use, under this server and mount.
        QCOMPARE(f.sink.token(tunnel.displayServer(), f.pathId), newToken);
        QVERIFY(tunnel.nextRefreshAt() > QDateTime::currentDateTimeUtc().addSecs(3000));

        // The old token is dead on the server; the reconnect must use the new one.
        const int refusedBefore = f.simulator.upgradesRefused();
        f.simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Reconnecting, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QCOMPARE(f.simulator.upgradesRefused(), refusedBefore);
        QCOMPARE(refreshed.count(), 1);
    }

    void refreshFailureIsRetried_data()
    {
        QTest::addColumn<QString>("reason");
        QTest::newRow("plain") << QStringLiteral("database_unavailable");
        QTest::newRow("inspected atom") << QStringLiteral(":timeout");
    }

    // Each retry is planned on the default backoff (1 s, 2 s, 4 s ... each +-25 %); the test moves
    // the tunnel's clock to it instead of waiting.
    void refreshFailureIsRetried()
    {
        QFETCH(QString, reason);
        Fixture f;
        f.simulator.setRefreshFails(reason);
        ManualClock clock;
        TunnelConfig config = f.config();
        config.token = f.tokenPastHalfLife();
        config.clock = &clock;
        Tunnel tunnel(config, &f.sink);
        QSignalSpy failed(&tunnel, &Tunnel::refreshFailed);
        QSignalSpy refreshed(&tunnel, &Tunnel::tokenRefreshed);
        tunnel.start();
        for (int attempt = 1; attempt <= 4; ++attempt) {
            QTRY_COMPARE_WITH_TIMEOUT(failed.count(), attempt, 5000);
            QCOMPARE(f.simulator.refreshRequests(), attempt);
            const qint64 wait = clock.now().msecsTo(tunnel.nextRefreshAt());
            const qint64 base = 1000LL << (attempt - 1);
            QVERIFY2(wait >= base * 3 / 4 && wait <= base * 5 / 4, qPrintable(QString::number(wait)));
            QTest::qWait(50);
            QCOMPARE(f.simulator.refreshRequests(), attempt); // not before its time
            if (attempt == 4) {
                f.simulator.setRefreshFails(QString());
                f.simulator.setTokenTtlSecs(7200);
            }
            clock.advance(std::chrono::milliseconds(wait));
        }
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(f.simulator.refreshRequests(), 5);
        QCOMPARE(tunnel.state(), State::Connected);
    }

    // Issue 12: an "ok" refresh reply without a token, and no refresh_token_ack after it, is a failed
    // refresh (said, with a reason) that is retried on the usual backoff; it does not stay in flight.
    void refreshAcceptedWithoutTokenIsAFailureAndRetried()
    {
        Fixture f;
        f.simulator.setRefreshReplyStyle(sim::PlugboardSimulator::RefreshReplyStyle::OkWithoutToken);
        TunnelConfig config = f.config();
        config.joinTimeout = 1s; // also how long a refresh_token_ack may take
        Tunnel tunnel(config, &f.sink);
        QSignalSpy failed(&tunnel, &Tunnel::refreshFailed);
        QSignalSpy refreshed(&tunnel, &Tunnel::tokenRefreshed);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        tunnel.refreshTokenNow();
        QVERIFY(failed.wait(5000));
        const QString reason = failed.constFirst().constFirst().toString();
        QVERIFY2(reason.contains(QLatin1String("sent no token")), qPrintable(reason));
        // The retry is planned from the refresher's backoff (1 s at first), not left to a reconnect.
        QVERIFY(tunnel.nextRefreshAt().isValid());
        QVERIFY(tunnel.nextRefreshAt() <= QDateTime::currentDateTimeUtc().addSecs(2));
        // The server answers properly again: the planned retry goes out and the token is replaced.
        f.simulator.setRefreshReplyStyle(sim::PlugboardSimulator::RefreshReplyStyle::PhxReply);
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(f.simulator.refreshRequests(), 2);
        QCOMPARE(tunnel.state(), State::Connected);
    }

    // The reference document's "token_revoked" and the deployed server's ":token_revoked" (Elixir's
    // inspect of the atom) are the same auth failure; likewise expired and invalid.
    void refreshOfRevokedTokenIsAnAuthFailure_data()
    {
        QTest::addColumn<QString>("reason");
        for (const char *reason : {"token_revoked", ":token_revoked", "token_expired", ":token_expired",
                                   "token_invalid", ":token_invalid", "invalid_token", ":invalid_token"})
            QTest::newRow(reason) << QString::fromLatin1(reason);
    }

    void refreshOfRevokedTokenIsAnAuthFailure()
    {
        QFETCH(QString, reason);
        Fixture f;
        f.simulator.setRefreshFails(reason);
        TunnelConfig config = f.config();
        config.token = f.tokenPastHalfLife();
        Tunnel tunnel(config, &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::AuthFailed, 5000);
        QVERIFY2(tunnel.stateReason().contains(reason), qPrintable(tunnel.stateReason()));
    }

    // Issue 11 item 1: a token that lives no longer than the old --refresh-margin (600 s) was due
    // again the moment it was refreshed (a 300 s token: 3,641 refreshes in 6 s). A fresh token is
    // refreshed at its half-life, never at once, whatever its lifetime.
    void shortTokenIsRefreshedAtHalfLife_data()
    {
        QTest::addColumn<int>("ttlSecs");
        QTest::newRow("300 s") << 300;
        QTest::newRow("20 s") << 20;
    }

    void shortTokenIsRefreshedAtHalfLife()
    {
        QFETCH(int, ttlSecs);
        Fixture f;
        f.simulator.setTokenTtlSecs(ttlSecs);
        TunnelConfig config = f.config();
        config.token = f.tokenPastHalfLife(ttlSecs); // the first refresh is due at once
        ManualClock clock;
        config.clock = &clock;
        Tunnel tunnel(config, &f.sink);
        QSignalSpy refreshed(&tunnel, &Tunnel::tokenRefreshed);
        tunnel.start();
        QVERIFY(refreshed.wait(5000));
        // Planned from the fresh token's own iat/exp: at half-life, at most 2 % of the lifetime early.
        const qint64 halfLife = tunnel.claims().iat + ttlSecs / 2;
        const QDateTime plannedAt = tunnel.nextRefreshAt();
        const qint64 planned = plannedAt.toSecsSinceEpoch();
        QVERIFY2(planned <= halfLife && planned >= halfLife - ttlSecs / 50 - 1,
                 qPrintable(QStringLiteral("planned %1 s after iat").arg(planned - tunnel.claims().iat)));
        // Not a moment before: time moved to just short of the plan sends nothing...
        clock.advance(std::chrono::milliseconds(clock.now().msecsTo(plannedAt) - 1000));
        QTest::qWait(200);
        QCOMPARE(f.simulator.refreshRequests(), 1);
        QCOMPARE(refreshed.count(), 1);
        // ... and at the plan, the refresh goes out.
        clock.advance(1s);
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(f.simulator.refreshRequests(), 2);
    }

    // A server whose clock is behind ours mints tokens already past their half-life: each would be
    // due at once. Refreshes stay TokenRefresher::MinInterval apart.
    void serverClockBehindDoesNotStormRefreshes()
    {
        Fixture f;
        f.simulator.setClockOffsetSecs(-200);
        f.simulator.setTokenTtlSecs(300); // iat now - 200, exp now + 100: half-life 50 s ago
        TunnelConfig config = f.config();
        config.token = f.simulator.mintToken(f.pathId, 300);
        ManualClock clock;
        config.clock = &clock;
        Tunnel tunnel(config, &f.sink);
        QSignalSpy refreshed(&tunnel, &Tunnel::tokenRefreshed);
        const QDateTime started = clock.now();
        tunnel.start();
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(tunnel.nextRefreshAt(), started.addMSecs(TokenRefresher::MinInterval.count()));
        // Each refreshed token is as far past its half-life: refreshes follow MinInterval apart, no sooner.
        for (int refresh = 2; refresh <= 3; ++refresh) {
            clock.advance(TokenRefresher::MinInterval - 1s);
            QTest::qWait(200);
            QCOMPARE(f.simulator.refreshRequests(), refresh - 1);
            clock.advance(1s);
            QVERIFY(refreshed.wait(5000));
            QCOMPARE(f.simulator.refreshRequests(), refresh);
        }
        QCOMPARE(tunnel.state(), State::Connected);
    }

    // exp = 1e16 overflowed exp * 1000 in the expiry timer: it fired without pause, flooding
    // "expiring soon", and the refresh planned at an unrepresentable date was due at once.
    void farFutureExpiryIsQuiet()
    {
        Fixture f;
        const qint64 exp = 10000000000000000LL;
        TunnelConfig config = f.config();
        config.token = f.simulator.mintToken(f.pathId, 3600, exp - 3600);
        Tunnel tunnel(config, &f.sink);
        QSignalSpy expiring(&tunnel, &Tunnel::tokenExpiringSoon);
        QSignalSpy expired(&tunnel, &Tunnel::tokenExpired);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QTest::qWait(1000);
        QCOMPARE(expiring.count(), 0);
        QCOMPARE(expired.count(), 0);
        QCOMPARE(f.simulator.refreshRequests(), 0);
        QVERIFY(tunnel.nextRefreshAt() > QDateTime::currentDateTimeUtc().addYears(100));
    }

    // Issue 12: the expiry messages come from the token's clock, moved here instead of waited for:
    // "expiring soon" once, expiryWarning before exp, then "expired"; the expired token is not sent.
    void expiryMessagesFollowTheClock()
    {
        Fixture f;
        f.simulator.setRefreshFails(QStringLiteral("timeout")); // so that the token really runs out
        ManualClock clock;
        TunnelConfig config = f.config();
        config.clock = &clock;
        Tunnel tunnel(config, &f.sink);
        QSignalSpy expiring(&tunnel, &Tunnel::tokenExpiringSoon);
        QSignalSpy expired(&tunnel, &Tunnel::tokenExpired);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        const qint64 warnSecs = std::chrono::duration_cast<std::chrono::seconds>(config.expiryWarning).count();
        clock.advance(std::chrono::seconds(tunnel.secondsToExpiry() - warnSecs - 1));
        QTest::qWait(100);
        QCOMPARE(expiring.count(), 0);
        clock.advance(2s);
        QCOMPARE(expiring.count(), 1);
        QCOMPARE(expiring.constFirst().constFirst().toLongLong(), warnSecs - 1);
        clock.advance(std::chrono::seconds(warnSecs - 2));
        QTest::qWait(100);
        QCOMPARE(expiring.count(), 1); // said once per token
        QCOMPARE(expired.count(), 0);
        clock.advance(1s);
        QCOMPARE(expired.count(), 1);
        QCOMPARE(tunnel.secondsToExpiry(), 0);
        // The joined socket stays up; the next connection needs a new token.
        QCOMPARE(tunnel.state(), State::Connected);
        f.simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::AuthFailed, 5000);
        QVERIFY2(tunnel.stateReason().contains(QLatin1String("expired")), qPrintable(tunnel.stateReason()));
        QCOMPARE(tunnel.connectAttempts(), 1);
        QCOMPARE(f.simulator.upgradesRefused(), 0);
        QCOMPARE(expired.count(), 1);
    }

    void refreshPlanningRules_data()
    {
        QTest::addColumn<qint64>("iat");
        QTest::addColumn<qint64>("exp");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("planned");
        QTest::newRow("2 h token: half-life") << qint64(1000) << qint64(8200) << qint64(1000) << qint64(4600);
        QTest::newRow("300 s token: half-life") << qint64(1000) << qint64(1300) << qint64(1000) << qint64(1150);
        QTest::newRow("no iat: from now") << qint64(0) << qint64(2000) << qint64(1000) << qint64(1500);
        QTest::newRow("iat after exp: from now") << qint64(3000) << qint64(2000) << qint64(1000) << qint64(1500);
        QTest::newRow("exp 1e16: year 9999") << qint64(1000) << qint64(10000000000000000LL) << qint64(1000)
                                              << qint64(253402300799LL);
    }

    void refreshPlanningRules()
    {
        QFETCH(qint64, iat);
        QFETCH(qint64, exp);
        QFETCH(qint64, now);
        QFETCH(qint64, planned);
        JwtClaims claims;
        claims.pathId = QStringLiteral("p");
        claims.iat = iat;
        claims.exp = exp;
        QCOMPARE(TokenRefresher::plannedRefreshSecs(claims, now), planned);
    }

    void refreshFloorAfterPreviousRequest()
    {
        // MinInterval after the previous request; half the time left when less than 2 x MinInterval is.
        QCOMPARE(TokenRefresher::earliestAfterMs(1000000, 2000), 1000000 + TokenRefresher::MinInterval.count());
        QCOMPARE(TokenRefresher::earliestAfterMs(1000000, 1008), qint64(1004000));
        QCOMPARE(TokenRefresher::earliestAfterMs(1000000, 900), qint64(1000000));
    }

    // Issue 11 item 5: a token in the server URL and a password in the backend URL reached the token
    // store's key, displayServer() and the state reasons (/health, /ready, logs).
    void credentialsInUrlsAreNeitherStoredNorShown()
    {
        Fixture f;
        TunnelConfig config = f.config();
        config.server.setQuery(QStringLiteral("token=SECRETINURL"));
        config.backend.setUserName(QStringLiteral("alice"));
        config.backend.setPassword(QStringLiteral("PASSWORDINURL"));
        config.token = f.tokenPastHalfLife();
        Tunnel tunnel(config, &f.sink);
        StateLog log(&tunnel);
        QSignalSpy refreshed(&tunnel, &Tunnel::tokenRefreshed);
        tunnel.start();
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(tunnel.displayServer(), f.simulator.socketUrl().toString());
        // Stored under the URL without the token: the same tunnel as without it.
        QCOMPARE(f.sink.token(f.simulator.socketUrl().toString(), f.pathId), refreshed.first().first().toString());
        const QString reasons = log.reasons.join(QLatin1Char('\n'));
        QVERIFY2(reasons.contains(QLatin1String("serving mount")), qPrintable(reasons));
        QVERIFY2(!reasons.contains(QLatin1String("SECRETINURL")) && !reasons.contains(QLatin1String("PASSWORDINURL"))
                     && !reasons.contains(QLatin1String("alice@")),
                 qPrintable(reasons));
    }

    void refusedTokenDoesNotSpin_data()
    {
        QTest::addColumn<int>("retryMs");
        QTest::addColumn<int>("maxAttempts");
        QTest::newRow("wait for a new token") << 0 << 1;
        QTest::newRow("slow retry") << 500 << 3;
    }

    void refusedTokenDoesNotSpin()
    {
        QFETCH(int, retryMs);
        QFETCH(int, maxAttempts);
        Fixture f;
        f.simulator.revokeToken(f.simulator.jtiOf(f.token));
        TunnelConfig config = f.config();
        config.authRetryInterval = std::chrono::milliseconds(retryMs);
        Tunnel tunnel(config, &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::AuthFailed, 5000);
        QVERIFY2(tunnel.stateReason().contains(QLatin1String("HTTP 403")), qPrintable(tunnel.stateReason()));
        QTest::qWait(1200); // with a 20 ms backoff, a spinning client would try ~50 times here
        QVERIFY2(tunnel.connectAttempts() <= maxAttempts, qPrintable(QString::number(tunnel.connectAttempts())));
        QCOMPARE(f.simulator.upgradesRefused(), int(tunnel.connectAttempts()));
        if (retryMs > 0)
            QVERIFY(tunnel.connectAttempts() >= 2);
    }

    void newTokenRecoversFromAuthFailure()
    {
        Fixture f;
        f.simulator.revokeToken(f.simulator.jtiOf(f.token));
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::AuthFailed, 5000);
        QString problem;
        QVERIFY(!tunnel.setToken(QStringLiteral("not-a-token"), &problem));
        QVERIFY(problem.contains(QLatin1String("JWT")));
        QCOMPARE(tunnel.state(), State::AuthFailed);
        QVERIFY2(tunnel.setToken(f.simulator.mintToken(f.pathId), &problem), qPrintable(problem));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
    }

    void expiredTokenIsNeverSent()
    {
        Fixture f;
        const qint64 longAgo = QDateTime::currentSecsSinceEpoch() - 7200;
        TunnelConfig config = f.config();
        config.token = f.simulator.mintToken(f.pathId, 3600, longAgo);
        Tunnel tunnel(config, &f.sink);
        tunnel.start();
        QCOMPARE(tunnel.state(), State::AuthFailed);
        QVERIFY(tunnel.stateReason().contains(QLatin1String("expired")));
        QTest::qWait(200);
        QCOMPARE(tunnel.connectAttempts(), 0);
        QCOMPARE(f.simulator.upgradesAccepted() + f.simulator.upgradesRefused(), 0);
    }

    void missingTokenIsAnAuthFailureWithAClearReason()
    {
        Fixture f;
        TunnelConfig config = f.config();
        config.token.clear();
        Tunnel tunnel(config, &f.sink);
        tunnel.start();
        QCOMPARE(tunnel.state(), State::AuthFailed);
        QVERIFY(tunnel.stateReason().contains(QLatin1String("no token")));
    }

    void serverDownAtStartThenUp()
    {
        Fixture f;
        const quint16 port = f.simulator.port();
        f.simulator.close();
        Tunnel tunnel(f.config(), &f.sink);
        StateLog log(&tunnel);
        tunnel.start();
        QTRY_VERIFY_WITH_TIMEOUT(log.count(State::Reconnecting) >= 3, 5000);
        QVERIFY(tunnel.nextRetryAt().isValid());
        QVERIFY(f.simulator.listen(QHostAddress::LocalHost, port));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
    }

    void serverRestartMidSession()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        const quint16 port = f.simulator.port();
        f.simulator.close();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Reconnecting, 3000);
        QVERIFY(f.simulator.listen(QHostAddress::LocalHost, port));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QNetworkAccessManager nam;
        QScopedPointer<QNetworkReply> reply(call(nam, f.simulator.httpUrl(), QStringLiteral("/after-restart")));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    }

    void kickedClientComesBack()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        f.simulator.kickAll(true);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Reconnecting, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QCOMPARE(f.simulator.upgradesAccepted(), 2);
    }

    void pathIdMismatchIsAConfigurationError()
    {
        Fixture f;
        const QString other = f.simulator.addMount(QStringLiteral("/other"));
        f.simulator.reassignToken(f.simulator.jtiOf(f.token), other);
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::ConfigError, 5000);
        QVERIFY(tunnel.stateReason().contains(QLatin1String("path_id_mismatch")));
        QTest::qWait(500);
        QCOMPARE(tunnel.connectAttempts(), 1); // no loop on a configuration error
        QCOMPARE(tunnel.state(), State::ConfigError);
    }

    void malformedFramesAreCountedAndIgnored()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        const QList<QByteArray> junk{"garbage", "[1,2]", "{}", R"([null,null,"t","e","payload"])", "",
                                     QByteArray(100000, '[')};
        for (const QByteArray &text : junk)
            f.simulator.sendToAll(text);
        // An unknown event on our topic is not malformed: ignored without counting.
        f.simulator.pushToAll(QStringLiteral("something_new"), {{QStringLiteral("x"), 1}});
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.malformedFrames(), qint64(junk.size()), 3000);
        QCOMPARE(tunnel.state(), State::Connected);
        QNetworkAccessManager nam;
        QScopedPointer<QNetworkReply> reply(call(nam, f.simulator.httpUrl(), QStringLiteral("/still-fine")));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    }

    // --max-message-size reaches the socket's reader: a larger message closes the connection (1009)
    // with a reason that names the limit; the tunnel reconnects and serves again.
    void messageAboveMaxMessageSizeClosesAndReconnects()
    {
        Fixture f;
        TunnelConfig config = f.config();
        config.maxMessageSize = 64 * 1024;
        Tunnel tunnel(config, &f.sink);
        QStringList reasons;
        connect(&tunnel, &Tunnel::stateChanged, this,
                [&reasons](Tunnel::State, const QString &reason) { reasons << reason; });
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        f.simulator.sendToAll(QByteArray(60 * 1024, ' ')); // under the limit: read (and ignored as malformed)
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.malformedFrames(), qint64(1), 3000);
        QCOMPARE(tunnel.state(), State::Connected);
        reasons.clear();
        f.simulator.sendToAll(QByteArray(100 * 1024, ' '));
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.state() != State::Connected, 3000);
        QVERIFY2(reasons.join(QLatin1Char('\n')).contains(QLatin1String("larger than 65536 bytes")),
                 qPrintable(reasons.join(QLatin1Char('\n'))));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        QNetworkAccessManager nam;
        QScopedPointer<QNetworkReply> reply(call(nam, f.simulator.httpUrl(), QStringLiteral("/after-1009")));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    }

    void phxErrorRejoinsOnTheSameSocket()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        StateLog log(&tunnel);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        f.simulator.pushToAll(QStringLiteral("phx_error"));
        QTRY_VERIFY_WITH_TIMEOUT(log.count(State::Connected) == 2, 5000);
        QCOMPARE(f.simulator.joins(), 2);
        QCOMPARE(f.simulator.upgradesAccepted(), 1);
    }

    void phxCloseRejoinsOnTheSameSocket()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        StateLog log(&tunnel);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        f.simulator.pushToAll(QStringLiteral("phx_close"));
        QTRY_VERIFY_WITH_TIMEOUT(log.count(State::Connected) == 2, 5000);
        QVERIFY(log.reasons.join(QLatin1Char('|')).contains(QLatin1String("phx_close")));
        // The channel ended, not the socket (PROTOCOL.md, "Reconnecting").
        QCOMPARE(f.simulator.upgradesAccepted(), 1);
    }

    // A slow join is not a bad token (issue 11, item 3): joins we give up on are failed attempts.
    void joinTimeoutsAreNoAuthFailure()
    {
        Fixture f;
        f.simulator.setIgnoreJoins(true);
        TunnelConfig config = f.config();
        config.joinTimeout = 300ms;
        Tunnel tunnel(config, &f.sink);
        StateLog log(&tunnel);
        tunnel.start();
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.connectAttempts() >= 3, 10000); // two timeouts, backed off 1 s and 2 s
        QCOMPARE(log.count(State::AuthFailed), 0);
        QCOMPARE(tunnel.authFailures(), 0);
        QVERIFY(log.reasons.join(QLatin1Char('|')).contains(QLatin1String("no join reply within")));
        f.simulator.setIgnoreJoins(false);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
    }

    // wss://host without a path: /socket/websocket, then /telephone/websocket on a 404 (and the other
    // way round); the path that answered is remembered for the next start; the identity is unchanged.
    void socketPathIsDiscoveredAndRemembered_data()
    {
        QTest::addColumn<bool>("deployed");
        QTest::newRow("deployed server") << true;
        QTest::newRow("reference server") << false;
    }

    void socketPathIsDiscoveredAndRemembered()
    {
        QFETCH(bool, deployed);
        const QString found = deployed ? QStringLiteral("/telephone/websocket") : QStringLiteral("/socket/websocket");
        const QString other = deployed ? QStringLiteral("/socket/websocket") : QStringLiteral("/telephone/websocket");
        QTemporaryDir dir;
        const QString memory = dir.filePath(QStringLiteral("socket-paths.json"));
        Fixture f;
        f.simulator.setSocketPaths(!deployed, deployed);
        TunnelConfig config = f.config();
        config.server = QUrl(f.simulator.baseUrl().toString() + QStringLiteral("/socket/websocket"));
        config.discoverSocketPath = true;
        config.socketPathMemory = memory;
        if (!deployed) { // remembered from an earlier run, but the server moved back
            QFile file(memory);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QJsonDocument(QJsonObject{{config.server.toString(), other}}).toJson());
        }
        {
            Tunnel tunnel(config, &f.sink);
            tunnel.start();
            QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
            QCOMPARE(tunnel.socketPath(), found);
            QCOMPARE(tunnel.connectAttempts(), 2); // one 404, one upgrade
            QCOMPARE(tunnel.displayServer(), config.server.toString()); // the token store's key is untouched
        }
        QFile file(memory);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(config.server.toString()).toString(), found);
        // Restarted: straight to the remembered path.
        Tunnel again(config, &f.sink);
        again.start();
        QTRY_COMPARE_WITH_TIMEOUT(again.state(), State::Connected, 5000);
        QCOMPARE(again.connectAttempts(), 1);
        QCOMPARE(again.socketPath(), found);
    }

    void socketPathNotFoundAnywhereIsAConfigurationError()
    {
        Fixture f;
        f.simulator.setSocketPaths(false, false);
        TunnelConfig config = f.config();
        config.discoverSocketPath = true;
        Tunnel tunnel(config, &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::ConfigError, 5000);
        QVERIFY2(tunnel.stateReason().contains(QLatin1String("/socket/websocket and /telephone/websocket")),
                 qPrintable(tunnel.stateReason()));
        QVERIFY(tunnel.stateReason().contains(QLatin1String("404")));
        QCOMPARE(tunnel.connectAttempts(), 2);
    }

    void stopLeavesAndClosesNormally()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        QSignalSpy stopped(&tunnel, &Tunnel::stopped);
        tunnel.stop();
        QVERIFY(stopped.count() == 1 || stopped.wait(5000));
        QCOMPARE(tunnel.state(), State::Disconnected);
        QTRY_COMPARE_WITH_TIMEOUT(f.simulator.leavesReceived(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(f.simulator.lastClientCloseCode(), 1000, 3000);
    }

    void stopDrainsRequestsInFlight()
    {
        Fixture f;
        // A backend that answers only when told to.
        sim::HttpServer slow;
        QPointer<sim::HttpResponder> held;
        slow.setHandler([&held](const sim::HttpRequest &, sim::HttpResponder *responder) { held = responder; });
        QVERIFY(slow.listen(QHostAddress::LocalHost, 0));
        TunnelConfig config = f.config();
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(slow.port()));
        Tunnel tunnel(config, &f.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);

        QNetworkAccessManager nam;
        QScopedPointer<QNetworkReply> inFlight(call(nam, f.simulator.httpUrl(), QStringLiteral("/slow")));
        QTRY_VERIFY_WITH_TIMEOUT(!held.isNull(), 5000);
        QSignalSpy stopped(&tunnel, &Tunnel::stopped);
        tunnel.stop();
        QCOMPARE(tunnel.state(), State::Stopping);

        // Still joined while draining: a new request is refused at once, not lost.
        QScopedPointer<QNetworkReply> late(call(nam, f.simulator.httpUrl(), QStringLiteral("/late")));
        QVERIFY(waitFinished(late.get()));
        QCOMPARE(late->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
        QCOMPARE(stopped.count(), 0);

        held->respond(200, {{"content-type", "text/plain"}}, "finished after stop");
        QVERIFY(waitFinished(inFlight.get()));
        QCOMPARE(inFlight->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(inFlight->readAll(), QByteArray("finished after stop"));
        QVERIFY(stopped.count() == 1 || stopped.wait(5000));
        QTRY_COMPARE_WITH_TIMEOUT(f.simulator.leavesReceived(), 1, 3000);
    }

    void managerStopsEveryTunnel()
    {
        Fixture f;
        TunnelManager manager;
        Tunnel *a = manager.addTunnel(f.config(), &f.sink);
        TunnelConfig second = f.config();
        second.token = f.simulator.mintToken(f.pathId);
        Tunnel *b = manager.addTunnel(second, &f.sink);
        manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(a->state(), State::Connected, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(b->state(), State::Connected, 5000);
        QCOMPARE(f.simulator.joinedClients(f.pathId), 2);
        QSignalSpy allStopped(&manager, &TunnelManager::allStopped);
        manager.stopAll();
        QVERIFY(allStopped.count() == 1 || allStopped.wait(5000));
        QCOMPARE(a->state(), State::Disconnected);
        QCOMPARE(b->state(), State::Disconnected);
    }
};

QTEST_GUILESS_MAIN(TestTunnel)
#include "test_tunnel.moc"
