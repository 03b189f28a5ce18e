// JWT decoding: decodeJwt never crashes, accepts only tokens with a non-empty path_id, and its
// error messages never contain the token (nor its payload).
//
// Input: the first byte picks the mode. Mode 0: the rest is the token as UTF-8 text. Otherwise
// the rest is the *decoded payload*, wrapped as header.base64url(payload).signature, so the
// fuzzer reaches the JSON and claim checks without having to invent base64url.
#include "fuzzcheck.h"
#include "tokens/jwt.h"

#include <QRegularExpression>

#include <cstdint>

using namespace telephone;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray rest(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    QString token;
    QByteArray payload;
    if (data[0] % 2 == 0) {
        token = QString::fromUtf8(rest);
    } else {
        payload = rest;
        token = QStringLiteral("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")
                + QString::fromLatin1(rest.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
                + QStringLiteral(".c2lnbmF0dXJlLXNpZ25hdHVyZQ");
    }

    const JwtDecodeResult result = decodeJwt(token);
    if (result.claims) {
        FUZZ_CHECK(result.error().isEmpty() && result.problem.isNone());
        FUZZ_CHECK(!result.claims->pathId.isEmpty());
        FUZZ_CHECK(result.claims->hasExpiry() == (result.claims->exp > 0));
        return 0;
    }
    FUZZ_CHECK(!result.error().isEmpty());
    FUZZ_CHECK(!result.problem.isNone());
    // No message template contains '.' or '{': a token (three dot-separated parts) or a JSON
    // payload found in the message can only have been copied there.
    const QString trimmed = token.trimmed();
    if (trimmed.contains(QLatin1Char('.')))
        FUZZ_CHECK(!result.error().contains(trimmed));
    const QString payloadText = QString::fromUtf8(payload).trimmed();
    if (payloadText.contains(QLatin1Char('{')))
        FUZZ_CHECK(!result.error().contains(payloadText));
    // Nor a part of it: a run of 16+ base64url characters occurs in no template (they all have
    // spaces every few words).
    static const QRegularExpression base64url(QStringLiteral("^[A-Za-z0-9_-]{16,}$"));
    for (const QString &part : trimmed.split(QLatin1Char('.'))) {
        if (base64url.match(part).hasMatch())
            FUZZ_CHECK(!result.error().contains(part));
    }
    return 0;
}
