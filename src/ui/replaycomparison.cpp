#include "ui/replaycomparison.h"

#include "ui/bodyformatter.h"
#include "ui/humantext.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QTextEdit>
#include <QVBoxLayout>

#include <vector>

namespace telephone {

namespace {

QString statusText(const Exchange &exchange)
{
    if (exchange.isPending())
        return ReplayComparison::tr("waiting…");
    if (exchange.status == 0)
        return ReplayComparison::tr("no answer");
    return QStringLiteral("%1 · %2").arg(exchange.status).arg(HumanText::elapsed(exchange.durationMs));
}

QString html(const QList<ReplayComparison::DiffLine> &lines, ReplayComparison::LineKind hidden,
             ReplayComparison::LineKind marked, const QString &colour)
{
    QString out = QStringLiteral("<pre style=\"margin:0\">");
    for (const auto &line : lines) {
        if (line.kind == hidden)
            continue;
        const QString text = line.text.toHtmlEscaped();
        if (line.kind == marked)
            out += QStringLiteral("<span style=\"background:%1;color:#1a1a1a\">%2</span>\n").arg(colour, text.isEmpty() ? QStringLiteral(" ") : text);
        else
            out += text + QLatin1Char('\n');
    }
    return out + QStringLiteral("</pre>");
}

} // namespace

QList<ReplayComparison::DiffLine> ReplayComparison::diff(const QStringList &before, const QStringList &after)
{
    const int n = int(qMin<qsizetype>(before.size(), MaxDiffLines));
    const int m = int(qMin<qsizetype>(after.size(), MaxDiffLines));
    // lcs[i][j]: common lines of before[i..] and after[j..].
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (int i = n - 1; i >= 0; --i)
        for (int j = m - 1; j >= 0; --j)
            lcs[size_t(i)][size_t(j)] = before.at(i) == after.at(j)
                ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                : qMax(lcs[size_t(i + 1)][size_t(j)], lcs[size_t(i)][size_t(j + 1)]);
    QList<DiffLine> out;
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
        if (before.at(i) == after.at(j)) {
            out.append({LineKind::Same, before.at(i)});
            ++i;
            ++j;
        } else if (lcs[size_t(i + 1)][size_t(j)] >= lcs[size_t(i)][size_t(j + 1)]) {
            out.append({LineKind::Removed, before.at(i++)});
        } else {
            out.append({LineKind::Added, after.at(j++)});
        }
    }
    for (; i < before.size(); ++i)
        out.append({LineKind::Removed, before.at(i)});
    for (; j < after.size(); ++j)
        out.append({LineKind::Added, after.at(j)});
    return out;
}

QStringList ReplayComparison::linesOf(const Exchange &exchange)
{
    QStringList lines{QStringLiteral("HTTP/1.1 %1").arg(exchange.status)};
    for (const auto &[name, value] : exchange.responseHeaders)
        lines << QString::fromUtf8(name) + QStringLiteral(": ") + QString::fromUtf8(value);
    lines << QString();
    const BodyFormatter::Result body = BodyFormatter::format(exchange.responseBody, {}, exchange.responseBodyTruncated());
    lines += body.text.split(QLatin1Char('\n'));
    return lines;
}

ReplayComparison::ReplayComparison(const Exchange &original, QWidget *parent)
    : QDialog(parent)
    , m_original(original)
    , m_status(new QLabel(this))
    , m_left(new QTextEdit(this))
    , m_right(new QTextEdit(this))
{
    setWindowTitle(tr("Replay compared — Telephone"));
    m_status->setObjectName(QStringLiteral("comparisonStatus"));
    m_status->setWordWrap(true);
    for (QTextEdit *pane : {m_left, m_right}) {
        pane->setReadOnly(true);
        pane->setLineWrapMode(QTextEdit::NoWrap);
        pane->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }
    m_left->setObjectName(QStringLiteral("comparisonOriginal"));
    m_right->setObjectName(QStringLiteral("comparisonReplay"));
    // Read side by side: both panes scroll together.
    connect(m_left->verticalScrollBar(), &QScrollBar::valueChanged, m_right->verticalScrollBar(), &QScrollBar::setValue);
    connect(m_right->verticalScrollBar(), &QScrollBar::valueChanged, m_left->verticalScrollBar(), &QScrollBar::setValue);

    auto *left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Original"), this));
    left->addWidget(m_left, 1);
    auto *right = new QVBoxLayout;
    right->addWidget(new QLabel(tr("Replay"), this));
    right->addWidget(m_right, 1);
    auto *panes = new QHBoxLayout;
    panes->addLayout(left, 1);
    panes->addLayout(right, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addLayout(panes, 1);
    resize(960, 600);
    setReplay(Exchange());
}

void ReplayComparison::setReplay(const Exchange &replay)
{
    m_replay = replay;
    const QString request = replay.method.isEmpty()
        ? m_original.method + QLatin1Char(' ') + m_original.path
        : replay.method + QLatin1Char(' ') + replay.path + (replay.query.isNull() ? QString() : QLatin1Char('?') + replay.query);
    m_status->setText(tr("<b>%1</b><br>Original: %2 · Replay: %3")
                          .arg(request.toHtmlEscaped(), statusText(m_original).toHtmlEscaped(),
                               replay.method.isEmpty() ? tr("sending…") : statusText(replay).toHtmlEscaped()));
    const QList<DiffLine> lines = diff(linesOf(m_original), replay.method.isEmpty() || replay.isPending()
                                                                ? QStringList()
                                                                : linesOf(replay));
    m_left->setHtml(html(lines, LineKind::Added, LineKind::Removed, QStringLiteral("#f6c6c6")));
    m_right->setHtml(html(lines, LineKind::Removed, LineKind::Added, QStringLiteral("#c6f6d5")));
}

} // namespace telephone
