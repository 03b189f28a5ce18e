#pragma once

#include "tokens/secretstore.h"

namespace telephone {

/// The key derived from a secret the environment provides (TELEPHONE_SECRET_KEY_BASE), for
/// containers whose orchestrator holds the secret: PBKDF2-HMAC-SHA256, 600,000 iterations (OWASP's
/// figure for SHA-256), over a random 16-byte salt kept in `token-key.salt` (0600) in the data
/// directory. The salt is not secret; it makes the derived key differ between installations that
/// share the same secret. Derivation takes a fraction of a second, once per start. Lives on the
/// thread that created it.
class EnvSecretStore : public SecretStore
{
    Q_OBJECT

public:
    static constexpr int Iterations = 600000;
    static constexpr int MinimumSecretLength = 32;
    static constexpr const char *VariableName = "TELEPHONE_SECRET_KEY_BASE";
    static constexpr const char *SaltFileName = "token-key.salt";

    /// `secret`: the variable's value (empty when unset).
    EnvSecretStore(const QString &dataDir, const QByteArray &secret, QObject *parent = nullptr);
    ~EnvSecretStore() override;

    Kind kind() const override { return Kind::Env; }
    QString description() const override;
    void fetchKey(const QString &name, bool create) override;

    QString saltFile() const { return m_saltFile; }

private:
    bool derive(QByteArray *key, bool *created, bool create, QString *error) const;

    QString m_dataDir;
    QString m_saltFile;
    QByteArray m_secret;
};

} // namespace telephone
