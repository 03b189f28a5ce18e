#pragma once

// A strict reader of the Prometheus text exposition format (0.0.4) for tests, standing in for
// `promtool check metrics`: Debian 12 ships promtool only inside the whole `prometheus` server
// package (~96 MB installed, a daemon and its user), too much to pull into a build machine for one
// check. It checks what promtool's parser and linter check that our output could get wrong: line
// syntax and escaping, HELP and TYPE once per family and before its samples, families not split,
// no duplicate series, counters named *_total, and histogram buckets ascending, cumulative and
// ending in +Inf equal to _count.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>

#include <cmath>
#include <limits>

namespace prom {

struct Sample {
    QString name;
    QMap<QString, QString> labels;
    double value = 0;
};

struct Exposition {
    QString error; ///< empty when the text is valid; else the first problem with its line number
    QHash<QString, QString> types;
    QList<Sample> samples;

    /// The value of the one sample with this name whose labels include `labels`; NaN if none.
    double value(const QString &name, const QMap<QString, QString> &labels = {}) const
    {
        for (const Sample &s : samples) {
            if (s.name != name)
                continue;
            bool match = true;
            for (auto it = labels.cbegin(); it != labels.cend(); ++it)
                match = match && s.labels.value(it.key()) == it.value() && s.labels.contains(it.key());
            if (match)
                return s.value;
        }
        return std::numeric_limits<double>::quiet_NaN();
    }
};

inline bool parseValue(const QString &text, double *out)
{
    if (text == QLatin1String("+Inf")) {
        *out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == QLatin1String("-Inf")) {
        *out = -std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == QLatin1String("NaN")) {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    bool ok = false;
    *out = text.toDouble(&ok);
    return ok;
}

inline Exposition parse(const QByteArray &bytes)
{
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    static const QStringList knownTypes{QStringLiteral("counter"), QStringLiteral("gauge"), QStringLiteral("histogram"),
                                        QStringLiteral("summary"), QStringLiteral("untyped")};
    Exposition out;
    auto fail = [&out](int line, const QString &why) {
        out.error = QStringLiteral("line %1: %2").arg(line).arg(why);
        return out;
    };
    if (!bytes.isEmpty() && !bytes.endsWith('\n'))
        return fail(0, QStringLiteral("the text does not end with a line feed"));

    QSet<QString> helped;
    QSet<QString> closedFamilies;
    QSet<QString> sampled; ///< families whose samples have started
    QString currentFamily;
    QSet<QString> seriesSeen;
    const QStringList lines = QString::fromUtf8(bytes).split(QLatin1Char('\n'));
    for (int n = 0; n < lines.size() - 1; ++n) {
        const QString &line = lines[n];
        const int lineNo = n + 1;
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1Char('#'))) {
            const QStringList parts = line.split(QLatin1Char(' '));
            if (parts.size() >= 3 && (parts[1] == QLatin1String("HELP") || parts[1] == QLatin1String("TYPE"))) {
                const QString family = parts[2];
                if (!metricName.match(family).hasMatch())
                    return fail(lineNo, QStringLiteral("bad metric name '%1'").arg(family));
                if (sampled.contains(family))
                    return fail(lineNo, QStringLiteral("%1 for '%2' after its samples").arg(parts[1], family));
                if (parts[1] == QLatin1String("HELP")) {
                    if (helped.contains(family))
                        return fail(lineNo, QStringLiteral("second HELP for '%1'").arg(family));
                    helped.insert(family);
                } else {
                    if (parts.size() != 4 || !knownTypes.contains(parts[3]))
                        return fail(lineNo, QStringLiteral("bad TYPE line"));
                    if (out.types.contains(family))
                        return fail(lineNo, QStringLiteral("second TYPE for '%1'").arg(family));
                    if (parts[3] == QLatin1String("counter") && !family.endsWith(QLatin1String("_total")))
                        return fail(lineNo, QStringLiteral("counter '%1' is not named *_total").arg(family));
                    out.types.insert(family, parts[3]);
                }
                if (currentFamily != family && !currentFamily.isEmpty())
                    closedFamilies.insert(currentFamily);
                currentFamily = family;
            }
            continue;
        }

        // name{label="value",...} value [timestamp]
        Sample sample;
        int i = 0;
        while (i < line.size() && line[i] != QLatin1Char('{') && line[i] != QLatin1Char(' '))
            ++i;
        sample.name = line.left(i);
        if (!metricName.match(sample.name).hasMatch())
            return fail(lineNo, QStringLiteral("bad metric name '%1'").arg(sample.name));
        if (i < line.size() && line[i] == QLatin1Char('{')) {
            ++i;
            while (i < line.size() && line[i] != QLatin1Char('}')) {
                const int eq = line.indexOf(QLatin1Char('='), i);
                if (eq < 0)
                    return fail(lineNo, QStringLiteral("label without '='"));
                const QString name = line.mid(i, eq - i);
                if (!labelName.match(name).hasMatch() || name.startsWith(QLatin1String("__")))
                    return fail(lineNo, QStringLiteral("bad label name '%1'").arg(name));
                if (sample.labels.contains(name))
                    return fail(lineNo, QStringLiteral("label '%1' twice").arg(name));
                i = eq + 1;
                if (i >= line.size() || line[i] != QLatin1Char('"'))
                    return fail(lineNo, QStringLiteral("label value not quoted"));
                ++i;
                QString value;
                bool closed = false;
                while (i < line.size()) {
                    const QChar c = line[i++];
                    if (c == QLatin1Char('"')) {
                        closed = true;
                        break;
                    }
                    if (c == QLatin1Char('\\')) {
                        if (i >= line.size())
                            return fail(lineNo, QStringLiteral("dangling escape"));
                        const QChar e = line[i++];
                        if (e == QLatin1Char('n'))
                            value += QLatin1Char('\n');
                        else if (e == QLatin1Char('\\') || e == QLatin1Char('"'))
                            value += e;
                        else
                            return fail(lineNo, QStringLiteral("bad escape \\%1").arg(e));
                    } else {
                        value += c;
                    }
                }
                if (!closed)
                    return fail(lineNo, QStringLiteral("unterminated label value"));
                sample.labels.insert(name, value);
                if (i < line.size() && line[i] == QLatin1Char(','))
                    ++i;
                else if (i < line.size() && line[i] != QLatin1Char('}'))
                    return fail(lineNo, QStringLiteral("expected ',' or '}'"));
            }
            if (i >= line.size())
                return fail(lineNo, QStringLiteral("unterminated label set"));
            ++i;
        }
        if (i >= line.size() || line[i] != QLatin1Char(' '))
            return fail(lineNo, QStringLiteral("no value"));
        const QStringList rest = line.mid(i + 1).split(QLatin1Char(' '));
        if (rest.isEmpty() || rest.size() > 2 || !parseValue(rest[0], &sample.value))
            return fail(lineNo, QStringLiteral("bad value '%1'").arg(line.mid(i + 1)));

        QString family = sample.name;
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            if (sample.name.endsWith(QLatin1String(suffix))
                && out.types.value(sample.name.left(sample.name.size() - int(qstrlen(suffix))))
                       == QLatin1String("histogram"))
                family = sample.name.left(sample.name.size() - int(qstrlen(suffix)));
        }
        if (!out.types.contains(family))
            return fail(lineNo, QStringLiteral("sample '%1' without a TYPE before it").arg(sample.name));
        if (!helped.contains(family))
            return fail(lineNo, QStringLiteral("family '%1' has no HELP").arg(family));
        if (closedFamilies.contains(family) || family != currentFamily)
            return fail(lineNo, QStringLiteral("samples of '%1' are not together").arg(family));
        sampled.insert(family);
        if (sample.name.endsWith(QLatin1String("_bucket")) && !sample.labels.contains(QStringLiteral("le")))
            return fail(lineNo, QStringLiteral("bucket without le"));

        QStringList key{sample.name};
        for (auto it = sample.labels.cbegin(); it != sample.labels.cend(); ++it)
            key << it.key() + QLatin1Char('=') + it.value();
        const QString series = key.join(QLatin1Char('\x1f'));
        if (seriesSeen.contains(series))
            return fail(lineNo, QStringLiteral("duplicate series %1").arg(line));
        seriesSeen.insert(series);
        out.samples << sample;
    }

    // Histograms: per label set, le ascending, counts cumulative, +Inf == _count, _sum present.
    for (auto t = out.types.cbegin(); t != out.types.cend(); ++t) {
        if (t.value() != QLatin1String("histogram"))
            continue;
        QMap<QString, QList<QPair<double, double>>> buckets; // label set -> (le, count)
        QMap<QString, double> counts;
        QSet<QString> sums;
        for (const Sample &s : std::as_const(out.samples)) {
            QMap<QString, QString> rest = s.labels;
            const QString le = rest.take(QStringLiteral("le"));
            QStringList keyParts;
            for (auto it = rest.cbegin(); it != rest.cend(); ++it)
                keyParts << it.key() + QLatin1Char('=') + it.value();
            const QString key = keyParts.join(QLatin1Char(','));
            if (s.name == t.key() + QLatin1String("_bucket")) {
                double bound = 0;
                if (!parseValue(le, &bound))
                    return fail(0, QStringLiteral("bad le '%1' in %2").arg(le, t.key()));
                buckets[key].append({bound, s.value});
            } else if (s.name == t.key() + QLatin1String("_count")) {
                counts.insert(key, s.value);
            } else if (s.name == t.key() + QLatin1String("_sum")) {
                sums.insert(key);
            }
        }
        for (auto b = buckets.cbegin(); b != buckets.cend(); ++b) {
            const auto &list = b.value();
            for (int i = 1; i < list.size(); ++i) {
                if (!(list[i].first > list[i - 1].first))
                    return fail(0, QStringLiteral("%1 buckets not ascending").arg(t.key()));
                if (list[i].second < list[i - 1].second)
                    return fail(0, QStringLiteral("%1 buckets not cumulative").arg(t.key()));
            }
            if (list.isEmpty() || !std::isinf(list.last().first))
                return fail(0, QStringLiteral("%1 has no +Inf bucket").arg(t.key()));
            if (!counts.contains(b.key()) || counts.value(b.key()) != list.last().second)
                return fail(0, QStringLiteral("%1 +Inf bucket differs from _count").arg(t.key()));
            if (!sums.contains(b.key()))
                return fail(0, QStringLiteral("%1 has no _sum").arg(t.key()));
        }
    }
    return out;
}

} // namespace prom
