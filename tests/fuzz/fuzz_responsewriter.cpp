// proxy_res writer round trip: the frame writeProxyResponseFrame writes decodes with QJsonDocument
// (support/qtframereader.h, independent of the engine's parser)
// (when every string in it is UTF-8), and the body reassembled from it (unchunked, or the chunks
// joined; base64-decoded with body_encoding) equals the input body byte for byte. Chunks never cut
// a UTF-8 sequence, headers come back lower-cased and joined as documented, the stats are right.
// With base64 = false only valid UTF-8 bodies are written, as the forwarder guarantees.
#include "fuzzcheck.h"
#include "base/utf8.h"
#include "proxy/responsewriter.h"
#include "support/qtframereader.h"
#include "support/wholeresponseframe.h"

#include <QJsonArray>
#include <QMap>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

using namespace telephone;

namespace {

QByteArray fuzzBytes(FuzzedDataProvider &p, size_t maxLength, bool forceUtf8)
{
    const std::string s = p.ConsumeRandomLengthString(maxLength);
    QByteArray bytes(s.data(), qsizetype(s.size()));
    if (forceUtf8 && !isValidUtf8(bytes))
        bytes = QString::fromUtf8(bytes).toUtf8();
    return bytes;
}

QString fuzzRef(FuzzedDataProvider &p)
{
    if (p.ConsumeIntegralInRange(0, 3) == 0)
        return QString(); // JSON null
    return QString::fromUtf8(fuzzBytes(p, 12, true));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider p(data, size);
    // Raw header bytes (possibly not UTF-8) now and then; then only "no crash" is required, and
    // the frame is decoded only if it happens to be valid.
    const bool rawHeaders = p.ConsumeIntegralInRange(0, 7) == 0;

    ProxyResponse response;
    const QString joinRef = fuzzRef(p);
    const QString ref = fuzzRef(p);
    const QString topic = QStringLiteral("telephone:") + QString::fromUtf8(fuzzBytes(p, 16, true));
    response.requestId = QString::fromUtf8(fuzzBytes(p, 40, true));
    response.status = p.ConsumeIntegralInRange(100, 999);
    const int headerCount = p.ConsumeIntegralInRange(0, 6);
    static const char *const commonNames[] = {"Content-Type", "Set-Cookie", "content-length", "X-A", "x-a"};
    for (int i = 0; i < headerCount; ++i) {
        QByteArray name = p.ConsumeBool() ? QByteArray(commonNames[p.ConsumeIntegralInRange(0, 4)])
                                          : fuzzBytes(p, 16, !rawHeaders);
        response.headers.append({name, fuzzBytes(p, 32, !rawHeaders)});
    }
    ResponseWriterOptions options;
    options.chunkSize = p.ConsumeIntegralInRange<qint64>(1, 48);
    options.multiValueHeaders = p.ConsumeBool();
    response.base64 = p.ConsumeBool();
    const quint32 pieceSeed = p.ConsumeIntegral<quint32>();
    const std::string body = p.ConsumeRemainingBytesAsString();
    response.body = QByteArray(body.data(), qsizetype(body.size()));
    if (!response.base64 && !isValidUtf8(response.body))
        response.base64 = true; // the forwarder's rule: bytes that are not UTF-8 go base64

    ResponseWriterStats stats;
    const QByteArray frameText = writeProxyResponseFrame(joinRef, ref, topic, response, options, &stats);

    // The streamed form (what the WebSocket client sends, piece by piece in fragments) is the same
    // bytes whatever the piece sizes; every call before the end makes progress.
    {
        ProxyResponseFrame streamed(joinRef, ref, topic, response, options);
        FUZZ_CHECK(streamed.stats().chunks == stats.chunks);
        FUZZ_CHECK(streamed.stats().droppedSetCookies == stats.droppedSetCookies);
        QByteArray joined;
        quint32 seed = pieceSeed;
        while (!streamed.atEnd()) {
            seed = seed * 1103515245u + 12345u;
            const qint64 maxBytes = 1 + (seed >> 16) % 64;
            const QByteArray piece = streamed.next(maxBytes);
            FUZZ_CHECK(!piece.isEmpty());
            // "At most about maxBytes": the body input taken for the remaining budget (at least 4
            // bytes) may grow up to 6x when escaped (\u00XX), plus the string's quotes.
            FUZZ_CHECK(piece.size() <= maxBytes + 6 * std::max<qint64>(maxBytes, 4) + 2);
            joined += piece;
            FUZZ_CHECK(joined.size() <= frameText.size());
        }
        FUZZ_CHECK(joined == frameText);
    }

    bool headersUtf8 = true;
    for (const auto &[name, value] : std::as_const(response.headers))
        headersUtf8 = headersUtf8 && isValidUtf8(name) && isValidUtf8(value);
    FUZZ_CHECK(!headersUtf8 || isValidUtf8(frameText));
    const std::optional<Frame> decoded = readFrameWithQt(frameText);
    if (!headersUtf8 && !decoded)
        return 0;
    FUZZ_CHECK(decoded);
    const Frame &frame = *decoded;
    FUZZ_CHECK(frame.joinRef == joinRef && frame.joinRef.isNull() == joinRef.isNull());
    FUZZ_CHECK(frame.ref == ref && frame.ref.isNull() == ref.isNull());
    FUZZ_CHECK(frame.topic == topic);
    FUZZ_CHECK(frame.event == QLatin1String("proxy_res"));
    const QJsonObject &payload = frame.payload;
    FUZZ_CHECK(payload.value(QLatin1String("request_id")).toString() == response.requestId);
    FUZZ_CHECK(payload.value(QLatin1String("status")).toInt() == response.status);
    FUZZ_CHECK((payload.value(QLatin1String("body_encoding")).toString() == QLatin1String("base64"))
               == response.base64);

    const bool chunked = response.body.size() > options.chunkSize;
    FUZZ_CHECK(payload.value(QLatin1String("chunked")).isBool());
    FUZZ_CHECK(payload.value(QLatin1String("chunked")).toBool() == chunked);
    auto decodePart = [&](const QJsonValue &value) {
        FUZZ_CHECK(value.isString());
        if (!response.base64)
            return value.toString().toUtf8();
        const auto result = QByteArray::fromBase64Encoding(value.toString().toLatin1(),
                                                           QByteArray::AbortOnBase64DecodingErrors);
        FUZZ_CHECK(bool(result));
        return result.decoded;
    };
    QByteArray reassembled;
    if (!chunked) {
        FUZZ_CHECK(stats.chunks == 0);
        FUZZ_CHECK(!payload.contains(QLatin1String("chunks")));
        reassembled = decodePart(payload.value(QLatin1String("body")));
    } else {
        FUZZ_CHECK(payload.value(QLatin1String("body")).toString().isEmpty());
        const QJsonValue chunksValue = payload.value(QLatin1String("chunks"));
        FUZZ_CHECK(chunksValue.isArray());
        const QJsonArray chunks = chunksValue.toArray();
        FUZZ_CHECK(chunks.size() == stats.chunks && stats.chunks > 0);
        for (const QJsonValue &chunk : chunks) {
            const QByteArray part = decodePart(chunk);
            FUZZ_CHECK(!part.isEmpty());
            // A chunk that cut a UTF-8 sequence would not come back as these exact bytes.
            FUZZ_CHECK(response.body.mid(reassembled.size(), part.size()) == part);
            FUZZ_CHECK(isValidUtf8(part) || response.base64);
            FUZZ_CHECK(part.size() <= (response.base64 ? options.chunkSize : std::max<qint64>(options.chunkSize, 4)));
            reassembled += part;
        }
    }
    FUZZ_CHECK(reassembled == response.body);

    // Headers: lower-cased names; repeats joined with ", " except set-cookie; no content-length
    // when chunked.
    QMap<QByteArray, QList<QByteArray>> expected;
    for (const auto &[name, value] : std::as_const(response.headers)) {
        if (chunked && name.toLower() == "content-length")
            continue;
        expected[name.toLower()].append(value);
    }
    const QJsonObject headers = payload.value(QLatin1String("headers")).toObject();
    FUZZ_CHECK(headers.size() == expected.size());
    int dropped = 0;
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        // Found by walking the object, not with value(): Qt 6.4's JSON parser orders keys with
        // characters above U+FFFF differently from QJsonObject's lookup, so value() can miss a key
        // that keys() lists (found by this fuzzer; ASCII keys, all Telephone looks up, are not affected).
        QJsonValue value;
        for (auto h = headers.begin(); h != headers.end(); ++h) {
            if (h.key() == QString::fromUtf8(it.key()))
                value = h.value();
        }
        if (it.key() == "set-cookie" && it.value().size() > 1) {
            if (options.multiValueHeaders) {
                FUZZ_CHECK(value.isArray() && value.toArray().size() == it.value().size());
                for (qsizetype i = 0; i < it.value().size(); ++i)
                    FUZZ_CHECK(value.toArray().at(i).toString().toUtf8() == it.value().at(i));
            } else {
                FUZZ_CHECK(value.toString().toUtf8() == it.value().first());
                dropped += int(it.value().size() - 1);
            }
        } else {
            FUZZ_CHECK(value.isString());
            FUZZ_CHECK(value.toString().toUtf8() == it.value().join(", "));
        }
    }
    FUZZ_CHECK(stats.droppedSetCookies == dropped);
    return 0;
}
