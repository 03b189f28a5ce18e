#include "ui/serviceaccountkeyfield.h"

#include "tokens/keychainsecretstore.h"
#include "tokens/serviceaccountkey.h"
#include "ui/humantext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace telephone {

ServiceAccountKeyField::ServiceAccountKeyField(const QString &tunnelName, QWidget *parent)
    : QWidget(parent)
    , m_entry(ServiceAccountKey::keychainEntry(tunnelName))
    , m_keychain(new KeychainSecretStore(this))
    , m_edit(new QLineEdit(this))
    , m_store(new QPushButton(tr("Store in keychain"), this))
    , m_forget(new QPushButton(tr("Forget"), this))
    , m_status(new QLabel(this))
{
    m_edit->setObjectName(QStringLiteral("serviceAccountKey"));
    m_store->setObjectName(QStringLiteral("storeServiceAccountKey"));
    m_forget->setObjectName(QStringLiteral("forgetServiceAccountKey"));
    m_status->setObjectName(QStringLiteral("serviceAccountKeyStatus"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setPlaceholderText(QStringLiteral("sa_live_…"));
    m_status->setWordWrap(true);

    // The buttons below the field, not beside it: beside it, long (German) button labels left the
    // field almost no width in a narrow settings dialog.
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_store);
    buttons->addWidget(m_forget);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    connect(m_store, &QPushButton::clicked, this, &ServiceAccountKeyField::store);
    connect(m_edit, &QLineEdit::returnPressed, this, &ServiceAccountKeyField::store);
    connect(m_forget, &QPushButton::clicked, this, &ServiceAccountKeyField::forget);
    connect(m_edit, &QLineEdit::textChanged, this, [this] { m_store->setEnabled(!m_edit->text().isEmpty()); });
    connect(m_keychain, &KeychainSecretStore::entryRead, this,
            [this](const QString &, const QByteArray &data, bool found) {
                setBusy(false);
                showStored(found ? QString::fromUtf8(data) : QString());
            });
    connect(m_keychain, &KeychainSecretStore::entryWritten, this, [this] {
        setBusy(false);
        // From here on the key exists only in the keychain: not in this widget.
        showStored(m_edit->text().trimmed());
        m_edit->clear();
    });
    connect(m_keychain, &KeychainSecretStore::keyDeleted, this, [this] {
        setBusy(false);
        showStored(QString());
    });
    connect(m_keychain, &KeychainSecretStore::failed, this, [this](const QString &english) {
        setBusy(false);
        const Problem &problem = m_keychain->lastProblem();
        showProblem(tr("The OS keychain did not answer as expected: %1")
                        .arg(problem.isNone() ? english : HumanText::problem(problem)));
    });

    m_status->setText(tr("Looking in the OS keychain…"));
    setBusy(true);
    m_keychain->readEntry(m_entry);
}

void ServiceAccountKeyField::store()
{
    const QString key = m_edit->text().trimmed();
    if (const Problem problem = ServiceAccountKey::problemOf(key); !problem.isNone()) {
        showProblem(HumanText::problem(problem));
        return;
    }
    setBusy(true);
    m_keychain->writeEntry(m_entry, key.toUtf8());
}

void ServiceAccountKeyField::forget()
{
    setBusy(true);
    m_keychain->deleteEntry(m_entry);
}

void ServiceAccountKeyField::showStored(const QString &key)
{
    m_hasKey = !key.isEmpty();
    m_status->setStyleSheet(QString());
    m_status->setText(m_hasKey ? tr("Stored in the OS keychain: %1. Telephone uses it from its next start to get "
                                    "tokens when it has none.")
                                     .arg(ServiceAccountKey::shown(key))
                               : tr("No service-account key is stored. With one, Telephone gets its own tokens "
                                    "from the server."));
    m_forget->setEnabled(m_hasKey);
}

void ServiceAccountKeyField::setBusy(bool busy)
{
    m_edit->setEnabled(!busy);
    m_store->setEnabled(!busy && !m_edit->text().isEmpty());
    m_forget->setEnabled(!busy && m_hasKey);
}

void ServiceAccountKeyField::showProblem(const QString &problem)
{
    m_status->setText(problem);
    m_status->setStyleSheet(QStringLiteral("color: #d93a3a;"));
}

} // namespace telephone
