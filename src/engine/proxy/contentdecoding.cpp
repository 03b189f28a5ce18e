#include "proxy/contentdecoding.h"

#include "base/utf8.h"

#include <zlib.h>

#include <optional>

namespace telephone {

namespace {

enum class Inflated { Ok, Corrupt, TooLarge };

// windowBits selects the wrapper: 16 + MAX_WBITS gzip, MAX_WBITS zlib, -MAX_WBITS raw deflate.
Inflated inflateBody(const QByteArray &in, int windowBits, qint64 maxSize, QByteArray *out)
{
    z_stream stream{};
    if (inflateInit2(&stream, windowBits) != Z_OK)
        return Inflated::Corrupt;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
    stream.avail_in = uInt(in.size());
    out->clear();
    constexpr qsizetype Step = 64 * 1024;
    int status = Z_OK;
    while (status == Z_OK) {
        if (out->size() > maxSize) {
            inflateEnd(&stream);
            return Inflated::TooLarge;
        }
        const qsizetype before = out->size();
        out->resize(before + Step);
        stream.next_out = reinterpret_cast<Bytef *>(out->data() + before);
        stream.avail_out = uInt(Step);
        status = inflate(&stream, Z_NO_FLUSH);
        out->resize(before + (Step - qsizetype(stream.avail_out)));
        if (status == Z_BUF_ERROR && stream.avail_in == 0)
            break; // truncated input: no progress possible
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END)
        return Inflated::Corrupt;
    return out->size() > maxSize ? Inflated::TooLarge : Inflated::Ok;
}

std::optional<qsizetype> findHeader(const HeaderList &headers, const char *name)
{
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (headers[i].first.compare(name, Qt::CaseInsensitive) == 0)
            return i;
    }
    return std::nullopt;
}

} // namespace

void ContentDecoding::askForIdentity(HeaderList *requestHeaders)
{
    requestHeaders->removeIf([](const auto &header) {
        return header.first.compare("accept-encoding", Qt::CaseInsensitive) == 0;
    });
    requestHeaders->append(qMakePair(QByteArray("accept-encoding"), QByteArray("identity")));
}

ContentDecoding::Outcome ContentDecoding::decodeText(HeaderList *responseHeaders, QByteArray *body, qint64 maxSize)
{
    const auto at = findHeader(*responseHeaders, "content-encoding");
    if (!at)
        return {};
    const QByteArray coding = responseHeaders->at(*at).second.trimmed().toLower();
    QByteArray decoded;
    Inflated result = Inflated::Corrupt;
    if (coding == "gzip" || coding == "x-gzip") {
        result = inflateBody(*body, 16 + MAX_WBITS, maxSize, &decoded);
    } else if (coding == "deflate") {
        // "deflate" means the zlib wrapper (RFC 9110), but some servers send raw deflate.
        result = inflateBody(*body, MAX_WBITS, maxSize, &decoded);
        if (result == Inflated::Corrupt)
            result = inflateBody(*body, -MAX_WBITS, maxSize, &decoded);
    } else {
        return {}; // br, zstd, stacked codings: not ours to decode
    }
    if (result == Inflated::TooLarge)
        return {QString(), {Problem::Kind::DecodedBodyTooLarge, {QString::fromLatin1(coding), QString::number(maxSize)}}};
    if (result == Inflated::Corrupt || !isValidUtf8(decoded))
        return {}; // left compressed: the caller answers 502 for a body the server cannot carry
    *body = std::move(decoded);
    responseHeaders->removeAt(*at);
    return {QString::fromLatin1(coding), Problem()};
}

} // namespace telephone
