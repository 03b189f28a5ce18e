#include "ui/mainwindow.h"

#include "config/safeurl.h"
#include "tunnel/tunnel.h"
#include "ui/backendhealth.h"
#include "ui/curlcommand.h"
#include "ui/exchangedetailview.h"
#include "ui/exchangefiltermodel.h"
#include "ui/exchangemodel.h"
#include "ui/exchangeurl.h"
#include "ui/harexport.h"
#include "ui/humantext.h"
#include "ui/replaycomparison.h"
#include "ui/replayeditor.h"
#include "ui/requestsview.h"
#include "ui/statuspanel.h"
#include "ui/trayicons.h"
#include "ui/tunnelactions.h"
#include "ui/tunnelglance.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QSaveFile>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QThread>
#include <QSettings>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <memory>

namespace telephone {

namespace {

/// Where a request's URL starts: the tunnel's public URL, or its backend before a join.
QUrl requestUrlBase(const Tunnel *tunnel)
{
    return tunnel->publicUrl().isEmpty() ? tunnel->config().backend : tunnel->publicUrl();
}

} // namespace

MainWindow::MainWindow(const QList<TunnelParts> &tunnels, TunnelManager *manager, ExchangeModel *model, QWidget *parent)
    : QMainWindow(parent)
    , m_tunnels(tunnels)
    , m_model(model)
    , m_panelStack(new QStackedWidget(this))
    , m_tunnelList(new QListWidget(this))
    , m_requests(new RequestsView(model, this))
    , m_detail(new ExchangeDetailView(this))
    , m_counts(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    m_counts->setObjectName(QStringLiteral("counts"));
    setWindowIcon(TrayIcons::icon(TrayIcons::Look::Connected, TrayIcons::Style::Colour));

    for (const TunnelParts &parts : tunnels) {
        auto *panel = new StatusPanel(parts, manager, m_panelStack);
        panel->setObjectName(QStringLiteral("status-") + parts.name);
        m_panels << panel;
        m_panelStack->addWidget(panel);
        const QPointer<Tunnel> tunnel = parts.tunnel;
        connect(panel, &StatusPanel::tokenActionRequested, this, [this, tunnel] { emit tokenDialogRequested(tunnel); });
    }
    auto *statusBox = new QGroupBox(tunnels.size() > 1 ? tr("Tunnels") : tr("Tunnel"), this);
    buildTunnelList(statusBox);

    auto *detailBox = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto *tools = new QToolBar(detailBox);
    m_tools = tools;
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    detailLayout->addWidget(tools);
    detailLayout->addWidget(m_detail, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    m_split = split;
    split->addWidget(m_requests);
    split->addWidget(detailBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    // The detail pane gets room for a whole hex-dump line (78 columns) without scrolling.
    const int hexWidth =
        QFontMetrics(QFontDatabase::systemFont(QFontDatabase::FixedFont)).horizontalAdvance(QString(78, QLatin1Char('0')));
    split->setSizes({1300 - hexWidth - 80, hexWidth + 50});
    split->setChildrenCollapsible(false);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(statusBox);
    layout->addWidget(split, 1);
    setCentralWidget(central);
    statusBar()->addWidget(m_counts, 1);

    buildMenus();
    tools->addAction(m_replay);
    tools->addAction(m_editReplay);
    tools->addAction(m_copyCurl);
    tools->addSeparator();
    // One button for the three export choices: the detail pane is narrow.
    auto *exportMenu = new QMenu(this);
    exportMenu->addAction(m_exportSelected);
    exportMenu->addAction(m_exportAll);
    exportMenu->addSeparator();
    exportMenu->addAction(m_includeSecrets);
    auto *exportButton = new QToolButton(tools);
    exportButton->setText(tr("Export HAR"));
    exportButton->setMenu(exportMenu);
    exportButton->setPopupMode(QToolButton::InstantPopup);
    tools->addWidget(exportButton);
    // Keyboard users reach the actions too: filter → list → detail → actions.
    for (QAction *action : tools->actions()) {
        if (QWidget *button = tools->widgetForAction(action))
            button->setFocusPolicy(Qt::TabFocus);
    }
    QList<QWidget *> chain{m_requests->tunnelCombo(), m_requests->filterEdit(), m_requests->table()};
    chain += m_detail->focusChain();
    chain << tools->widgetForAction(m_replay) << tools->widgetForAction(m_editReplay) << tools->widgetForAction(m_copyCurl)
          << exportButton;
    for (int i = 1; i < chain.size(); ++i)
        setTabOrder(chain.at(i - 1), chain.at(i));

    // The detail pane shows the selected current row and nothing else: a row filtered out,
    // removed or deselected takes its detail with it.
    const auto showDetail = [this] {
        const std::optional<Exchange> shown = m_requests->shownExchange();
        if (!shown)
            m_detail->clear();
        else if (!m_detail->hasExchange() || m_detail->exchange().requestId != shown->requestId
                 || m_detail->exchange().durationMs != shown->durationMs || m_detail->exchange().replay != shown->replay)
            m_detail->setExchange(*shown); // formatting a body is not free: only when it changed
        updateActions();
    };
    connect(m_requests, &RequestsView::currentChanged, this, showDetail);
    connect(m_requests, &RequestsView::selectionChanged, this, showDetail);
    connect(model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCounts);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateCounts);
    connect(model, &QAbstractItemModel::modelReset, this, &MainWindow::updateCounts);
    connect(m_requests->filterModel(), &ExchangeFilterModel::filterTextChanged, this, &MainWindow::updateCounts);
    connect(m_requests->filterModel(), &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCounts);
    connect(m_requests->filterModel(), &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateCounts);
    connect(m_requests->filterModel(), &QAbstractItemModel::layoutChanged, this, &MainWindow::updateCounts);
    connect(m_requests->filterModel(), &QAbstractItemModel::modelReset, this, &MainWindow::updateCounts);
    for (int row = 0; row < m_tunnels.size(); ++row) {
        const TunnelParts &parts = m_tunnels.at(row);
        connect(parts.tunnel, &Tunnel::stateChanged, this, [this, row] {
            updateTunnelItem(row);
            updateTitle();
            updateActions();
        });
        if (parts.health)
            connect(parts.health, &BackendHealth::healthChanged, this, [this, row] { updateTunnelItem(row); });
        // The model knows exchanges by tunnel and request id: name them as the shell does.
        const auto replayed = [this, name = parts.name](Exchange exchange) {
            exchange.tunnel = name;
            onReplayExchange(exchange);
        };
        connect(parts.tunnel, &Tunnel::exchangeStarted, this, replayed);
        connect(parts.tunnel, &Tunnel::exchangeFinished, this, replayed);
    }
    connect(m_detail, &ExchangeDetailView::saveBodyRequested, this, &MainWindow::saveBody);
    // Right-click on the list: what the Requests menu offers for the selection.
    m_requestMenu = new QMenu(this);
    m_requestMenu->addAction(m_copyUrl);
    m_requestMenu->addAction(m_copyCurl);
    m_requestMenu->addSeparator();
    m_requestMenu->addAction(m_replay);
    m_requestMenu->addAction(m_editReplay);
    m_requestMenu->addSeparator();
    m_requestMenu->addAction(m_exportSelected);
    m_requests->table()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_requests->table(), &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        m_requestMenu->popup(m_requests->table()->viewport()->mapToGlobal(at));
    });
    connect(this, &MainWindow::harExported, this, [this](bool, const QString &message) {
        statusBar()->showMessage(message, 10000);
    });

    QStringList names;
    for (const TunnelParts &parts : tunnels)
        names << parts.name;
    m_requests->setTunnels(names);
    onTunnelSelected();

    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    setMinimumWidth(MinimumWidth);
    resize(1300, 800);
    updateTitle();
    updateActions();
    updateCounts();
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_exportSelected = file->addAction(tr("Export selected as HAR…"), this, [this] { askExportHar(true); });
    m_exportAll = file->addAction(tr("Export all as HAR…"), this, [this] { askExportHar(false); });
    m_includeSecrets = file->addAction(tr("Include credentials in exports"));
    m_includeSecrets->setCheckable(true);
    m_includeSecrets->setToolTip(tr("Authorization, Cookie and Set-Cookie values are replaced by [redacted] in HAR "
                                    "files and left out of curl commands unless this is on"));
    file->addSeparator();
    file->addAction(tr("Close window"), QKeySequence::Close, this, &QWidget::close);
    file->addAction(tr("Quit"), QKeySequence::Quit, this, &MainWindow::quitRequested);

    // Filled by onTunnelSelected: the actions of the selected tunnel.
    m_tunnelMenu = menuBar()->addMenu(tr("&Tunnel"));
    m_setTokenAction = new QAction(tr("Set token…"), this);
    m_setTokenAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(m_setTokenAction, &QAction::triggered, this, [this] { emit tokenDialogRequested(selectedTunnel()); });
    m_settingsAction = new QAction(tr("Settings…"), this);
    m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::settingsRequested);

    QMenu *requests = menuBar()->addMenu(tr("&Requests"));
    m_replay = requests->addAction(tr("Replay"), QKeySequence(Qt::CTRL | Qt::Key_R), this, &MainWindow::replaySelected);
    m_replay->setToolTip(tr("Send the selected requests to the local backend again, from the captured bytes"));
    m_editReplay = requests->addAction(tr("Edit and replay…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                                       &MainWindow::editAndReplay);
    m_editReplay->setToolTip(tr("Change method, path, headers or body, send it, and compare the answers"));
    m_copyCurl = requests->addAction(tr("Copy as curl"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this,
                                     &MainWindow::copyCurl);
    m_copyUrl = requests->addAction(tr("Copy URL"), this, &MainWindow::copyUrl);
    requests->addSeparator();
    requests->addAction(tr("Find"), QKeySequence::Find, this, [this] {
        m_requests->filterEdit()->setFocus();
        m_requests->filterEdit()->selectAll();
    });
    requests->addAction(tr("Clear"), QKeySequence(Qt::CTRL | Qt::Key_L), m_requests, &RequestsView::clear);
    // Keyboard access to the newest request (also how the screenshot script selects one).
    requests->addAction(tr("Select newest"), QKeySequence(Qt::CTRL | Qt::Key_End), m_requests, &RequestsView::selectNewest);
}

void MainWindow::buildTunnelList(QWidget *statusBox)
{
    m_tunnelList->setObjectName(QStringLiteral("tunnelList"));
    m_tunnelList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tunnelList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_tunnelList->setTextElideMode(Qt::ElideRight);
    for (int row = 0; row < m_tunnels.size(); ++row) {
        m_tunnelList->addItem(m_tunnels.at(row).name);
        updateTunnelItem(row);
    }
    // Narrow, so that the status keeps its room: a name and a short state; longer ones are elided.
    m_tunnelList->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Ignored); // as tall as the panel beside it
    m_tunnelList->setIconSize(QSize(22, 22));
    m_tunnelList->setFixedWidth(fontMetrics().horizontalAdvance(QString(24, QLatin1Char('x'))) + 40);
    m_tunnelList->setCurrentRow(0);
    m_tunnelList->setVisible(m_tunnels.size() > 1);
    connect(m_tunnelList, &QListWidget::currentRowChanged, this, &MainWindow::onTunnelSelected);

    auto *statusLayout = new QHBoxLayout(statusBox);
    statusLayout->addWidget(m_tunnelList);
    statusLayout->addWidget(m_panelStack, 1);
}

void MainWindow::updateTunnelItem(int row)
{
    QListWidgetItem *item = m_tunnelList->item(row);
    const TunnelParts &parts = m_tunnels.at(row);
    if (!item || !parts.tunnel)
        return;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const TunnelGlance glance = TunnelGlance::of(parts, now);
    item->setIcon(TrayIcons::icon(glance.look, TrayIcons::Style::Colour));
    item->setText(parts.name + QLatin1Char('\n') + glance.state);
    item->setToolTip(HumanText::stateHeadline(*parts.tunnel, now));
}

void MainWindow::onTunnelSelected()
{
    const int row = qMax(0, m_tunnelList->currentRow());
    m_panelStack->setCurrentIndex(row);
    const TunnelParts &parts = m_tunnels.at(row);
    m_tunnelMenu->clear();
    m_tunnelMenu->addAction(parts.actions->connectAction());
    m_tunnelMenu->addAction(parts.actions->disconnectAction());
    m_tunnelMenu->addSeparator();
    m_tunnelMenu->addAction(m_setTokenAction);
    m_tunnelMenu->addAction(parts.actions->refreshTokenAction());
    m_tunnelMenu->addSeparator();
    m_tunnelMenu->addAction(m_settingsAction);
    updateTitle();
}

StatusPanel *MainWindow::statusPanel() const
{
    return qobject_cast<StatusPanel *>(m_panelStack->currentWidget());
}

Tunnel *MainWindow::selectedTunnel() const
{
    return m_tunnels.value(m_panelStack->currentIndex()).tunnel;
}

bool MainWindow::selectTunnel(const QString &name)
{
    for (int row = 0; row < m_tunnels.size(); ++row) {
        if (m_tunnels.at(row).name == name) {
            m_tunnelList->setCurrentRow(row);
            return true;
        }
    }
    return false;
}

Tunnel *MainWindow::tunnelFor(const Exchange &exchange) const
{
    if (m_tunnels.size() == 1)
        return m_tunnels.constFirst().tunnel;
    for (const TunnelParts &parts : m_tunnels) {
        if (parts.name == exchange.tunnel)
            return parts.tunnel;
    }
    return nullptr;
}

QWidget *MainWindow::actionButton(QAction *action) const
{
    return m_tools ? m_tools->widgetForAction(action) : nullptr;
}

void MainWindow::bringToFront()
{
    if (isMinimized())
        showNormal();
    else
        show();
    raise();
    activateWindow();
}

void MainWindow::updateTitle()
{
    // Never the token: only the mount, which is public anyway.
    const Tunnel *tunnel = selectedTunnel();
    const QString mount = tunnel ? tunnel->mountPath() : QString();
    setWindowTitle(mount.isEmpty() ? tr("Telephone") : tr("Telephone — %1").arg(mount));
}

void MainWindow::updateActions()
{
    const QList<Exchange> selected = m_requests->selectedExchanges();
    const bool replayable = !selected.isEmpty() && std::all_of(selected.cbegin(), selected.cend(), [this](const Exchange &e) {
        // A WebSocket is not a request to send again; a replay goes through the request's own tunnel.
        return !e.requestBodyTruncated() && !e.isWebSocket() && tunnelFor(e);
    });
    m_replay->setEnabled(replayable);
    const bool truncated = std::any_of(selected.cbegin(), selected.cend(), [](const Exchange &e) {
        return e.requestBodyTruncated();
    });
    m_replay->setStatusTip(truncated
                               ? tr("A selected request's body was not captured in full, so it cannot be replayed")
                               : QString());
    m_copyCurl->setEnabled(selected.size() == 1);
    m_copyUrl->setEnabled(selected.size() == 1);
    m_editReplay->setEnabled(selected.size() == 1 && replayable);
    m_exportSelected->setEnabled(!selected.isEmpty());
    m_exportAll->setEnabled(m_model->rowCount() > 0);
}

void MainWindow::updateCounts()
{
    const int shown = m_requests->filterModel()->rowCount();
    const int held = m_model->rowCount();
    const QLocale locale;
    QString text = !m_requests->filterModel()->isFiltering()
        ? tr("%Ln request(s)", "", held)
        : tr("%1 of %2 shown").arg(locale.toString(shown), locale.toString(held));
    if (m_model->evictedCount() > 0)
        text += QStringLiteral(" · ") + tr("older requests dropped: %1").arg(locale.toString(m_model->evictedCount()));
    // The cap is not news on every change: it is in the tooltip.
    m_counts->setToolTip(tr("history keeps the last %1 requests or %2")
                             .arg(locale.toString(m_model->maxCount()), locale.formattedDataSize(m_model->maxBytes())));
    m_counts->setText(text);
    m_exportAll->setEnabled(held > 0);
}

void MainWindow::replaySelected()
{
    const QList<Exchange> selected = m_requests->selectedExchanges();
    QSet<Tunnel *> tunnels;
    for (const Exchange &exchange : selected) {
        if (Tunnel *tunnel = tunnelFor(exchange)) {
            tunnel->replay(exchange);
            tunnels.insert(tunnel);
        }
    }
    if (tunnels.isEmpty())
        return;
    const QString what = selected.size() == 1 ? selected.constFirst().method + QLatin1Char(' ') + selected.constFirst().path
                                              : tr("%Ln request(s)", "", int(selected.size()));
    statusBar()->showMessage(tunnels.size() == 1
                                 ? tr("Replaying %1 to %2").arg(what, displayUrl((*tunnels.cbegin())->config().backend))
                                 : tr("Replaying %1 to their tunnels' backends").arg(what),
                             5000);
}

void MainWindow::copyCurl()
{
    const QList<Exchange> selected = m_requests->selectedExchanges();
    const Tunnel *tunnel = selected.size() == 1 ? tunnelFor(selected.constFirst()) : nullptr;
    if (!tunnel)
        return;
    QApplication::clipboard()->setText(
        CurlCommand::build(selected.constFirst(), tunnel->config().backend, m_includeSecrets->isChecked()));
    statusBar()->showMessage(m_includeSecrets->isChecked() ? tr("curl command copied")
                                                           : tr("curl command copied (credentials left out)"),
                             5000);
}

void MainWindow::copyUrl()
{
    const QList<Exchange> selected = m_requests->selectedExchanges();
    const Tunnel *tunnel = selected.size() == 1 ? tunnelFor(selected.constFirst()) : nullptr;
    if (!tunnel)
        return;
    const QString url = QString::fromUtf8(ExchangeUrl::join(requestUrlBase(tunnel), selected.constFirst()));
    QApplication::clipboard()->setText(url);
    statusBar()->showMessage(tr("URL copied: %1").arg(url), 5000);
}

void MainWindow::editAndReplay()
{
    const QList<Exchange> selected = m_requests->selectedExchanges();
    if (selected.size() != 1 || !tunnelFor(selected.constFirst()))
        return;
    auto *editor = new ReplayEditor(selected.constFirst(), this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    const Exchange original = selected.constFirst();
    connect(editor, &QDialog::accepted, this, [this, editor, original] {
        QString problem;
        if (const std::optional<Exchange> edited = editor->edited(&problem))
            replayEdited(original, *edited);
    });
    editor->open();
}

ReplayComparison *MainWindow::comparison() const
{
    return m_comparison;
}

void MainWindow::replayEdited(const Exchange &original, const Exchange &edited)
{
    Tunnel *tunnel = tunnelFor(original);
    if (!tunnel)
        return;
    if (m_comparison)
        m_comparison->close();
    m_comparison = new ReplayComparison(original, this);
    m_comparison->setAttribute(Qt::WA_DeleteOnClose);
    m_awaitedReplay = edited;
    m_awaitedReplay.tunnel = original.tunnel;
    m_awaitedReplayId.clear();
    m_comparison->show();
    tunnel->replay(edited);
}

void MainWindow::onReplayExchange(const Exchange &exchange)
{
    if (!exchange.replay || !m_comparison)
        return;
    if (m_awaitedReplayId.isEmpty()) {
        // The forwarder names a replay itself: the first one for the edited request is ours.
        if (exchange.method != m_awaitedReplay.method || exchange.path != m_awaitedReplay.path
            || exchange.query != m_awaitedReplay.query || exchange.tunnel != m_awaitedReplay.tunnel)
            return;
        m_awaitedReplayId = exchange.requestId;
    } else if (exchange.requestId != m_awaitedReplayId) {
        return;
    }
    m_comparison->setReplay(exchange);
    if (exchange.isPending())
        return;
    // Select the answer in the list once the model has it (it takes rows in batches).
    QTimer::singleShot(0, this, [this, exchange] {
        m_model->flush();
        const int row = m_model->rowOf(exchange);
        const QModelIndex index =
            row < 0 ? QModelIndex() : m_requests->filterModel()->mapFromSource(m_model->index(row, 0));
        if (index.isValid())
            m_requests->table()->selectionModel()->setCurrentIndex(
                index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    });
}

void MainWindow::saveBody(bool request)
{
    if (!m_detail->hasExchange())
        return;
    const Exchange &exchange = m_detail->exchange();
    const QByteArray body = request ? exchange.requestBody : exchange.responseBody;
    const qint64 full = request ? exchange.requestBytes : exchange.responseBytes;
    const QString file = QFileDialog::getSaveFileName(this, tr("Save body"), QString());
    if (file.isEmpty())
        return;
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(body) < 0 || !out.commit()) {
        statusBar()->showMessage(tr("Could not write %1: %2").arg(QDir::toNativeSeparators(file), out.errorString()), 10000);
        return;
    }
    statusBar()->showMessage(full > body.size() ? tr("Saved the %1 captured of %2 to %3")
                                                      .arg(QLocale().formattedDataSize(body.size()),
                                                           QLocale().formattedDataSize(full), QDir::toNativeSeparators(file))
                                                : tr("Saved %1 to %2").arg(QLocale().formattedDataSize(body.size()),
                                                                           QDir::toNativeSeparators(file)),
                             10000);
}

void MainWindow::askExportHar(bool selectedOnly)
{
    const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                  .filePath(QStringLiteral("telephone-%1.har")
                                                .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    const QString file =
        QFileDialog::getSaveFileName(this, tr("Export as HAR"), suggested, tr("HAR files (*.har);;All files (*)"));
    if (!file.isEmpty())
        exportHar(file, selectedOnly);
}

void MainWindow::exportHar(const QString &file, bool selectedOnly)
{
    // Copies are cheap (implicitly shared); serialising thousands of bodies is not: off the GUI thread.
    const QList<Exchange> exchanges = selectedOnly ? m_requests->selectedExchanges() : m_requests->visibleExchanges();
    // Each entry's URL is on its own tunnel's public URL (or its backend before a join).
    // An exchange of no known tunnel gets the first one's: a HAR URL must be absolute.
    HarExport::BaseByTunnel bases;
    for (const TunnelParts &parts : std::as_const(m_tunnels)) {
        if (!parts.tunnel)
            continue;
        const QUrl base = requestUrlBase(parts.tunnel);
        bases.insert(parts.name, base);
        if (!bases.contains(QString()))
            bases.insert(QString(), base);
    }
    const bool includeSecrets = m_includeSecrets->isChecked();
    auto error = std::make_shared<QString>();
    QThread *thread = QThread::create([exchanges, bases, includeSecrets, file, error] {
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(HarExport::toJson(exchanges, bases, includeSecrets)) < 0
            || !out.commit())
            *error = out.errorString();
    });
    const qsizetype count = exchanges.size();
    connect(thread, &QThread::finished, this, [this, thread, error, file, count, includeSecrets] {
        thread->deleteLater();
        if (!error->isEmpty()) {
            emit harExported(false, tr("Could not write %1: %2").arg(QDir::toNativeSeparators(file), *error));
            return;
        }
        emit harExported(true, (includeSecrets ? tr("Exported %Ln request(s) to %1", "", int(count))
                                               : tr("Exported %Ln request(s) to %1 (credentials redacted)", "", int(count)))
                                   .arg(QDir::toNativeSeparators(file)));
    });
    thread->start();
}

bool MainWindow::isStacked() const
{
    return m_split->orientation() == Qt::Vertical;
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    // Side by side needs room for a table and a hex line; narrower, the detail goes below.
    const Qt::Orientation wanted = width() < NarrowBelow ? Qt::Vertical : Qt::Horizontal;
    if (m_split->orientation() != wanted)
        m_split->setOrientation(wanted);
    QMainWindow::resizeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_hideOnClose) {
        hide();
        event->ignore();
        // Said once ever, not once per run: remembered beside the config (~/.config/telephone/desktop.ini).
        QSettings remembered(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("telephone"),
                             QStringLiteral("desktop"));
        const bool first = !remembered.value(QStringLiteral("toldAboutTray")).toBool();
        if (first)
            remembered.setValue(QStringLiteral("toldAboutTray"), true);
        emit hiddenToTray(first);
        return;
    }
    // Without a tray nothing could bring the window back: closing it means quitting.
    event->ignore();
    emit quitRequested();
}

} // namespace telephone
