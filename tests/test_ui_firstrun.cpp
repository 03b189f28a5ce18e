// The first run of the desktop app (issue 14): the setup page instead of an error about flags,
// and state texts that say what is true about the token, each with the button that fixes it.
// Real parts: the Plugboard simulator, a real echo backend, the real telephone binary.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnelmanager.h"
#include "ui/configwriter.h"
#include "ui/desktopshell.h"
#include "ui/firstrunpage.h"
#include "ui/mainwindow.h"
#include "ui/statuspanel.h"
#include "ui/tokendialog.h"
#include "ui/trayicon.h"
#include "ui/tunnelactions.h"
#include "support/uitestsettings.h"

#include <QAction>
#include <QCommandLineParser>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

QAction *visibleAction(QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == text && action->isVisible())
            return action;
    }
    return nullptr;
}

// Connect, Disconnect and Refresh token now, each looked up by its text in the window's Tunnel
// menu and in the tray menu separately, and the status panel's Refresh now: what differs between
// them, and from the one rule (Connect when stopped or refused, Disconnect while running or
// waiting, Refresh only when connected); empty when all agree.
QString tunnelActionsDisagreement(DesktopShell &shell, Tunnel::State state)
{
    QMenu *windowMenu = nullptr;
    for (QAction *menu : shell.window()->menuBar()->actions()) {
        if (menu->menu() && menu->text() == QLatin1String("&Tunnel"))
            windowMenu = menu->menu();
    }
    if (!windowMenu)
        return QStringLiteral("no Tunnel menu in the window");
    using S = Tunnel::State;
    const bool stopped = state == S::Disconnected || state == S::AuthFailed;
    const bool running = state == S::Connecting || state == S::Joining || state == S::Connected
                         || state == S::Reconnecting || state == S::ConfigError;
    const QList<std::pair<QString, bool>> expected{{QStringLiteral("Connect"), stopped},
                                                   {QStringLiteral("Disconnect"), running},
                                                   {QStringLiteral("Refresh token now"), state == S::Connected}};
    QStringList problems;
    for (const auto &[text, enabled] : expected) {
        const QAction *inWindow = visibleAction(windowMenu, text);
        const QAction *inTray = visibleAction(shell.tray()->menu(), text);
        if (!inWindow || !inTray) {
            problems << text + QStringLiteral(" missing");
            continue;
        }
        if (inWindow->isEnabled() != enabled || inTray->isEnabled() != enabled)
            problems << QStringLiteral("%1: window %2, tray %3, expected %4")
                            .arg(text)
                            .arg(inWindow->isEnabled())
                            .arg(inTray->isEnabled())
                            .arg(enabled);
    }
    if (shell.window()->statusPanel()->refreshTokenButton()->isEnabled() != (state == S::Connected))
        problems << QStringLiteral("status panel's Refresh now disagrees");
    return problems.join(QStringLiteral("; "));
}

// Every text a person reads in the window's status and the tray: none may name a flag.
QStringList visibleTexts(DesktopShell &shell)
{
    QStringList texts;
    for (const QLabel *label : shell.window()->statusPanel()->findChildren<QLabel *>())
        texts << label->text();
    for (const QAction *action : shell.tray()->menu()->actions())
        texts << action->text();
    texts << shell.tray()->toolTip();
    return texts;
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

class TestUiFirstRun : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A tunnel to a running simulator with a /demo mount; `token` builds its token (or none).
    struct TokenCase {
        sim::PlugboardSimulator sim;
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = nullptr;

        bool start(const std::function<QString(sim::PlugboardSimulator &, const QString &)> &token)
        {
            if (!sim.listen())
                return false;
            const QString pathId = sim.addMount(QStringLiteral("/demo"));
            TunnelConfig config;
            config.server = sim.socketUrl();
            config.token = token ? token(sim, pathId) : QString();
            config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
            tunnel = manager.addTunnel(config, &sink);
            return true;
        }
    };

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void setupPageSavesServerAndBackendOnceTheBackendAnswers()
    {
        sim::PlugboardSimulator sim;
        QVERIFY(sim.listen());
        const QString pathId = sim.addMount(QStringLiteral("/demo"));
        sim::EchoBackend backend;
        QVERIFY(backend.listen());
        const QString file = m_dir.filePath(QStringLiteral("first.ini"));
        ConfigWriter writer(file);
        FirstRunPage page(&writer);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));

        // The deployed default is filled in; nothing can be saved without a token and a backend.
        QCOMPARE(page.serverEdit()->text(), FirstRunPage::defaultServer());
        QVERIFY(!page.connectButton()->isEnabled());
        QVERIFY(page.serverEdit()->hasFocus() || page.focusWidget() == page.serverEdit());

        page.serverEdit()->setText(sim.socketUrl().toString());
        page.tokenEdit()->setText(QStringLiteral("not a token"));
        page.backendEdit()->setText(QString::number(backend.url().port()));
        QVERIFY(!page.connectButton()->isEnabled());
        QCOMPARE(page.tokenPreviewLabel()->styleSheet(), QStringLiteral("color: #d93a3a;"));

        // A real token: the preview decodes it as the token dialog does.
        const QString token = sim.mintToken(pathId);
        page.tokenEdit()->setText(token);
        QVERIFY2(page.tokenPreviewLabel()->text().contains(pathId), qPrintable(page.tokenPreviewLabel()->text()));
        QVERIFY(page.connectButton()->isEnabled());

        QSignalSpy completed(&page, &FirstRunPage::completed);
        const int served = backend.requestsServed();
        QTest::mouseClick(page.connectButton(), Qt::LeftButton);
        QVERIFY(completed.wait(5000));
        QCOMPARE(completed.at(0).at(0).toString(), token);
        QCOMPARE(backend.requestsServed(), served + 1); // the check reached the backend

        // Read back the way Settings reads it; the token is not in the file.
        const Settings settings = settingsFor(file);
        QCOMPARE(settings.serverUrl(), sim.socketUrl());
        QCOMPARE(settings.backendUrl(), backend.url());
        QFile ini(file);
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains(token.toUtf8()));
    }

    void setupPageSaysWhenNothingAnswersAndSavesOnlyWhenAskedAgain()
    {
        sim::PlugboardSimulator sim;
        QVERIFY(sim.listen());
        const QString pathId = sim.addMount(QStringLiteral("/demo"));
        const QString file = m_dir.filePath(QStringLiteral("dead.ini"));
        ConfigWriter writer(file);
        FirstRunPage page(&writer);
        const quint16 port = closedPort();
        page.setKnown(sim.socketUrl(), QUrl());
        page.tokenEdit()->setText(sim.mintToken(pathId));
        page.backendEdit()->setText(QString::number(port));
        QSignalSpy completed(&page, &FirstRunPage::completed);
        page.connectButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(page.messageLabel()->text().startsWith(QStringLiteral("Nothing answers at")), 5000);
        QCOMPARE(completed.count(), 0);
        QVERIFY(!QFile::exists(file));
        QCOMPARE(page.connectButton()->text(), QStringLiteral("Connect anyway"));
        QVERIFY(page.connectButton()->isEnabled());
        page.connectButton()->click();
        QCOMPARE(completed.count(), 1);
        QCOMPARE(settingsFor(file).backendUrl().port(), int(port));
    }

    void noTokenSaysSoAndOffersTheDialog()
    {
        TokenCase c;
        QVERIFY(c.start(nullptr));
        DesktopShell shell(&c.manager, c.tunnel, settingsFor(m_dir.filePath(QStringLiteral("none.ini"))));
        shell.start();
        c.manager.startAll();
        QTRY_COMPARE(c.tunnel->state(), Tunnel::State::AuthFailed);

        StatusPanel *status = shell.window()->statusPanel();
        QVERIFY2(status->text(QStringLiteral("state")).contains(QStringLiteral("No token yet")),
                 qPrintable(status->text(QStringLiteral("state"))));
        QVERIFY(!status->text(QStringLiteral("state")).contains(QStringLiteral("refused")));
        QVERIFY(status->tokenActionButton()->isVisibleTo(status));
        QCOMPARE(status->tokenActionButton()->text(), QStringLiteral("Paste token…"));
        // The dialog opened by itself, once, with the window.
        QVERIFY(shell.tokenDialog());
        QVERIFY(shell.tokenDialog()->isVisible());
        QVERIFY(shell.window()->isVisible());
        QVERIFY(visibleAction(shell.tray()->menu(), QStringLiteral("Paste token…")));
        QVERIFY(shell.tray()->toolTip().contains(QStringLiteral("No token yet")));
        for (const QString &text : visibleTexts(shell)) {
            QVERIFY2(!text.contains(QStringLiteral("--")), qPrintable(text));
            QVERIFY2(!text.contains(QStringLiteral("TELEPHONE_")), qPrintable(text));
        }
        c.manager.stopAll();
    }

    void refusedTokenSaysByWhomAndShowsNothingStale()
    {
        TokenCase c;
        QVERIFY(c.start([](sim::PlugboardSimulator &sim, const QString &pathId) { return sim.mintToken(pathId); }));
        DesktopShell shell(&c.manager, c.tunnel, settingsFor(m_dir.filePath(QStringLiteral("refused.ini"))));
        shell.start();
        c.manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(c.tunnel->state(), Tunnel::State::Connected, 5000);
        StatusPanel *status = shell.window()->statusPanel();
        status->refresh();
        QCOMPARE(status->text(QStringLiteral("mount")), QStringLiteral("/demo"));
        QVERIFY(!status->tokenActionButton()->isVisibleTo(status));
        QVERIFY(!visibleAction(shell.tray()->menu(), QStringLiteral("Paste token…")));

        // The server revokes it: the mount and URL of the earlier join are no longer shown.
        c.sim.revokeAllTokens();
        c.sim.kickAll(true);
        QTRY_COMPARE_WITH_TIMEOUT(c.tunnel->state(), Tunnel::State::AuthFailed, 5000);
        status->refresh();
        const QString state = status->text(QStringLiteral("state"));
        QVERIFY2(state.contains(QStringLiteral("Token refused by the server: ")), qPrintable(state));
        QCOMPARE(status->text(QStringLiteral("mount")), QStringLiteral("not joined yet"));
        QVERIFY(!status->text(QStringLiteral("publicUrl")).contains(QStringLiteral("/call/demo")));
        QVERIFY(!status->text(QStringLiteral("token")).contains(QStringLiteral("expires in")));
        QVERIFY(status->tokenActionButton()->isVisibleTo(status));
        const QString tip = shell.tray()->toolTip();
        QVERIFY2(tip.contains(QStringLiteral("Token refused by the server")), qPrintable(tip));
        QVERIFY2(!tip.contains(QStringLiteral("expires in")), qPrintable(tip));
        QVERIFY2(!tip.contains(QStringLiteral("/demo")), qPrintable(tip));
        QVERIFY(!shell.tokenDialog()); // only a missing token opens it unasked

        // The button in the tray opens the token dialog.
        visibleAction(shell.tray()->menu(), QStringLiteral("Paste token…"))->trigger();
        QVERIFY(shell.tokenDialog() && shell.tokenDialog()->isVisible());
        c.manager.stopAll();
    }

    void expiredTokenSaysWhen()
    {
        TokenCase c;
        QVERIFY(c.start([](sim::PlugboardSimulator &sim, const QString &pathId) {
            return sim.mintToken(pathId, -60, QDateTime::currentSecsSinceEpoch() - 3600);
        }));
        DesktopShell shell(&c.manager, c.tunnel, settingsFor(m_dir.filePath(QStringLiteral("expired.ini"))));
        c.manager.startAll();
        QTRY_COMPARE(c.tunnel->state(), Tunnel::State::AuthFailed);
        StatusPanel *status = shell.window()->statusPanel();
        status->refresh();
        QVERIFY2(status->text(QStringLiteral("state")).contains(QStringLiteral("Token expired at ")),
                 qPrintable(status->text(QStringLiteral("state"))));
        QVERIFY(visibleAction(shell.tray()->menu(), QStringLiteral("Paste token…")));
        c.manager.stopAll();
    }

    // Issue 12: one owner of Connect / Disconnect / Refresh token now (TunnelActions) and one
    // enabling rule: the window, the tray and the status panel agree in every state the tunnel
    // passes through, checked at each state change (the transient ones included).
    void windowAndTrayEnableTheSameActionsInEveryState()
    {
        TokenCase c;
        QVERIFY(c.start([](sim::PlugboardSimulator &sim, const QString &pathId) { return sim.mintToken(pathId); }));
        DesktopShell shell(&c.manager, c.tunnel, settingsFor(m_dir.filePath(QStringLiteral("agree.ini"))));
        shell.start();
        QMap<Tunnel::State, QString> seen; // state -> disagreement found there (empty: none)
        seen.insert(c.tunnel->state(), tunnelActionsDisagreement(shell, c.tunnel->state()));
        connect(c.tunnel, &Tunnel::stateChanged, this, [&] {
            const QString problem = tunnelActionsDisagreement(shell, c.tunnel->state());
            if (!problem.isEmpty() || !seen.contains(c.tunnel->state()))
                seen.insert(c.tunnel->state(), problem);
        });
        c.manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(c.tunnel->state(), Tunnel::State::Connected, 5000);
        c.sim.kickAll(true); // dropped: Reconnecting, then back with the default backoff
        QTRY_VERIFY_WITH_TIMEOUT(seen.contains(Tunnel::State::Reconnecting), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(c.tunnel->state(), Tunnel::State::Connected, 15000);
        visibleAction(shell.tray()->menu(), QStringLiteral("Disconnect"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(c.tunnel->state(), Tunnel::State::Disconnected, 5000);
        c.sim.revokeAllTokens();
        visibleAction(shell.tray()->menu(), QStringLiteral("Connect"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(c.tunnel->state(), Tunnel::State::AuthFailed, 5000);

        for (Tunnel::State state : {Tunnel::State::Disconnected, Tunnel::State::Connecting, Tunnel::State::Joining,
                                    Tunnel::State::Connected, Tunnel::State::Reconnecting, Tunnel::State::AuthFailed})
            QVERIFY2(seen.contains(state), qPrintable(QStringLiteral("state %1 not reached").arg(int(state))));
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            QVERIFY2(it.value().isEmpty(), qPrintable(QStringLiteral("state %1: %2").arg(int(it.key())).arg(it.value())));
        c.manager.stopAll();
    }

    void connectAndDisconnectAreOneActionInWindowAndTray()
    {
        TokenCase c;
        TunnelConfig config;
        config.server = QUrl(QStringLiteral("ws://127.0.0.1:9/socket/websocket"));
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
        c.tunnel = c.manager.addTunnel(config, &c.sink);
        DesktopShell shell(&c.manager, c.tunnel, settingsFor(m_dir.filePath(QStringLiteral("shared.ini"))));
        QAction *connectAction = shell.tunnelActions()->connectAction();
        QVERIFY(shell.tray()->menu()->actions().contains(connectAction));
        bool inWindow = false;
        for (QAction *menu : shell.window()->menuBar()->actions())
            inWindow = inWindow || (menu->menu() && menu->menu()->actions().contains(connectAction));
        QVERIFY(inWindow);
    }

    // The packaged program, started as from the application menu with nothing configured: it
    // must wait on the setup page, not stop with an error about flags.
    void theProgramOpensTheSetupPageInsteadOfFailing()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : env.keys()) {
            if (key.startsWith(QLatin1String("TELEPHONE_")))
                env.remove(key);
        }
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());
        // What the program said in its first 2.5 s, while still running (it is stopped then).
        const auto stillRunningSays = [](const QProcessEnvironment &environment, QByteArray *said) {
            QProcess gui;
            gui.setProcessEnvironment(environment);
            gui.start(QStringLiteral(TELEPHONE_BINARY), {});
            // Read after the wait, once: a QVERIFY2 message is evaluated even when the check passes.
            const bool ended = !gui.waitForStarted() || gui.waitForFinished(2500);
            *said = gui.readAllStandardError();
            gui.kill();
            gui.waitForFinished();
            return !ended;
        };
        QByteArray err;
        QVERIFY2(stillRunningSays(env, &err), err.constData());
        QVERIFY2(err.contains("opening the setup page"), err.constData());
        QVERIFY2(!err.contains("missing"), err.constData());

        // Server and backend configured, but no token anywhere: the same page, not a token error.
        QProcessEnvironment configured = env;
        configured.insert(QStringLiteral("TELEPHONE_SERVER"), QStringLiteral("ws://127.0.0.1:%1").arg(closedPort()));
        configured.insert(QStringLiteral("TELEPHONE_BACKEND"), QStringLiteral("3000"));
        QVERIFY2(stillRunningSays(configured, &err), err.constData());
        QVERIFY2(err.contains("opening the setup page"), err.constData());
        QVERIFY2(!err.contains("AuthFailed"), err.constData()); // the tunnel never started

        // Headless keeps its error, which names the flags.
        QProcess headless;
        headless.setProcessEnvironment(env);
        headless.start(QStringLiteral(TELEPHONE_BINARY), {QStringLiteral("--no-gui")});
        QVERIFY(headless.waitForFinished(10000));
        QCOMPARE(headless.exitCode(), 2);
        QVERIFY(headless.readAllStandardError().contains("missing --server"));
    }
};

QTEST_MAIN(TestUiFirstRun)
#include "test_ui_firstrun.moc"
