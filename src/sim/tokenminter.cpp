#include "sim/tokenminter.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>

namespace telephone::sim {

Q_LOGGING_CATEGORY(lcTokenMinter, "telephone.sim.tokenminter")

namespace {

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

std::optional<QByteArray> decodePart(const QByteArray &part)
{
    if (part.isEmpty())
        return std::nullopt;
    auto result = QByteArray::fromBase64Encoding(part, QByteArray::Base64UrlEncoding
                                                           | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return *result;
}

// A plain == leaks, through its early exit, how many leading bytes of a forged signature are right.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace

TokenMinter::TokenMinter(const QByteArray &secret) : m_secret(secret) {}

QByteArray TokenMinter::defaultSecret()
{
    return QByteArrayLiteral("plugboard-simulator-secret-key-base-not-for-production");
}

QString TokenMinter::mint(const QJsonObject &claims) const
{
    static const QByteArray header =
        QJsonDocument(QJsonObject{{QStringLiteral("alg"), QStringLiteral("HS256")},
                                  {QStringLiteral("typ"), QStringLiteral("JWT")}})
            .toJson(QJsonDocument::Compact)
            .toBase64(kBase64Url);
    const QByteArray signingInput =
        header + '.' + QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(kBase64Url);
    const QByteArray signature =
        QMessageAuthenticationCode::hash(signingInput, m_secret, QCryptographicHash::Sha256);
    return QString::fromLatin1(signingInput + '.' + signature.toBase64(kBase64Url));
}

std::optional<QJsonObject> TokenMinter::verify(const QString &token, VerifyError *error) const
{
    auto fail = [error](VerifyError e) -> std::optional<QJsonObject> {
        if (error)
            *error = e;
        return std::nullopt;
    };
    if (error)
        *error = VerifyError::None;

    const QByteArray raw = token.toLatin1();
    const QList<QByteArray> parts = raw.split('.');
    if (parts.size() != 3)
        return fail(VerifyError::BadFormat);
    const auto headerJson = decodePart(parts.at(0));
    const auto payloadJson = decodePart(parts.at(1));
    const auto signature = decodePart(parts.at(2));
    if (!headerJson || !payloadJson || !signature)
        return fail(VerifyError::BadFormat);

    const QJsonDocument header = QJsonDocument::fromJson(*headerJson);
    if (!header.isObject())
        return fail(VerifyError::BadFormat);
    if (header.object().value(QStringLiteral("alg")).toString() != QLatin1String("HS256"))
        return fail(VerifyError::BadAlgorithm);

    const QByteArray signingInput = parts.at(0) + '.' + parts.at(1);
    const QByteArray expected =
        QMessageAuthenticationCode::hash(signingInput, m_secret, QCryptographicHash::Sha256);
    if (!constantTimeEquals(expected, *signature))
        return fail(VerifyError::BadSignature);

    const QJsonDocument payload = QJsonDocument::fromJson(*payloadJson);
    if (!payload.isObject())
        return fail(VerifyError::BadFormat);
    return payload.object();
}

const char *TokenMinter::errorName(VerifyError error)
{
    switch (error) {
    case VerifyError::None: return "none";
    case VerifyError::BadFormat: return "bad_format";
    case VerifyError::BadAlgorithm: return "bad_algorithm";
    case VerifyError::BadSignature: return "bad_signature";
    }
    return "unknown";
}

} // namespace telephone::sim
