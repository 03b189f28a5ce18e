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
bool readSeconds(const QJsonObject &object, const char *name, qint64 *out, QString *error)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isDouble() || static_cast<double>(value.toInteger()) != value.toDouble()) {
        *error = QStringLiteral("the token's \"%1\" claim is not a whole number of seconds").arg(QLatin1String(name));
        return false;
    }
    *out = value.toInteger();
    return true;
}

} // namespace

JwtDecodeResult decodeJwt(const QString &token)
{
    const QString trimmed = token.trimmed();
    if (trimmed.isEmpty())
        return {std::nullopt, QStringLiteral("the token is empty")};
    const QList<QByteArray> parts = trimmed.toLatin1().split('.');
    if (parts.size() != 3)
        return {std::nullopt, QStringLiteral("the token is not a JWT (expected three dot-separated parts, found %1)")
                                  .arg(parts.size())};
    for (const QChar c : trimmed) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_' && c != u'.')
            return {std::nullopt, QStringLiteral("the token contains characters that are not base64url")};
    }
    const auto payload = base64UrlDecode(parts.at(1));
    if (!payload)
        return {std::nullopt, QStringLiteral("the token's payload is not valid base64url")};

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(*payload, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return {std::nullopt, QStringLiteral("the token's payload is not a JSON object")};
    const QJsonObject object = doc.object();

    JwtClaims claims;
    QString error;
    if (!readSeconds(object, "exp", &claims.exp, &error) || !readSeconds(object, "iat", &claims.iat, &error))
        return {std::nullopt, error};
    claims.pathId = object.value(QLatin1String("path_id")).toString();
    claims.sub = object.value(QLatin1String("sub")).toString();
    claims.jti = object.value(QLatin1String("jti")).toString();
    if (claims.pathId.isEmpty())
        return {std::nullopt, QStringLiteral("the token has no \"path_id\" claim, so it names no mount")};
    return {std::move(claims), QString()};
}

} // namespace telephone
