#pragma once

#include "tokens/jwt.h"
#include "tokens/tokenstore.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace telephone {

/// A token that could be used, with its decoded claims and where it came from.
struct TokenCandidate {
    QString token;
    JwtClaims claims;
    TokenSource source = TokenSource::Given;
};

struct TokenChoice {
    std::optional<TokenCandidate> chosen;
    QStringList notes; ///< what was decided and why, for the log (never a token)
};

/// The start-up rule, as a pure function: for one path_id the token with the latest `iat` wins,
/// whether it was given (--token / TELEPHONE_TOKEN) or stored; a tie goes to the given one (the
/// user's explicit word). An expired token is never chosen while an unexpired one exists. A given
/// token names the tunnel (stored tokens of other paths are not considered); with none given, the
/// newest unexpired stored token of the server wins. `stored` holds the server's stored tokens.
/// When only an expired given token exists, it is returned: the tunnel refuses to send it and says
/// why, which is clearer than pretending none was given.
TokenChoice chooseStartToken(const std::optional<TokenCandidate> &given, const QList<StoredToken> &stored,
                             qint64 nowSecs);

} // namespace telephone

namespace telephone {

/// Whether a start can go ahead without asking the person for a token (the desktop's setup page
/// asks otherwise): a given token that decodes and has not expired, an unexpired token stored for
/// `server` (display form), or a token vended for it before (its service-account key vends the next
/// one). `listed` is TokenStore::list(), which never decrypts: no key is needed to decide.
bool tokenAvailableAtStart(const QString &givenToken, const QList<StoredToken> &listed, const QString &server,
                           qint64 nowSecs);

} // namespace telephone
