#include "tokens/tokenstoreunlocker.h"

#include "tokens/crypto.h"
#include "tokens/envsecretstore.h"
#include "tokens/filesecretstore.h"
#include "tokens/keychainsecretstore.h"
#include "tokens/tokenstore.h"

#include <chrono>

namespace telephone {

TokenStoreUnlocker::TokenStoreUnlocker(TokenStore *store, const QString &choice, const QString &dataDir,
                                       const QProcessEnvironment &env, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_choice(choice.isEmpty() ? QStringLiteral("auto") : choice)
    , m_dataDir(dataDir)
    , m_env(env)
{
}

void TokenStoreUnlocker::setKeychainTimings(int retryDelayMs, int timeoutMs)
{
    m_retryDelayMs = retryDelayMs;
    m_timeoutMs = timeoutMs;
}

SecretStore *TokenStoreUnlocker::makeStore(const QString &kind)
{
    if (kind == QLatin1String("keychain")) {
        auto *keychain = new KeychainSecretStore(this);
        if (m_retryDelayMs >= 0)
            keychain->setRetryDelay(std::chrono::milliseconds(m_retryDelayMs));
        if (m_timeoutMs > 0)
            keychain->setTimeout(std::chrono::milliseconds(m_timeoutMs));
        return keychain;
    }
    if (kind == QLatin1String("env"))
        return new EnvSecretStore(m_dataDir, m_env.value(QLatin1String(EnvSecretStore::VariableName)).toUtf8(), this);
    return new FileSecretStore(m_dataDir, m_env.value(QStringLiteral("CREDENTIALS_DIRECTORY")), this);
}

void TokenStoreUnlocker::start()
{
    if (m_choice != QLatin1String("auto")) {
        use(makeStore(m_choice));
        return;
    }
    // A store that has a key keeps the secret store it was made with: a keychain that appears later
    // must not replace the key file (the tokens would become unreadable).
    if (m_store->hasKey() && !m_store->keyKind().isEmpty()) {
        use(makeStore(m_store->keyKind()));
        return;
    }
    auto *keychain = static_cast<KeychainSecretStore *>(makeStore(QStringLiteral("keychain")));
    connect(keychain, &KeychainSecretStore::probeFinished, this, [this, keychain](bool ok, const QString &error) {
        if (ok) {
            use(keychain);
            return;
        }
        keychain->deleteLater();
        SecretStore *file = makeStore(QStringLiteral("file"));
        emit notice(QStringLiteral("the OS keychain is not available (%1), so the key that encrypts stored tokens is "
                                   "kept in the %2 instead, next to the data it protects: anyone who can read both "
                                   "can read the tokens. --secret-store keychain requires the keychain; "
                                   "--secret-store file chooses the file and silences this warning")
                        .arg(error, file->description()),
                    true);
        use(file);
    });
    keychain->probe();
}

void TokenStoreUnlocker::use(SecretStore *store)
{
    m_secretStore = store;
    const bool explicitChoice = m_choice != QLatin1String("auto");
    if (store->kind() == SecretStore::Kind::File && (explicitChoice || m_store->hasKey()))
        emit notice(QStringLiteral("the key that encrypts stored tokens is in the %1, next to the data it protects%2")
                        .arg(store->description(),
                             explicitChoice ? QStringLiteral(" (--secret-store file)") : QString()),
                    !explicitChoice);
    connect(store, &SecretStore::keyReady, this, &TokenStoreUnlocker::onKey);
    connect(store, &SecretStore::failed, this, [this, store, explicitChoice](const QString &error) {
        QString message = QStringLiteral("cannot get the key of the token store %1 from the %2: %3")
                              .arg(m_store->fileName(), store->description(), error);
        if (m_store->hasKey())
            message += QStringLiteral(" (the store was created with the %1)").arg(m_store->keyOrigin());
        if (explicitChoice && store->kind() == SecretStore::Kind::Keychain)
            message += QStringLiteral("; --secret-store keychain was asked for, so there is no fallback to a key file");
        emit failed(message);
    });
    store->fetchKey(m_store->installationId(), !m_store->hasKey());
}

void TokenStoreUnlocker::onKey(const QByteArray &key, bool created)
{
    QByteArray copy = key;
    QString error;
    const bool ok = m_store->unlock(copy, SecretStore::kindName(m_secretStore->kind()), m_secretStore->description(), &error);
    crypto::wipe(copy);
    if (!ok) {
        if (created)
            error += QStringLiteral(" (no key was there, so a new one was made)");
        emit failed(error);
        return;
    }
    emit unlocked(m_secretStore->description());
}

} // namespace telephone
