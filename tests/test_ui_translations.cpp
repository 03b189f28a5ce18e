// The German translation: complete (no unfinished entries in the .ts), built into a .qm that is
// embedded in the program, and loaded by Translations for the "language" setting. The engine's
// reasons, which it gives as codes plus arguments, reach the German window in German while its
// log text stays English; a real tunnel against the simulator brings each state about.

#include "config/settings.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "support/rawhttpclient.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokensink.h"
#include "tunnel/tokensupply.h"
#include "tunnel/tunnel.h"
#include "ui/exchangedetailview.h"
#include "ui/exchangemodel.h"
#include "ui/humantext.h"
#include "ui/settingsdialog.h"
#include "ui/tokendialog.h"
#include "ui/translations.h"
#include "ui/websocketframesview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QStyle>
#include <QStyleFactory>
#include <QStandardPaths>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTranslator>
#include <QWebSocket>

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

// The English words the engine's lower layers used to put into reasons (socket, heartbeat, token
// decoding, token vending): none of them may reach the German window. Written out here, not taken
// from the engine, so that a new English text in the engine cannot pass by being on both sides.
const QStringList EnglishEngineWords = {
    QStringLiteral("the server"), QStringLiteral("connection"), QStringLiteral("close frame"),
    QStringLiteral("closed by"), QStringLiteral("could not"), QStringLiteral("dropped by"),
    QStringLiteral("refused"), QStringLiteral("nothing heard"), QStringLiteral("heartbeat every"),
    QStringLiteral("no answer"), QStringLiteral("WebSocket upgrade"), QStringLiteral("upgrade response"),
    QStringLiteral("protocol error"), QStringLiteral("taken for dead"), QStringLiteral("within"),
    QStringLiteral("Connection"), QStringLiteral("remote host"), QStringLiteral("Network"),
    QStringLiteral("network"), QStringLiteral("timed out"), QStringLiteral("cannot"), QStringLiteral("answered"),
    QStringLiteral("token vending"), QStringLiteral("service account"), QStringLiteral("may not"),
    QStringLiteral("the token"), QStringLiteral("not a JWT"), QStringLiteral("base64url"),
    QStringLiteral("JSON object"), QStringLiteral("claim"), QStringLiteral("is empty"), QStringLiteral("asking"),
    QStringLiteral("again in"), QStringLiteral("give a new"), QStringLiteral("without"), QStringLiteral("secure"),
    QStringLiteral("not found"), QStringLiteral("is already in use"), QStringLiteral("expired at"),
    // Requests Telephone answers itself (the inspector):
    QStringLiteral("invalid request"), QStringLiteral("the backend"), QStringLiteral("the path"),
    QStringLiteral("header"), QStringLiteral("request body"), QStringLiteral("shutting down"),
    QStringLiteral("concurrent"), QStringLiteral("too large"), QStringLiteral("is reset"), QStringLiteral("was reset"),
    QStringLiteral("response"), QStringLiteral("replay"), QStringLiteral("is longer"), QStringLiteral("is not"),
    QStringLiteral("be proxied"),
    // WebSocket connections Telephone refuses or closes, the keychain, a typed service-account key:
    QStringLiteral("is stopping"), QStringLiteral("going away"), QStringLiteral("keychain"), QStringLiteral("failed"),
    QStringLiteral("session bus"), QStringLiteral("malformed"), QStringLiteral("Closed with"),
};

// The text of the first label in `widget` that contains `words`.
QString labelWith(const QWidget &widget, const QString &words)
{
    for (const QLabel *label : widget.findChildren<QLabel *>()) {
        if (label->text().contains(words))
            return label->text();
    }
    return {};
}

QString englishIn(const QString &text)
{
    for (const QString &words : EnglishEngineWords) {
        if (text.contains(words))
            return words;
    }
    return {};
}

// While it lives, no D-Bus session bus can be found: the keychain answers at once that it cannot work.
struct NoSessionBus {
    const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    NoSessionBus()
    {
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("XDG_RUNTIME_DIR");
    }
    ~NoSessionBus()
    {
        if (!bus.isNull())
            qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
        if (!runtime.isNull())
            qputenv("XDG_RUNTIME_DIR", runtime);
    }
};

std::optional<Settings> defaultSettings()
{
    QCommandLineParser parser;
    Settings::addOptions(parser);
    if (!parser.parse({QStringLiteral("telephone")}))
        return std::nullopt;
    QString error;
    return Settings::resolve(parser, QProcessEnvironment(), &error);
}

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

    // Every code the engine can give has German words, and nothing the engine composed stays English.
    void everyReasonCodeHasGerman()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        const Problem sample{Problem::Kind::NoCloseFrame, {}};
        for (int c = int(StateReason::Code::ConnectionProblem); c <= int(StateReason::Code::Stopped); ++c) {
            const StateReason reason{StateReason::Code(c), {QStringLiteral("2"), QStringLiteral("3")}, sample};
            const QString german = HumanText::reasonPart(reason);
            QVERIFY2(!german.isEmpty() && german != reason.englishText(),
                     qPrintable(QStringLiteral("code %1: %2").arg(c).arg(german)));
            QVERIFY2(!german.contains(QLatin1String("--")), qPrintable(german)); // no flags in the window
            QVERIFY2(englishIn(german).isEmpty(), qPrintable(german + QLatin1String(" <- ") + englishIn(german)));
        }
        QCOMPARE(HumanText::reason({StateReason::because(StateReason::Code::ConnectionProblem, sample),
                                    {StateReason::Code::NextTry, {QStringLiteral("0.75")}}}),
                 QStringLiteral("der Server hat die Verbindung ohne Begründung beendet; nächster Versuch in 0,75 s"));
    }

    // The same for every problem a lower layer reports: German words, English in the log.
    void everyProblemHasGerman()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        for (int k = int(Problem::Kind::None) + 1; k <= int(Problem::LastKind); ++k) {
            const Problem problem{Problem::Kind(k), {QStringLiteral("2"), QStringLiteral("3")}};
            const QString german = HumanText::problem(problem);
            const QString english = problem.englishText();
            QVERIFY2(!english.isEmpty(), qPrintable(QStringLiteral("kind %1").arg(k)));
            QVERIFY2(!german.isEmpty() && german != english, qPrintable(QStringLiteral("kind %1: %2").arg(k).arg(german)));
            QVERIFY2(englishIn(german).isEmpty(), qPrintable(german + QLatin1String(" <- ") + englishIn(german)));
            QVERIFY2(!german.contains(QLatin1String("--")), qPrintable(german));
            // The English list above would catch this kind in English: it is a real check.
            QVERIFY2(!englishIn(english).isEmpty() || english.contains(QLatin1String("WebSocket")),
                     qPrintable(QStringLiteral("kind %1: the list misses \"%2\"").arg(k).arg(english)));
        }
        // The other side's words stay as they are, inside a German sentence.
        QCOMPARE(HumanText::problem({Problem::Kind::ClosedByServer, {QStringLiteral("1011"), QStringLiteral("kicked")}}),
                 QStringLiteral("der Server hat die Verbindung beendet: kicked (Code 1011)"));
        QCOMPARE(HumanText::problem({Problem::Kind::VendingRequestRefused, {QStringLiteral("bad description")}}),
                 QStringLiteral("die Token-Ausgabe hat die Anfrage abgelehnt (HTTP 422) (der Server sagt: bad description)"));
        // A problem inside another (a socket's, the response parser's) is German too.
        const Problem unreachable = Problem::withCause(Problem::Kind::BackendWsUnreachable, {},
                                                       {Problem::Kind::SocketRefused});
        QCOMPARE(unreachable.englishText(),
                 QStringLiteral("the backend WebSocket could not be reached: the connection was refused"));
        QCOMPARE(HumanText::problem(unreachable),
                 QStringLiteral("das Backend ist nicht erreichbar: die Verbindung wurde abgelehnt"));
        const Problem invalid = Problem::withCause(Problem::Kind::BackendInvalidResponse, {QStringLiteral("http://b")},
                                                   {Problem::Kind::ResponseHeaderControlCharacter, {QStringLiteral("x-a")}});
        QCOMPARE(invalid.englishText(), QStringLiteral("the backend http://b sent an invalid response: the backend sent a "
                                                       "control character in the value of header x-a"));
        const QString germanInvalid = HumanText::problem(invalid);
        QVERIFY2(germanInvalid.endsWith(QStringLiteral(": der Wert des Headers x-a enthält ein Steuerzeichen")),
                 qPrintable(germanInvalid));
        // What goes on the wire in a close frame fits one (123 bytes), with numbers up to a terabyte.
        const QString big = QStringLiteral("999999999999");
        for (const Problem::Kind kind : {Problem::Kind::WsStopping, Problem::Kind::WsGoingAway, Problem::Kind::WsBufferFull,
                                         Problem::Kind::WsBackendNotReading, Problem::Kind::WsServerNotTaking,
                                         Problem::Kind::WsEarlyFramesOverflow}) {
            const QByteArray wire = Problem(kind, {big, big}).englishText().toUtf8();
            QVERIFY2(wire.size() <= 123, wire.constData());
        }
    }

    // The relay's own refusal (the backend is down) and its own close (the tunnel stops), through a
    // real tunnel and a browser's WebSocket: the German inspector says both in German, while the
    // server and the backend get the English words.
    void germanWebSocketRefusalAndCloseInTheInspector()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;
        QList<QJsonObject> checkResults;
        connect(&server.simulator, &sim::PlugboardSimulator::frameReceived, this, [&checkResults](const sim::Frame &frame) {
            if (frame.event == QLatin1String("ws_check_result"))
                checkResults.append(frame.payload);
        });
        const QString token = server.simulator.mintToken(server.pathId);
        TunnelConfig config = server.config(token);
        QTcpServer gone; // a port nothing listens on any more: the backend is down
        QVERIFY(gone.listen(QHostAddress::LocalHost, 0));
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(gone.serverPort()));
        gone.close();
        const QUrl browserUrl(QStringLiteral("ws://127.0.0.1:%1/call/demo/live").arg(server.simulator.port()));
        {
            Tunnel tunnel(config, &server.sink);
            QSignalSpy closed(&tunnel, &Tunnel::webSocketClosed);
            tunnel.start();
            QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
            QWebSocket browser;
            browser.open(browserUrl);
            QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, 10000);
            const Exchange refused = closed.first().first().value<Exchange>();
            QVERIFY(refused.isWebSocket());
            QCOMPARE(refused.problem.kind, Problem::Kind::BackendWsUnreachable);
            QCOMPARE(refused.error, refused.problem.englishText());
            QTRY_COMPARE_WITH_TIMEOUT(checkResults.size(), 1, 5000);
            const QString wire = checkResults.first().value(QLatin1String("reason")).toString();
            QCOMPARE(wire, QStringLiteral("the backend WebSocket could not be reached: the connection was refused"));

            ExchangeModel model;
            model.addFinished(refused);
            model.flush();
            const QString row = model.data(model.index(0, ExchangeModel::StatusColumn), Qt::ToolTipRole).toString();
            ExchangeDetailView detail;
            detail.setExchange(refused);
            const QString summary = labelWith(detail, QStringLiteral("WebSocket abgelehnt"));
            for (const QString &text : {row, summary}) {
                QVERIFY2(text.contains(QStringLiteral("das Backend ist nicht erreichbar: die Verbindung wurde abgelehnt")),
                         qPrintable(text));
                QVERIFY2(englishIn(text).isEmpty(), qPrintable(text + QLatin1String(" <- ") + englishIn(text)));
            }
            tunnel.stop();
        }

        config.backend = server.backend.url(); // a backend that takes WebSockets (it echoes)
        Tunnel tunnel(config, &server.sink);
        QSignalSpy opened(&tunnel, &Tunnel::webSocketOpened);
        QSignalSpy closed(&tunnel, &Tunnel::webSocketClosed);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);
        QWebSocket browser;
        browser.open(browserUrl);
        QTRY_VERIFY_WITH_TIMEOUT(browser.state() == QAbstractSocket::ConnectedState, 10000);
        tunnel.stop(); // closes the backend connection itself: 1001 "going away"
        QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, 10000);
        const Exchange ended = closed.first().first().value<Exchange>();
        QCOMPARE(ended.webSocket->closeCode, 1001);
        QCOMPARE(ended.webSocket->closeReason, QStringLiteral("going away")); // as the backend got it
        QCOMPARE(ended.webSocket->closeProblem.kind, Problem::Kind::WsGoingAway);
        WebSocketFramesView frames;
        frames.setSession(*ended.webSocket);
        const QString totals = labelWith(frames, QStringLiteral("1001"));
        QVERIFY2(totals.contains(QStringLiteral("Geschlossen mit 1001 Telephone hat sie geschlossen")), qPrintable(totals));
        QVERIFY2(englishIn(totals).isEmpty(), qPrintable(totals + QLatin1String(" <- ") + englishIn(totals)));
    }

    // The settings dialog's service-account key: what the keychain says (here: no session bus,
    // so no Secret Service) and what is wrong with a typed key, in German.
    void germanKeychainProblemsInTheSettingsDialog()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        QStandardPaths::setTestModeEnabled(true);
        const NoSessionBus noBus;
        const std::optional<Settings> settings = defaultSettings();
        QVERIFY(settings);
        SettingsDialog dialog(*settings, nullptr, nullptr);
        auto *status = dialog.findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
        QVERIFY(status);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Der Schlüsselbund des Systems hat nicht")), 5000);
        QVERIFY2(status->text().contains(QStringLiteral("D-Bus-Sitzungsbus")), qPrintable(status->text()));
        QVERIFY2(englishIn(status->text()).isEmpty(), qPrintable(status->text() + QLatin1String(" <- ") + englishIn(status->text())));

        auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("serviceAccountKey"));
        QVERIFY(edit);
        edit->setEnabled(true);
        for (const QString &typed : {QStringLiteral("sa_live_with space"), QStringLiteral("ghp_notakey")}) {
            edit->setText(typed);
            QTest::keyClick(edit, Qt::Key_Return);
            QVERIFY2(status->text().startsWith(QStringLiteral("der Dienstkonto-Schlüssel"))
                         || status->text().startsWith(QStringLiteral("das ist kein Dienstkonto-Schlüssel")),
                     qPrintable(status->text()));
            QVERIFY2(englishIn(status->text()).isEmpty(), qPrintable(status->text()));
        }
    }

    // At 480 px wide, in German (long button labels), the key field keeps room to type in: its
    // buttons are below it rather than squeezing it.
    void keyFieldUsableAt480PixelsInGerman_data()
    {
        // Adwaita (adwaita-qt6, scripts/deps.txt) has taller widgets: there the rows used to be
        // squeezed over each other.
        QTest::addColumn<QString>("style");
        QTest::newRow("Fusion") << QStringLiteral("Fusion");
        QTest::newRow("Adwaita-Dark") << QStringLiteral("Adwaita-Dark");
    }

    void keyFieldUsableAt480PixelsInGerman()
    {
        QFETCH(QString, style);
        QVERIFY2(QStyleFactory::keys().contains(style, Qt::CaseInsensitive), qPrintable(style)); // installed
        const QString before = QApplication::style()->name();
        QApplication::setStyle(style);
        const auto restoreStyle = qScopeGuard([&before] { QApplication::setStyle(before); });
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        QStandardPaths::setTestModeEnabled(true);
        const std::optional<Settings> settings = defaultSettings();
        QVERIFY(settings);
        // Without a session bus the keychain's answer is a long German sentence under the field.
        const NoSessionBus noBus;
        SettingsDialog dialog(*settings, nullptr, nullptr);
        dialog.show(); // at its own width first: the user narrows it
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.width() > 480);
        QTest::qWait(100); // the keychain's answer is shown
        dialog.resize(480, 760);
        QTRY_COMPARE(dialog.width(), 480);
        QTest::qWait(100); // every layout pass that follows
        auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("serviceAccountKey"));
        auto *store = dialog.findChild<QPushButton *>(QStringLiteral("storeServiceAccountKey"));
        auto *forget = dialog.findChild<QPushButton *>(QStringLiteral("forgetServiceAccountKey"));
        QVERIFY(edit && store && forget);
        QCOMPARE(store->text(), QStringLiteral("Im Schlüsselbund speichern"));
        // A whole "sa_live_" prefix and a dozen characters after it.
        const int usable = edit->fontMetrics().horizontalAdvance(QStringLiteral("sa_live_0123456789ab"));
        QVERIFY2(edit->width() >= usable, qPrintable(QStringLiteral("%1 < %2").arg(edit->width()).arg(usable)));
        const auto inDialog = [&dialog](const QWidget *w) { return QRect(w->mapTo(&dialog, QPoint(0, 0)), w->size()); };
        auto *status = dialog.findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
        QVERIFY(status);
        QVERIFY(edit->height() >= edit->sizeHint().height()); // not squeezed the other way either
        for (const QWidget *button : {static_cast<QWidget *>(store), static_cast<QWidget *>(forget)}) {
            QVERIFY(!inDialog(button).intersects(inDialog(edit)));
            QVERIFY(!inDialog(button).intersects(inDialog(status)));
            QVERIFY(dialog.rect().contains(inDialog(button)));
            QVERIFY(button->width() >= button->sizeHint().width()); // labels not cut
            QVERIFY(button->height() >= button->sizeHint().height());
        }
        QVERIFY(!inDialog(edit).intersects(inDialog(status)));
        QVERIFY(dialog.rect().contains(inDialog(edit)));
        // The status text is not cut off: it has the height its words need at its width.
        QVERIFY2(status->height() >= status->heightForWidth(status->width()),
                 qPrintable(QStringLiteral("%1 < %2").arg(status->height()).arg(status->heightForWidth(status->width()))));
    }

    // Real requests through the simulator that Telephone answers itself (a backend that is down, a
    // path that names another host): the German inspector says why in German, while the HTTP
    // client still gets the English reason.
    void germanRequestErrorsInTheInspector()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;
        TunnelConfig config = server.config(server.simulator.mintToken(server.pathId));
        QTcpServer gone; // a port nothing listens on any more: the backend is down
        QVERIFY(gone.listen(QHostAddress::LocalHost, 0));
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(gone.serverPort()));
        gone.close();
        Tunnel tunnel(config, &server.sink);
        QSignalSpy finished(&tunnel, &Tunnel::exchangeFinished);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 10000);

        const RawResponse down = rawCall(server.simulator.port(), "GET", "/call/demo/x");
        QCOMPARE(down.status, 502);
        QVERIFY2(down.body.contains("refused the connection (is it running?)"), down.body.constData());
        const RawResponse hostPath = rawCall(server.simulator.port(), "GET", "/call/demo//evil.example/x");
        QCOMPARE(hostPath.status, 400);
        QVERIFY2(hostPath.body.contains("invalid request: the path starts with '//', which names another host"),
                 hostPath.body.constData());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);

        ExchangeModel model;
        ExchangeDetailView detail;
        QStringList shown;
        for (const QList<QVariant> &arguments : std::as_const(finished)) {
            const Exchange exchange = arguments.first().value<Exchange>();
            QVERIFY(!exchange.problem.isNone());
            QCOMPARE(exchange.error, exchange.problem.englishText()); // logs and HAR stay English
            model.addStarted(exchange);
            model.addFinished(exchange);
            model.flush();
            const QString row =
                model.data(model.index(model.rowCount() - 1, ExchangeModel::StatusColumn), Qt::ToolTipRole).toString();
            detail.setExchange(exchange);
            QString banner;
            for (const QLabel *label : detail.findChildren<QLabel *>()) {
                if (label->text().startsWith(QStringLiteral("Telephone hat")))
                    banner = label->text();
            }
            QVERIFY2(!banner.isEmpty(), qPrintable(row));
            for (const QString &text : {row, banner}) {
                QVERIFY2(englishIn(text).isEmpty(), qPrintable(text + QLatin1String(" <- ") + englishIn(text)));
                QVERIFY2(text.contains(HumanText::exchangeError(exchange)), qPrintable(text));
            }
            shown.append(HumanText::exchangeError(exchange));
        }
        QVERIFY2(shown.first().contains(QStringLiteral("hat die Verbindung abgelehnt")), qPrintable(shown.first()));
        QVERIFY2(shown.last().contains(QStringLiteral("'//'")), qPrintable(shown.last()));
        tunnel.stop();
    }

    // A real tunnel loses its connection in each way a server can end one: the German window says
    // why in German (the server's own close reason as it is), the log in English.
    void germanConnectionLosses_data()
    {
        QTest::addColumn<int>("how");
        QTest::newRow("close frame with a reason") << 0;
        QTest::newRow("no close frame (FIN)") << 1;
        QTest::newRow("reset (RST)") << 2;
        QTest::newRow("heartbeat unanswered") << 3;
        QTest::newRow("server gone: connection refused") << 4;
    }

    void germanConnectionLosses()
    {
        QFETCH(int, how);
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;
        TunnelConfig config = server.config(server.simulator.mintToken(server.pathId));
        config.heartbeatInterval = 300ms; // shortened to make the test fast; the rule measured is the same
        Tunnel tunnel(config, &server.sink);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        switch (how) {
        case 0: server.simulator.kickAll(); break;
        case 1: server.simulator.dropAll(sim::PlugboardSimulator::Drop::Fin); break;
        case 2: server.simulator.dropAll(sim::PlugboardSimulator::Drop::Reset); break;
        case 3: server.simulator.setHeartbeatAcks(false); break;
        case 4: server.simulator.close(); break;
        }
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Reconnecting, 10000);
        if (how == 4) {
            // The next attempt meets a closed port.
            QTRY_VERIFY_WITH_TIMEOUT(tunnel.connectAttempts() > 1 && tunnel.state() == State::Reconnecting, 15000);
        }
        const QString shown = HumanText::reason(tunnel.stateReasons());
        QVERIFY2(englishIn(shown).isEmpty(), qPrintable(shown + QLatin1String(" <- ") + englishIn(shown)));
        QVERIFY2(shown.contains(QStringLiteral("; nächster Versuch in ")), qPrintable(shown));
        QVERIFY2(englishIn(tunnel.stateReason()).size() > 0, qPrintable(tunnel.stateReason())); // the log: English
        if (how == 0)
            QVERIFY2(shown.contains(QLatin1String(": kicked (Code 1011)")), qPrintable(shown));
        tunnel.stop();
    }

    // Token vending that fails (HTTP 503, then a revoked key) is told in German in the window.
    void germanTokenVendingFailures()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;
        const QString key = server.simulator.addServiceAccount(server.pathId);
        server.simulator.setVendingFailure(503);
        Tunnel tunnel(server.config(QString()), &server.sink);
        TokenSupply supply(&tunnel, &server.sink, QString());
        supply.setKey(ServiceAccountKey{key, QStringLiteral("the test")});
        tunnel.start();
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("HTTP 503")), 10000);
        QString shown = HumanText::reason(tunnel.stateReasons());
        QVERIFY2(shown.startsWith(QStringLiteral("die Token-Ausgabe antwortete HTTP 503")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("; neue Anfrage in ")), qPrintable(shown));
        QVERIFY2(englishIn(shown).isEmpty(), qPrintable(shown + QLatin1String(" <- ") + englishIn(shown)));

        server.simulator.setVendingFailure(0);
        const QString revoked = server.simulator.addServiceAccount(server.pathId);
        server.simulator.revokeServiceAccount(revoked);
        supply.setKey(ServiceAccountKey{revoked, QStringLiteral("the test")});
        QTRY_VERIFY_WITH_TIMEOUT(tunnel.stateReason().contains(QLatin1String("invalid or revoked")), 10000);
        shown = HumanText::reason(tunnel.stateReasons());
        QVERIFY2(shown.startsWith(QStringLiteral("der Dienstkonto-Schlüssel ")), qPrintable(shown));
        // The server's own words are shown as they came, inside the German sentence; the rest is German.
        const QRegularExpression serverWords(QStringLiteral(" \\(der Server sagt: [^)]+\\)"));
        QVERIFY2(shown.contains(serverWords), qPrintable(shown));
        const QString ours = QString(shown).remove(serverWords);
        QVERIFY2(englishIn(ours).isEmpty(), qPrintable(ours + QLatin1String(" <- ") + englishIn(ours)));
        tunnel.stop();
    }

    // The token dialog says in German what is wrong with a pasted token.
    void germanTokenDialogProblems()
    {
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        SimulatedServer server;
        Tunnel tunnel(server.config(server.simulator.mintToken(server.pathId)), &server.sink);
        TokenDialog dialog(&tunnel);
        auto *message = dialog.findChild<QLabel *>(QStringLiteral("tokenMessage"));
        QVERIFY(message);
        const QString payloadNotJson = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln");
        const QString noPathId = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
        for (const QString &pasted : {QStringLiteral("not-a-token"), QStringLiteral("a.b"), QStringLiteral("a b.c.d"),
                                      payloadNotJson, noPathId}) {
            dialog.setToken(pasted);
            QVERIFY2(message->text().startsWith(QStringLiteral("Das ist kein Plugboard-Token: ")),
                     qPrintable(message->text()));
            QVERIFY2(englishIn(message->text()).isEmpty(), qPrintable(message->text()));
        }
        // Save with a token the tunnel will not take: a newer one for the mount is in use.
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), State::Connected, 5000);
        dialog.setToken(server.simulator.mintToken(server.pathId, 3600, now - 600));
        dialog.accept();
        QVERIFY2(message->text().startsWith(QStringLiteral("für diesen Mount ist schon ein neueres Token")),
                 qPrintable(message->text()));
        QVERIFY2(englishIn(message->text()).isEmpty(), qPrintable(message->text()));
        tunnel.stop();
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
