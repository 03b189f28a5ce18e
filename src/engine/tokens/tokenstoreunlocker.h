#pragma once

#include <QObject>
#include <QProcessEnvironment>
#include <QString>

namespace telephone {

class SecretStore;
class TokenStore;

/// Gets the data key for an open TokenStore from the right SecretStore and unlocks the store.
///
/// Which store: the one asked for (`keychain`, `file`, `env`); with `auto`, the one the token store
/// was created with, or for a new token store the OS keychain when it passes a write/read/delete
/// probe, else the key file — and then notice() says so, because the key then lives next to the
/// data. It never falls back when a store was asked for by name, and never makes a fresh key for a
/// store that already has one (that would make its tokens unreadable without a word).
/// Ends in exactly one unlocked() or failed(). Lives on the thread that created it.
class TokenStoreUnlocker : public QObject
{
    Q_OBJECT

public:
    TokenStoreUnlocker(TokenStore *store, const QString &choice, const QString &dataDir,
                       const QProcessEnvironment &env, QObject *parent = nullptr);

    void start();
    /// The secret store in use once chosen (owned by this object), null before.
    SecretStore *secretStore() const { return m_secretStore; }
    /// Shrinks the keychain's retry delay and timeout (tests).
    void setKeychainTimings(int retryDelayMs, int timeoutMs);

signals:
    /// Something the user should read at start-up (which store, and a fallback), at warning level
    /// when `warning`.
    void notice(const QString &message, bool warning);
    void unlocked(const QString &secretStoreDescription);
    void failed(const QString &error);

private:
    void use(SecretStore *store);
    void onKey(const QByteArray &key, bool created);
    SecretStore *makeStore(const QString &kind);

    TokenStore *m_store;
    QString m_choice;
    QString m_dataDir;
    QProcessEnvironment m_env;
    SecretStore *m_secretStore = nullptr;
    int m_retryDelayMs = -1;
    int m_timeoutMs = -1;
    bool m_createdKey = false;
};

} // namespace telephone
