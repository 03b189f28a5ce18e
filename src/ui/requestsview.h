#pragma once

#include "proxy/exchange.h"

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QPushButton;
class QTableView;

namespace telephone {

class ExchangeFilterModel;
class ExchangeModel;

/// The request list: filter box, Follow toggle (keep the newest row in view), Clear, and the table
/// over the filtered model. It knows nothing of replay or export; it says what is selected.
class RequestsView : public QWidget
{
    Q_OBJECT

public:
    explicit RequestsView(ExchangeModel *model, QWidget *parent = nullptr);

    /// Selected exchanges, oldest first.
    QList<Exchange> selectedExchanges() const;
    /// Every exchange the filter lets through, oldest first.
    QList<Exchange> visibleExchanges() const;
    bool hasCurrent() const;
    Exchange currentExchange() const;

    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    ExchangeFilterModel *filterModel() const { return m_proxy; }
    bool follow() const;
    void setFollow(bool follow);

public slots:
    void clear();
    /// Moves the focus to the table and selects the newest row the filter shows.
    void selectNewest();

signals:
    /// The current row changed, or its exchange did (a pending one got its answer).
    void currentChanged();
    void selectionChanged();

private:
    void onRowsAppended();

    ExchangeModel *m_model;
    ExchangeFilterModel *m_proxy;
    QLineEdit *m_filter;
    QCheckBox *m_follow;
    QPushButton *m_clear;
    QTableView *m_table;
};

} // namespace telephone
