#include "ui/backendhealth.h"

#include "ui/humantext.h"

namespace telephone {

BackendHealth::BackendHealth(QObject *parent)
    : QObject(parent)
{
}

void BackendHealth::onExchangeFinished(const Exchange &exchange)
{
    if (exchange.isPending())
        return;
    // 502 with an error is Telephone's own answer for "could not reach the backend". Other answers
    // Telephone gives itself (400 bad request, 503 draining, 504 slow) say nothing about reachability.
    // An answer Telephone withheld (binary body, too large) still came from a backend that is up.
    if (!exchange.error.isEmpty() && !exchange.backendAnswered) {
        if (exchange.status == 502)
            setHealth(Health::NotAnswering, HumanText::exchangeError(exchange));
        return;
    }
    setHealth(Health::Answering, QString());
}

void BackendHealth::reset()
{
    setHealth(Health::Unknown, QString());
}

void BackendHealth::setHealth(Health health, const QString &error)
{
    m_since = QDateTime::currentDateTimeUtc();
    m_lastError = error;
    if (health == m_health)
        return;
    m_health = health;
    emit healthChanged(health);
}

} // namespace telephone
