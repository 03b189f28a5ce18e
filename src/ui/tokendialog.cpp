#include "ui/tokendialog.h"

#include "ui/humantext.h"

#include "tunnel/tunnel.h"
#include "ui/tokenpreview.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace telephone {

namespace {

QString mountOf(const Tunnel *tunnel)
{
    if (!tunnel)
        return {};
    return tunnel->mountPath().isEmpty() ? tunnel->claims().pathId : tunnel->mountPath();
}

} // namespace

TokenDialog::TokenDialog(Tunnel *tunnel, QWidget *parent)
    : QDialog(parent)
    , m_tunnel(tunnel)
    , m_edit(new QLineEdit(this))
    , m_show(new QCheckBox(tr("Show"), this))
    , m_mount(new QLabel(this))
    , m_subject(new QLabel(this))
    , m_issued(new QLabel(this))
    , m_expiry(new QLabel(this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Token — Telephone"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setPlaceholderText(tr("Paste the token (eyJ…) from Plugboard"));
    m_edit->setMinimumWidth(420);
    m_edit->setObjectName(QStringLiteral("tokenEdit"));
    m_show->setObjectName(QStringLiteral("showToken"));
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("tokenMessage"));
    for (QLabel *label : {m_mount, m_subject, m_issued, m_expiry})
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    saveButton()->setText(tr("Save and connect"));

    auto *input = new QHBoxLayout;
    input->addWidget(m_edit, 1);
    input->addWidget(m_show);

    auto *form = new QFormLayout;
    form->addRow(tr("Mount (path_id):"), m_mount);
    form->addRow(tr("Subject:"), m_subject);
    form->addRow(tr("Issued:"), m_issued);
    form->addRow(tr("Expires:"), m_expiry);

    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Nothing is saved until you press Save. The token is checked here only by its "
                                "contents; the server decides whether it is valid."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addLayout(input);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_edit, &QLineEdit::textChanged, this, &TokenDialog::updatePreview);
    connect(m_show, &QCheckBox::toggled, this,
            [this](bool show) { m_edit->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password); });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &TokenDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &TokenDialog::reject);
    updatePreview();
}

QPushButton *TokenDialog::saveButton() const
{
    return m_buttons->button(QDialogButtonBox::Save);
}

void TokenDialog::setToken(const QString &token)
{
    m_edit->setText(token.trimmed());
}

QString TokenDialog::token() const
{
    return m_edit->text().trimmed();
}

void TokenDialog::updatePreview()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString currentPath = m_tunnel ? m_tunnel->claims().pathId : QString();
    const TokenPreview preview = TokenPreview::describe(m_edit->text(), currentPath, now);
    const QString dash = QStringLiteral("–");
    m_mount->setText(preview.decoded ? preview.claims.pathId : dash);
    m_subject->setText(preview.decoded && !preview.claims.sub.isEmpty() ? preview.claims.sub : dash);
    m_issued->setText(preview.decoded ? preview.issuedText() : dash);
    m_expiry->setText(preview.decoded ? preview.expiryText(now) : dash);

    QString message;
    QString colour;
    if (preview.empty) {
        message = tr("Paste a token to see what it is for.");
    } else if (!preview.usable()) {
        message = preview.error;
        colour = QStringLiteral("#d93a3a");
    } else if (preview.otherMount) {
        message = tr("This token is for another mount than the one this tunnel serves (%1). Saving switches the "
                     "tunnel to the token's mount.")
                      .arg(mountOf(m_tunnel));
        colour = QStringLiteral("#c77c02");
    } else {
        message = tr("The token looks usable. Save connects with it.");
    }
    m_message->setText(message);
    m_message->setStyleSheet(colour.isEmpty() ? QString() : QStringLiteral("color: %1;").arg(colour));
    saveButton()->setEnabled(preview.usable() && m_tunnel);
}

void TokenDialog::accept()
{
    if (!m_tunnel)
        return;
    StateReason problem;
    if (!m_tunnel->setToken(token(), &problem)) {
        m_message->setText(HumanText::reasonPart(problem));
        m_message->setStyleSheet(QStringLiteral("color: #d93a3a;"));
        return;
    }
    // "Save connects": a tunnel the user disconnected starts again with the new token.
    if (m_tunnel->state() == Tunnel::State::Disconnected)
        m_tunnel->start();
    QDialog::accept();
}

} // namespace telephone
