#include "tokens/jwt.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace telephone {

namespace {

std::optional<QByteArray> base64UrlDecode(const QByteArray &part)
{
    const auto result = QByteArray::fromBase64Encoding(
        part, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return result.decoded;
}

// Accepts integral JSON numbers only: a fractional or string exp would be a server bug worth naming.
bool readSeconds(const QJsonObject &object, const char *name, qint64 *out, Problem *problem)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isDouble() || static_cast<double>(value.toInteger()) != value.toDouble()) {
        *problem = {Problem::Kind::ClaimNotWholeNumber, {QLatin1String(name)}};
        return false;
    }
    *out = value.toInteger();
    return true;
}

} // namespace

JwtDecodeResult JwtDecodeResult::failed(Problem problem)
{
    JwtDecodeResult result;
    result.problem = std::move(problem);
    return result;
}

JwtDecodeResult decodeJwt(const QString &token)
{
    using Kind = Problem::Kind;
    const QString trimmed = token.trimmed();
    if (trimmed.isEmpty())
        return JwtDecodeResult::failed({Kind::TokenEmpty, {}});
    const QList<QByteArray> parts = trimmed.toLatin1().split('.');
    if (parts.size() != 3)
        return JwtDecodeResult::failed({Kind::NotAJwt, {QString::number(parts.size())}});
    for (const QChar c : trimmed) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_' && c != u'.')
            return JwtDecodeResult::failed({Kind::NotBase64urlCharacters, {}});
    }
    const auto payload = base64UrlDecode(parts.at(1));
    if (!payload)
        return JwtDecodeResult::failed({Kind::PayloadNotBase64url, {}});

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(*payload, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return JwtDecodeResult::failed({Kind::PayloadNotJsonObject, {}});
    const QJsonObject object = doc.object();

    JwtClaims claims;
    Problem problem;
    if (!readSeconds(object, "exp", &claims.exp, &problem) || !readSeconds(object, "iat", &claims.iat, &problem))
        return JwtDecodeResult::failed(problem);
    claims.pathId = object.value(QLatin1String("path_id")).toString();
    claims.sub = object.value(QLatin1String("sub")).toString();
    claims.jti = object.value(QLatin1String("jti")).toString();
    if (claims.pathId.isEmpty())
        return JwtDecodeResult::failed({Kind::NoPathIdClaim, {}});
    JwtDecodeResult result;
    result.claims = std::move(claims);
    return result;
}

} // namespace telephone
