#pragma once

#include <QDateTime>
#include <QObject>

namespace telephone {

/// Wall-clock time for what is planned against a token's iat and exp (its refresh, its expiry).
/// Injected so that tests move time instead of waiting for it; this base class reads the system
/// clock. Timers still run in real time: a class that plans with a Clock plans again on `jumped`.
class Clock : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~Clock() override;

    /// Now, in UTC.
    virtual QDateTime now() const;
    qint64 nowSecs() const { return now().toSecsSinceEpoch(); }
    qint64 nowMSecs() const { return now().toMSecsSinceEpoch(); }

signals:
    /// The time moved other than by passing (a test clock set forward): schedules are made again.
    void jumped();
};

} // namespace telephone
