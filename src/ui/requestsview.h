#pragma once

#include "proxy/exchange.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

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
    /// The exchange the detail pane shows: the current row while it is selected and shown.
    std::optional<Exchange> shownExchange() const;

    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    /// "All tunnels" and each tunnel's name; shown, with the Tunnel column, only for several tunnels.
    QComboBox *tunnelCombo() const { return m_tunnelCombo; }
    void setTunnels(const QStringList &names);
    ExchangeFilterModel *filterModel() const { return m_proxy; }
    bool follow() const;
    void setFollow(bool follow);
    /// Follow is on, but the user scrolled up to read: new rows do not move the list until the
    /// user is back at the bottom.
    bool followPaused() const { return m_followPaused; }
    QLabel *followNote() const { return m_followNote; }
    QPushButton *undoButton() const { return m_undo; }
    /// How long Clear can be undone.
    static constexpr int UndoSeconds = 8;

public slots:
    /// Forgets every row; Undo brings them back for UndoSeconds.
    void clear();
    void undoClear();
    /// Moves the focus to the table and selects the newest row the filter shows.
    void selectNewest();

signals:
    /// The current row changed, or its exchange did (a pending one got its answer).
    void currentChanged();
    void selectionChanged();

private:
    void onRowsAppended();
    void onScrolled(int value);
    void setFollowPaused(bool paused);

    ExchangeModel *m_model;
    ExchangeFilterModel *m_proxy;
    QLineEdit *m_filter;
    QComboBox *m_tunnelCombo;
    QCheckBox *m_follow;
    QPushButton *m_clear;
    QTableView *m_table;
    QLabel *m_followNote;
    QWidget *m_undoBar;
    QLabel *m_undoText;
    QPushButton *m_undo;
    QTimer *m_undoTimer;
    bool m_followPaused = false;
};

} // namespace telephone
