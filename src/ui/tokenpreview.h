#pragma once

#include "tokens/jwt.h"

#include <QCoreApplication>
#include <QString>

namespace telephone {

/// What a pasted token would do, before anything is saved: its mount, when it was issued and
/// expires, and whether it is for another mount than the running tunnel. Never holds the token.
class TokenPreview
{
    Q_DECLARE_TR_FUNCTIONS(telephone::TokenPreview)

public:
    static TokenPreview describe(const QString &token, const QString &currentPathId, qint64 nowSecs);

    bool empty = true;     ///< nothing pasted
    bool decoded = false;  ///< a JWT with a path_id
    bool expired = false;
    bool otherMount = false; ///< a tunnel is configured and this token names another path_id
    QString error;         ///< why it cannot be used (decode error or expired), in words
    JwtClaims claims;

    bool usable() const { return decoded && !expired; }
    QString issuedText() const;
    QString expiryText(qint64 nowSecs) const;
};

} // namespace telephone
