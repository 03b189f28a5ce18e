#pragma once

#include "tokens/jwt.h"

#include <QHash>
#include <QString>

namespace telephone {

/// Where refreshed tokens go before they are used. The encrypted SQLite store implements this
/// later; until then the in-memory sink below keeps them for the life of the process.
class TokenSink
{
public:
    virtual ~TokenSink() = default;
    /// Stores `token` for the tunnel identified by `serverKey` + `claims.pathId`. Returns false and
    /// sets `error` (user-readable) when it could not be stored; the tunnel keeps running then.
    virtual bool storeToken(const QString &serverKey, const QString &token, const JwtClaims &claims, QString *error) = 0;
    /// A token the user pasted (Tunnel::setToken): stored like a refreshed one, but remembered as
    /// pasted where the sink records origins.
    virtual bool storePastedToken(const QString &serverKey, const QString &token, const JwtClaims &claims,
                                  QString *error)
    {
        return storeToken(serverKey, token, claims, error);
    }
    /// A token a service account got from the server's token vending (TokenSupply).
    virtual bool storeVendedToken(const QString &serverKey, const QString &token, const JwtClaims &claims,
                                  QString *error)
    {
        return storeToken(serverKey, token, claims, error);
    }
};

class MemoryTokenSink : public TokenSink
{
public:
    bool storeToken(const QString &serverKey, const QString &token, const JwtClaims &claims, QString *error) override;
    /// The newest stored token for that tunnel, or an empty string.
    QString token(const QString &serverKey, const QString &pathId) const;

private:
    QHash<QString, QString> m_tokens;
};

} // namespace telephone
