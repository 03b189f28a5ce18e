#include "base/clock.h"

namespace telephone {

Clock::~Clock() = default;

QDateTime Clock::now() const
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace telephone
