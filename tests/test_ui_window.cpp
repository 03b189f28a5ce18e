// The desktop face end to end, under QT_QPA_PLATFORM=offscreen: a real DesktopShell (window, tray
// icon, notifier) on a real tunnel to the Plugboard simulator, with real HTTP requests through it
// to a real echo backend. Plus the tray icons, notifications and the single-instance handshake.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnelmanager.h"
#include "ui/backendhealth.h"
#include "ui/desktopshell.h"
#include "ui/exchangedetailview.h"
#include "ui/exchangefiltermodel.h"
#include "ui/exchangemodel.h"
#include "ui/mainwindow.h"
#include "ui/notifier.h"
#include "ui/requestsview.h"
#include "ui/singleinstance.h"
#include "ui/statuspanel.h"
#include "ui/trayicon.h"
#include "ui/trayicons.h"
#include "ui/tunnelactions.h"
#include "ui/tunnelparts.h"
#include "ui/panelscheme.h"
#include "ui/replaycomparison.h"
#include "ui/replayeditor.h"
#include "support/exportedhar.h"
#include "support/recordingbackend.h"
#include "support/uitestsettings.h"

#include <QAction>
#include <QApplication>
#include <QDBusConnection>
#include <QDBusError>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QClipboard>
#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPainter>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QSystemTrayIcon>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTextEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

QAction *menuAction(QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

} // namespace

// The freedesktop portal's Settings interface, as xdg-desktop-portal offers it on the session bus:
// Read answers the colour scheme (wrapped twice, as older portals do); SettingChanged announces one.
class FakePortal : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")

public:
    uint scheme = 0;

    void announce(uint value)
    {
        scheme = value;
        QDBusMessage signal = QDBusMessage::createSignal(QStringLiteral("/org/freedesktop/portal/desktop"),
                                                         QStringLiteral("org.freedesktop.portal.Settings"),
                                                         QStringLiteral("SettingChanged"));
        signal << QStringLiteral("org.freedesktop.appearance") << QStringLiteral("color-scheme")
               << QVariant::fromValue(QDBusVariant(value));
        connection.send(signal);
    }

    // Its own connection to the bus: a peer of the tray's, as the real portal is.
    QDBusConnection connection = QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("fake-portal"));

public slots:
    QDBusVariant Read(const QString &group, const QString &key)
    {
        if (group != QLatin1String("org.freedesktop.appearance") || key != QLatin1String("color-scheme"))
            return QDBusVariant(QString());
        return QDBusVariant(QVariant::fromValue(QDBusVariant(scheme)));
    }
};

// A DesktopShell on a tunnel to `sim`'s mount, connected and shown.
struct ConnectedShell {
    MemoryTokenSink sink;
    TunnelManager manager;
    std::unique_ptr<DesktopShell> shell;

    bool start(sim::PlugboardSimulator *sim, const QString &pathId, const QUrl &backend, const QString &iniFile)
    {
        TunnelConfig config;
        config.server = sim->socketUrl();
        config.token = sim->mintToken(pathId);
        config.backend = backend;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        shell = std::make_unique<DesktopShell>(&manager, tunnel, settingsFor(iniFile));
        shell->model()->setBatchInterval(10ms);
        shell->start();
        manager.startAll();
        return QTest::qWaitFor([tunnel] { return tunnel->state() == Tunnel::State::Connected; }, 5000);
    }
};

class TestUiWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;

    QNetworkReply *call(sim::PlugboardSimulator *sim, const QString &method, const QString &path,
                        const QByteArray &body = {}, const QByteArray &type = {})
    {
        QNetworkRequest request(QUrl(sim->httpUrl().toString() + QStringLiteral("/call/demo") + path));
        if (!type.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, type);
        request.setRawHeader("Authorization", "Bearer caller-secret");
        return m_network.sendCustomRequest(request, method.toLatin1(), body);
    }

    bool finishes(QNetworkReply *reply)
    {
        QSignalSpy done(reply, &QNetworkReply::finished);
        const bool ok = reply->isFinished() || done.wait(10000);
        reply->deleteLater();
        return ok;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QFile(m_dir.filePath(QStringLiteral("telephone.ini"))).open(QIODevice::WriteOnly);
        // What the window remembers (the tray notice) goes here, not into the user's config.
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("remembered")));
    }

    // The status panel names the socket path that discovery found, and a channel lost on a live
    // socket as such (not as a closed socket).
    void statusPanelNamesTheDiscoveredSocketPath()
    {
        sim::PlugboardSimulator sim;
        sim.setSocketPaths(false, true); // the deployed server
        QVERIFY(sim.listen());
        const QString pathId = sim.addMount(QStringLiteral("/demo"));
        sim::EchoBackend backend;
        QVERIFY(backend.listen());
        TunnelConfig config;
        config.server = QUrl(sim.baseUrl().toString() + QStringLiteral("/socket/websocket"));
        config.discoverSocketPath = true;
        config.token = sim.mintToken(pathId);
        config.backend = backend.url();
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        TunnelActions actions(tunnel);
        StatusPanel status(TunnelParts{tunnel, tunnel->objectName(), nullptr, &actions}, &manager);
        manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);
        status.refresh();
        QCOMPARE(status.text(QStringLiteral("server")),
                 sim.baseUrl().toString() + QStringLiteral(" (socket found at /telephone/websocket)"));
        sim.setJoinFails(QStringLiteral("join_crashed"));
        sim.pushToAll(QStringLiteral("phx_error"));
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Reconnecting, 3000);
        status.refresh();
        QCOMPARE(status.text(QStringLiteral("socket")), QStringLiteral("socket open · channel lost, rejoining"));
        QCOMPARE(status.text(QStringLiteral("heartbeat")), QStringLiteral("not running"));
    }

    void inspectorEndToEnd()
    {
        sim::PlugboardSimulator sim;
        QVERIFY(sim.listen());
        const QString pathId = sim.addMount(QStringLiteral("/demo"));
        auto *backend = new sim::EchoBackend(this);
        QVERIFY(backend->listen());

        TunnelConfig config;
        config.server = sim.socketUrl();
        config.token = sim.mintToken(pathId);
        config.backend = backend->url();
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        manager.setSecretStoreDescription(QStringLiteral("test store"));

        DesktopShell shell(&manager, tunnel, settingsFor(m_dir.filePath(QStringLiteral("telephone.ini"))));
        shell.model()->setBatchInterval(10ms);
        shell.start();
        MainWindow *window = shell.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        manager.startAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);

        // Status panel and title, in words.
        StatusPanel *status = window->statusPanel();
        QTRY_VERIFY(status->text(QStringLiteral("state")).contains(QStringLiteral("Connected")));
        QCOMPARE(status->text(QStringLiteral("socket")), QStringLiteral("socket open · channel joined"));
        QCOMPARE(status->text(QStringLiteral("mount")), QStringLiteral("/demo"));
        QVERIFY(status->text(QStringLiteral("publicUrl")).contains(QStringLiteral("/call/demo/")));
        QVERIFY(status->text(QStringLiteral("token")).contains(QStringLiteral("expires in")));
        QCOMPARE(status->text(QStringLiteral("secretStore")), QStringLiteral("test store"));
        QVERIFY(status->text(QStringLiteral("backend")).contains(QStringLiteral("no requests yet")));
        QCOMPARE(window->windowTitle(), QStringLiteral("Telephone — /demo"));
        QVERIFY(!window->windowTitle().contains(config.token));

        // Two real requests through the tunnel.
        QVERIFY(finishes(call(&sim, QStringLiteral("GET"), QStringLiteral("/hello?x=1"))));
        QVERIFY(finishes(call(&sim, QStringLiteral("POST"), QStringLiteral("/api/items"), "{\"b\":1,\"a\":[true]}",
                              "application/json")));
        ExchangeModel *model = shell.model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 5000);
        QTRY_COMPARE(model->exchangeAt(1).status, 200);
        QCOMPARE(model->exchangeAt(0).path, QStringLiteral("/hello"));
        QCOMPARE(model->exchangeAt(0).query, QStringLiteral("x=1"));
        QTRY_VERIFY(status->text(QStringLiteral("backend")).contains(QStringLiteral("answering")));
        QCOMPARE(shell.tray()->look(), TrayIcons::Look::Connected);

        // Detail of the POST.
        RequestsView *requests = window->requestsView();
        QTableView *table = requests->table();
        QCOMPARE(table->model()->rowCount(), 2);
        table->selectRow(1);
        ExchangeDetailView *detail = window->detailView();
        QTRY_VERIFY(detail->hasExchange());
        QCOMPARE(detail->exchange().method, QStringLiteral("POST"));
        const QString summary = detail->findChild<QLabel *>(QStringLiteral("detailSummary"))->text();
        QVERIFY(summary.contains(QStringLiteral("/api/items")));
        // The timeline, in its order: received, backend connected, first byte, answered.
        const qsizetype received = summary.indexOf(QStringLiteral("Received "));
        const qsizetype connected = summary.indexOf(QRegularExpression(QStringLiteral("backend connect(ed|ion reused) \\+")));
        const qsizetype firstByte = summary.indexOf(QStringLiteral("first byte +"));
        const qsizetype answered = summary.indexOf(QStringLiteral("answered "));
        QVERIFY2(received >= 0 && received < connected && connected < firstByte && firstByte < answered, qPrintable(summary));
        QVERIFY(detail->findChild<QLabel *>(QStringLiteral("requestBodyKind"))->text().startsWith(QStringLiteral("JSON")));

        // Copy as curl: redacted by default.
        QVERIFY(window->copyCurlAction()->isEnabled());
        window->copyCurlAction()->trigger();
        const QString curl = QApplication::clipboard()->text();
        QVERIFY2(curl.contains(QStringLiteral("--request 'POST'")), qPrintable(curl));
        QVERIFY(curl.contains(backend->url().toString()));
        QVERIFY(!curl.contains(QStringLiteral("[redacted]")));
        QVERIFY(curl.contains(QStringLiteral("# Left out (credentials): authorization"), Qt::CaseInsensitive));
        QVERIFY(!curl.contains(QStringLiteral("caller-secret")));

        // Replay: a new row, marked, answered by the backend straight away.
        const int served = backend->requestsServed();
        QVERIFY(window->replayAction()->isEnabled());
        window->replayAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 5000);
        QVERIFY(model->exchangeAt(2).replay);
        QTRY_COMPARE_WITH_TIMEOUT(model->exchangeAt(2).status, 200, 5000);
        QCOMPARE(model->exchangeAt(2).path, QStringLiteral("/api/items"));
        QCOMPARE(backend->requestsServed(), served + 1);

        // Filter and HAR export of what the filter shows.
        QTest::keyClicks(requests->filterEdit(), QStringLiteral("post"));
        QTRY_COMPARE(requests->filterModel()->rowCount(), 2);
        const QJsonArray entries = exportedHarEntries(window, m_dir.filePath(QStringLiteral("out.har")));
        QCOMPARE(entries.size(), 2);
        // Header values are redacted. (Bodies are exported as captured: the echo backend's JSON
        // repeats the request headers, secret included, and only the user can judge a body.)
        const QByteArray requestHeaders =
            QJsonDocument(entries.at(0).toObject().value("request").toObject().value("headers").toArray()).toJson();
        QVERIFY(requestHeaders.contains("[redacted]"));
        QVERIFY(!requestHeaders.contains("caller-secret"));
        QVERIFY(entries.at(0).toObject().value("request").toObject().value("url").toString().endsWith(
            QStringLiteral("/call/demo/api/items")));
        requests->filterEdit()->clear();
        QTRY_COMPARE(requests->filterModel()->rowCount(), 3);

        // The backend goes away: Telephone answers 502 itself, and the tray turns amber.
        delete backend;
        QVERIFY(finishes(call(&sim, QStringLiteral("GET"), QStringLiteral("/down"))));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 4, 5000);
        QTRY_COMPARE(model->exchangeAt(3).status, 502);
        QVERIFY(!model->exchangeAt(3).error.isEmpty());
        QTRY_COMPARE(shell.tray()->look(), TrayIcons::Look::BackendDown);
        QVERIFY(status->text(QStringLiteral("backend")).contains(QStringLiteral("NOT answering")));

        // Tray menu: every action there; exactly one of Connect / Disconnect.
        QMenu *menu = shell.tray()->menu();
        QAction *connectAction = menuAction(menu, QStringLiteral("Connect"));
        QAction *disconnectAction = menuAction(menu, QStringLiteral("Disconnect"));
        QVERIFY(connectAction && disconnectAction);
        for (const char *text : {"Copy public URL", "Paste token from clipboard…", "Refresh token now", "Open Telephone",
                                 "Settings…", "Quit"})
            QVERIFY2(menuAction(menu, QString::fromUtf8(text)), text);
        QVERIFY(!connectAction->isEnabled());
        QVERIFY(disconnectAction->isEnabled());
        QVERIFY(menu->actions().constFirst()->text().contains(QStringLiteral("backend not answering")));
        const QString tip = shell.tray()->toolTip();
        QVERIFY(tip.contains(QStringLiteral("Mount: /demo")));
        QVERIFY(tip.contains(QStringLiteral("expires in")));
        QVERIFY(!tip.contains(config.token));

        menuAction(menu, QStringLiteral("Copy public URL"))->trigger();
        QCOMPARE(QApplication::clipboard()->text(), tunnel->publicUrl().toString());

        disconnectAction->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Disconnected, 5000);
        QVERIFY(connectAction->isEnabled());
        QVERIFY(!disconnectAction->isEnabled());
        QCOMPARE(shell.tray()->look(), TrayIcons::Look::Stopped);
        connectAction->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel->state(), Tunnel::State::Connected, 5000);

        // Clear, then Quit asks the caller to stop (which drains).
        window->requestsView()->clear();
        QCOMPARE(model->rowCount(), 0);
        QSignalSpy quit(&shell, &DesktopShell::quitRequested);
        menuAction(menu, QStringLiteral("Quit"))->trigger();
        QCOMPARE(quit.count(), 1);

        // Closing the window while a tray icon may bring it back only hides it.
        window->close();
        QVERIFY(!window->isVisible());
        QCOMPARE(quit.count(), 1);

        QSignalSpy allStopped(&manager, &TunnelManager::allStopped);
        manager.stopAll();
        QVERIFY(allStopped.wait(5000));
    }

    // The backend answered, Telephone could not pass the answer on (binary body, no body_base64 on
    // this server): both sides are shown, and the backend is not called down.
    void withheldAnswerIsNoBackendOutage()
    {
        sim::PlugboardSimulator sim;
        QVERIFY(sim.listen());
        const QString pathId = sim.addMount(QStringLiteral("/demo"));
        RecordingBackend backend;
        const QByteArray png("\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", 12);
        backend.answer = [png](const sim::HttpRequest &, sim::HttpResponder *r) {
            r->respond(200, {{"content-type", "image/png"}}, png);
        };
        ConnectedShell run;
        QVERIFY(run.start(&sim, pathId, backend.url(), m_dir.filePath(QStringLiteral("withheld.ini"))));
        DesktopShell &shell = *run.shell;
        TunnelManager &manager = run.manager;
        QVERIFY(finishes(call(&sim, QStringLiteral("GET"), QStringLiteral("/logo.png"))));
        ExchangeModel *model = shell.model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
        QTRY_COMPARE(model->exchangeAt(0).status, 502);
        const Exchange exchange = model->exchangeAt(0);
        QVERIFY(exchange.backendAnswerWithheld());
        QCOMPARE(exchange.backendStatus, 200);
        QCOMPARE(exchange.backendBody, png);
        QVERIFY(exchange.backendHeaders.contains({QByteArray("content-type"), QByteArray("image/png")}));

        StatusPanel *status = shell.window()->statusPanel();
        QTRY_VERIFY(status->text(QStringLiteral("backend")).contains(QStringLiteral("answering")));
        QVERIFY(!status->text(QStringLiteral("backend")).contains(QStringLiteral("NOT")));
        QCOMPARE(shell.tray()->look(), TrayIcons::Look::Connected);

        shell.window()->requestsView()->table()->selectRow(0);
        ExchangeDetailView *detail = shell.window()->detailView();
        QVERIFY(detail->hasExchange());
        bool backendTab = false;
        for (int i = 0; i < detail->tabs()->count(); ++i)
            backendTab = backendTab || detail->tabs()->tabText(i) == QStringLiteral("Backend sent");
        QVERIFY(backendTab);
        QVERIFY(detail->findChild<QLabel *>(QStringLiteral("backendBanner"))->text().startsWith(
            QStringLiteral("The backend answered 200; Telephone did not pass it on")));
        QVERIFY(detail->findChild<QLabel *>(QStringLiteral("responseBanner"))->text().contains(QStringLiteral("in place of the backend's 200")));
        manager.stopAll();
    }

    void inspectorKeyboardEditAndReplayAndCurl()
    {
        sim::PlugboardSimulator sim;
        QVERIFY(sim.listen());
        const QString pathId = sim.addMount(QStringLiteral("/demo"));
        sim::EchoBackend backend;
        QVERIFY(backend.listen());
        ConnectedShell run;
        QVERIFY(run.start(&sim, pathId, backend.url(), m_dir.filePath(QStringLiteral("edit.ini"))));
        DesktopShell &shell = *run.shell;
        TunnelManager &manager = run.manager;
        MainWindow *window = shell.window();
        QVERIFY(QTest::qWaitForWindowActive(window));
        QVERIFY(finishes(call(&sim, QStringLiteral("POST"), QStringLiteral("/api/items?x=1"), "{\"b\":1}", "application/json")));
        ExchangeModel *model = shell.model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
        QTRY_COMPARE(model->exchangeAt(0).status, 200);
        RequestsView *requests = window->requestsView();
        requests->table()->setFocus();
        requests->table()->selectRow(0);

        // Raw and Parameters tabs.
        ExchangeDetailView *detail = window->detailView();
        const QString raw = detail->findChild<QPlainTextEdit *>(QStringLiteral("raw"))->toPlainText();
        QVERIFY2(raw.startsWith(QStringLiteral("POST /api/items?x=1 HTTP/1.1\n")), qPrintable(raw));
        QVERIFY(raw.contains(QStringLiteral("\nHTTP/1.1 200\n")));
        QCOMPARE(detail->findChild<QTableWidget *>(QStringLiteral("queryParameters"))->rowCount(), 1);

        // Ctrl+Shift+C: curl without the credential, named in a comment.
        QTest::keyClick(window, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        const QString curl = QApplication::clipboard()->text();
        QVERIFY2(curl.contains(QStringLiteral("--request 'POST'")), qPrintable(curl));
        QVERIFY(!curl.contains(QStringLiteral("caller-secret")));
        QVERIFY(!curl.contains(QStringLiteral("[redacted]")));

        // Ctrl+R: replay as captured.
        QTest::keyClick(window, Qt::Key_R, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 5000);
        QVERIFY(model->exchangeAt(1).replay);

        // Ctrl+E: edit (path and body), replay, compare side by side; the answer is selected.
        // Not selectRow(): it toggles while the last key click's Ctrl still counts as held.
        requests->table()->selectionModel()->setCurrentIndex(requests->table()->model()->index(0, 0),
                                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QTest::keyClick(window, Qt::Key_E, Qt::ControlModifier);
        ReplayEditor *editor = nullptr;
        QTRY_VERIFY((editor = window->findChild<ReplayEditor *>()) && editor->isVisible());
        editor->targetEdit()->setText(QStringLiteral("/api/items?x=2"));
        editor->bodyEdit()->setPlainText(QStringLiteral("{\"b\":2}"));
        editor->accept();
        QTRY_VERIFY(window->comparison());
        QTRY_COMPARE_WITH_TIMEOUT(window->comparison()->replay().status, 200, 5000);
        QTRY_COMPARE(model->rowCount(), 3);
        QTRY_VERIFY(requests->shownExchange() && requests->shownExchange()->query == QStringLiteral("x=2"));
        QCOMPARE(requests->shownExchange()->requestBody, QByteArray("{\"b\":2}"));
        ReplayComparison *comparison = window->comparison();
        QVERIFY(comparison->statusLabel()->text().contains(QStringLiteral("Original: 200")));
        QVERIFY(comparison->statusLabel()->text().contains(QStringLiteral("Replay: 200")));
        // The echo backend repeats the request: the bodies differ, and the diff marks it both sides.
        QVERIFY(comparison->originalPane()->toHtml().contains(QStringLiteral("#f6c6c6")));
        QVERIFY(comparison->replayPane()->toHtml().contains(QStringLiteral("#c6f6d5")));

        // Copy says it copied, on the button itself, for a moment.
        auto *copy = window->statusPanel()->findChild<QPushButton *>(QStringLiteral("copyUrl"));
        copy->click();
        QCOMPARE(QApplication::clipboard()->text(), run.manager.tunnels().constFirst()->publicUrl().toString());
        QCOMPARE(copy->text(), QStringLiteral("Copied"));
        QTRY_COMPARE(copy->text(), QStringLiteral("Copy"));

        // Closing to the tray says so the first time ever only: not again in this run, nor in the
        // next one (another window, as after a restart).
        QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("telephone"), QStringLiteral("desktop"))
            .remove(QStringLiteral("toldAboutTray")); // an earlier test closed a window too
        window->setHideOnClose(true);
        QSignalSpy hidden(window, &MainWindow::hiddenToTray);
        window->close();
        window->show();
        window->close();
        QCOMPARE(hidden.count(), 2);
        QCOMPARE(hidden.at(0).at(0).toBool(), true);
        QCOMPARE(hidden.at(1).at(0).toBool(), false);
        {
            DesktopShell nextShell(&manager, manager.tunnels().constFirst(),
                                   settingsFor(m_dir.filePath(QStringLiteral("edit.ini"))));
            MainWindow *nextRun = nextShell.window();
            nextRun->setHideOnClose(true);
            QSignalSpy hiddenNextRun(nextRun, &MainWindow::hiddenToTray);
            nextRun->show();
            nextRun->close();
            QCOMPARE(hiddenNextRun.count(), 1);
            QCOMPARE(hiddenNextRun.at(0).at(0).toBool(), false);
        }
        manager.stopAll();
    }

    void lineDiff()
    {
        using Kind = ReplayComparison::LineKind;
        const auto lines = ReplayComparison::diff({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                                                  {QStringLiteral("a"), QStringLiteral("x"), QStringLiteral("c"), QStringLiteral("d")});
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines.at(0).kind, Kind::Same);
        QCOMPARE(lines.at(1).kind, Kind::Removed);
        QCOMPARE(lines.at(1).text, QStringLiteral("b"));
        QCOMPARE(lines.at(2).kind, Kind::Added);
        QCOMPARE(lines.at(2).text, QStringLiteral("x"));
        QCOMPARE(lines.at(3).kind, Kind::Same);
        QCOMPARE(lines.at(4).kind, Kind::Added);
    }

    void formParametersAndRaw()
    {
        Exchange e;
        e.method = QStringLiteral("POST");
        e.path = QStringLiteral("/login");
        e.query = QStringLiteral("next=%2Fhome&a=1");
        e.requestHeaders = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
        e.requestBody = "user=ada+lovelace&note=caf%C3%A9";
        e.requestBytes = e.requestBody.size();
        const auto query = ExchangeDetailView::queryParameters(e);
        QCOMPARE(query.size(), 2);
        QCOMPARE(query.at(0), qMakePair(QStringLiteral("next"), QStringLiteral("/home")));
        const auto form = ExchangeDetailView::formParameters(e);
        QCOMPARE(form.size(), 2);
        QCOMPARE(form.at(0), qMakePair(QStringLiteral("user"), QStringLiteral("ada lovelace")));
        QCOMPARE(form.at(1), qMakePair(QStringLiteral("note"), QStringLiteral("café")));
        QVERIFY(ExchangeDetailView::rawText(e).endsWith(QStringLiteral("(no response yet)")));
    }

    void largeJsonIsFormattedOffTheGuiThread()
    {
        // 427 KiB of JSON, captured up to the display cap: re-indented anyway, by a worker.
        QByteArray json = "[";
        while (json.size() < 427 * 1024)
            json += "{\"id\":12345,\"name\":\"item\",\"tags\":[\"a\",\"b\"]},";
        json.chop(1);
        json += "]";
        Exchange e;
        e.method = QStringLiteral("GET");
        e.path = QStringLiteral("/big");
        e.startedAt = QDateTime::currentDateTimeUtc();
        e.durationMs = 5;
        e.status = 200;
        e.responseHeaders = {{"content-type", "application/json"}};
        e.responseBody = json.left(Exchange::DisplayBodyCap);
        e.responseBytes = json.size();
        ExchangeDetailView view;
        view.setExchange(e);
        QLabel *kind = view.findChild<QLabel *>(QStringLiteral("responseBodyKind"));
        QVERIFY2(kind->text().startsWith(QStringLiteral("Formatting")), qPrintable(kind->text()));
        QTRY_VERIFY_WITH_TIMEOUT(kind->text().startsWith(QStringLiteral("JSON (pretty-printed; cut")), 10000);
        const QString text = view.findChild<QPlainTextEdit *>(QStringLiteral("responseBody"))->toPlainText();
        QVERIFY(text.startsWith(QStringLiteral("[\n  {\n    \"id\": 12345,")));
        // A newer exchange wins over a formatting still under way.
        view.setExchange(e);
        view.clear();
        QTest::qWait(200);
        QVERIFY(view.findChild<QPlainTextEdit *>(QStringLiteral("responseBody"))->toPlainText().isEmpty());
    }

    void withoutTrayTheWindowShowsAndClosingQuits()
    {
        if (QSystemTrayIcon::isSystemTrayAvailable())
            QSKIP("this platform has a tray");
        TunnelConfig config;
        config.server = QUrl(QStringLiteral("ws://127.0.0.1:9/socket/websocket"));
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
        MemoryTokenSink sink;
        TunnelManager manager;
        Tunnel *tunnel = manager.addTunnel(config, &sink);
        // Start hidden, yet with no tray the window must appear.
        const QString file = m_dir.filePath(QStringLiteral("hidden.ini"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("start-hidden=true\n");
        f.close();
        DesktopShell shell(&manager, tunnel, settingsFor(file));
        shell.tray()->setRetry(2, 10ms);
        QSignalSpy gaveUp(shell.tray(), &TrayIcon::trayUnavailable);
        shell.start();
        QVERIFY(!shell.window()->isVisible());
        QVERIFY(gaveUp.wait(2000));
        QVERIFY(shell.window()->isVisible());
        QSignalSpy quit(&shell, &DesktopShell::quitRequested);
        shell.window()->close();
        QCOMPARE(quit.count(), 1);
    }

    void trayIconsRenderEveryLookAndStyle()
    {
        for (const auto style : {TrayIcons::Style::Colour, TrayIcons::Style::Light, TrayIcons::Style::Dark}) {
            for (const auto look : {TrayIcons::Look::Connected, TrayIcons::Look::Connecting, TrayIcons::Look::BackendDown,
                                    TrayIcons::Look::NeedsToken, TrayIcons::Look::Stopped}) {
                const QString path = TrayIcons::resourcePath(look, style);
                TrayIcons::icon(look, style); // initialises the resources
                QSvgRenderer renderer(path);
                QVERIFY2(renderer.isValid(), qPrintable(path));
                const QImage image = TrayIcons::icon(look, style).pixmap(22, 22).toImage();
                QVERIFY2(!image.isNull(), qPrintable(path));
                int painted = 0;
                for (int y = 0; y < image.height(); ++y)
                    for (int x = 0; x < image.width(); ++x)
                        painted += qAlpha(image.pixel(x, y)) > 0;
                QVERIFY2(painted > 40, qPrintable(path));
            }
        }
        // The looks differ from each other (badge), not only by colour.
        const QImage a = TrayIcons::icon(TrayIcons::Look::Connected, TrayIcons::Style::Dark).pixmap(22, 22).toImage();
        const QImage b = TrayIcons::icon(TrayIcons::Look::BackendDown, TrayIcons::Style::Dark).pixmap(22, 22).toImage();
        QVERIFY(a != b);
    }

    // "auto" follows the panel as the portal reports it, not the application's palette.
    void autoIconStyleFollowsThePortal()
    {
        if (!QDBusConnection::sessionBus().isConnected())
            QSKIP("no session bus (scripts/test provides one)");
        FakePortal portal;
        QDBusConnection bus = portal.connection;
        portal.scheme = 1; // prefer dark
        QVERIFY(bus.registerObject(QStringLiteral("/org/freedesktop/portal/desktop"), &portal, QDBusConnection::ExportAllSlots));
        QVERIFY2(bus.registerService(QStringLiteral("org.freedesktop.portal.Desktop")), qPrintable(bus.lastError().message()));
        // The application's palette is light: the old rule would pick dark glyphs.
        QPalette light;
        light.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
        QApplication::setPalette(light);
        TunnelConfig config;
        config.server = QUrl(QStringLiteral("ws://127.0.0.1:9/socket/websocket"));
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
        MemoryTokenSink sink;
        Tunnel tunnel(config, &sink);
        BackendHealth health;
        TunnelActions actions(&tunnel);
        TrayIcon tray(&tunnel, &health, &actions);
        tray.setIconStyle(QStringLiteral("auto"));
        QTRY_COMPARE(tray.panelScheme()->scheme(), PanelScheme::Scheme::Dark);
        QCOMPARE(tray.style(), TrayIcons::Style::Light);
        // The desktop switches to light panels.
        portal.announce(2);
        QTRY_COMPARE(tray.panelScheme()->scheme(), PanelScheme::Scheme::Light);
        QCOMPARE(tray.style(), TrayIcons::Style::Dark);
        // An explicit style is kept whatever the panel.
        tray.setIconStyle(QStringLiteral("colour"));
        QCOMPARE(tray.style(), TrayIcons::Style::Colour);
        bus.unregisterService(QStringLiteral("org.freedesktop.portal.Desktop"));
        bus.unregisterObject(QStringLiteral("/org/freedesktop/portal/desktop"));
        QDBusConnection::disconnectFromBus(QStringLiteral("fake-portal"));
        QApplication::setPalette(QPalette());
    }

    void trayLooksAndStyles()
    {
        QCOMPARE(TrayIcons::lookFor(Tunnel::State::Connected, true), TrayIcons::Look::Connected);
        QCOMPARE(TrayIcons::lookFor(Tunnel::State::Connected, false), TrayIcons::Look::BackendDown);
        QCOMPARE(TrayIcons::lookFor(Tunnel::State::Reconnecting, false), TrayIcons::Look::Connecting);
        QCOMPARE(TrayIcons::lookFor(Tunnel::State::Joining, true), TrayIcons::Look::Connecting);
        QCOMPARE(TrayIcons::lookFor(Tunnel::State::AuthFailed, true), TrayIcons::Look::NeedsToken);
        QCOMPARE(TrayIcons::lookFor(Tunnel::State::ConfigError, true), TrayIcons::Look::NeedsToken);
        QCOMPARE(TrayIcons::lookFor(Tunnel::State::Disconnected, true), TrayIcons::Look::Stopped);
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x24));
        QPalette light;
        light.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
        QCOMPARE(TrayIcons::resolveStyle(QStringLiteral("auto"), dark), TrayIcons::Style::Light);
        QCOMPARE(TrayIcons::resolveStyle(QStringLiteral("auto"), light), TrayIcons::Style::Dark);
        QCOMPARE(TrayIcons::resolveStyle(QStringLiteral("colour"), dark), TrayIcons::Style::Colour);
        QCOMPARE(TrayIcons::resolveStyle(QStringLiteral("dark"), dark), TrayIcons::Style::Dark);
        QCOMPARE(TrayIcons::resolveStyle(QStringLiteral("light"), light), TrayIcons::Style::Light);
    }

    void backendHealthFromTraffic()
    {
        BackendHealth health;
        QSignalSpy changed(&health, &BackendHealth::healthChanged);
        Exchange e;
        health.onExchangeFinished(e); // pending: says nothing
        QCOMPARE(health.health(), BackendHealth::Health::Unknown);
        e.durationMs = 5;
        QCOMPARE(health.health(), BackendHealth::Health::Unknown);
        e.status = 504;
        e.error = QStringLiteral("slow");
        health.onExchangeFinished(e); // slow is not down
        QCOMPARE(health.health(), BackendHealth::Health::Unknown);
        e.status = 502;
        e.error = QStringLiteral("connection refused");
        health.onExchangeFinished(e);
        QCOMPARE(health.health(), BackendHealth::Health::NotAnswering);
        QCOMPARE(health.lastError(), QStringLiteral("connection refused"));
        e.status = 502;
        e.error.clear(); // the backend itself answered 502: it is up
        health.onExchangeFinished(e);
        QCOMPARE(health.health(), BackendHealth::Health::Answering);
        QCOMPARE(changed.count(), 2);
    }

    void notifications()
    {
        sim::PlugboardSimulator sim;
        QVERIFY(sim.listen());
        const quint16 port = sim.port();
        const QString pathId = sim.addMount(QStringLiteral("/demo"));
        TunnelConfig config;
        config.server = sim.socketUrl();
        config.token = sim.mintToken(pathId);
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
        config.backoffInitial = 50ms;
        config.backoffMax = 100ms;
        config.authRetryInterval = 0ms;
        MemoryTokenSink sink;
        Tunnel tunnel(config, &sink);
        Notifier notifier(&tunnel);
        notifier.setGracePeriod(400ms);
        QSignalSpy notes(&notifier, &Notifier::notify);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::Connected, 5000);
        QCOMPARE(notes.count(), 0); // connecting the first time is not news

        // A blip shorter than the grace period: nothing to say.
        sim.kickAll(true);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::Connected, 5000);
        QTest::qWait(600);
        QCOMPARE(notes.count(), 0);

        // Down for longer: "Connection lost", then "Reconnected".
        sim.close();
        QVERIFY(notes.wait(3000));
        QCOMPARE(notes.at(0).at(0).toString(), QStringLiteral("Connection lost"));
        QCOMPARE(notes.at(0).at(2).value<Notifier::Kind>(), Notifier::Kind::Warning);
        QVERIFY(sim.listen(QHostAddress::LocalHost, port));
        QTRY_COMPARE_WITH_TIMEOUT(notes.count(), 2, 5000);
        QCOMPARE(notes.at(1).at(0).toString(), QStringLiteral("Reconnected"));

        // Refused token: said once.
        sim.revokeAllTokens();
        sim.kickAll(true);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::AuthFailed, 5000);
        QTRY_COMPARE(notes.count(), 3);
        QCOMPARE(notes.at(2).at(0).toString(), QStringLiteral("Token refused"));
        QCOMPARE(notes.at(2).at(2).value<Notifier::Kind>(), Notifier::Kind::Critical);

        // Switched off: silent.
        notifier.setEnabled(false);
        emit tunnel.refreshFailed(QStringLiteral("timeout"), QStringLiteral("timeout"));
        QCOMPARE(notes.count(), 3);
        notifier.setEnabled(true);
        emit tunnel.refreshFailed(QStringLiteral("timeout"), QStringLiteral("timeout"));
        emit tunnel.refreshFailed(QStringLiteral("timeout"), QStringLiteral("timeout")); // retries: one notice
        QCOMPARE(notes.count(), 4);
        QCOMPARE(notes.at(3).at(0).toString(), QStringLiteral("Token refresh failed"));
        emit tunnel.tokenExpiringSoon(300);
        QCOMPARE(notes.count(), 5);
        QVERIFY(notes.at(4).at(1).toString().contains(QStringLiteral("5 min")));
        tunnel.stop();
    }

    void singleInstance()
    {
        const QString key = QStringLiteral("telephone-test-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
        auto first = std::make_unique<SingleInstance>(key);
        QString error;
        QVERIFY(first->becomePrimary(&error));
        QVERIFY(error.isEmpty());

        SingleInstance second(key);
        QVERIFY(!second.becomePrimary(&error));
        QVERIFY2(error.isEmpty(), qPrintable(error)); // "someone else has it", not a failure
        QSignalSpy raised(first.get(), &SingleInstance::activationRequested);
        QSignalSpy sent(&second, &SingleInstance::activationSent);
        second.activatePrimary();
        QVERIFY(sent.wait(5000));
        QVERIFY2(sent.at(0).at(0).toBool(), qPrintable(sent.at(0).at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 1, 5000);

        // The first one ends: the lock is free again.
        first.reset();
        SingleInstance third(key);
        QVERIFY(third.becomePrimary(&error));

        // Keys separate config files and the demo.
        QVERIFY(SingleInstance::keyFor(QStringLiteral("/a.ini"), false) != SingleInstance::keyFor(QStringLiteral("/b.ini"), false));
        QVERIFY(SingleInstance::keyFor(QStringLiteral("/a.ini"), false) != SingleInstance::keyFor(QStringLiteral("/a.ini"), true));
        QCOMPARE(SingleInstance::keyFor(QStringLiteral("/a.ini"), true), SingleInstance::keyFor(QStringLiteral("/a.ini"), true));
    }

    void nobodyAnswersTheSecondLaunch()
    {
        SingleInstance lonely(QStringLiteral("telephone-test-nobody-") + QUuid::createUuid().toString(QUuid::Id128).left(8));
        QSignalSpy sent(&lonely, &SingleInstance::activationSent);
        lonely.activatePrimary();
        QVERIFY(sent.wait(5000));
        QCOMPARE(sent.count(), 1);
        QVERIFY(!sent.at(0).at(0).toBool());
    }
};

QTEST_MAIN(TestUiWindow)
#include "test_ui_window.moc"
