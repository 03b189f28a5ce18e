#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace telephone {

class Histogram;

/// Writes the Prometheus text exposition format (version 0.0.4): a `# HELP` and `# TYPE` line per
/// family, then its samples. Callers write each family's samples together, as the format requires.
/// Label values are escaped here; keeping them bounded (no request paths, no tokens) is the caller's
/// job. A plain value, used on one thread.
class PrometheusText
{
public:
    using Labels = QList<QPair<QString, QString>>;
    static constexpr const char *ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// Starts a family; `type` is "counter", "gauge" or "histogram".
    void family(const QString &name, const char *type, const QString &help);
    /// One sample of the current family (`name` may carry a suffix such as _bucket).
    void sample(const QString &name, const Labels &labels, double value);
    /// The _bucket, _sum and _count samples of a histogram family.
    void histogram(const QString &name, const Labels &labels, const Histogram &histogram);

    QByteArray text() const { return m_text; }

    /// Integers without a decimal point, +Inf/-Inf/NaN spelled as the format wants.
    static QByteArray formatValue(double value);
    /// Backslash, double quote and line feed escaped.
    static QByteArray escapeLabelValue(const QString &value);

private:
    QByteArray m_text;
};

} // namespace telephone
