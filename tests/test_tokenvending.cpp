// Service accounts through Plugboard's token vending (issue 16), against the simulator's endpoint
// over real sockets: TokenVendor's HTTP call, TokenSupply answering the tunnel's "no usable token",
// and the states a person sees. Reconnection keeps its default backoff; only the heartbeat is short.

#include "config/settings.h"
#include "base/logging.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "support/manualclock.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokenstore.h"
#include "tokens/tokenvendor.h"
#include "tokens/tokensink.h"
#include "tunnel/tokensupply.h"
#include "tunnel/tunnel.h"

#include <QCommandLineParser>
#include <QHostInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace telephone;
using namespace std::chrono_literals;
using State = Tunnel::State;

namespace {

// Remembers every token the sink was given, with the source it was stored as.
struct RecordingSink : MemoryTokenSink {
    QStringList sources;
    bool storeToken(const QString &server, const QString &token, const JwtClaims &claims, QString *error) override
    {
        sources << QStringLiteral("refreshed");
        return MemoryTokenSink::storeToken(server, token, claims, error);
    }
    bool storePastedToken(const QString &server, const QString &token, const JwtClaims &claims, QString *error) override
    {
        sources << QStringLiteral("pasted");
        return MemoryTokenSink::storeToken(server, token, claims, error);
    }
    bool storeVendedToken(const QString &server, const QString &token, const JwtClaims &claims, QString *error) override
    {
        sources << QStringLiteral("vended");
        return MemoryTokenSink::storeToken(server, token, claims, error);
    }
};

struct Fixture {
    sim::PlugboardSimulator simulator;
    sim::EchoBackend backend;
    RecordingSink sink;
    QString pathId;
    QString key;

    Fixture()
    {
        if (!simulator.listen() || !backend.listen(QHostAddress::LocalHost, 0))
            qFatal("the simulator or the backend did not listen");
        pathId = simulator.addMount(QStringLiteral("/fleet"));
        key = simulator.addServiceAccount(pathId);
    }

    // Product defaults except the heartbeat, which no test here measures.
    TunnelConfig config(const QString &token = {}) const
    {
        TunnelConfig c;
        c.server = simulator.socketUrl();
        c.token = token;
        c.backend = backend.url();
        c.heartbeatInterval = 1s;
        return c;
    }
};

ServiceAccountKey keyFrom(const QString &key)
{
    return ServiceAccountKey{key, QStringLiteral("the test")};
}

std::optional<Settings> settingsFrom(const QStringList &args, const QProcessEnvironment &env)
{
    QCommandLineParser parser;
    Settings::addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("telephone")} + args))
        qFatal("bad arguments");
    QString error;
    return Settings::resolve(parser, env, &error);
}

void writePrivate(const QString &path, const QByteArray &content, QFileDevice::Permissions permissions)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
    f.setPermissions(permissions);
}

qint64 secondsUntil(const QDateTime &when)
{
    return QDateTime::currentDateTimeUtc().secsTo(when);
}

} // namespace

class TestTokenVending : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // no real config file is read
    }

    void keyIsShownByItsPrefixOnly()
    {
        const QString key = QStringLiteral("sa_live_abcdef0123456789abcdef0123456789");
        QCOMPARE(ServiceAccountKey::shown(key), QStringLiteral("sa_live_ab…"));
        QVERIFY(ServiceAccountKey::problemWith(key).isEmpty());
        QVERIFY(ServiceAccountKey::problemWith(QStringLiteral("eyJhbGciOi.x.y")).contains(QLatin1String("sa_live_")));
        QVERIFY(!ServiceAccountKey::problemWith(QStringLiteral("sa_live_ab cd")).isEmpty());
        QVERIFY(!ServiceAccountKey::problemWith(QStringLiteral("sa_live_ab cd")).contains(QLatin1String("ab cd")));
        QCOMPARE(TokenVendor::endpointFor(QUrl(QStringLiteral("wss://plug.example/telephone/websocket?x=1"))),
                 QUrl(QStringLiteral("https://plug.example/api/token-vending/generate")));
        QCOMPARE(TokenVendor::endpointFor(QUrl(QStringLiteral("ws://127.0.0.1:4000/socket/websocket"))),
                 QUrl(QStringLiteral("http://127.0.0.1:4000/api/token-vending/generate")));
    }

    // File option, then the environment, then systemd's credential; bad sources are errors.
    void keySources()
    {
        QTemporaryDir dir;
        const QString key = QStringLiteral("sa_live_0123456789abcdef0123456789abcdef");
        const QString other = QStringLiteral("sa_live_fedcba9876543210fedcba9876543210");
        const auto owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        writePrivate(dir.filePath(QStringLiteral("key")), key.toUtf8() + "\n", owner);
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("creds")));
        writePrivate(dir.filePath(QStringLiteral("creds/service-account-key")), other.toUtf8(), QFileDevice::ReadOwner);
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), dir.path());
        QString error;

        auto settings = settingsFrom({QStringLiteral("--service-account-key-file"), dir.filePath(QStringLiteral("key"))}, env);
        QVERIFY(settings);
        auto found = ServiceAccountKey::find(*settings, env, &error);
        QVERIFY2(found, qPrintable(error));
        QCOMPARE(found->key, key);
        QVERIFY(found->origin.contains(dir.filePath(QStringLiteral("key"))));

        // A relative file name in the config file is relative to that file.
        writePrivate(dir.filePath(QStringLiteral("telephone.ini")), "service-account-key-file=key\n", owner);
        settings = settingsFrom({QStringLiteral("--config"), dir.filePath(QStringLiteral("telephone.ini"))}, env);
        QVERIFY(settings);
        found = ServiceAccountKey::find(*settings, env, &error);
        QVERIFY2(found, qPrintable(error));
        QCOMPARE(found->key, key);

        env.insert(QStringLiteral("CREDENTIALS_DIRECTORY"), dir.filePath(QStringLiteral("creds")));
        settings = settingsFrom({}, env);
        found = ServiceAccountKey::find(*settings, env, &error);
        QVERIFY2(found, qPrintable(error));
        QCOMPARE(found->key, other);
        QVERIFY(found->origin.contains(QLatin1String("systemd credential")));

        env.insert(QStringLiteral("TELEPHONE_SERVICE_ACCOUNT_KEY"), key);
        settings = settingsFrom({}, env);
        found = ServiceAccountKey::find(*settings, env, &error);
        QVERIFY2(found, qPrintable(error));
        QCOMPARE(found->key, key);
        QCOMPARE(found->origin, QStringLiteral("TELEPHONE_SERVICE_ACCOUNT_KEY"));

        // A key file others can read is refused, and the message does not repeat the key.
        writePrivate(dir.filePath(QStringLiteral("shared")), key.toUtf8(), owner | QFileDevice::ReadOther);
        settings = settingsFrom({QStringLiteral("--service-account-key-file"), dir.filePath(QStringLiteral("shared"))}, env);
        QVERIFY(!ServiceAccountKey::find(*settings, env, &error));
        QVERIFY2(error.contains(QLatin1String("chmod 600")), qPrintable(error));
        QVERIFY(!error.contains(key));
        // A missing file and a file holding something else.
        settings = settingsFrom({QStringLiteral("--service-account-key-file"), dir.filePath(QStringLiteral("none"))}, env);
        QVERIFY(!ServiceAccountKey::find(*settings, env, &error));
        QVERIFY2(error.contains(QLatin1String("does not exist")), qPrintable(error));
        writePrivate(dir.filePath(QStringLiteral("jwt")), "eyJhbGciOiJIUzI1NiJ9.e30.sig", owner);
        settings = settingsFrom({QStringLiteral("--service-account-key-file"), dir.filePath(QStringLiteral("jwt"))}, env);
        QVERIFY(!ServiceAccountKey::find(*settings, env, &error));
        QVERIFY2(error.contains(QLatin1String("not a service-account key")), qPrintable(error));
        QVERIFY(!error.contains(QLatin1String("eyJ")));
    }

    // The request as the server receives it (parsed by QJsonDocument in the simulator), and the 201.
    void vendorSendsWhatTheServerExpects()
    {
        Fixture f;
        TokenVendor vendor;
        QSignalSpy finished(&vendor, &TokenVendor::finished);
        QVERIFY(vendor.vend({f.simulator.socketUrl(), f.key, f.pathId, QStringLiteral("host/fleet"),
                             TokenVendor::defaultDescription()}));
        QVERIFY(!vendor.vend({f.simulator.socketUrl(), f.key, {}, {}, {}})); // one at a time
        QVERIFY(finished.wait(10000));
        const auto result = finished.at(0).at(0).value<VendResult>();
        QCOMPARE(result.outcome, VendResult::Outcome::Vended);
        QCOMPARE(result.httpStatus, 201);
        QCOMPARE(result.claims.pathId, f.pathId);
        QVERIFY(!f.simulator.jtiOf(result.token).isEmpty());
        QVERIFY(!result.message.contains(result.token));
        const QJsonObject sent = f.simulator.lastVendRequest();
        QCOMPARE(sent.value(QLatin1String("path_id")).toString(), f.pathId);
        QCOMPARE(sent.value(QLatin1String("instance_id")).toString(), QStringLiteral("host/fleet"));
        QVERIFY(sent.value(QLatin1String("description")).toString().startsWith(QLatin1String("Telephone ")));
        QVERIFY(sent.value(QLatin1String("description")).toString().contains(QLatin1String(TELEPHONE_VERSION)));
        QCOMPARE(f.simulator.vendRequests(), 1);
    }

    void firstStartWithOnlyAKey()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        TokenSupply supply(&tunnel, &f.sink, QString());
        supply.setKey(keyFrom(f.key));
        QSignalSpy vended(&supply, &TokenSupply::tokenVended);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        QCOMPARE(vended.count(), 1);
        QCOMPARE(f.simulator.vendRequests(), 1);
        QCOMPARE(tunnel.claims().pathId, f.pathId);
        // Without a configured mount, no path_id is sent: the account's own mount is vended.
        QVERIFY(!f.simulator.lastVendRequest().contains(QLatin1String("path_id")));
        QCOMPARE(f.simulator.lastVendRequest().value(QLatin1String("instance_id")).toString(),
                 QHostInfo::localHostName() + QStringLiteral("/telephone"));
        QCOMPARE(f.sink.sources.value(0), QStringLiteral("vended"));
        QCOMPARE(f.sink.token(tunnel.displayServer(), f.pathId), tunnel.config().token);
        QVERIFY(supply.canSupply());
    }

    // The token expires while the server is away: back, the tunnel does not send it, asks for one.
    // The tunnel's clock is moved past the expiry, not waited for.
    void expiryWhileDisconnectedUsesAVendedToken()
    {
        Fixture f;
        const QString token = f.simulator.mintToken(f.pathId, 3600);
        ManualClock clock;
        TunnelConfig config = f.config(token);
        config.clock = &clock;
        Tunnel tunnel(config, &f.sink);
        TokenSupply supply(&tunnel, &f.sink, QString());
        supply.setKey(keyFrom(f.key));
        QSignalSpy expired(&tunnel, &Tunnel::tokenExpired);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        const quint16 port = f.simulator.port();
        f.simulator.close();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Reconnecting, 5000);
        const qint64 ahead = tunnel.claims().exp - clock.nowSecs() + 1;
        clock.advance(std::chrono::seconds(ahead));
        QCOMPARE(expired.count(), 1);
        QCOMPARE(tunnel.secondsToExpiry(), 0);
        QCOMPARE(f.simulator.vendRequests(), 0);
        // The server's clock moves with the tunnel's: what it vends is valid in the tunnel's time.
        f.simulator.setClockOffsetSecs(ahead);
        QVERIFY(f.simulator.listen(QHostAddress::LocalHost, port));
        tunnel.onNetworkReturned(); // skips what is left of the reconnect wait; not what is tested here
        // Usually the vend goes out now. On a loaded machine the tunnel may have asked while the
        // server was still away (connection refused); the one-request-a-minute limit then holds the
        // next ask for up to 60 s, which is the behaviour the issue asks for, so the wait allows it.
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 80000);
        QCOMPARE(f.simulator.vendRequests(), 1);
        QCOMPARE(f.simulator.upgradesRefused(), 0); // the expired token was never sent
        QVERIFY(tunnel.config().token != token);
        QVERIFY(tunnel.claims().exp > clock.nowSecs() + 600);
        QCOMPARE(f.simulator.lastVendRequest().value(QLatin1String("path_id")).toString(), f.pathId);
    }

    // Revoked on the server: one vending request, a connection, and no loop.
    void revokedTokenIsReplacedOnceNotInALoop()
    {
        Fixture f;
        const QString token = f.simulator.mintToken(f.pathId);
        Tunnel tunnel(f.config(token), &f.sink);
        TokenSupply supply(&tunnel, &f.sink, QString());
        supply.setKey(keyFrom(f.key));
        QSignalSpy refused(&tunnel, &Tunnel::tokenRefused);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        f.simulator.revokeToken(f.simulator.jtiOf(token));
        f.simulator.kickAll();
        QVERIFY(refused.wait(15000));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 15000);
        QCOMPARE(f.simulator.vendRequests(), 1);
        QTest::qWait(3000);
        QCOMPARE(tunnel.state(), State::Connected);
        QCOMPARE(f.simulator.vendRequests(), 1);

        // The vended token is revoked too, within the minute: the next request waits for the minute.
        f.simulator.revokeAllTokens();
        f.simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::AuthFailed, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("at most once a minute")), 5000);
        QVERIFY2(secondsUntil(supply.nextAttemptAt()) >= 40, qPrintable(supply.nextAttemptAt().toString()));
        QTest::qWait(3000);
        QCOMPARE(f.simulator.vendRequests(), 1);
    }

    // The server refuses to refresh (revoked) while connected: a vended token takes over.
    void refusedRefreshIsAnsweredWithAVendedToken()
    {
        Fixture f;
        const QString token = f.simulator.mintToken(f.pathId);
        Tunnel tunnel(f.config(token), &f.sink);
        TokenSupply supply(&tunnel, &f.sink, QString());
        supply.setKey(keyFrom(f.key));
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        f.simulator.setRefreshFails(QStringLiteral(":token_revoked"));
        QSignalSpy refused(&tunnel, &Tunnel::tokenRefused);
        tunnel.refreshTokenNow();
        QVERIFY(refused.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 15000);
        QCOMPARE(f.simulator.vendRequests(), 1);
        QVERIFY(tunnel.config().token != token);
        QCOMPARE(f.sink.sources.value(0), QStringLiteral("vended"));
    }

    void invalidKeyIsAuthFailedWithTheMessage()
    {
        Fixture f;
        const QString wrong = QStringLiteral("sa_live_00000000000000000000000000000000");
        Tunnel tunnel(f.config(), &f.sink);
        TokenSupply supply(&tunnel, &f.sink, QString());
        supply.setKey(keyFrom(wrong));
        tunnel.start();
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("service account key invalid or revoked")),
                                 10000);
        QCOMPARE(tunnel.state(), State::AuthFailed);
        QVERIFY(tunnel.stateReason().contains(QStringLiteral("sa_live_00…")));
        QVERIFY(!tunnel.stateReason().contains(wrong));
        QVERIFY(!supply.canSupply());
        // Tried again only at the auth retry interval (300 s by default).
        QVERIFY2(secondsUntil(supply.nextAttemptAt()) >= 290, qPrintable(supply.nextAttemptAt().toString()));
        QTest::qWait(2000);
        QCOMPARE(f.simulator.vendRequests(), 1);

        // A revoked key says the same; a new key is asked at once, whatever the rate limit.
        const QString revoked = f.simulator.addServiceAccount(f.pathId);
        f.simulator.revokeServiceAccount(revoked);
        supply.setKey(keyFrom(revoked));
        QTRY_COMPARE_WITH_TIMEOUT(f.simulator.vendRequests(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("service account key invalid or revoked")),
                                 10000);
        supply.setKey(keyFrom(f.key));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        QCOMPARE(f.simulator.vendRequests(), 3);
    }

    void wrongPathIsAConfigError()
    {
        Fixture f;
        const QString other = f.simulator.addMount(QStringLiteral("/other"));
        Tunnel tunnel(f.config(), &f.sink);
        TokenSupply supply(&tunnel, &f.sink, other); // the configured mount is one the account may not serve
        supply.setKey(keyFrom(f.key));
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::ConfigError, 10000);
        QVERIFY2(tunnel.stateReason().contains(QStringLiteral("this service account may not serve %1").arg(other)),
                 qPrintable(tunnel.stateReason()));
        QVERIFY(tunnel.stateReason().contains(f.pathId)); // the allowed path id
        QVERIFY(!supply.canSupply());
        QVERIFY(!supply.nextAttemptAt().isValid());
        QTest::qWait(1500);
        QCOMPARE(f.simulator.vendRequests(), 1);
        QCOMPARE(tunnel.state(), State::ConfigError);
    }

    void endpointFailingIsRetriedWithBackoff()
    {
        Fixture f;
        f.simulator.setVendingFailure(503);
        Tunnel tunnel(f.config(), &f.sink);
        TokenSupply supply(&tunnel, &f.sink, QString());
        supply.setKey(keyFrom(f.key));
        tunnel.start();
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("HTTP 503")), 10000);
        QCOMPARE(tunnel.state(), State::AuthFailed);
        QVERIFY2(tunnel.stateReason().contains(QLatin1String("asking again in")), qPrintable(tunnel.stateReason()));
        // The first retry after a minute (±25 %): the rate limit is the floor of the backoff.
        const qint64 wait = secondsUntil(supply.nextAttemptAt());
        QVERIFY2(wait >= 44 && wait <= 76, qPrintable(QString::number(wait)));
        QVERIFY(supply.canSupply());
        QTest::qWait(2000);
        QCOMPARE(f.simulator.vendRequests(), 1);
        // 422 is retried the same way.
        f.simulator.setVendingFailure(422);
        const QString second = f.simulator.addServiceAccount(f.pathId);
        supply.setKey(keyFrom(second));
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("HTTP 422")), 10000);
        QCOMPARE(f.simulator.vendRequests(), 2);
        f.simulator.setVendingFailure(0);
        supply.setKey(keyFrom(f.key));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
    }

    void unreachableEndpointIsRetriedWithBackoff()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close(); // nothing listens there now
        TunnelConfig config;
        config.server = QUrl(QStringLiteral("ws://127.0.0.1:%1/socket/websocket").arg(port));
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:1"));
        RecordingSink sink;
        Tunnel tunnel(config, &sink);
        TokenSupply supply(&tunnel, &sink, QString());
        supply.setKey(keyFrom(QStringLiteral("sa_live_ffffffffffffffffffffffffffffffff")));
        tunnel.start();
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("cannot be reached")), 10000);
        QVERIFY2(tunnel.stateReason().contains(QLatin1String("the connection was refused")), qPrintable(tunnel.stateReason()));
        QVERIFY(tunnel.stateReason().contains(QLatin1String("asking again in")));
        QVERIFY(!tunnel.stateReason().contains(QLatin1String("ffffffffffffffff")));
        QVERIFY(secondsUntil(supply.nextAttemptAt()) >= 44);
        QCOMPARE(supply.requestsSent(), 1);
    }

    // The key is masked in every log line, whoever writes it.
    void keyIsMaskedInTheLog()
    {
        Fixture f;
        Tunnel tunnel(f.config(), &f.sink);
        TokenSupply supply(&tunnel, &f.sink, QString());
        supply.setKey(keyFrom(f.key));
        QVERIFY(!logging::redact(QStringLiteral("key=") + f.key).contains(f.key));
        supply.setKey({});
        QVERIFY(logging::redact(QStringLiteral("key=") + f.key).contains(f.key));
    }

    void vendedTokensAreStoredAsVended()
    {
        Fixture f;
        QTemporaryDir dir;
        TokenStore store(TokenStore::fileIn(dir.path()));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY2(store.unlock(QByteArray(32, 'k'), QStringLiteral("file"), QStringLiteral("test"), &error),
                 qPrintable(error));
        Tunnel tunnel(f.config(), &store);
        TokenSupply supply(&tunnel, &store, QString());
        supply.setKey(keyFrom(f.key));
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        const auto rows = store.list(&error);
        QVERIFY2(rows, qPrintable(error));
        QCOMPARE(rows->size(), 1);
        QCOMPARE(rows->first().source, TokenSource::Vended);
        QCOMPARE(rows->first().pathId, f.pathId);
        const QByteArray file = [&] {
            QFile in(store.fileName());
            return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
        }();
        QVERIFY(!file.isEmpty());
        QVERIFY(!file.contains(f.key.toUtf8()));
        QVERIFY(!file.contains(tunnel.config().token.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TestTokenVending)
#include "test_tokenvending.moc"
