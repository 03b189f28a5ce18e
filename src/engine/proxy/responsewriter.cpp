#include "proxy/responsewriter.h"

#include "base/jsonbytes.h"
#include "base/utf8.h"

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

} // namespace

void appendJsonString(QByteArray *out, const char *text, qint64 size)
{
    out->reserve(out->size() + size + 18); // appendJsonEscaped makes room for size + 16
    out->append('"');
    appendJsonEscaped(out, text, size);
    out->append('"');
}

void appendJsonEscaped(QByteArray *out, const char *text, qint64 size)
{
    // Written through a pointer into room made up front (grown only when escapes need more), then
    // cut to what was written: appending run by run through QByteArray cost more than the escaping
    // (callgrind, 16 KiB text bodies with a newline every ~90 bytes).
    const qsizetype start = out->size();
    qsizetype room = size + 16;
    out->resize(start + room);
    char *dst = out->data() + start;
    qsizetype written = 0;
    auto ensure = [&](qsizetype need) {
        if (written + need <= room)
            return;
        room = std::max(room * 2, written + need);
        out->resize(start + room);
        dst = out->data() + start;
    };
    // JsonScanWidth bytes at a time: text needs escaping only at a byte < 0x20, '"' or '\\'.
    qint64 i = 0;
    while (i < size) {
        if (i + JsonScanWidth <= size) {
            // All JsonScanWidth bytes are copied; what follows the plain ones is overwritten next.
            const int plain = jsonPlainPrefix(text + i);
            ensure(JsonScanWidth);
            std::memcpy(dst + written, text + i, JsonScanWidth);
            written += plain;
            i += plain;
            if (plain == JsonScanWidth)
                continue;
        }
        const unsigned char c = static_cast<unsigned char>(text[i++]);
        ensure(6);
        if (c >= 0x20 && c != '"' && c != '\\') {
            dst[written++] = char(c);
            continue;
        }
        dst[written++] = '\\';
        switch (c) {
        case '"': dst[written++] = '"'; break;
        case '\\': dst[written++] = '\\'; break;
        case '\n': dst[written++] = 'n'; break;
        case '\r': dst[written++] = 'r'; break;
        case '\t': dst[written++] = 't'; break;
        case '\b': dst[written++] = 'b'; break;
        case '\f': dst[written++] = 'f'; break;
        default: {
            const char escape[] = {'u', '0', '0', HexDigits[c >> 4], HexDigits[c & 0xF]};
            std::memcpy(dst + written, escape, sizeof escape);
            written += qsizetype(sizeof escape);
        }
        }
    }
    out->resize(start + written);
}

qint64 utf8ChunkEnd(const char *data, qint64 size, qint64 begin, qint64 maxSize)
{
    qint64 end = std::min(size, begin + std::max<qint64>(maxSize, 4));
    if (end >= size)
        return size;
    // Step back over continuation bytes to the start of the sequence that would be cut.
    end = utf8BoundaryAtOrBefore(data, size, begin, end);
    return end > begin ? end : std::min(size, begin + maxSize);
}

ProxyResponseFrame::ProxyResponseFrame(const QString &joinRef, const QString &ref, const QString &topic,
                                       ProxyResponse response, const ResponseWriterOptions &options)
    : m_response(std::move(response))
{
    const qint64 bodySize = m_response.body.size();
    const bool chunked = bodySize > options.chunkSize;

    // Group repeated headers by lower-cased name, keeping first-seen order of names.
    QList<QByteArray> order;
    QMap<QByteArray, QList<QByteArray>> values;
    for (const auto &[name, value] : std::as_const(m_response.headers)) {
        const QByteArray lower = name.toLower();
        // A chunked proxy_res is written by the server with chunked transfer coding: a
        // Content-Length would contradict it.
        if (chunked && lower == "content-length")
            continue;
        if (!values.contains(lower))
            order.append(lower);
        values[lower].append(value);
    }

    QByteArray prefix;
    prefix.reserve(256 + 64 * m_response.headers.size());
    prefix.append('[');
    appendRef(&prefix, joinRef);
    prefix.append(',');
    appendRef(&prefix, ref);
    prefix.append(',');
    appendLatin1Json(&prefix, topic.toUtf8());
    prefix.append(",\"proxy_res\",{\"request_id\":");
    appendLatin1Json(&prefix, m_response.requestId.toUtf8());
    prefix.append(",\"status\":");
    prefix.append(QByteArray::number(m_response.status));
    prefix.append(",\"headers\":{");
    bool first = true;
    for (const QByteArray &name : std::as_const(order)) {
        const QList<QByteArray> &vals = values[name];
        if (!first)
            prefix.append(',');
        first = false;
        appendLatin1Json(&prefix, name);
        prefix.append(':');
        if (name == "set-cookie" && vals.size() > 1) {
            if (options.multiValueHeaders) {
                prefix.append('[');
                for (qsizetype i = 0; i < vals.size(); ++i) {
                    if (i)
                        prefix.append(',');
                    appendLatin1Json(&prefix, vals.at(i));
                }
                prefix.append(']');
            } else {
                appendLatin1Json(&prefix, vals.first());
                m_stats.droppedSetCookies += int(vals.size() - 1);
            }
            continue;
        }
        appendLatin1Json(&prefix, vals.size() == 1 ? vals.first() : vals.join(", "));
    }
    prefix.append('}');
    if (m_response.base64)
        prefix.append(",\"body_encoding\":\"base64\"");

    if (!chunked) {
        prefix.append(",\"body\":");
        m_segments.append({prefix, 0, -1});
        m_segments.append({{}, 0, bodySize});
        m_segments.append({",\"chunked\":false}]", 0, -1});
        return;
    }
    prefix.append(",\"body\":\"\",\"chunked\":true,\"chunks\":[");
    m_segments.append({prefix, 0, -1});
    const char *data = m_response.body.constData();
    qint64 begin = 0;
    while (begin < bodySize) {
        const qint64 end = m_response.base64 ? std::min(bodySize, begin + options.chunkSize)
                                             : utf8ChunkEnd(data, bodySize, begin, options.chunkSize);
        if (m_stats.chunks)
            m_segments.append({",", 0, -1});
        m_segments.append({{}, begin, end});
        ++m_stats.chunks;
        begin = end;
    }
    m_segments.append({"]}]", 0, -1});
}

void ProxyResponseFrame::appendBody(QByteArray *out, const Segment &segment, qint64 budget)
{
    const char *data = m_response.body.constData();
    if (!m_quoteOpened) {
        out->append('"');
        m_quoteOpened = true;
        m_offset = segment.begin;
    }
    if (m_response.base64) {
        // Whole 3-byte groups keep the pieces' base64 joinable into the one string it must be.
        const qint64 take = std::min(segment.end - m_offset, std::max<qint64>(3, budget / 4 * 3));
        out->append(QByteArray::fromRawData(data + m_offset, take).toBase64());
        m_offset += take;
    } else {
        // Escaping grows text by at most 6x (\u00XX); take input that fits, ending on a character.
        qint64 end = std::min(segment.end, m_offset + std::max<qint64>(4, budget));
        end = utf8BoundaryAtOrBefore(data, segment.end, m_offset, end);
        if (end == m_offset)
            end = std::min(segment.end, m_offset + 4);
        appendJsonEscaped(out, data + m_offset, end - m_offset);
        m_offset = end;
    }
    if (m_offset >= segment.end) {
        out->append('"');
        m_quoteOpened = false;
        ++m_segment;
        m_offset = 0;
    }
}

QByteArray ProxyResponseFrame::next(qint64 maxBytes)
{
    QByteArray out;
    out.reserve(maxBytes + 16);
    while (!atEnd() && out.size() < maxBytes) {
        const Segment &segment = m_segments.at(m_segment);
        if (segment.end < 0) {
            const QByteArray &text = segment.literal;
            qint64 end = std::min<qint64>(text.size(), m_offset + (maxBytes - out.size()));
            // Pieces end on a character boundary here too (header values may be non-ASCII).
            end = utf8BoundaryAtOrBefore(text.constData(), text.size(), m_offset, end);
            if (end == m_offset) { // not even one character fits: take it whole
                end = m_offset + 1;
                // A character has at most 4 bytes; header bytes that are not UTF-8 (a run of
                // continuation bytes) must not make one piece arbitrarily large.
                while (end < text.size() && end - m_offset < 4
                       && (static_cast<unsigned char>(text.at(end)) & 0xC0) == 0x80)
                    ++end;
            }
            const qint64 take = end - m_offset;
            out.append(text.constData() + m_offset, take);
            m_offset += take;
            if (m_offset >= segment.literal.size()) {
                ++m_segment;
                m_offset = 0;
            }
            continue;
        }
        appendBody(&out, segment, maxBytes - out.size());
    }
    if (atEnd())
        m_response.body = QByteArray(); // sent: let it go before the socket drains the last piece
    return out;
}

} // namespace telephone
