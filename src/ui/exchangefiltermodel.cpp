#include "ui/exchangefiltermodel.h"

#include "ui/exchangemodel.h"

#include <QRegularExpression>

namespace telephone {

namespace {

const QStringList KnownMethods{QStringLiteral("GET"),     QStringLiteral("POST"),    QStringLiteral("PUT"),
                               QStringLiteral("PATCH"),   QStringLiteral("DELETE"),  QStringLiteral("HEAD"),
                               QStringLiteral("OPTIONS"), QStringLiteral("CONNECT"), QStringLiteral("TRACE")};

} // namespace

ExchangeFilterModel::ExchangeFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void ExchangeFilterModel::setFilterText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_methods.clear();
    m_statusClasses.clear();
    m_statuses.clear();
    m_pathWords.clear();
    m_tunnelWords.clear();
    m_pending = m_replay = m_error = false;

    static const QRegularExpression statusClass(QStringLiteral("^([1-5])xx$"),
                                                QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression statusCode(QStringLiteral("^[1-5][0-9][0-9]$"));
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &word : words) {
        const QString upper = word.toUpper();
        const QString lower = word.toLower();
        if (KnownMethods.contains(upper) || upper == QLatin1String("WS")) { // WS: WebSocket connections
            m_methods << upper;
        } else if (const auto match = statusClass.match(word); match.hasMatch()) {
            m_statusClasses << match.captured(1).toInt();
        } else if (statusCode.match(word).hasMatch()) {
            m_statuses << word.toInt();
        } else if (lower == QLatin1String("pending")) {
            m_pending = true;
        } else if (lower == QLatin1String("replay")) {
            m_replay = true;
        } else if (lower == QLatin1String("error")) {
            m_error = true;
        } else if (lower.startsWith(QLatin1String("tunnel:")) && lower.size() > 7) {
            m_tunnelWords << lower.mid(7);
        } else {
            m_pathWords << word;
        }
    }
    invalidateFilter();
    emit filterTextChanged(m_text);
}

void ExchangeFilterModel::setTunnel(const QString &name)
{
    if (name == m_tunnel)
        return;
    m_tunnel = name;
    invalidateFilter();
    // The counts ("12 of 5,000 shown") follow the combo as they follow the text.
    emit filterTextChanged(m_text);
}

bool ExchangeFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    const auto *model = qobject_cast<const ExchangeModel *>(sourceModel());
    if (!model)
        return true;
    const Exchange &exchange = model->exchangeAt(sourceRow);
    if (!m_tunnel.isEmpty() && exchange.tunnel != m_tunnel)
        return false;
    if (!m_tunnelWords.isEmpty() && !m_tunnelWords.contains(exchange.tunnel.toLower()))
        return false;
    const QString method = exchange.isWebSocket() ? QStringLiteral("WS") : exchange.method.toUpper();
    if (!m_methods.isEmpty() && !m_methods.contains(method))
        return false;
    // Status words of every kind (class, code, pending) are alternatives to each other.
    if (!m_statusClasses.isEmpty() || !m_statuses.isEmpty() || m_pending) {
        const bool pendingMatch = m_pending && exchange.isPending();
        const bool classMatch = !exchange.isPending() && m_statusClasses.contains(exchange.status / 100);
        const bool codeMatch = m_statuses.contains(exchange.status);
        if (!pendingMatch && !classMatch && !codeMatch)
            return false;
    }
    if (m_replay && !exchange.replay)
        return false;
    if (m_error && exchange.error.isEmpty())
        return false;
    for (const QString &word : m_pathWords) {
        if (!exchange.path.contains(word, Qt::CaseInsensitive) && !exchange.query.contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace telephone
