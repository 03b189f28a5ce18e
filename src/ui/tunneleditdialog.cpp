#include "ui/tunneleditdialog.h"

#include "config/settings.h"
#include "ui/serviceaccountkeyfield.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace telephone {

namespace {

const QString KeyServer = QStringLiteral("server");
const QString KeyBackend = QStringLiteral("backend");
const QString KeyTokenFile = QStringLiteral("token-file");

// A field that falls back to the general setting: empty is right when that one has a value.
QString urlError(const QLineEdit *edit, const QString &general,
                 std::optional<QUrl> (*parse)(const QString &, QString *), const QString &missing)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty())
        return general.isEmpty() ? missing : QString();
    QString error;
    return parse(text, &error) ? QString() : error;
}

void showError(QLabel *label, const QString &error)
{
    label->setText(error);
    label->setVisible(!error.isEmpty());
}

} // namespace

TunnelEditDialog::TunnelEditDialog(const ConfigWriter::TunnelSection &section, const QString &storedName,
                                   const QStringList &otherNames,
                                   const QString &generalServer, const QString &generalBackend, QWidget *parent)
    : QDialog(parent)
    , m_original(section)
    , m_storedName(storedName)
    , m_otherNames(otherNames)
    , m_generalServer(generalServer)
    , m_generalBackend(generalBackend)
    , m_form(new QFormLayout)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(section.name.isEmpty() ? tr("Add tunnel — Telephone") : tr("Edit tunnel — Telephone"));
    const auto value = [&section](const QString &key) { return section.values.value(key); };
    m_name = addField(QStringLiteral("tunnelName"), tr("Name:"), QStringLiteral("api"), section.name, &m_nameError);
    m_server = addField(QStringLiteral("tunnelServer"), tr("Plugboard server:"),
                        generalServer.isEmpty() ? QStringLiteral("wss://plugboard.example")
                                                : tr("%1 (from the general settings)").arg(generalServer),
                        value(KeyServer), &m_serverError);
    m_backend = addField(QStringLiteral("tunnelBackend"), tr("Local backend:"),
                         generalBackend.isEmpty() ? tr("http://127.0.0.1:3000 or 3000")
                                                  : tr("%1 (from the general settings)").arg(generalBackend),
                         value(KeyBackend), &m_backendError);
    m_tokenFile = addField(QStringLiteral("tunnelTokenFile"), tr("Token file (optional):"),
                           tr("a file whose first line is the token"), value(KeyTokenFile), &m_tokenFileError);
    m_server->setMinimumWidth(360);
    // The key lives in the keychain under the tunnel's name in the config file, not in the file:
    // it is stored (and forgotten) at once, so only for a tunnel the file already has. A new name
    // takes the key along when the settings are saved, never before: Cancel leaves both as they were.
    if (storedName.isEmpty()) {
        auto *later = new QLabel(tr("Save the settings with the new tunnel first; then edit it to store its "
                                    "service-account key."),
                                 this);
        later->setObjectName(QStringLiteral("tunnelServiceAccountKeyLater"));
        later->setWordWrap(true);
        m_form->addRow(tr("Service-account key:"), later);
    } else {
        auto *keyField = new ServiceAccountKeyField(storedName, this);
        keyField->setObjectName(QStringLiteral("tunnelServiceAccountKeyField"));
        m_form->addRow(tr("Service-account key:"), keyField);
        m_keyMoves = new QLabel(tr("The key is kept under the name \"%1\" and moves to the new name when the "
                                   "settings are saved.")
                                    .arg(storedName),
                                this);
        m_keyMoves->setObjectName(QStringLiteral("tunnelServiceAccountKeyMoves"));
        m_keyMoves->setWordWrap(true);
        m_form->addRow(QString(), m_keyMoves);
    }

    auto *note = new QLabel(tr("Without a token file the tunnel uses the newest token stored for its server, or "
                               "asks for one."),
                            this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(note);
    layout->addWidget(m_buttons);

    for (QLineEdit *edit : {m_name, m_server, m_backend, m_tokenFile})
        connect(edit, &QLineEdit::textChanged, this, &TunnelEditDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

QLineEdit *TunnelEditDialog::addField(const QString &objectName, const QString &label, const QString &placeholder,
                                      const QString &value, QLabel **error)
{
    auto *edit = new QLineEdit(value, this);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    *error = new QLabel(this);
    (*error)->setObjectName(objectName + QStringLiteral("Error"));
    (*error)->setWordWrap(true);
    (*error)->setStyleSheet(QStringLiteral("color: #d93a3a;"));
    (*error)->setVisible(false);
    m_form->addRow(label, edit);
    m_form->addRow(QString(), *error);
    return edit;
}

void TunnelEditDialog::validate()
{
    const QString name = m_name->text().trimmed();
    QString nameError;
    switch (name.isEmpty() ? Settings::TunnelNameProblem::None : Settings::tunnelNameProblem(name, m_otherNames)) {
    case Settings::TunnelNameProblem::None:
        if (name.isEmpty())
            nameError = tr("Give the tunnel a name.");
        break;
    case Settings::TunnelNameProblem::Invalid:
        nameError = tr("Use only letters, digits, - and _ (at most 64): the name is part of environment variable "
                       "names.");
        break;
    case Settings::TunnelNameProblem::Reserved:
        nameError = tr("\"%1\" is the tunnel of the command line; choose another name.").arg(name);
        break;
    case Settings::TunnelNameProblem::Taken:
        nameError = tr("Another tunnel is called that (names must differ in more than case).");
        break;
    }
    showError(m_nameError, nameError);
    if (m_keyMoves)
        m_keyMoves->setVisible(name != m_storedName);

    const QString serverError = urlError(m_server, m_generalServer, &Settings::parseServer,
                                         tr("Give the server: the general settings have none."));
    showError(m_serverError, serverError);
    const QString backendError = urlError(m_backend, m_generalBackend, &Settings::parseBackend,
                                          tr("Give the backend: the general settings have none."));
    showError(m_backendError, backendError);

    QString tokenFile = m_tokenFile->text().trimmed();
    // Settings expands "~/" and reads a relative path from the config file's folder; a full path
    // means the same to the person typing it and to the program.
    if (tokenFile.startsWith(QLatin1String("~/")))
        tokenFile = QDir::homePath() + tokenFile.mid(1);
    QString tokenFileError;
    if (!tokenFile.isEmpty() && QDir::isRelativePath(tokenFile))
        tokenFileError = tr("Give the full path of the token file.");
    else if (!tokenFile.isEmpty() && !QFileInfo(tokenFile).isFile())
        tokenFileError = tr("There is no file %1.").arg(QDir::toNativeSeparators(tokenFile));
    showError(m_tokenFileError, tokenFileError);

    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(nameError.isEmpty() && serverError.isEmpty() && backendError.isEmpty() && tokenFileError.isEmpty());
}

ConfigWriter::TunnelSection TunnelEditDialog::section() const
{
    ConfigWriter::TunnelSection edited = m_original;
    edited.name = m_name->text().trimmed();
    const auto set = [&edited](const QString &key, const QLineEdit *edit) {
        const QString text = edit->text().trimmed();
        if (text.isEmpty())
            edited.values.remove(key);
        else
            edited.values.insert(key, text);
    };
    set(KeyServer, m_server);
    set(KeyBackend, m_backend);
    set(KeyTokenFile, m_tokenFile);
    // A token file and a token in the section cannot be combined (Settings refuses both): the file
    // the user just chose wins.
    if (edited.values.contains(KeyTokenFile) && edited.values.value(KeyTokenFile) != m_original.values.value(KeyTokenFile))
        edited.values.remove(QStringLiteral("token"));
    return edited;
}

} // namespace telephone
