#include "tokens/secretstore.h"

namespace telephone {

SecretStore::~SecretStore() = default;

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
