#pragma once

#include "config/settings.h"
#include "ui/configwriter.h"
#include "ui/serviceaccountkeymover.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace telephone {

class Autostart;

/// Server, backend, start at login, start hidden, notifications, icon style and language, and the
/// tunnels of the config file (added, edited and removed through TunnelEditDialog; they take effect
/// at the next start). Values are checked with the same parsers the command line uses and saved
/// into the config file under the command line's keys (ConfigWriter); only what the user changed is
/// written. Start at login is the autostart entry, not a config key. Tunnels renamed or removed on
/// Save take their service-account key along in the OS keychain, or lose it with them
/// (ServiceAccountKeyMover); what the keychain refuses is said here, and the old entry stays.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const Settings &settings, ConfigWriter *writer, Autostart *autostart, QWidget *parent = nullptr);

    /// The keys and values that differ from what the dialog opened with.
    QHash<QString, QString> changes() const;

public slots:
    void accept() override;
    /// Ignored while the keychain moves keys: closing then would hide what it could not do.
    void reject() override;

signals:
    /// After a successful save: the keys written (icon-style and notifications apply at once).
    void saved(const QHash<QString, QString> &changes);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    QGroupBox *buildTunnelBox();
    void refreshTunnelList();
    /// Opens the tunnel form for m_tunnels[index], or for a new tunnel when index is -1.
    void editTunnel(int index);
    void removeSelectedTunnel();
    QHash<QString, QString> currentValues() const;
    void validate();
    /// The keychain work of the tunnels renamed or removed since the last save.
    QList<ServiceAccountKeyMover::Change> serviceAccountKeyChanges() const;
    void keysMoved(const QStringList &problems);
    void showProblem(const QString &text);
    void addOverrideNote(const Settings &settings, const QString &key, QLineEdit *edit);

    ConfigWriter *m_writer;
    Autostart *m_autostart;
    QHash<QString, QString> m_initial;
    bool m_initialAutostart = false;
    QLineEdit *m_server;
    QLineEdit *m_backend;
    QCheckBox *m_startAtLogin;
    QCheckBox *m_startHidden;
    QCheckBox *m_notifications;
    QComboBox *m_iconStyle;
    QComboBox *m_language;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    QList<ConfigWriter::TunnelSection> m_initialTunnels;
    QList<ConfigWriter::TunnelSection> m_tunnels; ///< as edited; written on Save
    QStringList m_storedNames; ///< m_tunnels' names in the config file (empty: added since)
    ServiceAccountKeyMover *m_keyMover;
    QString m_autostartProblem; ///< from the latest save, shown with the keychain's
    QListWidget *m_tunnelList = nullptr;
    QPushButton *m_editTunnel = nullptr;
    QPushButton *m_removeTunnel = nullptr;
};

} // namespace telephone
