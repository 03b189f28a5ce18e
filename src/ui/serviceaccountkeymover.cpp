#include "ui/serviceaccountkeymover.h"

#include "tokens/keychainsecretstore.h"
#include "tokens/serviceaccountkey.h"
#include "ui/humantext.h"

#include <algorithm>

namespace telephone {

ServiceAccountKeyMover::ServiceAccountKeyMover(QObject *parent)
    : QObject(parent)
    , m_keychain(new KeychainSecretStore(this))
{
    connect(m_keychain, &KeychainSecretStore::entryRead, this, [this](const QString &, const QByteArray &data, bool found) {
        Item &item = m_items[m_steps.first().first];
        item.state = found ? State::HasKey : State::NoKey;
        item.key = data;
        m_steps.removeFirst();
        nextStep();
    });
    connect(m_keychain, &KeychainSecretStore::entryWritten, this, [this] {
        Item &item = m_items[m_steps.first().first];
        item.state = State::Written;
        item.key.clear(); // the secret lives in the keychain only
        m_steps.removeFirst();
        nextStep();
    });
    connect(m_keychain, &KeychainSecretStore::keyDeleted, this, [this] {
        m_steps.removeFirst();
        nextStep();
    });
    connect(m_keychain, &KeychainSecretStore::failed, this, &ServiceAccountKeyMover::stepFailed);
}

void ServiceAccountKeyMover::start(const QList<Change> &changes)
{
    if (m_running)
        return;
    m_items.clear();
    m_problems.clear();
    for (const Change &change : changes) {
        Item item;
        item.change = change;
        item.oldEntry = ServiceAccountKey::keychainEntry(change.oldName);
        if (!change.newName.isEmpty())
            item.newEntry = ServiceAccountKey::keychainEntry(change.newName);
        if (item.oldEntry != item.newEntry)
            m_items << item;
    }
    m_running = true;
    m_round = Round::None;
    m_steps.clear();
    // Started from the event loop, so that finished() never comes before start() returns.
    QMetaObject::invokeMethod(this, &ServiceAccountKeyMover::nextStep, Qt::QueuedConnection);
}

void ServiceAccountKeyMover::nextStep()
{
    while (m_steps.isEmpty()) {
        if (!planRound()) {
            m_running = false;
            emit finished(m_problems);
            return;
        }
    }
    const auto &[index, entry] = m_steps.first();
    switch (m_round) {
    case Round::Read:
        m_keychain->readEntry(entry);
        break;
    case Round::Write:
        m_keychain->writeEntry(entry, m_items.at(index).key);
        break;
    case Round::Delete:
    case Round::None:
        m_keychain->deleteEntry(entry);
        break;
    }
}

// Fills m_steps with the work of the round after the one just done; false when all rounds are done.
bool ServiceAccountKeyMover::planRound()
{
    switch (m_round) {
    case Round::None:
        m_round = Round::Read;
        for (int i = 0; i < m_items.size(); ++i) {
            if (!m_items.at(i).newEntry.isEmpty())
                m_steps.append({i, m_items.at(i).oldEntry});
            else
                m_items[i].state = State::NoKey; // removed: nothing to carry over
        }
        return true;
    case Round::Read:
        planWrites();
        return true;
    case Round::Write:
        planDeletes();
        return true;
    case Round::Delete:
        return false;
    }
    return false;
}

void ServiceAccountKeyMover::planWrites()
{
    m_round = Round::Write;
    for (int i = 0; i < m_items.size(); ++i) {
        const Item &item = m_items.at(i);
        // Never over an entry that holds another renamed tunnel's key not read yet.
        if (item.state == State::HasKey && !isUnreadSource(item.newEntry))
            m_steps.append({i, item.newEntry});
        else if (item.state == State::HasKey)
            m_problems << tr("The service-account key of tunnel \"%1\" was not moved to its new name \"%2\": "
                             "the key stored under that name could not be read first. It stays under the old "
                             "name; store it again in the tunnel's editor.")
                              .arg(item.change.oldName, item.change.newName);
    }
}

void ServiceAccountKeyMover::planDeletes()
{
    m_round = Round::Delete;
    for (int i = 0; i < m_items.size(); ++i) {
        const Item &item = m_items.at(i);
        // A removed tunnel's key goes; a renamed tunnel's old entry goes once the new one holds the
        // key; a renamed tunnel without a key leaves no older key under its new name.
        if ((item.newEntry.isEmpty() || item.state == State::Written) && !isWrittenTo(item.oldEntry))
            m_steps.append({i, item.oldEntry});
        else if (item.state == State::NoKey && !item.newEntry.isEmpty() && !isWrittenTo(item.newEntry))
            m_steps.append({i, item.newEntry});
    }
}

bool ServiceAccountKeyMover::isWrittenTo(const QString &entry) const
{
    return std::any_of(m_items.cbegin(), m_items.cend(),
                       [&entry](const Item &item) { return item.state == State::Written && item.newEntry == entry; });
}

bool ServiceAccountKeyMover::isUnreadSource(const QString &entry) const
{
    return std::any_of(m_items.cbegin(), m_items.cend(), [&entry](const Item &item) {
        return item.oldEntry == entry && !item.newEntry.isEmpty() && item.state == State::Failed;
    });
}

void ServiceAccountKeyMover::stepFailed(const QString &english)
{
    const auto [index, entry] = m_steps.takeFirst();
    Item &item = m_items[index];
    const Problem &problem = m_keychain->lastProblem();
    const QString why = problem.isNone() ? english : HumanText::problem(problem);
    switch (m_round) {
    case Round::Read:
    case Round::Write:
        item.state = State::Failed;
        item.key.clear();
        m_problems << tr("The service-account key of tunnel \"%1\" could not be moved to its new name \"%2\": %3. "
                         "It stays in the OS keychain under the old name; store it again in the tunnel's editor.")
                          .arg(item.change.oldName, item.change.newName, why);
        break;
    case Round::Delete:
    case Round::None:
        if (item.newEntry.isEmpty())
            m_problems << tr("The service-account key of the removed tunnel \"%1\" (if it had one) could not be "
                             "removed from the OS keychain: %2")
                              .arg(item.change.oldName, why);
        else if (entry == item.oldEntry)
            m_problems << tr("The service-account key of tunnel \"%1\" is now stored under its new name, but the copy "
                             "under its old name \"%2\" could not be removed from the OS keychain: %3")
                              .arg(item.change.newName, item.change.oldName, why);
        else
            m_problems << tr("An older service-account key stored under the name \"%1\" could not be removed from "
                             "the OS keychain: %2")
                              .arg(item.change.newName, why);
        break;
    }
    nextStep();
}

} // namespace telephone
