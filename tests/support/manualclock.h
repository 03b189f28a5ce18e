#pragma once

#include "base/clock.h"

#include <chrono>

namespace telephone {

/// A Clock that stands still until the test moves it (KeePassXC's MockClock): token expiry and
/// refresh are tested by moving time, not by waiting for it. Starts at the real time, so that the
/// simulator's tokens (minted on the real clock) look as they would.
class ManualClock : public Clock
{
public:
    explicit ManualClock(QObject *parent = nullptr)
        : Clock(parent)
        , m_now(QDateTime::currentDateTimeUtc())
    {
    }

    QDateTime now() const override { return m_now; }

    void advance(std::chrono::milliseconds by)
    {
        m_now = m_now.addMSecs(by.count());
        emit jumped();
    }

private:
    QDateTime m_now;
};

} // namespace telephone
