#include "ui/replayeditor.h"

#include "ui/bodyformatter.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace telephone {

ReplayEditor::ReplayEditor(const Exchange &original, QWidget *parent)
    : QDialog(parent)
    , m_original(original)
    , m_method(new QComboBox(this))
    , m_target(new QLineEdit(this))
    , m_headers(new QPlainTextEdit(this))
    , m_body(new QPlainTextEdit(this))
    , m_message(new QLabel(this))
{
    setWindowTitle(tr("Edit and replay — Telephone"));
    m_method->setObjectName(QStringLiteral("replayMethod"));
    m_method->setEditable(true);
    m_method->addItems({QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"), QStringLiteral("PATCH"),
                        QStringLiteral("DELETE"), QStringLiteral("HEAD"), QStringLiteral("OPTIONS")});
    m_method->setCurrentText(original.method);
    m_target->setObjectName(QStringLiteral("replayTarget"));
    m_target->setText(original.query.isNull() ? original.path : original.path + QLatin1Char('?') + original.query);
    m_headers->setObjectName(QStringLiteral("replayHeaders"));
    m_body->setObjectName(QStringLiteral("replayBody"));
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_headers->setFont(fixed);
    m_body->setFont(fixed);
    m_headers->setTabChangesFocus(true);
    m_body->setTabChangesFocus(true);
    QStringList lines;
    for (const auto &[name, value] : original.requestHeaders) {
        // The backend client computes the length from the body it sends.
        if (name.compare("content-length", Qt::CaseInsensitive) != 0)
            lines << QString::fromUtf8(name) + QStringLiteral(": ") + QString::fromUtf8(value);
    }
    m_headers->setPlainText(lines.join(QLatin1Char('\n')));
    const bool textBody = BodyFormatter::isText(original.requestBody);
    m_body->setPlainText(textBody ? QString::fromUtf8(original.requestBody) : QString());
    m_body->setReadOnly(!textBody);
    if (!textBody)
        m_body->setPlaceholderText(tr("The captured body is binary: it is sent unchanged."));
    m_message->setObjectName(QStringLiteral("replayMessage"));
    m_message->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Replay"));
    auto *form = new QFormLayout;
    form->addRow(tr("Method:"), m_method);
    form->addRow(tr("Path:"), m_target);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Headers (Name: value, one a line):"), this));
    layout->addWidget(m_headers, 1);
    layout->addWidget(new QLabel(tr("Body:"), this));
    layout->addWidget(m_body, 2);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ReplayEditor::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ReplayEditor::reject);
    resize(640, 560);
}

std::optional<Exchange> ReplayEditor::edited(QString *problem) const
{
    Exchange out = m_original;
    out.method = m_method->currentText().trimmed().toUpper();
    if (out.method.isEmpty() || out.method.contains(QLatin1Char(' '))) {
        *problem = tr("The method must be one word, such as GET.");
        return std::nullopt;
    }
    const QString target = m_target->text().trimmed();
    if (!target.startsWith(QLatin1Char('/')) || target.contains(QLatin1Char(' '))) {
        *problem = tr("The path must start with / and contain no spaces.");
        return std::nullopt;
    }
    const qsizetype mark = target.indexOf(QLatin1Char('?'));
    out.path = mark < 0 ? target : target.left(mark);
    out.query = mark < 0 ? QString() : target.mid(mark + 1);
    out.requestHeaders.clear();
    const QStringList lines = m_headers->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        const QString name = colon < 0 ? QString() : line.left(colon).trimmed();
        if (name.isEmpty() || name.contains(QLatin1Char(' '))) {
            *problem = tr("This line is not a header (Name: value): %1").arg(line);
            return std::nullopt;
        }
        if (name.compare(QLatin1String("content-length"), Qt::CaseInsensitive) == 0)
            continue;
        out.requestHeaders.append({name.toUtf8(), line.mid(colon + 1).trimmed().toUtf8()});
    }
    if (!m_body->isReadOnly()) {
        out.requestBody = m_body->toPlainText().toUtf8();
        out.requestBytes = out.requestBody.size();
    }
    return out;
}

void ReplayEditor::accept()
{
    QString problem;
    if (!edited(&problem)) {
        m_message->setText(problem);
        m_message->setStyleSheet(QStringLiteral("color: #d93a3a;"));
        return;
    }
    QDialog::accept();
}

} // namespace telephone
