#pragma once

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace telephone {

class Tunnel;

/// Paste a token: shows what it decodes to (mount, issued, expiry, another mount than the running
/// tunnel) before anything is saved; Save hands it to the tunnel, which connects with it. The
/// token field is masked by default (screens get shared) and never reaches the title or the log.
class TokenDialog : public QDialog
{
    Q_OBJECT

public:
    explicit TokenDialog(Tunnel *tunnel, QWidget *parent = nullptr);

    void setToken(const QString &token);
    QString token() const;

    // For tests and the screenshot script: the parts a person reads.
    QLabel *mountLabel() const { return m_mount; }
    QLabel *issuedLabel() const { return m_issued; }
    QLabel *expiryLabel() const { return m_expiry; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *saveButton() const;

public slots:
    void accept() override;

private:
    void updatePreview();

    QPointer<Tunnel> m_tunnel;
    QLineEdit *m_edit;
    QCheckBox *m_show;
    QLabel *m_mount;
    QLabel *m_subject;
    QLabel *m_issued;
    QLabel *m_expiry;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
};

} // namespace telephone
