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
/// timeout set by hand) are kept as they were. A tunnel that is in the config file keeps its
/// service-account key in the OS keychain from here (ServiceAccountKeyField), under the name the
/// file gives it: a key stored while the name is being changed goes there too, and moves with the
/// tunnel when the settings dialog saves the new name (ServiceAccountKeyMover).
class TunnelEditDialog : public QDialog
{
    Q_OBJECT

public:
    /// `storedName`: the tunnel's name in the config file (empty: added, not saved yet).
    /// `otherNames`: the names the other tunnels already have. `generalServer` / `generalBackend`:
    /// the top-level values a tunnel without its own falls back to (empty: none, so it needs one).
    TunnelEditDialog(const ConfigWriter::TunnelSection &section, const QString &storedName, const QStringList &otherNames,
                     const QString &generalServer, const QString &generalBackend, QWidget *parent = nullptr);

    /// The section as edited: the original keys with the form's fields set or removed.
    ConfigWriter::TunnelSection section() const;

private:
    void validate();
    QLineEdit *addField(const QString &objectName, const QString &label, const QString &placeholder,
                        const QString &value, QLabel **error);

    ConfigWriter::TunnelSection m_original;
    QString m_storedName;
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
    QLabel *m_keyMoves = nullptr; ///< says the key follows a new name on Save
    QDialogButtonBox *m_buttons;
};

} // namespace telephone
