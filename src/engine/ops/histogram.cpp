#include "ops/histogram.h"

#include <algorithm>

namespace telephone {

Histogram::Histogram(QList<double> bounds)
    : m_bounds(std::move(bounds))
    , m_counts(m_bounds.size() + 1, 0)
{
}

QList<double> Histogram::requestDurationBounds()
{
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

void Histogram::observe(double value)
{
    // Buckets are "less than or equal": the first bound not below the value.
    const auto it = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), value);
    ++m_counts[it - m_bounds.cbegin()];
    m_sum += value;
    ++m_count;
}

QList<quint64> Histogram::cumulativeCounts() const
{
    QList<quint64> out;
    out.reserve(m_counts.size());
    quint64 running = 0;
    for (const quint64 c : m_counts) {
        running += c;
        out << running;
    }
    return out;
}

} // namespace telephone
