#include "ui/requestsview.h"

#include "ui/exchangefiltermodel.h"
#include "ui/exchangemodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
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
    , m_follow(new QCheckBox(tr("Follow"), this))
    , m_clear(new QPushButton(tr("Clear"), this))
    , m_table(new QTableView(this))
{
    m_proxy->setSourceModel(model);
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter: path, GET, 4xx, 404, pending, replay, error"));
    m_filter->setClearButtonEnabled(true);
    m_follow->setObjectName(QStringLiteral("follow"));
    m_follow->setToolTip(tr("Keep the newest request in view"));
    m_follow->setChecked(true);
    m_clear->setObjectName(QStringLiteral("clear"));
    m_clear->setToolTip(tr("Forget every captured request"));

    m_table->setObjectName(QStringLiteral("requests"));
    m_table->setModel(m_proxy);
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
    const int digit = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    // Sized for their longest usual text ("12:34:56.789", "OPTIONS", "pending", "1023.9 KiB").
    header->resizeSection(ExchangeModel::TimeColumn, digit * 13);
    header->resizeSection(ExchangeModel::MethodColumn, digit * 9);
    header->resizeSection(ExchangeModel::StatusColumn, digit * 8);
    header->resizeSection(ExchangeModel::DurationColumn, digit * 8);
    header->resizeSection(ExchangeModel::RequestSizeColumn, digit * 10);
    header->resizeSection(ExchangeModel::ResponseSizeColumn, digit * 10);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_follow);
    bar->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
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
    connect(m_clear, &QPushButton::clicked, this, &RequestsView::clear);
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_table->scrollToBottom();
    });
    connect(model, &ExchangeModel::rowsAppended, this, &RequestsView::onRowsAppended);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RequestsView::currentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RequestsView::selectionChanged);
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
    if (m_follow->isChecked())
        m_table->scrollToBottom();
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
    m_model->clear();
    emit currentChanged();
    emit selectionChanged();
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

} // namespace telephone
