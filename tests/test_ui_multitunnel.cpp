// Several tunnels on the desktop (issue 15), under QT_QPA_PLATFORM=offscreen: a real DesktopShell
// on three real tunnels to the Plugboard simulator (mounts /api, /web, /hooks), with real requests
// through them to real backends. The tray (worst state, count, a submenu per tunnel whose actions
// reach that tunnel), the window's tunnel list, the inspector's Tunnel column, filter, replay and
// HAR export; and that one tunnel still gets the single-tunnel tray and window.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnelmanager.h"
#include "ui/desktopshell.h"
#include "ui/exchangefiltermodel.h"
#include "ui/exchangemodel.h"
#include "ui/mainwindow.h"
#include "ui/requestsview.h"
#include "ui/statuspanel.h"
#include "ui/tokendialog.h"
#include "ui/trayicon.h"
#include "ui/trayicons.h"
#include "support/exportedhar.h"
#include "support/uitestsettings.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

QAction *menuAction(const QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

QAction *menuAction(const QMenuBar *bar, const QString &menu, const QString &text)
{
    for (QAction *action : bar->actions()) {
        if (action->text() == menu && action->menu())
            return menuAction(action->menu(), text);
    }
    return nullptr;
}

} // namespace

// Three tunnels as [tunnel.api], [tunnel.web] and [tunnel.hooks] would make them: api serves an
// echo backend, web another one or (webBackendDown) a port nothing listens on, hooks' token has
// been revoked.
struct ThreeTunnels {
    sim::PlugboardSimulator sim;
    sim::EchoBackend apiBackend;
    sim::EchoBackend webBackend;
    MemoryTokenSink sink;
    TunnelManager manager;
    Tunnel *api = nullptr;
    Tunnel *web = nullptr;
    Tunnel *hooks = nullptr;
    QString hooksPathId;
    std::unique_ptr<DesktopShell> shell;

    Tunnel *add(const QString &name, const QString &token, const QUrl &backend)
    {
        TunnelConfig config;
        config.server = sim.socketUrl();
        config.token = token;
        config.backend = backend;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        tunnel->setObjectName(name); // as TunnelRun names it
        return tunnel;
    }

    bool start(const QString &iniFile, bool webBackendDown)
    {
        if (!sim.listen() || !apiBackend.listen() || !webBackend.listen())
            return false;
        api = add(QStringLiteral("api"), sim.mintToken(sim.addMount(QStringLiteral("/api"))), apiBackend.url());
        // Port 1: nothing listens, Telephone answers 502 and calls the backend down.
        web = add(QStringLiteral("web"), sim.mintToken(sim.addMount(QStringLiteral("/web"))),
                  webBackendDown ? QUrl(QStringLiteral("http://127.0.0.1:1")) : webBackend.url());
        hooksPathId = sim.addMount(QStringLiteral("/hooks"));
        const QString revoked = sim.mintToken(hooksPathId);
        sim.revokeToken(sim.jtiOf(revoked));
        hooks = add(QStringLiteral("hooks"), revoked, apiBackend.url());
        shell = std::make_unique<DesktopShell>(&manager, manager.tunnels(), settingsFor(iniFile));
        shell->model()->setBatchInterval(10ms);
        shell->start();
        manager.startAll();
        return QTest::qWaitFor(
            [this] {
                return api->state() == Tunnel::State::Connected && web->state() == Tunnel::State::Connected
                    && hooks->state() == Tunnel::State::AuthFailed;
            },
            5000);
    }
};

class TestUiMultiTunnel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;

    bool call(sim::PlugboardSimulator *sim, const QString &mount, const QString &method, const QString &path)
    {
        QNetworkRequest request(QUrl(sim->httpUrl().toString() + QStringLiteral("/call") + mount + path));
        QNetworkReply *reply = m_network.sendCustomRequest(request, method.toLatin1());
        QSignalSpy done(reply, &QNetworkReply::finished);
        const bool ok = reply->isFinished() || done.wait(10000);
        reply->deleteLater();
        return ok;
    }

    static QStringList column(const QAbstractItemModel *model, int column)
    {
        QStringList texts;
        for (int row = 0; row < model->rowCount(); ++row)
            texts << model->index(row, column).data().toString();
        return texts;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("remembered")));
    }

    void trayShowsTheWorstStateAndATunnelMenuEach()
    {
        ThreeTunnels run;
        QVERIFY(run.start(m_dir.filePath(QStringLiteral("tray.ini")), true));
        DesktopShell &shell = *run.shell;
        TrayIcon *tray = shell.tray();
        tray->setIconStyle(QStringLiteral("colour"));
        // web's backend goes down once a request finds it so.
        QVERIFY(call(&run.sim, QStringLiteral("/web"), QStringLiteral("GET"), QStringLiteral("/")));
        QTRY_COMPARE_WITH_TIMEOUT(run.shell->model()->rowCount(), 1, 5000);

        // The worst of NeedsToken (hooks), BackendDown (web) and Connected (api); two unhappy.
        QTRY_COMPARE(tray->look(), TrayIcons::Look::NeedsToken);
        QCOMPARE(tray->unhappyCount(), 2);
        // The count is drawn on the icon: it is not the plain needs-token picture.
        const QImage shown = tray->icon().pixmap(32, 32).toImage();
        const QImage plain = TrayIcons::icon(TrayIcons::Look::NeedsToken, TrayIcons::Style::Colour).pixmap(32, 32).toImage();
        QCOMPARE(shown.size(), plain.size());
        QVERIFY(shown != plain);
        // ...in the bottom right corner, where the badge goes; the top left is the picture's own.
        QCOMPARE(shown.copy(0, 0, 12, 12), plain.copy(0, 0, 12, 12));
        QVERIFY(shown.copy(20, 20, 12, 12) != plain.copy(20, 20, 12, 12));

        const QStringList tip = tray->toolTip().split(QLatin1Char('\n'));
        QCOMPARE(tip.size(), 4);
        QCOMPARE(tip.at(0), QStringLiteral("Telephone — Attention needed: 2 of 3 tunnels"));
        QCOMPARE(tip.at(1), QStringLiteral("api: Connected · /api"));
        QCOMPARE(tip.at(2), QStringLiteral("web: Connected — backend not answering · /web"));
        QVERIFY2(tip.at(3).startsWith(QStringLiteral("hooks: ")), qPrintable(tip.at(3)));
        QVERIFY(!tip.at(3).contains(QStringLiteral("/hooks"))); // no mount shown with a token problem

        // The menu: a summary, a submenu per tunnel, then the application's actions.
        QMenu *menu = tray->menu();
        QCOMPARE(menu->actions().constFirst()->text(), QStringLiteral("Attention needed: 2 of 3 tunnels"));
        QVERIFY(!menuAction(menu, QStringLiteral("Connect"))); // not on the top level: per tunnel
        for (const char *text : {"Open Telephone", "Settings…", "Quit"})
            QVERIFY2(menuAction(menu, QString::fromUtf8(text)), text);
        QMenu *apiMenu = tray->tunnelMenu(QStringLiteral("api"));
        QMenu *webMenu = tray->tunnelMenu(QStringLiteral("web"));
        QMenu *hooksMenu = tray->tunnelMenu(QStringLiteral("hooks"));
        QVERIFY(apiMenu && webMenu && hooksMenu);
        QCOMPARE(apiMenu->title(), QStringLiteral("api — Connected"));
        QCOMPARE(webMenu->title(), QStringLiteral("web — Backend not answering"));
        QCOMPARE(hooksMenu->title(), QStringLiteral("hooks — Token refused")); // the cause is inside
        QCOMPARE(apiMenu->actions().constFirst()->text(), QStringLiteral("Connected · /api"));
        for (QMenu *sub : {apiMenu, webMenu, hooksMenu}) {
            for (const char *text : {"Copy public URL", "Connect", "Disconnect", "Paste token from clipboard…",
                                     "Refresh token now"})
                QVERIFY2(menuAction(sub, QString::fromUtf8(text)), text);
        }
        // The token fix shows under the tunnel whose token is the problem only.
        QVERIFY(hooksMenu->actions().at(1)->isVisible());
        QVERIFY(!apiMenu->actions().at(1)->isVisible());

        menuAction(apiMenu, QStringLiteral("Copy public URL"))->trigger();
        QCOMPARE(QApplication::clipboard()->text(), run.api->publicUrl().toString());
        QCOMPARE(QApplication::clipboard()->text(), run.sim.httpUrl().toString() + QStringLiteral("/call/api/"));

        // Disconnect in web's submenu stops web alone.
        QVERIFY(!menuAction(webMenu, QStringLiteral("Connect"))->isEnabled());
        menuAction(webMenu, QStringLiteral("Disconnect"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(run.web->state(), Tunnel::State::Disconnected, 5000);
        QCOMPARE(run.api->state(), Tunnel::State::Connected);
        QCOMPARE(run.hooks->state(), Tunnel::State::AuthFailed);
        QTRY_COMPARE(webMenu->title(), QStringLiteral("web — Disconnected"));
        QCOMPARE(tray->unhappyCount(), 2);
        QVERIFY(menuAction(webMenu, QStringLiteral("Connect"))->isEnabled());
        menuAction(webMenu, QStringLiteral("Connect"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(run.web->state(), Tunnel::State::Connected, 5000);

        // Paste token from clipboard… in hooks' submenu: the dialog is for hooks, and saving
        // connects hooks and nothing else.
        QApplication::clipboard()->setText(run.sim.mintToken(run.hooksPathId));
        menuAction(hooksMenu, QStringLiteral("Paste token from clipboard…"))->trigger();
        TokenDialog *dialog = shell.tokenDialog();
        QVERIFY(dialog);
        QVERIFY2(dialog->windowTitle().contains(QStringLiteral("hooks")), qPrintable(dialog->windowTitle()));
        QCOMPARE(shell.window()->selectedTunnel(), run.hooks);
        QCOMPARE(dialog->token(), QApplication::clipboard()->text());
        const int apiJoins = int(run.api->joinsSucceeded());
        QVERIFY(dialog->saveButton()->isEnabled());
        dialog->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(run.hooks->state(), Tunnel::State::Connected, 5000);
        QCOMPARE(run.api->joinsSucceeded(), apiJoins);

        // Only web's backend is still down: its look, and no count for one.
        QTRY_COMPARE(tray->look(), TrayIcons::Look::BackendDown);
        QCOMPARE(tray->unhappyCount(), 1);
        QCOMPARE(menu->actions().constFirst()->text(), QStringLiteral("Attention needed: 1 of 3 tunnels"));
        QCOMPARE(tray->icon().pixmap(32, 32).toImage(),
                 TrayIcons::icon(TrayIcons::Look::BackendDown, TrayIcons::Style::Colour).pixmap(32, 32).toImage());
        // Disconnecting web leaves two connected: the stopped look, still no count.
        menuAction(webMenu, QStringLiteral("Disconnect"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(run.web->state(), Tunnel::State::Disconnected, 5000);
        QTRY_COMPARE(tray->look(), TrayIcons::Look::Stopped);
        QCOMPARE(tray->unhappyCount(), 1);
        run.manager.stopAll();
    }

    void windowListsTheTunnelsAndShowsTheSelectedOnesPanel()
    {
        ThreeTunnels run;
        QVERIFY(run.start(m_dir.filePath(QStringLiteral("window.ini")), false));
        MainWindow *window = run.shell->window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QListWidget *list = window->tunnelList();
        QVERIFY(list->isVisibleTo(window));
        QCOMPARE(list->count(), 3);
        QCOMPARE(list->item(0)->text().section(QLatin1Char('\n'), 0, 0), QStringLiteral("api"));
        QCOMPARE(list->item(1)->text().section(QLatin1Char('\n'), 0, 0), QStringLiteral("web"));
        QCOMPARE(list->item(2)->text().section(QLatin1Char('\n'), 0, 0), QStringLiteral("hooks"));
        QTRY_COMPARE(list->item(0)->text().section(QLatin1Char('\n'), 1), QStringLiteral("Connected"));
        QTRY_COMPARE(list->item(2)->text().section(QLatin1Char('\n'), 1), QStringLiteral("Token refused"));
        QVERIFY(list->item(2)->toolTip().startsWith(QStringLiteral("Token refused by the server: ")));
        QVERIFY(window->findChild<QGroupBox *>()->title() == QStringLiteral("Tunnels"));

        // The first tunnel is shown at first; a click shows another's panel, title and menu.
        QCOMPARE(window->selectedTunnel(), run.api);
        QTRY_COMPARE(window->statusPanel()->text(QStringLiteral("mount")), QStringLiteral("/api"));
        QCOMPARE(window->windowTitle(), QStringLiteral("Telephone — /api"));
        const QRect webRow = list->visualItemRect(list->item(1));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, webRow.center());
        QCOMPARE(window->selectedTunnel(), run.web);
        QCOMPARE(window->statusPanel(), window->statusPanel(1));
        QVERIFY(window->statusPanel(1)->isVisible());
        QVERIFY(!window->statusPanel(0)->isVisible());
        window->statusPanel()->refresh();
        QCOMPARE(window->statusPanel()->text(QStringLiteral("mount")), QStringLiteral("/web"));
        QCOMPARE(window->windowTitle(), QStringLiteral("Telephone — /web"));

        // The Tunnel menu acts on the selected tunnel: Disconnect there stops web alone.
        menuAction(window->menuBar(), QStringLiteral("&Tunnel"), QStringLiteral("Disconnect"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(run.web->state(), Tunnel::State::Disconnected, 5000);
        QCOMPARE(run.api->state(), Tunnel::State::Connected);
        QTRY_COMPARE(list->item(1)->text().section(QLatin1Char('\n'), 1), QStringLiteral("Disconnected"));

        // hooks' panel offers the token fix; it opens the dialog for hooks.
        list->setCurrentRow(2);
        StatusPanel *hooksPanel = window->statusPanel();
        QCOMPARE(hooksPanel, window->statusPanel(2));
        hooksPanel->refresh();
        QVERIFY(hooksPanel->tokenActionButton()->isVisibleTo(window));
        list->setCurrentRow(0);
        hooksPanel->tokenActionButton()->click();
        QVERIFY(run.shell->tokenDialog());
        QVERIFY(run.shell->tokenDialog()->windowTitle().contains(QStringLiteral("hooks")));
        QCOMPARE(window->selectedTunnel(), run.hooks);
        // Set token… (Ctrl+T) on another selection: the dialog starts over for that tunnel.
        run.shell->tokenDialog()->close();
        list->setCurrentRow(0);
        menuAction(window->menuBar(), QStringLiteral("&Tunnel"), QStringLiteral("Set token…"))->trigger();
        QVERIFY(run.shell->tokenDialog());
        QVERIFY(run.shell->tokenDialog()->windowTitle().contains(QStringLiteral("api")));
        run.shell->tokenDialog()->close();
        run.manager.stopAll();
    }

    void inspectorShowsEveryTunnelWithAColumnAndAFilter()
    {
        ThreeTunnels run;
        QVERIFY(run.start(m_dir.filePath(QStringLiteral("inspector.ini")), false));
        MainWindow *window = run.shell->window();
        ExchangeModel *model = run.shell->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RequestsView *requests = window->requestsView();
        ExchangeFilterModel *filter = requests->filterModel();
        QAbstractItemModelTester filterTester(filter, QAbstractItemModelTester::FailureReportingMode::QtTest);

        QVERIFY(call(&run.sim, QStringLiteral("/api"), QStringLiteral("GET"), QStringLiteral("/users")));
        QVERIFY(call(&run.sim, QStringLiteral("/web"), QStringLiteral("GET"), QStringLiteral("/index.html")));
        QVERIFY(call(&run.sim, QStringLiteral("/api"), QStringLiteral("POST"), QStringLiteral("/orders")));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 5000);
        QTRY_VERIFY(model->exchangeAt(2).status != 0);
        QCOMPARE(column(model, ExchangeModel::TunnelColumn),
                 (QStringList{QStringLiteral("api"), QStringLiteral("web"), QStringLiteral("api")}));
        QCOMPARE(model->headerData(ExchangeModel::TunnelColumn, Qt::Horizontal).toString(), QStringLiteral("Tunnel"));
        QVERIFY(!requests->table()->isColumnHidden(ExchangeModel::TunnelColumn));

        // The combo: All tunnels, then each by name; a choice shows that tunnel's rows only.
        QComboBox *combo = requests->tunnelCombo();
        QVERIFY(combo->isVisibleTo(window));
        QCOMPARE(combo->count(), 4);
        QCOMPARE(combo->currentText(), QStringLiteral("All tunnels"));
        combo->setCurrentIndex(combo->findText(QStringLiteral("web")));
        QCOMPARE(filter->rowCount(), 1);
        QCOMPARE(filter->index(0, ExchangeModel::PathColumn).data().toString(), QStringLiteral("/index.html"));
        auto *counts = window->findChild<QLabel *>(QStringLiteral("counts"));
        QCOMPARE(counts->text(), QStringLiteral("1 of 3 shown"));
        combo->setCurrentIndex(0);
        QCOMPARE(filter->rowCount(), 3);
        // The same in words, with the other words.
        filter->setFilterText(QStringLiteral("tunnel:API"));
        QCOMPARE(column(filter, ExchangeModel::PathColumn), (QStringList{QStringLiteral("/users"), QStringLiteral("/orders")}));
        filter->setFilterText(QStringLiteral("tunnel:api post"));
        QCOMPARE(column(filter, ExchangeModel::PathColumn), QStringList{QStringLiteral("/orders")});
        filter->setFilterText(QStringLiteral("tunnel:api tunnel:web"));
        QCOMPARE(filter->rowCount(), 3);
        filter->setFilterText(QStringLiteral("tunnel:hooks"));
        QCOMPARE(filter->rowCount(), 0);
        filter->setFilterText(QString());

        // Replay of web's row goes through web, to web's backend; api's backend sees nothing.
        const int apiServed = run.apiBackend.requestsServed();
        const int webServed = run.webBackend.requestsServed();
        requests->table()->selectRow(1);
        QVERIFY(window->replayAction()->isEnabled());
        window->replayAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 4, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(model->exchangeAt(3).status, 200, 5000);
        QVERIFY(model->exchangeAt(3).replay);
        QCOMPARE(model->exchangeAt(3).tunnel, QStringLiteral("web"));
        QCOMPARE(run.webBackend.requestsServed(), webServed + 1);
        QCOMPARE(run.apiBackend.requestsServed(), apiServed);

        // Copy as curl aims at the row's own backend.
        requests->table()->selectRow(0);
        window->copyCurlAction()->trigger();
        QVERIFY(QApplication::clipboard()->text().contains(run.apiBackend.url().toString()));
        requests->table()->selectRow(1);
        window->copyCurlAction()->trigger();
        QVERIFY(QApplication::clipboard()->text().contains(run.webBackend.url().toString()));

        // HAR: each entry on its own tunnel's public URL, and named by its tunnel.
        const QJsonArray entries = exportedHarEntries(window, m_dir.filePath(QStringLiteral("three.har")));
        QCOMPARE(entries.size(), 4);
        QCOMPARE(entries.at(0).toObject().value("_tunnel").toString(), QStringLiteral("api"));
        QCOMPARE(entries.at(1).toObject().value("_tunnel").toString(), QStringLiteral("web"));
        QCOMPARE(entries.at(0).toObject().value("request").toObject().value("url").toString(),
                 run.sim.httpUrl().toString() + QStringLiteral("/call/api/users"));
        QCOMPARE(entries.at(1).toObject().value("request").toObject().value("url").toString(),
                 run.sim.httpUrl().toString() + QStringLiteral("/call/web/index.html"));

        // hooks gets a good token: every tunnel connected, the plain icon without a count.
        QString problem;
        QVERIFY2(run.hooks->setToken(run.sim.mintToken(run.hooksPathId), &problem), qPrintable(problem));
        QTRY_COMPARE_WITH_TIMEOUT(run.hooks->state(), Tunnel::State::Connected, 5000);
        TrayIcon *tray = run.shell->tray();
        tray->setIconStyle(QStringLiteral("colour"));
        QCOMPARE(tray->look(), TrayIcons::Look::Connected);
        QCOMPARE(tray->unhappyCount(), 0);
        QCOMPARE(tray->menu()->actions().constFirst()->text(), QStringLiteral("All 3 tunnels connected"));
        QCOMPARE(tray->icon().pixmap(32, 32).toImage(),
                 TrayIcons::icon(TrayIcons::Look::Connected, TrayIcons::Style::Colour).pixmap(32, 32).toImage());
        run.manager.stopAll();
    }

    // One tunnel: no list, no Tunnel column or choice, the tray menu is the tunnel's own.
    void oneTunnelKeepsTheSingleTunnelLayout()
    {
        sim::PlugboardSimulator sim;
        QVERIFY(sim.listen());
        sim::EchoBackend backend;
        QVERIFY(backend.listen());
        TunnelConfig config;
        config.server = sim.socketUrl();
        config.token = sim.mintToken(sim.addMount(QStringLiteral("/demo")));
        config.backend = backend.url();
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        tunnel->setObjectName(QStringLiteral("default"));
        DesktopShell shell(&manager, manager.tunnels(), settingsFor(m_dir.filePath(QStringLiteral("one.ini"))));
        shell.start();
        MainWindow *window = shell.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);

        QVERIFY(!window->tunnelList()->isVisibleTo(window));
        QCOMPARE(window->findChild<QGroupBox *>()->title(), QStringLiteral("Tunnel"));
        QVERIFY(!window->requestsView()->tunnelCombo()->isVisibleTo(window));
        QVERIFY(window->requestsView()->table()->isColumnHidden(ExchangeModel::TunnelColumn));
        // The status panel fills the box's width as before (no list beside it).
        QVERIFY(window->statusPanel()->width() > window->findChild<QGroupBox *>()->width() - 40);

        QMenu *menu = shell.tray()->menu();
        QVERIFY(!shell.tray()->tunnelMenu(QStringLiteral("default")));
        QTRY_COMPARE(menu->actions().constFirst()->text(), QStringLiteral("Connected · /demo"));
        QStringList texts;
        for (const QAction *action : menu->actions()) {
            QVERIFY(!action->menu());
            if (!action->isSeparator() && action->isVisible())
                texts << action->text();
        }
        QCOMPARE(texts, (QStringList{QStringLiteral("Connected · /demo"), QStringLiteral("Copy public URL"),
                                     QStringLiteral("Connect"), QStringLiteral("Disconnect"),
                                     QStringLiteral("Paste token from clipboard…"), QStringLiteral("Refresh token now"),
                                     QStringLiteral("Open Telephone"), QStringLiteral("Settings…"), QStringLiteral("Quit")}));
        QCOMPARE(shell.tray()->unhappyCount(), 0);
        QVERIFY(!shell.tray()->toolTip().contains(QStringLiteral("default:")));
        manager.stopAll();
    }
};

QTEST_MAIN(TestUiMultiTunnel)
#include "test_ui_multitunnel.moc"
