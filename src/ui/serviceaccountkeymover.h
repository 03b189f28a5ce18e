#pragma once

#include <QObject>
#include <QStringList>

namespace telephone {

class KeychainSecretStore;

/// Keeps the tunnels' service-account keys (OS keychain entries ServiceAccountKey::keychainEntry)
/// with their tunnels when the settings dialog saves renamed and removed tunnels: a renamed
/// tunnel's key is read under its old name, written under the new one, and only then deleted under
/// the old one; a removed tunnel's entry is deleted. Whatever the keychain refuses (no Secret
/// Service, locked) leaves the old entry where it was and is reported in the user's language.
///
/// In three rounds, so that renames that trade names (a → b, b → a) or take a removed tunnel's
/// name lose nothing: all old entries are read first, then the new ones written, then the entries
/// nobody's key went to are deleted. One KeychainSecretStore, one operation at a time.
class ServiceAccountKeyMover : public QObject
{
    Q_OBJECT

public:
    /// One tunnel of the config file: renamed from `oldName` to `newName`, or removed (newName empty).
    struct Change {
        QString oldName;
        QString newName;
    };

    explicit ServiceAccountKeyMover(QObject *parent = nullptr);

    /// Ends in finished(); ignored while a move runs.
    void start(const QList<Change> &changes);
    bool isRunning() const { return m_running; }

signals:
    /// What could not be done, one sentence per tunnel (empty: all done).
    void finished(const QStringList &problems);

private:
    enum class Round { None, Read, Write, Delete };
    enum class State { Unread, NoKey, HasKey, Failed, Written };
    struct Item {
        Change change;
        QString oldEntry;
        QString newEntry; ///< empty for a removed tunnel
        State state = State::Unread;
        QByteArray key;
    };

    void nextStep();
    bool planRound();
    void planWrites();
    void planDeletes();
    bool isWrittenTo(const QString &entry) const;
    bool isUnreadSource(const QString &entry) const;
    void stepFailed(const QString &english);

    KeychainSecretStore *m_keychain;
    QList<Item> m_items;
    Round m_round = Round::None;
    /// The current round's work: index into m_items and the entry it touches.
    QList<std::pair<int, QString>> m_steps;
    QStringList m_problems;
    bool m_running = false;
};

} // namespace telephone
