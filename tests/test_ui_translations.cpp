// The German translation: complete (no unfinished entries in the .ts), built into a .qm that is
// embedded in the program, and loaded by Translations for the "language" setting. The engine's
// reasons, which it gives as codes plus arguments, reach the German window in German while its
// log text stays English; a real tunnel against the simulator brings each state about.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "ui/humantext.h"
#include "ui/translations.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QTranslator>

using namespace telephone;
using namespace std::chrono_literals;
using State = Tunnel::State;

namespace {

struct SimulatedServer {
    sim::PlugboardSimulator simulator;
    sim::EchoBackend backend;
    MemoryTokenSink sink;
    QString pathId;

    SimulatedServer()
    {
        if (!simulator.listen() || !backend.listen(QHostAddress::LocalHost, 0))
            qFatal("simulator or backend did not listen");
        pathId = simulator.addMount(QStringLiteral("/demo"));
    }

    TunnelConfig config(const QString &token) const
    {
        TunnelConfig c;
        c.server = simulator.socketUrl();
        c.token = token;
        c.backend = backend.url();
        c.heartbeatInterval = 1s;
        c.joinTimeout = 2s;
        c.authRetryInterval = 0ms; // the backoff stays at its default
        return c;
    }
};

QString german(const Tunnel &tunnel)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return HumanText::stateHeadline(tunnel, now) + QLatin1String(" | ") + HumanText::stateDetail(tunnel, now);
}

} // namespace

class TestUiTranslations : public QObject
{
    Q_OBJECT

private slots:
    void tsFileIsComplete()
    {
        QFile ts(QStringLiteral(TELEPHONE_TS_FILE));
        QVERIFY2(ts.open(QIODevice::ReadOnly), TELEPHONE_TS_FILE);
        const QString text = QString::fromUtf8(ts.readAll());
        QVERIFY(text.contains(QStringLiteral("language=\"de_DE\"")));
        QVERIFY(!text.contains(QStringLiteral("type=\"unfinished\"")));
        QVERIFY(!text.contains(QStringLiteral("type=\"vanished\"")));
        QVERIFY(!text.contains(QStringLiteral("type=\"obsolete\"")));
        QVERIFY(!text.contains(QStringLiteral("<location"))); // lupdate -locations none
        const int sources = int(text.count(QStringLiteral("<source>")));
        // Plural messages hold one <numerusform> per form (two in German), each filled in.
        const int translations = int(text.count(QRegularExpression(QStringLiteral("<translation>[^<]+</translation>"))))
            + int(text.count(QRegularExpression(QStringLiteral("<translation>\\s*<numerusform>[^<]+</numerusform>\\s*"
                                                               "<numerusform>[^<]+</numerusform>\\s*</translation>"))));
        QVERIFY(sources > 150);
        QCOMPARE(translations, sources);
    }

    void embeddedQmLoads()
    {
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral(":/i18n/telephone_de.qm")));
        QVERIFY(!translator.isEmpty());
    }

    void settingPicksGerman()
    {
        QCOMPARE(HumanText::stateName(Tunnel::State::Connected), QStringLiteral("Connected"));
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        QCOMPARE(HumanText::stateName(Tunnel::State::Connected), QStringLiteral("Verbunden"));
        QCOMPARE(HumanText::expiry(3600 + 42 * 60, 3600), QStringLiteral("läuft in 42 Min. ab"));
    }

    // Every code the engine can give has German words (only free text passes through as it is).
    void everyReasonCodeHasGerman()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        for (int c = int(StateReason::Code::Text) + 1; c <= int(StateReason::Code::Stopped); ++c) {
            const StateReason reason{StateReason::Code(c), {QStringLiteral("2"), QStringLiteral("b")}};
            const QString german = HumanText::reasonPart(reason);
            QVERIFY2(!german.isEmpty() && german != reason.englishText(),
                     qPrintable(QStringLiteral("code %1: %2").arg(c).arg(german)));
            QVERIFY2(!german.contains(QLatin1String("--")), qPrintable(german)); // no flags in the window
        }
        QCOMPARE(HumanText::reasonPart(StateReason::text(QStringLiteral("as is"))), QStringLiteral("as is"));
        QCOMPARE(HumanText::reason({{StateReason::Code::Text, {QStringLiteral("connection refused")}},
                                    {StateReason::Code::NextTry, {QStringLiteral("1.5")}}}),
                 QStringLiteral("connection refused; nächster Versuch in 1,5 s"));
    }

    void germanReasonsConnectedAndReconnecting()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;
        Tunnel tunnel(server.config(server.simulator.mintToken(server.pathId)), &server.sink);
        tunnel.start();
        QCOMPARE(tunnel.state(), State::Connecting);
        QVERIFY2(german(tunnel).startsWith(QLatin1String("Verbindung wird hergestellt | verbinde mit ws://"))
                     || german(tunnel).contains(QLatin1String("| verbinde mit ws://")),
                 qPrintable(german(tunnel)));
        QVERIFY2(tunnel.stateReason().startsWith(QLatin1String("connecting to ws://")), qPrintable(tunnel.stateReason()));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        const QString backend = server.backend.url().toString(QUrl::StripTrailingSlash);
        QVERIFY2(german(tunnel).endsWith(QStringLiteral("beigetreten; stellt Mount /demo von %1 bereit").arg(backend)),
                 qPrintable(german(tunnel)));
        QCOMPARE(tunnel.stateReason(), QStringLiteral("joined; serving mount /demo from %1").arg(backend));

        server.simulator.close();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Reconnecting, 5000);
        QVERIFY2(german(tunnel).contains(QStringLiteral("; nächster Versuch in ")), qPrintable(german(tunnel)));
        QVERIFY2(tunnel.stateReason().contains(QLatin1String("; next try in ")), qPrintable(tunnel.stateReason()));
        QVERIFY(!tunnel.stateReason().contains(QStringLiteral("nächster")));
    }

    void germanReasonsForTokenProblems()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;

        Tunnel missing(server.config(QString()), &server.sink);
        missing.start();
        QCOMPARE(missing.state(), State::AuthFailed);
        QVERIFY2(german(missing).startsWith(QLatin1String("Noch kein Token |")), qPrintable(german(missing)));
        QVERIFY(missing.stateReason().startsWith(QLatin1String("no token: pass --token")));

        const QString revoked = server.simulator.mintToken(server.pathId);
        server.simulator.revokeToken(server.simulator.jtiOf(revoked));
        Tunnel refused(server.config(revoked), &server.sink);
        refused.start();
        QTRY_COMPARE_WITH_TIMEOUT(refused.state(), State::AuthFailed, 5000);
        QVERIFY2(german(refused).startsWith(QStringLiteral("Token vom Server abgelehnt: der Server hat das Token "
                                                          "abgelehnt (HTTP 403): Es ist ungültig, abgelaufen oder "
                                                          "widerrufen |")),
                 qPrintable(german(refused)));
        QCOMPARE(refused.stateReason(), QStringLiteral("the server refused the token (HTTP 403): it is invalid, "
                                                       "expired or revoked; waiting for a new token"));

        Tunnel unusable(server.config(QStringLiteral("not-a-token")), &server.sink);
        unusable.start();
        QCOMPARE(unusable.state(), State::AuthFailed);
        QVERIFY2(german(unusable).startsWith(QLatin1String("Token unbrauchbar: das Token ist nicht verwendbar: ")),
                 qPrintable(german(unusable)));

        const qint64 longAgo = QDateTime::currentSecsSinceEpoch() - 7200;
        Tunnel expired(server.config(server.simulator.mintToken(server.pathId, 3600, longAgo)), &server.sink);
        expired.start();
        QCOMPARE(expired.state(), State::AuthFailed);
        QVERIFY2(german(expired).startsWith(QLatin1String("Token abgelaufen um ")), qPrintable(german(expired)));
        QVERIFY(expired.stateReason().contains(QLatin1String("expired at")));
    }

    void germanReasonForConfigurationError()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;
        const QString token = server.simulator.mintToken(server.pathId);
        server.simulator.reassignToken(server.simulator.jtiOf(token), server.simulator.addMount(QStringLiteral("/other")));
        Tunnel tunnel(server.config(token), &server.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::ConfigError, 5000);
        QVERIFY2(german(tunnel).contains(QStringLiteral("laut Server gehört dieses Token nicht zu Mount %1 "
                                                        "(path_id_mismatch)")
                                             .arg(server.pathId)),
                 qPrintable(german(tunnel)));
        QVERIFY(tunnel.stateReason().startsWith(QLatin1String("the server says this token does not belong")));
    }
};

QTEST_MAIN(TestUiTranslations)
#include "test_ui_translations.moc"
