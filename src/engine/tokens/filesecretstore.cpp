#include "tokens/filesecretstore.h"

#include "tokens/crypto.h"
#include "base/privatefiles.h"

#include <QDir>
#include <QFileInfo>

#include <cctype>

namespace telephone {

FileSecretStore::FileSecretStore(const QString &dataDir, const QString &credentialsDirectory, QObject *parent)
    : SecretStore(parent)
    , m_dataDir(dataDir)
{
    const QString credential = QDir(credentialsDirectory).filePath(QLatin1String(FileName));
    // systemd puts credentials in a read-only directory: only use it when the unit provided the key.
    m_fromCredentials = !credentialsDirectory.isEmpty() && QFileInfo::exists(credential);
    m_keyFile = m_fromCredentials ? credential : QDir(dataDir).filePath(QLatin1String(FileName));
}

QString FileSecretStore::description() const
{
    return m_fromCredentials ? QStringLiteral("systemd credential %1").arg(m_keyFile)
                             : QStringLiteral("key file %1").arg(m_keyFile);
}

std::optional<QByteArray> FileSecretStore::parseKey(const QByteArray &text)
{
    const QByteArray trimmed = text.trimmed();
    if (trimmed.size() != 2 * crypto::KeySize)
        return std::nullopt;
    for (const char c : trimmed) {
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return std::nullopt;
    }
    return QByteArray::fromHex(trimmed);
}

bool FileSecretStore::load(QByteArray *key, bool *created, bool create, QString *error) const
{
    *created = false;
    if (!QFileInfo::exists(m_keyFile)) {
        if (!create) {
            *error = QStringLiteral("the key file %1 does not exist").arg(m_keyFile);
            return false;
        }
        if (!privatefiles::ensureDirectory(m_dataDir, error))
            return false;
        std::optional<QByteArray> fresh = crypto::randomBytes(crypto::KeySize, error);
        if (!fresh)
            return false;
        QByteArray text = fresh->toHex() + '\n';
        const bool written = privatefiles::writeFile(m_keyFile, text, error);
        crypto::wipe(text);
        if (!written) {
            crypto::wipe(*fresh);
            return false;
        }
        *key = *fresh;
        crypto::wipe(*fresh);
        *created = true;
        return true;
    }
    // A key others can read protects nothing: refuse it rather than use it quietly.
    if (privatefiles::isShared(m_keyFile)) {
        *error = QStringLiteral("the key file %1 can be read by other users; run `chmod 600 %1` and start again")
                     .arg(m_keyFile);
        return false;
    }
    std::optional<QByteArray> text = privatefiles::readFile(m_keyFile, error);
    if (!text)
        return false;
    const std::optional<QByteArray> parsed = parseKey(*text);
    crypto::wipe(*text);
    if (!parsed) {
        *error = QStringLiteral("the key file %1 does not hold a key (expected 64 hex digits, as `openssl rand -hex 32` "
                                "prints)")
                     .arg(m_keyFile);
        return false;
    }
    *key = *parsed;
    return true;
}

void FileSecretStore::fetchKey(const QString &, bool create)
{
    // One file per data directory: the installation name is what the keychain needs to tell
    // installations apart, and a data directory is one installation already.
    QByteArray key;
    bool created = false;
    QString error;
    const bool ok = load(&key, &created, create, &error);
    reportLater(ok, key, created, error);
    crypto::wipe(key);
}

} // namespace telephone
