#include "ui/settingsdialog.h"

#include "ui/autostart.h"
#include "ui/serviceaccountkeyfield.h"
#include "ui/tunneleditdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QResizeEvent>
#include <QVBoxLayout>

namespace telephone {

namespace {

const QString KeyServer = QStringLiteral("server");
const QString KeyBackend = QStringLiteral("backend");
const QString KeyStartHidden = QStringLiteral("start-hidden");
const QString KeyNotifications = QStringLiteral("notifications");
const QString KeyIconStyle = QStringLiteral("icon-style");
const QString KeyLanguage = QStringLiteral("language");

void selectData(QComboBox *combo, const QString &value)
{
    const int index = combo->findData(value);
    combo->setCurrentIndex(index < 0 ? 0 : index);
}

// What this run uses, unless it came from the file or a default: then what the file holds now,
// so that a dialog opened after a save shows the saved values.
QString initialValue(const Settings &settings, const ConfigWriter *writer, const QString &key)
{
    const SettingSource source = settings.source(key);
    if (source == SettingSource::Environment || source == SettingSource::CommandLine || !writer)
        return settings.value(key);
    const QString stored = writer->storedValue(key);
    if (!stored.isNull())
        return stored.trimmed();
    const SettingDef *def = Settings::find(key);
    return def ? def->defaultValue : QString();
}

} // namespace

SettingsDialog::SettingsDialog(const Settings &settings, ConfigWriter *writer, Autostart *autostart, QWidget *parent)
    : QDialog(parent)
    , m_writer(writer)
    , m_autostart(autostart)
    , m_server(new QLineEdit(this))
    , m_backend(new QLineEdit(this))
    , m_startAtLogin(new QCheckBox(tr("Start Telephone when I log in"), this))
    , m_startHidden(new QCheckBox(tr("Start in the tray without showing this window"), this))
    , m_notifications(new QCheckBox(tr("Show desktop notifications"), this))
    , m_iconStyle(new QComboBox(this))
    , m_language(new QComboBox(this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Settings — Telephone"));
    m_server->setObjectName(QStringLiteral("server"));
    m_backend->setObjectName(QStringLiteral("backend"));
    m_startAtLogin->setObjectName(QStringLiteral("startAtLogin"));
    m_startHidden->setObjectName(QStringLiteral("startHidden"));
    m_notifications->setObjectName(QStringLiteral("notifications"));
    m_iconStyle->setObjectName(QStringLiteral("iconStyle"));
    m_language->setObjectName(QStringLiteral("language"));
    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_server->setPlaceholderText(QStringLiteral("wss://plugboard.example"));
    m_backend->setPlaceholderText(tr("http://127.0.0.1:3000 or 3000"));
    m_server->setMinimumWidth(360);

    m_iconStyle->addItem(tr("Automatic (follows the desktop's light or dark look)"), QStringLiteral("auto"));
    m_iconStyle->addItem(tr("Colour"), QStringLiteral("colour"));
    m_iconStyle->addItem(tr("Light (for dark panels)"), QStringLiteral("light"));
    m_iconStyle->addItem(tr("Dark (for light panels)"), QStringLiteral("dark"));
    m_language->addItem(tr("System language"), QString());
    // Language names in their own language, so a user who cannot read the current one finds theirs.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));

    const auto initial = [&settings, writer](const QString &key) { return initialValue(settings, writer, key); };
    m_server->setText(initial(KeyServer));
    m_backend->setText(initial(KeyBackend));
    m_startHidden->setChecked(Settings::parseFlag(initial(KeyStartHidden)).value_or(false));
    m_notifications->setChecked(initial(KeyNotifications) != QLatin1String("off"));
    selectData(m_iconStyle, initial(KeyIconStyle).toLower());
    selectData(m_language, initial(KeyLanguage));
    m_initialAutostart = m_autostart && m_autostart->isEnabled();
    m_startAtLogin->setChecked(m_initialAutostart);
    m_startAtLogin->setEnabled(m_autostart);
    m_initial = currentValues();

    auto *form = new QFormLayout;
    // In a narrow window (480 px, German labels) a field that does not fit beside its label goes
    // below it instead of holding the dialog wide.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("Plugboard server:"), m_server);
    addOverrideNote(settings, KeyServer, m_server);
    form->addRow(tr("Local backend:"), m_backend);
    addOverrideNote(settings, KeyBackend, m_backend);
    form->addRow(QString(), m_startAtLogin);
    form->addRow(QString(), m_startHidden);
    form->addRow(QString(), m_notifications);
    form->addRow(tr("Tray icon:"), m_iconStyle);
    form->addRow(tr("Language:"), m_language);
    // Stored at once in the keychain (not on Save): a secret never waits in the dialog.
    form->addRow(tr("Service-account key:"), new ServiceAccountKeyField(Settings::defaultTunnelName(), this));

    auto *where = new QLabel(tr("Saved in %1. Server, backend and language changes take effect the next time "
                                "Telephone starts.")
                                 .arg(QDir::toNativeSeparators(writer ? writer->file() : QString())),
                             this);
    where->setWordWrap(true);
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_initialTunnels = writer ? writer->tunnels() : QList<ConfigWriter::TunnelSection>();
    m_tunnels = m_initialTunnels;
    for (const ConfigWriter::TunnelSection &tunnel : std::as_const(m_tunnels))
        m_storedNames << tunnel.name;
    m_keyMover = new ServiceAccountKeyMover(this);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buildTunnelBox());
    layout->addWidget(where);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_server, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_backend, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_keyMover, &ServiceAccountKeyMover::finished, this, &SettingsDialog::keysMoved);
    validate();
}

void SettingsDialog::resizeEvent(QResizeEvent *event)
{
    QDialog::resizeEvent(event);
    // Qt makes no window taller for rows that wrap when it gets narrower (labels, German texts, the
    // form's long rows at 480 px); without this they were drawn squeezed over each other.
    const int needed = layout()->totalHeightForWidth(event->size().width());
    if (needed > 0 && needed != minimumHeight())
        setMinimumHeight(needed);
}

QGroupBox *SettingsDialog::buildTunnelBox()
{
    auto *box = new QGroupBox(tr("Tunnels"), this);
    m_tunnelList = new QListWidget(box);
    m_tunnelList->setObjectName(QStringLiteral("tunnelList"));
    auto *add = new QPushButton(tr("Add…"), box);
    add->setObjectName(QStringLiteral("addTunnel"));
    m_editTunnel = new QPushButton(tr("Edit…"), box);
    m_editTunnel->setObjectName(QStringLiteral("editTunnel"));
    m_removeTunnel = new QPushButton(tr("Remove"), box);
    m_removeTunnel->setObjectName(QStringLiteral("removeTunnel"));
    auto *note = new QLabel(tr("Each tunnel serves one more mount with its own server, backend and token; "
                               "the server and backend above apply to a tunnel that sets none. Added, changed "
                               "and removed tunnels take effect after restart."),
                            box);
    note->setObjectName(QStringLiteral("tunnelNote"));
    note->setWordWrap(true);

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(m_editTunnel);
    buttons->addWidget(m_removeTunnel);
    buttons->addStretch(1);
    auto *row = new QHBoxLayout;
    row->addWidget(m_tunnelList, 1);
    row->addLayout(buttons);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(row);
    layout->addWidget(note);

    connect(add, &QPushButton::clicked, this, [this] { editTunnel(-1); });
    connect(m_editTunnel, &QPushButton::clicked, this, [this] { editTunnel(m_tunnelList->currentRow()); });
    connect(m_tunnelList, &QListWidget::itemActivated, this, [this] { editTunnel(m_tunnelList->currentRow()); });
    connect(m_removeTunnel, &QPushButton::clicked, this, &SettingsDialog::removeSelectedTunnel);
    connect(m_tunnelList, &QListWidget::currentRowChanged, this, [this](int row) {
        m_editTunnel->setEnabled(row >= 0);
        m_removeTunnel->setEnabled(row >= 0);
    });
    refreshTunnelList();
    return box;
}

void SettingsDialog::refreshTunnelList()
{
    const int row = m_tunnelList->currentRow();
    m_tunnelList->clear();
    for (const ConfigWriter::TunnelSection &tunnel : std::as_const(m_tunnels)) {
        const QString server = tunnel.values.value(KeyServer);
        const QString backend = tunnel.values.value(KeyBackend);
        m_tunnelList->addItem(tr("%1 — %2 → %3")
                                  .arg(tunnel.name, server.isEmpty() ? tr("general server") : server,
                                       backend.isEmpty() ? tr("general backend") : backend));
    }
    m_tunnelList->setCurrentRow(std::min(row, int(m_tunnels.size()) - 1));
    m_editTunnel->setEnabled(m_tunnelList->currentRow() >= 0);
    m_removeTunnel->setEnabled(m_tunnelList->currentRow() >= 0);
}

void SettingsDialog::editTunnel(int index)
{
    if (index >= m_tunnels.size())
        return;
    const ConfigWriter::TunnelSection section = index >= 0 ? m_tunnels.at(index) : ConfigWriter::TunnelSection();
    QStringList otherNames;
    for (int i = 0; i < m_tunnels.size(); ++i) {
        if (i != index)
            otherNames << m_tunnels.at(i).name;
    }
    // Not exec(): the settings dialog stays responsive (and testable) while the form is open.
    const QString storedName = index >= 0 ? m_storedNames.at(index) : QString();
    auto *editor = new TunnelEditDialog(section, storedName, otherNames, m_server->text().trimmed(), m_backend->text().trimmed(), this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &QDialog::accepted, this, [this, editor, index] {
        if (index >= 0 && index < m_tunnels.size()) {
            m_tunnels[index] = editor->section();
        } else {
            m_tunnels << editor->section();
            m_storedNames << QString();
            m_tunnelList->setCurrentRow(-1);
        }
        refreshTunnelList();
        if (index < 0)
            m_tunnelList->setCurrentRow(int(m_tunnels.size()) - 1);
    });
    editor->open();
}

void SettingsDialog::removeSelectedTunnel()
{
    const int row = m_tunnelList->currentRow();
    if (row < 0 || row >= m_tunnels.size())
        return;
    m_tunnels.removeAt(row);
    m_storedNames.removeAt(row);
    refreshTunnelList();
}

void SettingsDialog::addOverrideNote(const Settings &settings, const QString &key, QLineEdit *edit)
{
    const SettingSource source = settings.source(key);
    if (source != SettingSource::Environment && source != SettingSource::CommandLine)
        return;
    // Precedence is command line > environment > file: say why a saved value may not show.
    edit->setToolTip(tr("This run takes the value from %1, which wins over the config file.")
                         .arg(settings.sourceDescription(key)));
}

QHash<QString, QString> SettingsDialog::currentValues() const
{
    return {
        {KeyServer, m_server->text().trimmed()},
        {KeyBackend, m_backend->text().trimmed()},
        {KeyStartHidden, m_startHidden->isChecked() ? QStringLiteral("true") : QStringLiteral("false")},
        {KeyNotifications, m_notifications->isChecked() ? QStringLiteral("on") : QStringLiteral("off")},
        {KeyIconStyle, m_iconStyle->currentData().toString()},
        {KeyLanguage, m_language->currentData().toString()},
    };
}

QHash<QString, QString> SettingsDialog::changes() const
{
    QHash<QString, QString> changed;
    const QHash<QString, QString> now = currentValues();
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        if (m_initial.value(it.key()) != it.value())
            changed.insert(it.key(), it.value());
    }
    return changed;
}

void SettingsDialog::validate()
{
    QStringList problems;
    QString error;
    const QString server = m_server->text().trimmed();
    if (!server.isEmpty() && !Settings::parseServer(server, &error))
        problems << tr("Server: %1").arg(error);
    const QString backend = m_backend->text().trimmed();
    if (!backend.isEmpty() && !Settings::parseBackend(backend, &error))
        problems << tr("Backend: %1").arg(error);
    m_message->setText(problems.join(QLatin1Char('\n')));
    m_message->setStyleSheet(problems.isEmpty() ? QString() : QStringLiteral("color: #d93a3a;"));
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(problems.isEmpty() && m_writer);
}

void SettingsDialog::accept()
{
    if (!m_writer || m_keyMover->isRunning())
        return;
    const QHash<QString, QString> changed = changes();
    const QList<ServiceAccountKeyMover::Change> keyChanges = serviceAccountKeyChanges();
    const bool tunnelsChanged = m_tunnels != m_initialTunnels || !keyChanges.isEmpty();
    QString error;
    const bool written = tunnelsChanged ? m_writer->write(changed, m_tunnels, &error)
                                        : changed.isEmpty() || m_writer->write(changed, &error);
    if (!written) {
        showProblem(tr("Not saved: %1").arg(error));
        return;
    }
    // From here the file has the new names: the keys follow (or stay, said below), the file stays.
    m_initial = currentValues();
    m_initialTunnels = m_tunnels;
    m_storedNames.clear();
    for (const ConfigWriter::TunnelSection &tunnel : std::as_const(m_tunnels))
        m_storedNames << tunnel.name;
    m_autostartProblem.clear();
    if (m_autostart && m_startAtLogin->isChecked() != m_initialAutostart
        && !m_autostart->setEnabled(m_startAtLogin->isChecked(), &error)) {
        m_autostartProblem = tr("Settings saved, but start at login could not be changed: %1").arg(error);
    }
    emit saved(changed);
    if (!keyChanges.isEmpty()) {
        m_buttons->setEnabled(false);
        m_message->setText(tr("Moving the service-account keys of renamed and removed tunnels in the OS keychain…"));
        m_message->setStyleSheet(QString());
        m_keyMover->start(keyChanges);
        return;
    }
    keysMoved({});
}

void SettingsDialog::reject()
{
    if (!m_keyMover->isRunning())
        QDialog::reject();
}

QList<ServiceAccountKeyMover::Change> SettingsDialog::serviceAccountKeyChanges() const
{
    QList<ServiceAccountKeyMover::Change> keyChanges;
    for (int i = 0; i < m_tunnels.size(); ++i) {
        if (!m_storedNames.at(i).isEmpty() && m_storedNames.at(i) != m_tunnels.at(i).name)
            keyChanges << ServiceAccountKeyMover::Change{m_storedNames.at(i), m_tunnels.at(i).name};
    }
    // A tunnel added under a removed one's name is another tunnel: the old key goes all the same.
    for (const ConfigWriter::TunnelSection &before : std::as_const(m_initialTunnels)) {
        if (!m_storedNames.contains(before.name))
            keyChanges << ServiceAccountKeyMover::Change{before.name, QString()};
    }
    return keyChanges;
}

void SettingsDialog::keysMoved(const QStringList &problems)
{
    m_buttons->setEnabled(true);
    if (problems.isEmpty() && m_autostartProblem.isEmpty()) {
        m_message->clear();
        QDialog::accept();
        return;
    }
    QStringList lines;
    if (!m_autostartProblem.isEmpty())
        lines << m_autostartProblem;
    if (!problems.isEmpty())
        lines << tr("Settings saved, but the OS keychain did not do everything:") << problems;
    showProblem(lines.join(QLatin1Char('\n')));
}

void SettingsDialog::showProblem(const QString &text)
{
    m_message->setText(text);
    m_message->setStyleSheet(QStringLiteral("color: #d93a3a;"));
}

} // namespace telephone
