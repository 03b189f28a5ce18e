#include "tokens/serviceaccountkey.h"

#include "config/settings.h"
#include "base/privatefiles.h"
#include "tokens/keychainsecretstore.h"

#include <QDir>
#include <QFileInfo>

namespace telephone {

QString ServiceAccountKey::shown(const QString &key)
{
    // The fixed prefix plus two characters of the secret: 16 bits, not enough to guess the rest.
    const int visible = int(qstrlen(Prefix)) + 2;
    if (key.size() <= visible + 8)
        return QStringLiteral("sa_live_…");
    return key.left(visible) + QStringLiteral("…");
}

QString ServiceAccountKey::keychainEntry(const QString &tunnelName)
{
    const QString entry = QLatin1String(KeychainSecretStore::ServiceAccountEntry);
    return tunnelName == Settings::defaultTunnelName() ? entry : entry + QLatin1Char('.') + tunnelName;
}

QString ServiceAccountKey::keychainOrigin(const QString &entry)
{
    return QStringLiteral("the OS keychain (entry %1/%2)").arg(QLatin1String(KeychainSecretStore::Service), entry);
}

QString ServiceAccountKey::problemWith(const QString &key)
{
    return problemOf(key).englishText();
}

ServiceAccountKey ServiceAccountKey::fromKeychain(const QString &entry, const QByteArray &data)
{
    return {QString::fromUtf8(data).trimmed(), keychainOrigin(entry)};
}

Problem ServiceAccountKey::problemOf(const QString &key)
{
    if (key.isEmpty())
        return {Problem::Kind::ServiceAccountKeyEmpty};
    for (const QChar c : key) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f)
            return {Problem::Kind::ServiceAccountKeyMalformed};
    }
    if (!key.startsWith(QLatin1String(Prefix)) || key.size() <= int(qstrlen(Prefix)))
        return {Problem::Kind::NotAServiceAccountKey, {QLatin1String(Prefix)}};
    return {};
}

std::optional<ServiceAccountKey> ServiceAccountKey::readFile(const QString &file, const QString &origin,
                                                             QString *error)
{
    if (!QFileInfo::exists(file)) {
        *error = QStringLiteral("%1 does not exist").arg(origin);
        return std::nullopt;
    }
    if (privatefiles::isShared(file)) {
        *error = QStringLiteral("%1 can be read by other users; it holds a secret: chmod 600 it").arg(origin);
        return std::nullopt;
    }
    QString readError;
    const std::optional<QByteArray> data = privatefiles::readFile(file, &readError);
    if (!data) {
        *error = readError;
        return std::nullopt;
    }
    const QString key = QString::fromUtf8(data->left(data->indexOf('\n') < 0 ? data->size() : data->indexOf('\n'))).trimmed();
    if (const QString problem = problemWith(key); !problem.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(origin, problem);
        return std::nullopt;
    }
    return ServiceAccountKey{key, origin};
}

std::optional<ServiceAccountKey> ServiceAccountKey::find(const Settings &settings, const QProcessEnvironment &env,
                                                         QString *error)
{
    const QString fileKey = QStringLiteral("service-account-key-file");
    if (QString file = settings.value(fileKey); !file.isEmpty()) {
        // As for the other paths: relative to the config file when it names it there.
        if (settings.source(fileKey) == SettingSource::ConfigFile)
            file = QFileInfo(settings.configFile()).dir().absoluteFilePath(file);
        return readFile(file, QStringLiteral("the service-account key file %1 (from %2)")
                                  .arg(file, settings.sourceDescription(fileKey)),
                        error);
    }
    const QString valueKey = QStringLiteral("service-account-key");
    if (const QString key = settings.value(valueKey); !key.isEmpty()) {
        const QString origin = settings.sourceDescription(valueKey);
        if (const QString problem = problemWith(key); !problem.isEmpty()) {
            *error = QStringLiteral("%1: %2").arg(origin, problem);
            return std::nullopt;
        }
        return ServiceAccountKey{key, origin};
    }
    // systemd's LoadCredential= puts it there, readable by the service only.
    if (const QString dir = env.value(QStringLiteral("CREDENTIALS_DIRECTORY")); !dir.isEmpty()) {
        const QString file = QDir(dir).filePath(QLatin1String(CredentialName));
        if (QFileInfo::exists(file))
            return readFile(file, QStringLiteral("the systemd credential %1").arg(file), error);
    }
    return ServiceAccountKey{};
}

} // namespace telephone
