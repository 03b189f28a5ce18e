#include "ui/requestsview.h"

#include "ui/exchangefiltermodel.h"
#include "ui/exchangemodel.h"
#include "ui/humantext.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace telephone {

RequestsView::RequestsView(ExchangeModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new ExchangeFilterModel(this))
    , m_filter(new QLineEdit(this))
    , m_tunnelCombo(new QComboBox(this))
    , m_follow(new QCheckBox(tr("Follow"), this))
    , m_clear(new QPushButton(tr("Clear"), this))
    , m_table(new QTableView(this))
    , m_followNote(new QLabel(this))
    , m_undoBar(new QWidget(this))
    , m_undoText(new QLabel(m_undoBar))
    , m_undo(new QPushButton(tr("Undo"), m_undoBar))
    , m_undoTimer(new QTimer(this))
{
    m_proxy->setSourceModel(model);
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter: path, GET, 4xx, 404, pending, replay, error"));
    m_filter->setClearButtonEnabled(true);
    m_tunnelCombo->setObjectName(QStringLiteral("tunnelFilter"));
    m_tunnelCombo->setToolTip(tr("Show the requests of one tunnel (or type tunnel:NAME in the filter)"));
    m_follow->setObjectName(QStringLiteral("follow"));
    m_follow->setToolTip(tr("Keep the newest request in view"));
    m_follow->setChecked(true);
    m_clear->setObjectName(QStringLiteral("clear"));
    m_clear->setToolTip(tr("Forget every captured request (can be undone for a few seconds)"));
    m_followNote->setObjectName(QStringLiteral("followNote"));
    m_followNote->setText(tr("Follow paused while you read — scroll to the bottom to resume"));
    m_followNote->setWordWrap(true);
    m_followNote->hide();
    m_undo->setObjectName(QStringLiteral("undoClear"));
    m_undoText->setObjectName(QStringLiteral("undoText"));
    m_undoBar->hide();
    m_undoTimer->setSingleShot(true);
    m_undoTimer->setInterval(std::chrono::seconds(UndoSeconds));

    m_table->setObjectName(QStringLiteral("requests"));
    // Tab leaves the table for the detail pane; arrows move between rows.
    m_table->setTabKeyNavigation(false);
    m_table->setModel(m_proxy);
    // Sorting by the numbers behind the text (55.2 s after 850 ms); no column sorted at first, so
    // the list is in arrival order until a header is clicked.
    m_proxy->setSortRole(ExchangeModel::SortRole);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicatorClearable(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Fixed row heights: the view never measures rows, which keeps thousands of rows cheap.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->verticalHeader()->hide();
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(ExchangeModel::PathColumn, QHeaderView::Stretch);
    // Sized for their longest usual text in the language shown ("12:34:56.789", "OPTIONS",
    // "ausstehend", "59 min 59 s", "1023.9 KiB") and their title, so that nothing is cut.
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = metrics.horizontalAdvance(QStringLiteral("00"));
    const auto fit = [&](int column, const QStringList &samples) {
        int width = metrics.horizontalAdvance(model->headerData(column, Qt::Horizontal).toString());
        for (const QString &sample : samples)
            width = qMax(width, metrics.horizontalAdvance(sample));
        header->resizeSection(column, width + padding);
    };
    fit(ExchangeModel::TimeColumn, {QStringLiteral("00:00:00.000")});
    fit(ExchangeModel::TunnelColumn, {QStringLiteral("webhooks")});
    fit(ExchangeModel::MethodColumn, {QStringLiteral("↻ OPTIONS")});
    fit(ExchangeModel::StatusColumn, {ExchangeModel::tr("pending")});
    fit(ExchangeModel::DurationColumn, {HumanText::elapsed(59949)});
    fit(ExchangeModel::RequestSizeColumn, {QLocale().formattedDataSize(1023 * 1024 + 900, 1)});
    fit(ExchangeModel::ResponseSizeColumn, {QLocale().formattedDataSize(1023 * 1024 + 900, 1)});

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_tunnelCombo);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_follow);
    bar->addWidget(m_clear);
    auto *undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(0, 0, 0, 0);
    undoLayout->addWidget(m_undoText, 1);
    undoLayout->addWidget(m_undo);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_undoBar);
    layout->addWidget(m_followNote);
    layout->addWidget(m_table, 1);

    // Typing re-filters after a pause, not per key: the history may hold thousands of rows.
    auto *filterDelay = new QTimer(this);
    filterDelay->setSingleShot(true);
    filterDelay->setInterval(150);
    connect(m_filter, &QLineEdit::textChanged, filterDelay, qOverload<>(&QTimer::start));
    connect(filterDelay, &QTimer::timeout, this, [this] { m_proxy->setFilterText(m_filter->text()); });
    // Return in the filter box applies it at once and goes to the newest match.
    connect(m_filter, &QLineEdit::returnPressed, this, [this, filterDelay] {
        filterDelay->stop();
        m_proxy->setFilterText(m_filter->text());
        selectNewest();
    });
    // Esc in the filter box empties it at once.
    auto *clearFilter = new QAction(tr("Clear filter"), m_filter);
    clearFilter->setShortcut(Qt::Key_Escape);
    clearFilter->setShortcutContext(Qt::WidgetShortcut);
    m_filter->addAction(clearFilter);
    connect(clearFilter, &QAction::triggered, this, [this, filterDelay] {
        m_filter->clear();
        filterDelay->stop();
        m_proxy->setFilterText(QString());
    });
    connect(m_tunnelCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_proxy->setTunnel(index > 0 ? m_tunnelCombo->itemText(index) : QString());
    });
    setTunnels({});
    connect(m_clear, &QPushButton::clicked, this, &RequestsView::clear);
    connect(m_undo, &QPushButton::clicked, this, &RequestsView::undoClear);
    connect(m_undoTimer, &QTimer::timeout, this, [this] {
        m_undoBar->hide();
        m_model->dropUndo();
    });
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        setFollowPaused(false);
        if (on)
            m_table->scrollToBottom();
    });
    // A change of value is a scroll (wheel, bar, keys); new rows change only the range.
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, &RequestsView::onScrolled);
    connect(model, &ExchangeModel::rowsAppended, this, &RequestsView::onRowsAppended);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RequestsView::currentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RequestsView::selectionChanged);
    // Rows filtered out or removed may take the current row with them; the selection model does
    // not say so (no selectionChanged for removals), so the pane asks again.
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, [this] {
        emit currentChanged();
        emit selectionChanged();
    });
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &RequestsView::currentChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RequestsView::currentChanged);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid() && current.row() >= topLeft.row() && current.row() <= bottomRight.row())
            emit currentChanged();
    });
}

bool RequestsView::follow() const
{
    return m_follow->isChecked();
}

void RequestsView::setFollow(bool follow)
{
    m_follow->setChecked(follow);
}

void RequestsView::onRowsAppended()
{
    if (m_follow->isChecked() && !m_followPaused)
        m_table->scrollToBottom();
}

void RequestsView::onScrolled(int value)
{
    if (!m_follow->isChecked())
        return;
    setFollowPaused(value < m_table->verticalScrollBar()->maximum());
}

void RequestsView::setFollowPaused(bool paused)
{
    if (paused == m_followPaused)
        return;
    m_followPaused = paused;
    m_followNote->setVisible(paused);
}

void RequestsView::selectNewest()
{
    const int last = m_proxy->rowCount() - 1;
    if (last < 0)
        return;
    m_table->setFocus();
    // Not selectRow(): with Ctrl held (the window's Ctrl+End shortcut) it toggles the row instead.
    m_table->selectionModel()->setCurrentIndex(m_proxy->index(last, 0),
                                               QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollToBottom();
}

void RequestsView::clear()
{
    const int count = m_model->rowCount() + m_model->stagedCount();
    m_model->clear();
    if (count > 0) {
        m_undoText->setText(tr("Cleared %Ln request(s).", "", count));
        m_undoBar->show();
        m_undoTimer->start();
    }
    emit currentChanged();
    emit selectionChanged();
}

void RequestsView::undoClear()
{
    m_undoTimer->stop();
    m_undoBar->hide();
    m_model->undoClear();
    if (m_follow->isChecked() && !m_followPaused)
        m_table->scrollToBottom();
}

QList<Exchange> RequestsView::selectedExchanges() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<Exchange> out;
    out.reserve(rows.size());
    for (const QModelIndex &index : std::as_const(rows))
        out << m_model->exchangeAt(m_proxy->mapToSource(index).row());
    return out;
}

QList<Exchange> RequestsView::visibleExchanges() const
{
    QList<Exchange> out;
    const int rows = m_proxy->rowCount();
    out.reserve(rows);
    for (int row = 0; row < rows; ++row)
        out << m_model->exchangeAt(m_proxy->mapToSource(m_proxy->index(row, 0)).row());
    return out;
}

std::optional<Exchange> RequestsView::shownExchange() const
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), current.parent()))
        return std::nullopt;
    return m_model->exchangeAt(m_proxy->mapToSource(current).row());
}

bool RequestsView::hasCurrent() const
{
    return m_table->currentIndex().isValid();
}

Exchange RequestsView::currentExchange() const
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return {};
    return m_model->exchangeAt(m_proxy->mapToSource(current).row());
}

void RequestsView::setTunnels(const QStringList &names)
{
    const bool several = names.size() > 1;
    // One tunnel: the list looks as it always did, no column or choice that says nothing.
    m_table->setColumnHidden(ExchangeModel::TunnelColumn, !several);
    m_tunnelCombo->setVisible(several);
    m_tunnelCombo->clear(); // back to index -1, then 0: the filter shows every tunnel again
    m_tunnelCombo->addItem(tr("All tunnels"));
    m_tunnelCombo->addItems(names);
}

} // namespace telephone
