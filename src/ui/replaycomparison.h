#pragma once

#include "proxy/exchange.h"

#include <QDialog>

class QLabel;
class QTextEdit;

namespace telephone {

/// A replay's answer beside the original's: status, then headers and body as a line diff (removed
/// lines red on the left, added lines green on the right). Updates once the replay is answered.
class ReplayComparison : public QDialog
{
    Q_OBJECT

public:
    enum class LineKind { Same, Removed, Added };
    struct DiffLine {
        LineKind kind;
        QString text;
    };
    /// Longest-common-subsequence line diff. Inputs over MaxDiffLines lines are compared only up
    /// to that many (the rest is listed as changed), to keep it quick.
    static QList<DiffLine> diff(const QStringList &before, const QStringList &after);
    static constexpr int MaxDiffLines = 3000;
    /// The lines compared for one side: status line, headers, a blank line, the body.
    static QStringList linesOf(const Exchange &exchange);

    ReplayComparison(const Exchange &original, QWidget *parent = nullptr);

    void setReplay(const Exchange &replay);
    const Exchange &replay() const { return m_replay; }
    QLabel *statusLabel() const { return m_status; }
    QTextEdit *originalPane() const { return m_left; }
    QTextEdit *replayPane() const { return m_right; }

private:
    Exchange m_original;
    Exchange m_replay;
    QLabel *m_status;
    QTextEdit *m_left;
    QTextEdit *m_right;
};

} // namespace telephone
