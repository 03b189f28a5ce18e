#include "tunnel/backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace telephone {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap, Random random)
    : m_initial(std::max(initial, std::chrono::milliseconds(1)))
    , m_cap(std::max(cap, m_initial))
    , m_random(random ? std::move(random) : Random([] { return QRandomGenerator::global()->generateDouble(); }))
{
}

std::chrono::milliseconds Backoff::next()
{
    const double initial = static_cast<double>(m_initial.count());
    const double cap = static_cast<double>(m_cap.count());
    // Stop growing the exponent once past the cap so that it can never overflow.
    const double base = std::min(cap, initial * std::pow(Factor, std::min(m_attempt, 62)));
    if (base < cap)
        ++m_attempt;
    const double spread = 1.0 + Jitter * (2.0 * m_random() - 1.0);
    // The cap is a promise to the user ("never more than 30 s"), so jitter never pushes past it.
    const double delay = std::clamp(base * spread, 1.0, cap);
    return std::chrono::milliseconds(static_cast<qint64>(std::llround(delay)));
}

} // namespace telephone
