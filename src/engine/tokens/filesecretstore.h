#pragma once

#include "tokens/secretstore.h"

#include <optional>

namespace telephone {

/// The key in a file, for headless hosts without a keychain: `token-key` (64 hex digits, mode 0600)
/// in systemd's $CREDENTIALS_DIRECTORY when the unit passes one (LoadCredential=token-key:...),
/// else in the data directory, created there on first use. The file sits next to the data it
/// protects, which stops a copied database from being read elsewhere but not a copied directory:
/// callers say so whenever this store is in use. Lives on the thread that created it.
class FileSecretStore : public SecretStore
{
    Q_OBJECT

public:
    static constexpr const char *FileName = "token-key";

    /// `credentialsDirectory`: usually qEnvironmentVariable("CREDENTIALS_DIRECTORY"); empty when none.
    FileSecretStore(const QString &dataDir, const QString &credentialsDirectory, QObject *parent = nullptr);

    Kind kind() const override { return Kind::File; }
    QString description() const override;
    void fetchKey(const QString &name, bool create) override;

    /// The file the key is read from (or will be created as).
    QString keyFile() const { return m_keyFile; }
    bool isSystemdCredential() const { return m_fromCredentials; }

    /// 64 hex digits (what `openssl rand -hex 32` prints), optionally followed by a newline.
    static std::optional<QByteArray> parseKey(const QByteArray &text);

private:
    bool load(QByteArray *key, bool *created, bool create, QString *error) const;

    QString m_dataDir;
    QString m_keyFile;
    bool m_fromCredentials = false;
};

} // namespace telephone
