#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace telephone {

class KeychainSecretStore;

/// The service-account key (issue 16) kept in the OS keychain, as `telephone token key set|forget`
/// keeps it (KeychainSecretStore, entry ServiceAccountEntry), for the desktop app's next start.
/// Typed with password echo, checked with ServiceAccountKey::problemWith, stored, and from then on
/// shown only by its prefix ("sa_live_ab…"): the line edit is cleared once the keychain has it, and
/// the key is never put in a label, a tooltip or a log. Forget removes the entry.
class ServiceAccountKeyField : public QWidget
{
    Q_OBJECT

public:
    explicit ServiceAccountKeyField(QWidget *parent = nullptr);

private:
    void store();
    void forget();
    void showStored(const QString &key);
    void setBusy(bool busy);
    void showProblem(const QString &problem);

    KeychainSecretStore *m_keychain;
    QLineEdit *m_edit;
    QPushButton *m_store;
    QPushButton *m_forget;
    QLabel *m_status;
    bool m_hasKey = false;
};

} // namespace telephone
