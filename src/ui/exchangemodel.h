#pragma once

#include "proxy/exchange.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

#include <chrono>
#include <deque>
#include <vector>

namespace telephone {

/// The request history shown by the inspector: one row per exchange, oldest first, capped by count
/// and by bytes so that a flood never grows memory without bound.
///
/// Exchanges arrive one by one (1,000 a second is normal under load), but the view hears about them
/// in batches: new rows wait in a staging list and are inserted together when the batch timer fires,
/// changed rows are announced with one dataChanged, evicted rows with one rowsRemoved. A started
/// exchange is a pending row; its finished twin fills that row in. Lives on the GUI thread.
class ExchangeModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, TunnelColumn, MethodColumn, PathColumn, StatusColumn, DurationColumn, RequestSizeColumn,
                  ResponseSizeColumn, ColumnCount };
    enum Role {
        ExchangeRole = Qt::UserRole + 1, ///< the whole Exchange (QVariant of telephone::Exchange)
        StatusRole,                      ///< int, 0 while pending
        ReplayRole,                      ///< bool
        SortRole,                        ///< what the column sorts by: numbers as numbers
    };

    static constexpr int DefaultMaxCount = 5000;
    static constexpr qint64 DefaultMaxBytes = 64LL * 1024 * 1024;

    explicit ExchangeModel(QObject *parent = nullptr);

    void setLimits(int maxCount, qint64 maxBytes);
    int maxCount() const { return m_maxCount; }
    qint64 maxBytes() const { return m_maxBytes; }
    void setBatchInterval(std::chrono::milliseconds interval);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const Exchange &exchangeAt(int row) const;
    /// The row of the exchange with this request id (and replay flag), or -1.
    int rowOf(const Exchange &exchange) const;
    /// Bytes the shown rows hold (bodies, headers, text), as counted against the cap.
    qint64 bytesHeld() const { return m_bytes; }
    /// Rows dropped by the caps since the last clear().
    qint64 evictedCount() const { return m_evicted; }
    /// Exchanges that arrived but are not rows yet.
    int stagedCount() const { return int(m_staging.size()); }

public slots:
    void addStarted(const telephone::Exchange &exchange);
    void addFinished(const telephone::Exchange &exchange);
    /// Applies everything that arrived since the last batch (the timer calls it; so can tests).
    void flush();
    void clear();
    /// Puts back the rows the last clear() removed, before any that arrived since (then the caps
    /// apply again). Returns how many came back; 0 when there is nothing to undo.
    int undoClear();
    /// Forgets what undoClear() could bring back.
    void dropUndo();

signals:
    /// After each batch that inserted rows.
    void rowsAppended(int first, int last);

private:
    struct Entry {
        Exchange exchange;
        qint64 bytes = 0;
    };

    void record(const Exchange &exchange, bool finished);
    Entry *entryForSeq(qint64 seq, int *row);
    void scheduleFlush();
    static qint64 sizeOf(const Exchange &exchange);
    static QString key(const Exchange &exchange);

    std::deque<Entry> m_rows;      ///< what the view sees
    std::deque<Entry> m_cleared;   ///< what the last clear() removed, until undone or dropped
    qint64 m_clearedEvicted = 0;
    std::vector<Entry> m_staging;  ///< arrived, inserted at the next flush
    QHash<QString, qint64> m_seqByKey; ///< request → sequence number (row = seq - m_firstSeq)
    qint64 m_firstSeq = 0;
    qint64 m_bytes = 0;        ///< of m_rows and m_staging together
    qint64 m_evicted = 0;
    int m_changedFirst = -1;   ///< rows already shown whose data changed since the last flush
    int m_changedLast = -1;
    int m_maxCount = DefaultMaxCount;
    qint64 m_maxBytes = DefaultMaxBytes;
    QTimer m_batchTimer;
};

} // namespace telephone
