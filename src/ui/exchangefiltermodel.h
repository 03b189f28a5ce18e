#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>

namespace telephone {

/// The inspector's filter box. Words in the filter are ANDed across kinds and ORed within a kind:
/// "GET POST 5xx /api" shows GET or POST requests answered 5xx whose path contains "/api".
/// Kinds: an HTTP method (GET), a status class (4xx) or code (404), "pending", "replay",
/// "error" (answered by Telephone itself), "tunnel:NAME" (the tunnel it came through); any other
/// word is a case-insensitive path substring. The tunnel combo's choice (setTunnel) applies on top.
class ExchangeFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ExchangeFilterModel(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    QString filterText() const { return m_text; }
    /// Only the exchanges of this tunnel; empty: every tunnel's.
    void setTunnel(const QString &name);
    QString tunnel() const { return m_tunnel; }
    /// Some rows may be hidden: a filter text or a tunnel is set.
    bool isFiltering() const { return !m_text.trimmed().isEmpty() || !m_tunnel.isEmpty(); }

signals:
    /// After setFilterText applied a new text (the counts say "12 of 5,000 shown").
    void filterTextChanged(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QStringList m_methods;
    QList<int> m_statusClasses; ///< 1..5
    QList<int> m_statuses;
    QStringList m_pathWords;
    QStringList m_tunnelWords; ///< tunnel:NAME, lower-case
    QString m_tunnel;
    bool m_pending = false;
    bool m_replay = false;
    bool m_error = false;
};

} // namespace telephone
