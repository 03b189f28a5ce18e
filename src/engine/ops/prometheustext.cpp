#include "ops/prometheustext.h"

#include "ops/histogram.h"

#include <QLocale>

#include <cmath>

namespace telephone {

void PrometheusText::family(const QString &name, const char *type, const QString &help)
{
    // HELP text escapes only backslash and line feed (label values also escape the quote).
    QString escapedHelp = help;
    escapedHelp.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\n'), QLatin1String("\\n"));
    m_text += "# HELP " + name.toUtf8() + ' ' + escapedHelp.toUtf8() + '\n';
    m_text += "# TYPE " + name.toUtf8() + ' ' + type + '\n';
}

void PrometheusText::sample(const QString &name, const Labels &labels, double value)
{
    m_text += name.toUtf8();
    if (!labels.isEmpty()) {
        m_text += '{';
        for (int i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_text += ',';
            m_text += labels[i].first.toUtf8() + "=\"" + escapeLabelValue(labels[i].second) + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + formatValue(value) + '\n';
}

void PrometheusText::histogram(const QString &name, const Labels &labels, const Histogram &histogram)
{
    const QList<quint64> cumulative = histogram.cumulativeCounts();
    const QString bucket = name + QLatin1String("_bucket");
    for (int i = 0; i < cumulative.size(); ++i) {
        Labels withLe = labels;
        const QByteArray le = i < histogram.bounds().size() ? formatValue(histogram.bounds()[i]) : QByteArray("+Inf");
        withLe.append({QStringLiteral("le"), QString::fromLatin1(le)});
        sample(bucket, withLe, double(cumulative[i]));
    }
    sample(name + QLatin1String("_sum"), labels, histogram.sum());
    sample(name + QLatin1String("_count"), labels, double(histogram.count()));
}

QByteArray PrometheusText::formatValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    // Whole numbers below 2^53 print exactly without an exponent; the rest with enough digits to
    // read back the same double.
    if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0)
        return QByteArray::number(qint64(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest).toLatin1();
}

QByteArray PrometheusText::escapeLabelValue(const QString &value)
{
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

} // namespace telephone
