#pragma once

#include <QHash>
#include <QString>

#include <list>

namespace telephone {

/// A bounded least-recently-used set of request ids: the ones answered lately, so that a
/// `proxy_req` the server sends twice is not run against the backend twice. Seeing an id again
/// makes it the most recent; beyond `capacity` the least recent is forgotten.
class RecentIds
{
public:
    explicit RecentIds(int capacity)
        : m_capacity(capacity)
    {
    }

    bool contains(const QString &id) const { return m_index.contains(id); }
    int size() const { return int(m_index.size()); }

    void touch(const QString &id)
    {
        if (auto it = m_index.find(id); it != m_index.end()) {
            m_order.splice(m_order.end(), m_order, it.value());
            return;
        }
        m_index.insert(id, m_order.insert(m_order.end(), id));
        if (int(m_order.size()) > m_capacity) {
            m_index.remove(m_order.front());
            m_order.pop_front();
        }
    }

private:
    int m_capacity;
    std::list<QString> m_order; ///< least recent first
    QHash<QString, std::list<QString>::iterator> m_index;
};

} // namespace telephone
