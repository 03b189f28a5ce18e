#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace telephone {

class KeychainSecretStore;

/// One tunnel's service-account key (issue 16) kept in the OS keychain, as `telephone token key
/// set|forget [--tunnel NAME]` keeps it (KeychainSecretStore, entry ServiceAccountKey::keychainEntry),
/// for the app's next start.
/// Typed with password echo, checked with ServiceAccountKey::problemWith, stored, and from then on
/// shown only by its prefix ("sa_live_ab…"): the line edit is cleared once the keychain has it, and
/// the key is never put in a label, a tooltip or a log. Forget removes the entry.
class ServiceAccountKeyField : public QWidget
{
    Q_OBJECT

public:
    /// The key of the tunnel `tunnelName` (the settings dialog's field: the default tunnel's).
    explicit ServiceAccountKeyField(const QString &tunnelName, QWidget *parent = nullptr);

private:
    void store();
    void forget();
    void showStored(const QString &key);
    void setBusy(bool busy);
    void showProblem(const QString &problem);

    QString m_entry; ///< the tunnel's keychain entry
    KeychainSecretStore *m_keychain;
    QLineEdit *m_edit;
    QPushButton *m_store;
    QPushButton *m_forget;
    QLabel *m_status;
    bool m_hasKey = false;
};

} // namespace telephone
