#include "tokens/envsecretstore.h"

#include "tokens/crypto.h"
#include "base/privatefiles.h"

#include <QDir>
#include <QFileInfo>

namespace telephone {

namespace {
constexpr int SaltSize = 16;
} // namespace

EnvSecretStore::EnvSecretStore(const QString &dataDir, const QByteArray &secret, QObject *parent)
    : SecretStore(parent)
    , m_dataDir(dataDir)
    , m_saltFile(QDir(dataDir).filePath(QLatin1String(SaltFileName)))
    , m_secret(secret)
{
}

EnvSecretStore::~EnvSecretStore()
{
    crypto::wipe(m_secret);
}

QString EnvSecretStore::description() const
{
    return QStringLiteral("key derived from %1 (PBKDF2-HMAC-SHA256, %2 iterations, salt in %3)")
        .arg(QLatin1String(VariableName))
        .arg(Iterations)
        .arg(m_saltFile);
}

bool EnvSecretStore::derive(QByteArray *key, bool *created, bool create, QString *error) const
{
    *created = false;
    if (m_secret.isEmpty()) {
        *error = QStringLiteral("--secret-store env needs %1 in the environment, and it is not set")
                     .arg(QLatin1String(VariableName));
        return false;
    }
    if (m_secret.size() < MinimumSecretLength) {
        *error = QStringLiteral("%1 is too short (%2 characters): use at least %3, e.g. the output of "
                                "`openssl rand -hex 32`")
                     .arg(QLatin1String(VariableName))
                     .arg(m_secret.size())
                     .arg(MinimumSecretLength);
        return false;
    }
    QByteArray salt;
    if (QFileInfo::exists(m_saltFile)) {
        const std::optional<QByteArray> text = privatefiles::readFile(m_saltFile, error);
        if (!text)
            return false;
        salt = QByteArray::fromHex(text->trimmed());
        if (salt.size() != SaltSize) {
            *error = QStringLiteral("the salt file %1 is damaged (expected %2 hex digits); the tokens stored with it "
                                    "cannot be read any more: delete it and the token database to start afresh")
                         .arg(m_saltFile)
                         .arg(2 * SaltSize);
            return false;
        }
    } else {
        if (!create) {
            *error = QStringLiteral("the salt file %1 does not exist").arg(m_saltFile);
            return false;
        }
        const std::optional<QByteArray> fresh = crypto::randomBytes(SaltSize, error);
        if (!fresh || !privatefiles::ensureDirectory(m_dataDir, error)
            || !privatefiles::writeFile(m_saltFile, fresh->toHex() + '\n', error))
            return false;
        salt = *fresh;
        *created = true;
    }
    const std::optional<QByteArray> derived =
        crypto::pbkdf2Sha256(m_secret, salt, Iterations, crypto::KeySize, error);
    if (!derived)
        return false;
    *key = *derived;
    return true;
}

void EnvSecretStore::fetchKey(const QString &, bool create)
{
    // Synchronous on purpose: 600,000 rounds take well under a second once per start, and doing it
    // on another thread would buy little for the lifetime questions it raises.
    QByteArray key;
    bool created = false;
    QString error;
    const bool ok = derive(&key, &created, create, &error);
    reportLater(ok, key, created, error);
    crypto::wipe(key);
}

} // namespace telephone
