#include "ui/tokenpreview.h"

#include "ui/humantext.h"

#include <QDateTime>
#include <QLocale>

namespace telephone {

TokenPreview TokenPreview::describe(const QString &token, const QString &currentPathId, qint64 nowSecs)
{
    TokenPreview preview;
    const QString trimmed = token.trimmed();
    preview.empty = trimmed.isEmpty();
    if (preview.empty)
        return preview;
    const JwtDecodeResult result = decodeJwt(trimmed);
    if (!result.claims) {
        preview.error = tr("This is not a Plugboard token: %1").arg(HumanText::problem(result.problem));
        return preview;
    }
    preview.decoded = true;
    preview.claims = *result.claims;
    preview.expired = preview.claims.isExpiredAt(nowSecs);
    if (preview.expired)
        preview.error = tr("This token has expired; it would be refused. Get a new one from Plugboard.");
    preview.otherMount = !currentPathId.isEmpty() && currentPathId != preview.claims.pathId;
    return preview;
}

QString TokenPreview::issuedText() const
{
    if (claims.iat <= 0)
        return tr("not stated");
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(claims.iat), QLocale::ShortFormat);
}

QString TokenPreview::expiryText(qint64 nowSecs) const
{
    if (!claims.hasExpiry())
        return HumanText::expiry(0, nowSecs);
    return QStringLiteral("%1 (%2)").arg(QLocale().toString(QDateTime::fromSecsSinceEpoch(claims.exp), QLocale::ShortFormat),
                                         HumanText::expiry(claims.exp, nowSecs));
}

} // namespace telephone
