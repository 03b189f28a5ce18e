#include "ui/exchangemodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

#include "ui/humantext.h"

namespace telephone {

namespace {

// A flood must not wait for the timer to be bounded: past this, a batch is applied at once.
constexpr int StagingFlushThreshold = 2000;

QColor statusColor(int status)
{
    // Mid-tone colours that read on light and dark palettes alike.
    if (status >= 500)
        return QColor(0xd9, 0x3a, 0x3a);
    if (status >= 400)
        return QColor(0xc7, 0x7c, 0x02);
    if (status >= 300)
        return QColor(0x3b, 0x82, 0xf6);
    if (status >= 200)
        return QColor(0x2e, 0xa0, 0x43);
    return QColor(0x80, 0x80, 0x80);
}

QString sizeText(qint64 bytes)
{
    return bytes > 0 ? QLocale().formattedDataSize(bytes, 1) : QStringLiteral("–");
}

} // namespace

ExchangeModel::ExchangeModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    qRegisterMetaType<telephone::Exchange>();
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(std::chrono::milliseconds(100));
    connect(&m_batchTimer, &QTimer::timeout, this, &ExchangeModel::flush);
}

void ExchangeModel::setLimits(int maxCount, qint64 maxBytes)
{
    m_maxCount = qMax(1, maxCount);
    m_maxBytes = qMax<qint64>(1, maxBytes);
    scheduleFlush();
}

void ExchangeModel::setBatchInterval(std::chrono::milliseconds interval)
{
    m_batchTimer.setInterval(interval);
}

int ExchangeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ExchangeModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const Exchange &ExchangeModel::exchangeAt(int row) const
{
    return m_rows.at(size_t(row)).exchange;
}

int ExchangeModel::rowOf(const Exchange &exchange) const
{
    const auto it = m_seqByKey.constFind(key(exchange));
    if (it == m_seqByKey.constEnd())
        return -1;
    const qint64 row = it.value() - m_firstSeq;
    return row >= 0 && row < qint64(m_rows.size()) ? int(row) : -1;
}

QVariant ExchangeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Exchange &exchange = m_rows.at(size_t(index.row())).exchange;
    switch (role) {
    case ExchangeRole:
        return QVariant::fromValue(exchange);
    case StatusRole:
        return exchange.status;
    case ReplayRole:
        return exchange.replay;
    case SortRole:
        switch (index.column()) {
        case TimeColumn: return exchange.startedAt;
        case StatusColumn: return exchange.isPending() ? -1 : exchange.status;
        case DurationColumn: return exchange.durationMs;
        case RequestSizeColumn: return exchange.requestBytes;
        case ResponseSizeColumn: return exchange.responseBytes;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return exchange.startedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case TunnelColumn:
            return exchange.tunnel;
        case MethodColumn:
            if (exchange.isWebSocket())
                return QStringLiteral("WS");
            // ↻ marks a request sent again from the inspector rather than by the server.
            return exchange.replay ? QStringLiteral("↻ ") + exchange.method : exchange.method;
        case PathColumn:
            return exchange.query.isNull() ? exchange.path : exchange.path + QLatin1Char('?') + exchange.query;
        case StatusColumn:
            if (exchange.isWebSocket() && exchange.status == 0)
                return exchange.isPending() ? tr("connecting") : tr("refused");
            if (exchange.isPending() && !exchange.isWebSocket())
                return tr("pending");
            // Finished without any HTTP answer (aborted: the connection went away first).
            return exchange.status == 0 ? tr("no answer") : QString::number(exchange.status);
        case DurationColumn:
            if (exchange.isWebSocket() && exchange.isPending())
                return tr("open");
            return exchange.durationMs < 0 ? QStringLiteral("…") : HumanText::elapsed(exchange.durationMs);
        case RequestSizeColumn:
            if (exchange.isWebSocket())
                return sizeText(exchange.webSocket->bytesToBackend);
            return sizeText(exchange.requestBytes);
        case ResponseSizeColumn:
            if (exchange.isWebSocket())
                return sizeText(exchange.webSocket->bytesFromBackend);
            return exchange.isPending() ? QString() : sizeText(exchange.responseBytes);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (exchange.isWebSocket())
            return exchange.error.isEmpty() ? tr("WebSocket: %1 frames sent, %2 received")
                                                  .arg(exchange.webSocket->framesToBackend)
                                                  .arg(exchange.webSocket->framesFromBackend)
                                            : tr("WebSocket refused: %1").arg(HumanText::exchangeError(exchange));
        if (!exchange.error.isEmpty())
            return tr("Answered by Telephone: %1").arg(HumanText::exchangeError(exchange));
        if (exchange.replay)
            return tr("Replayed from the inspector straight to the backend");
        if (index.column() == PathColumn)
            return data(index, Qt::DisplayRole);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn)
            return QBrush(statusColor(exchange.status));
        return {};
    case Qt::FontRole:
        if (exchange.isPending() || (index.column() == StatusColumn && !exchange.error.isEmpty())) {
            QFont font;
            font.setItalic(exchange.isPending());
            font.setBold(!exchange.error.isEmpty());
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= DurationColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant ExchangeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case TunnelColumn: return tr("Tunnel");
    case MethodColumn: return tr("Method");
    case PathColumn: return tr("Path");
    case StatusColumn: return tr("Status");
    case DurationColumn: return tr("Duration");
    case RequestSizeColumn: return tr("Sent");
    case ResponseSizeColumn: return tr("Received");
    default: return {};
    }
}

QString ExchangeModel::key(const Exchange &exchange)
{
    // A replay is a request of its own even if the forwarder reuses the original id; request ids
    // come from each tunnel's server, so two tunnels may use the same one.
    const QString id = exchange.replay ? QStringLiteral("replay:") + exchange.requestId : exchange.requestId;
    return exchange.tunnel.isEmpty() ? id : exchange.tunnel + QLatin1Char('\n') + id;
}

qint64 ExchangeModel::sizeOf(const Exchange &exchange)
{
    qint64 bytes = exchange.requestBody.size() + exchange.responseBody.size();
    for (const auto &header : exchange.requestHeaders)
        bytes += header.first.size() + header.second.size();
    for (const auto &header : exchange.responseHeaders)
        bytes += header.first.size() + header.second.size();
    if (exchange.isWebSocket()) {
        for (const WebSocketFrameRecord &frame : exchange.webSocket->frames)
            bytes += frame.data.size() + qint64(sizeof(WebSocketFrameRecord));
    }
    bytes += 2 * (exchange.path.size() + exchange.query.size() + exchange.error.size() + exchange.requestId.size()
                  + exchange.tunnel.size());
    return bytes + qint64(sizeof(Entry));
}

void ExchangeModel::addStarted(const Exchange &exchange)
{
    record(exchange, false);
}

void ExchangeModel::addFinished(const Exchange &exchange)
{
    record(exchange, true);
}

ExchangeModel::Entry *ExchangeModel::entryForSeq(qint64 seq, int *row)
{
    const qint64 shown = qint64(m_rows.size());
    if (seq < m_firstSeq)
        return nullptr; // evicted
    if (seq < m_firstSeq + shown) {
        *row = int(seq - m_firstSeq);
        return &m_rows[size_t(seq - m_firstSeq)];
    }
    const qint64 staged = seq - m_firstSeq - shown;
    if (staged < qint64(m_staging.size())) {
        *row = -1;
        return &m_staging[size_t(staged)];
    }
    return nullptr;
}

void ExchangeModel::record(const Exchange &exchange, bool finished)
{
    const QString k = key(exchange);
    if (finished) {
        const auto it = m_seqByKey.constFind(k);
        int row = -1;
        Entry *entry = it == m_seqByKey.constEnd() ? nullptr : entryForSeq(it.value(), &row);
        if (entry && entry->exchange.isPending()) {
            const qint64 bytes = sizeOf(exchange);
            m_bytes += bytes - entry->bytes;
            entry->exchange = exchange;
            entry->bytes = bytes;
            if (row >= 0) {
                m_changedFirst = m_changedFirst < 0 ? row : qMin(m_changedFirst, row);
                m_changedLast = qMax(m_changedLast, row);
            }
            scheduleFlush();
            return;
        }
        // No pending row (never started, or evicted by a flood): the answer becomes the newest row.
    }
    const qint64 seq = m_firstSeq + qint64(m_rows.size()) + qint64(m_staging.size());
    m_staging.push_back(Entry{exchange, sizeOf(exchange)});
    m_bytes += m_staging.back().bytes;
    m_seqByKey.insert(k, seq);
    scheduleFlush();
}

void ExchangeModel::scheduleFlush()
{
    if (int(m_staging.size()) >= StagingFlushThreshold) {
        flush();
        return;
    }
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void ExchangeModel::flush()
{
    m_batchTimer.stop();

    if (m_changedFirst >= 0) {
        emit dataChanged(index(m_changedFirst, 0), index(m_changedLast, ColumnCount - 1));
        m_changedFirst = m_changedLast = -1;
    }

    // How many of the oldest (shown, then staged) must go to respect both caps.
    const qint64 total = qint64(m_rows.size() + m_staging.size());
    qint64 drop = qMax<qint64>(0, total - m_maxCount);
    qint64 bytesAfter = m_bytes;
    for (qint64 i = 0; i < drop; ++i)
        bytesAfter -= i < qint64(m_rows.size()) ? m_rows[size_t(i)].bytes : m_staging[size_t(i - qint64(m_rows.size()))].bytes;
    // Keep the newest row even if it alone is over the byte cap: it is what the user is looking at.
    while (bytesAfter > m_maxBytes && drop < total - 1) {
        bytesAfter -= drop < qint64(m_rows.size()) ? m_rows[size_t(drop)].bytes
                                                   : m_staging[size_t(drop - qint64(m_rows.size()))].bytes;
        ++drop;
    }

    const auto forget = [this](const Entry &entry, qint64 seq) {
        const auto it = m_seqByKey.find(key(entry.exchange));
        if (it != m_seqByKey.end() && it.value() == seq)
            m_seqByKey.erase(it);
    };

    const qint64 dropShown = qMin<qint64>(drop, qint64(m_rows.size()));
    if (dropShown > 0) {
        beginRemoveRows({}, 0, int(dropShown - 1));
        for (qint64 i = 0; i < dropShown; ++i) {
            forget(m_rows.front(), m_firstSeq);
            m_bytes -= m_rows.front().bytes;
            m_rows.pop_front();
            ++m_firstSeq;
        }
        endRemoveRows();
    }
    const qint64 dropStaged = drop - dropShown;
    for (qint64 i = 0; i < dropStaged; ++i) {
        forget(m_staging[size_t(i)], m_firstSeq);
        m_bytes -= m_staging[size_t(i)].bytes;
        ++m_firstSeq;
    }
    m_evicted += drop;

    const qsizetype toInsert = qsizetype(m_staging.size()) - dropStaged;
    if (toInsert > 0) {
        const int first = int(m_rows.size());
        const int last = first + int(toInsert) - 1;
        beginInsertRows({}, first, last);
        for (auto it = m_staging.begin() + dropStaged; it != m_staging.end(); ++it)
            m_rows.push_back(std::move(*it));
        m_staging.clear();
        endInsertRows();
        emit rowsAppended(first, last);
    } else {
        m_staging.clear();
    }
}

void ExchangeModel::clear()
{
    flush(); // staged rows are part of what the user saw go
    beginResetModel();
    m_cleared = std::move(m_rows);
    m_clearedEvicted = m_evicted;
    m_rows.clear();
    m_staging.clear();
    m_seqByKey.clear();
    m_firstSeq = 0;
    m_bytes = 0;
    m_evicted = 0;
    m_changedFirst = m_changedLast = -1;
    endResetModel();
}

int ExchangeModel::undoClear()
{
    if (m_cleared.empty())
        return 0;
    flush();
    // A request answered since the clear has its finished row already: its pending row stays gone
    // rather than coming back as a stale "pending" that no answer would ever update.
    m_cleared.erase(std::remove_if(m_cleared.begin(), m_cleared.end(),
                                   [this](const Entry &entry) {
                                       return entry.exchange.isPending() && m_seqByKey.contains(key(entry.exchange));
                                   }),
                    m_cleared.end());
    const int restored = int(m_cleared.size());
    beginResetModel();
    // Back in front of the rows that came since; their sequence numbers go below m_firstSeq.
    m_firstSeq -= restored;
    for (int i = 0; i < restored; ++i) {
        Entry &entry = m_cleared[size_t(i)];
        m_bytes += entry.bytes;
        // A request answered since the clear already has a newer row: that one keeps the key.
        if (!m_seqByKey.contains(key(entry.exchange)))
            m_seqByKey.insert(key(entry.exchange), m_firstSeq + i);
    }
    for (auto it = m_cleared.rbegin(); it != m_cleared.rend(); ++it)
        m_rows.push_front(std::move(*it));
    m_cleared.clear();
    m_evicted += m_clearedEvicted;
    m_clearedEvicted = 0;
    endResetModel();
    flush(); // the caps again
    return restored;
}

void ExchangeModel::dropUndo()
{
    m_cleared.clear();
    m_clearedEvicted = 0;
}

} // namespace telephone
