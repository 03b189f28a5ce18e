#include "tokens/secretstore.h"

#include "tokens/crypto.h"

namespace telephone {

SecretStore::~SecretStore() = default;

void SecretStore::reportLater(bool ok, QByteArray key, bool created, const QString &error)
{
    QMetaObject::invokeMethod(
        this,
        [this, ok, key = std::move(key), created, error]() mutable {
            if (ok)
                emit keyReady(key, created);
            else
                emit failed(error);
            crypto::wipe(key);
        },
        Qt::QueuedConnection);
}

QString SecretStore::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Keychain:
        return QStringLiteral("keychain");
    case Kind::File:
        return QStringLiteral("file");
    case Kind::Env:
        return QStringLiteral("env");
    }
    return {};
}

} // namespace telephone
