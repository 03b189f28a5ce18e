#pragma once

#include <QList>
#include <QtGlobal>

namespace telephone {

/// A Prometheus-style histogram: fixed upper bounds chosen up front, a count per bucket, the sum and
/// the total count. Observations are kept non-cumulative; cumulativeCounts() is what the text format
/// wants. A plain value, used on one thread.
class Histogram
{
public:
    /// `bounds` ascending; +Inf is implied and must not be given.
    explicit Histogram(QList<double> bounds);

    /// Request durations in seconds: from 5 ms (a backend on the same machine) up to 60 s (the
    /// server gives up on a request at 60 s, so nothing longer can be answered).
    static QList<double> requestDurationBounds();

    void observe(double value);

    const QList<double> &bounds() const { return m_bounds; }
    /// One entry per bound plus the last for +Inf; entry i counts observations <= bounds[i].
    QList<quint64> cumulativeCounts() const;
    double sum() const { return m_sum; }
    quint64 count() const { return m_count; }

private:
    QList<double> m_bounds;
    QList<quint64> m_counts; ///< per bucket, not cumulative; last is (bounds.last, +Inf)
    double m_sum = 0;
    quint64 m_count = 0;
};

} // namespace telephone
