#pragma once

#include "protocol/problem.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace telephone {

/// The claims Telephone reads from a Plugboard token. The signature is the server's business: the
/// client cannot verify it without the server's secret, so it only decodes the payload.
struct JwtClaims {
    QString pathId;
    QString sub;
    QString jti;
    qint64 iat = 0; ///< seconds since the epoch, 0 when absent
    qint64 exp = 0; ///< seconds since the epoch, 0 when absent

    bool hasExpiry() const { return exp > 0; }
    bool isExpiredAt(qint64 nowSecs) const { return hasExpiry() && nowSecs >= exp; }
    qint64 secondsToExpiry(qint64 nowSecs) const { return exp - nowSecs; }
};

struct JwtDecodeResult {
    std::optional<JwtClaims> claims;
    Problem problem; ///< why it does not decode, for HumanText::problem; never contains the token
    /// The same in English, for logs and the command line.
    QString error() const { return problem.englishText(); }

    static JwtDecodeResult failed(Problem problem);
};

/// Decodes the payload of a compact JWS (`header.payload.signature`, base64url without padding).
/// Requires a non-empty `path_id` claim and numeric `exp` / `iat` when present.
JwtDecodeResult decodeJwt(const QString &token);

} // namespace telephone
