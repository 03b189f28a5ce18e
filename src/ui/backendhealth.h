#pragma once

#include "proxy/exchange.h"

#include <QDateTime>
#include <QObject>

namespace telephone {

/// Whether the local backend answers, judged from the traffic itself: a request Telephone had to
/// answer 502 (backend unreachable) says no, any answer from the backend says yes. No probing of
/// our own: a health request would show up in the user's backend logs. Lives on the GUI thread.
class BackendHealth : public QObject
{
    Q_OBJECT

public:
    enum class Health { Unknown, Answering, NotAnswering };
    Q_ENUM(Health)

    explicit BackendHealth(QObject *parent = nullptr);

    Health health() const { return m_health; }
    /// When the exchange that decided the current health finished.
    QDateTime since() const { return m_since; }
    /// Why the backend is judged not answering (the forwarder's words); empty otherwise.
    QString lastError() const { return m_lastError; }

public slots:
    void onExchangeFinished(const telephone::Exchange &exchange);
    /// Back to Unknown (e.g. after a reconnect to another backend).
    void reset();

signals:
    void healthChanged(telephone::BackendHealth::Health health);

private:
    void setHealth(Health health, const QString &error);

    Health m_health = Health::Unknown;
    QDateTime m_since;
    QString m_lastError;
};

} // namespace telephone
