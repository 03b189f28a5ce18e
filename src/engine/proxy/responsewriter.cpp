#include "proxy/responsewriter.h"

#include <QMap>

#include <algorithm>
#include <cstring>

namespace telephone {

namespace {

const char HexDigits[] = "0123456789abcdef";

void appendLatin1Json(QByteArray *out, const QByteArray &text)
{
    appendJsonString(out, text.constData(), text.size());
}

void appendRef(QByteArray *out, const QString &ref)
{
    if (ref.isNull()) {
        out->append("null");
        return;
    }
    const QByteArray utf8 = ref.toUtf8();
    appendJsonString(out, utf8.constData(), utf8.size());
}

void appendBodyString(QByteArray *out, const char *data, qint64 size, bool base64)
{
    if (!base64) {
        appendJsonString(out, data, size);
        return;
    }
    out->append('"');
    out->append(QByteArray::fromRawData(data, size).toBase64());
    out->append('"');
}

} // namespace

bool isValidUtf8(const char *text, qint64 size)
{
    const auto *s = reinterpret_cast<const unsigned char *>(text);
    qint64 i = 0;
    while (i < size) {
        // Fast path: eight ASCII bytes at a time.
        while (i + 8 <= size) {
            quint64 word;
            std::memcpy(&word, s + i, 8);
            if (word & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= size)
            break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra;
        unsigned int min;
        unsigned int cp;
        if ((c & 0xE0) == 0xC0) {
            extra = 1; min = 0x80; cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2; min = 0x800; cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3; min = 0x10000; cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= size)
            return false; // truncated sequence
        for (int k = 1; k <= extra; ++k) {
            const unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

void appendJsonString(QByteArray *out, const char *text, qint64 size)
{
    out->reserve(out->size() + size + 2);
    out->append('"');
    qint64 runStart = 0;
    for (qint64 i = 0; i < size; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out->append(text + runStart, i - runStart);
        runStart = i + 1;
        switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        default: {
            const char escape[] = {'\\', 'u', '0', '0', HexDigits[c >> 4], HexDigits[c & 0xF]};
            out->append(escape, sizeof escape);
        }
        }
    }
    out->append(text + runStart, size - runStart);
    out->append('"');
}

qint64 utf8ChunkEnd(const char *data, qint64 size, qint64 begin, qint64 maxSize)
{
    qint64 end = std::min(size, begin + std::max<qint64>(maxSize, 4));
    if (end >= size)
        return size;
    // Step back over continuation bytes to the start of the sequence that would be cut.
    while (end > begin && (static_cast<unsigned char>(data[end]) & 0xC0) == 0x80)
        --end;
    return end > begin ? end : std::min(size, begin + maxSize);
}

QByteArray writeProxyResponseFrame(const QString &joinRef, const QString &ref, const QString &topic,
                                   const ProxyResponse &response, const ResponseWriterOptions &options,
                                   ResponseWriterStats *stats)
{
    ResponseWriterStats local;
    ResponseWriterStats &st = stats ? *stats : local;
    st = {};

    const qint64 bodySize = response.body.size();
    const bool chunked = bodySize > options.chunkSize;

    // Group repeated headers by lower-cased name, keeping first-seen order of names.
    QList<QByteArray> order;
    QMap<QByteArray, QList<QByteArray>> values;
    for (const auto &[name, value] : response.headers) {
        const QByteArray lower = name.toLower();
        // A chunked proxy_res is written by the server with chunked transfer coding: a
        // Content-Length would contradict it.
        if (chunked && lower == "content-length")
            continue;
        if (!values.contains(lower))
            order.append(lower);
        values[lower].append(value);
    }

    QByteArray out;
    out.reserve(256 + 64 * response.headers.size() + (response.base64 ? bodySize * 4 / 3 + 4 : bodySize + bodySize / 16)
                + (chunked ? 8 * (bodySize / std::max<qint64>(1, options.chunkSize) + 1) : 0));
    out.append('[');
    appendRef(&out, joinRef);
    out.append(',');
    appendRef(&out, ref);
    out.append(',');
    appendLatin1Json(&out, topic.toUtf8());
    out.append(",\"proxy_res\",{\"request_id\":");
    appendLatin1Json(&out, response.requestId.toUtf8());
    out.append(",\"status\":");
    out.append(QByteArray::number(response.status));
    out.append(",\"headers\":{");
    bool first = true;
    for (const QByteArray &name : std::as_const(order)) {
        const QList<QByteArray> &vals = values[name];
        if (!first)
            out.append(',');
        first = false;
        appendLatin1Json(&out, name);
        out.append(':');
        if (name == "set-cookie" && vals.size() > 1) {
            if (options.multiValueHeaders) {
                out.append('[');
                for (qsizetype i = 0; i < vals.size(); ++i) {
                    if (i)
                        out.append(',');
                    appendLatin1Json(&out, vals.at(i));
                }
                out.append(']');
            } else {
                appendLatin1Json(&out, vals.first());
                st.droppedSetCookies += int(vals.size() - 1);
            }
            continue;
        }
        appendLatin1Json(&out, vals.size() == 1 ? vals.first() : vals.join(", "));
    }
    out.append('}');
    if (response.base64)
        out.append(",\"body_encoding\":\"base64\"");

    const char *data = response.body.constData();
    if (!chunked) {
        out.append(",\"body\":");
        appendBodyString(&out, data, bodySize, response.base64);
        out.append(",\"chunked\":false}]");
        return out;
    }
    out.append(",\"body\":\"\",\"chunked\":true,\"chunks\":[");
    qint64 begin = 0;
    while (begin < bodySize) {
        const qint64 end = response.base64 ? std::min(bodySize, begin + options.chunkSize)
                                           : utf8ChunkEnd(data, bodySize, begin, options.chunkSize);
        if (st.chunks)
            out.append(',');
        appendBodyString(&out, data + begin, end - begin, response.base64);
        ++st.chunks;
        begin = end;
    }
    out.append("]}]");
    return out;
}

} // namespace telephone
