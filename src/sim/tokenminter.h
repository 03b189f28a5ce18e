#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace telephone::sim {

/// Signs and verifies HS256 JWTs the way the Plugboard server does (compact JWS, base64url without
/// padding). A plain value type: no QObject, no thread affinity.
class TokenMinter
{
public:
    enum class VerifyError {
        None,
        BadFormat,    ///< not three base64url parts, or header/payload not JSON objects
        BadAlgorithm, ///< header `alg` is not HS256 (checked before the signature: no `alg:none`)
        BadSignature, ///< HMAC does not match
    };

    explicit TokenMinter(const QByteArray &secret = defaultSecret());

    static QByteArray defaultSecret();

    void setSecret(const QByteArray &secret) { m_secret = secret; }
    QByteArray secret() const { return m_secret; }

    /// Header `{"alg":"HS256","typ":"JWT"}`, the given claims, HMAC-SHA256 signature.
    QString mint(const QJsonObject &claims) const;

    /// The claims when the token is well formed, HS256 and correctly signed. Expiry is the caller's
    /// business (the server checks it against its own records).
    std::optional<QJsonObject> verify(const QString &token, VerifyError *error = nullptr) const;

    static const char *errorName(VerifyError error);

private:
    QByteArray m_secret;
};

} // namespace telephone::sim
