#include "tokens/tokenchooser.h"

#include <QDateTime>

namespace telephone {

namespace {

QString when(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

TokenChoice chooseStartToken(const std::optional<TokenCandidate> &given, const QList<StoredToken> &stored,
                             qint64 nowSecs)
{
    TokenChoice choice;
    const bool givenUsable = given && !given->claims.isExpiredAt(nowSecs);
    if (given && !givenUsable)
        choice.notes << QStringLiteral("the given token for mount %1 expired at %2; it is never sent")
                            .arg(given->claims.pathId, when(given->claims.exp));

    std::optional<TokenCandidate> best = givenUsable ? given : std::nullopt;
    int otherPaths = 0;
    for (const StoredToken &row : stored) {
        if (row.exp > 0 && row.exp <= nowSecs)
            continue;
        if (given && row.pathId != given->claims.pathId) {
            ++otherPaths;
            continue;
        }
        // Strictly newer: at equal iat the given token wins.
        if (best && row.iat <= best->claims.iat)
            continue;
        JwtClaims claims;
        claims.pathId = row.pathId;
        claims.iat = row.iat;
        claims.exp = row.exp;
        claims.jti = row.jti;
        best = TokenCandidate{row.token, claims, row.source};
    }
    if (otherPaths > 0)
        choice.notes << QStringLiteral("%1 stored token(s) for other mounts of this server are not used: the given "
                                       "token names mount %2")
                            .arg(otherPaths)
                            .arg(given->claims.pathId);
    if (best) {
        if (best->source != TokenSource::Given || !givenUsable || best->token != given->token) {
            choice.notes << QStringLiteral("using the stored %1 token for mount %2, issued %3, expiring %4")
                                .arg(tokenSourceName(best->source), best->claims.pathId, when(best->claims.iat),
                                     best->claims.exp > 0 ? when(best->claims.exp) : QStringLiteral("never"));
            if (givenUsable)
                choice.notes << QStringLiteral("the given token (issued %1) is older than the stored one, so it is "
                                               "not used")
                                    .arg(when(given->claims.iat));
        } else {
            choice.notes << QStringLiteral("using the given token for mount %1, issued %2")
                                .arg(best->claims.pathId, when(best->claims.iat));
        }
        choice.chosen = best;
        return choice;
    }
    if (given)
        choice.chosen = given; // expired: the tunnel refuses it with the reason
    return choice;
}

} // namespace telephone

namespace telephone {

bool tokenAvailableAtStart(const QString &givenToken, const QList<StoredToken> &listed, const QString &server,
                           qint64 nowSecs)
{
    if (!givenToken.trimmed().isEmpty()) {
        const JwtDecodeResult decoded = decodeJwt(givenToken.trimmed());
        return decoded.claims && !decoded.claims->isExpiredAt(nowSecs);
    }
    for (const StoredToken &row : listed) {
        if (row.server != server)
            continue;
        if (row.source == TokenSource::Vended || row.exp == 0 || row.exp > nowSecs)
            return true;
    }
    return false;
}

} // namespace telephone
