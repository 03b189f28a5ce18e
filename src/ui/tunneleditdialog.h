#pragma once

#include "ui/configwriter.h"

#include <QDialog>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace telephone {

/// Adds or edits one tunnel of the config file (a `[tunnel.NAME]` section): its name, server,
/// backend and token file. Each field is checked as it is typed, with the rule Settings applies
/// when it reads the file (tunnel name, server URL, backend port or URL), and says what is wrong
/// under the field; OK is enabled only when all are right. The section's other keys (a token, a
/// timeout set by hand) are kept as they were. An existing tunnel's service-account key is kept in
/// the OS keychain from here (ServiceAccountKeyField), under the tunnel's name.
class TunnelEditDialog : public QDialog
{
    Q_OBJECT

public:
    /// `otherNames`: the names the other tunnels already have. `generalServer` / `generalBackend`:
    /// the top-level values a tunnel without its own falls back to (empty: none, so it needs one).
    TunnelEditDialog(const ConfigWriter::TunnelSection &section, const QStringList &otherNames,
                     const QString &generalServer, const QString &generalBackend, QWidget *parent = nullptr);

    /// The section as edited: the original keys with the form's fields set or removed.
    ConfigWriter::TunnelSection section() const;

private:
    void validate();
    QLineEdit *addField(const QString &objectName, const QString &label, const QString &placeholder,
                        const QString &value, QLabel **error);

    ConfigWriter::TunnelSection m_original;
    QStringList m_otherNames;
    QString m_generalServer;
    QString m_generalBackend;
    QFormLayout *m_form;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_server = nullptr;
    QLineEdit *m_backend = nullptr;
    QLineEdit *m_tokenFile = nullptr;
    QLabel *m_nameError = nullptr;
    QLabel *m_serverError = nullptr;
    QLabel *m_backendError = nullptr;
    QLabel *m_tokenFileError = nullptr;
    QDialogButtonBox *m_buttons;
};

} // namespace telephone
