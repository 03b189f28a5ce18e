#pragma once

#include "protocol/messagesource.h"
#include "proxy/exchange.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace telephone {

/// What goes back to the server for one request, already decided by the forwarder.
struct ProxyResponse {
    QString requestId;
    int status = 0;
    HeaderList headers; ///< as the backend sent them; hop-by-hop already removed
    QByteArray body;
    bool base64 = false; ///< send body and chunks base64 with body_encoding (server has body_base64)
    /// The request's concurrency slot (see Forwarder): the frame owns the response, so the slot is
    /// released when the frame has been written to the socket or dropped with it. May be empty.
    std::shared_ptr<const void> slot{};
};

struct ResponseWriterOptions {
    qint64 chunkSize = 1024 * 1024;
    bool multiValueHeaders = false; ///< the server accepts arrays of strings as header values
};

struct ResponseWriterStats {
    int droppedSetCookies = 0; ///< set-cookie values that could not be carried (no multi_value_headers)
    int chunks = 0;            ///< 0 when the body went unchunked
};

/// The Phoenix frame `[join_ref, ref, topic, "proxy_res", {...}]` for a response, produced piece by
/// piece: the body is escaped (or base64-encoded) from where the last piece stopped, straight into
/// the piece the socket asks for, so a large body is held once — never as a JSON tree, never as a
/// whole encoded copy. Owns the response. Bodies above the chunk size go as `chunked:true` with
/// `chunks`, never splitting a UTF-8 sequence. Header names are lower-cased; repeated headers are
/// joined with ", " except set-cookie (an array with multi_value_headers, else the first value
/// only). Pure; fuzzed.
class ProxyResponseFrame : public MessageSource
{
public:
    ProxyResponseFrame(const QString &joinRef, const QString &ref, const QString &topic, ProxyResponse response,
                       const ResponseWriterOptions &options);

    QByteArray next(qint64 maxBytes) override;
    bool atEnd() const override { return m_segment >= m_segments.size(); }
    const ResponseWriterStats &stats() const { return m_stats; }

private:
    // The frame is literal text with body ranges between: [prefix]["body"][suffix], or with
    // chunks, [prefix]["c1"][,]["c2"]...[suffix].
    struct Segment {
        QByteArray literal; ///< used when end < 0
        qint64 begin = 0;
        qint64 end = -1;    ///< a body range [begin, end) written as one JSON string
    };
    void appendBody(QByteArray *out, const Segment &segment, qint64 budget);

    ProxyResponse m_response;
    QList<Segment> m_segments;
    qsizetype m_segment = 0;
    qint64 m_offset = 0;          ///< position inside the current segment (literal bytes or body bytes)
    bool m_quoteOpened = false;   ///< the current body string's opening quote is out
    ResponseWriterStats m_stats;
};

/// Appends `text` (valid UTF-8) to `out` as a JSON string literal, quotes included.
void appendJsonString(QByteArray *out, const char *text, qint64 size);
/// The same without the quotes, for a string written in pieces.
void appendJsonEscaped(QByteArray *out, const char *text, qint64 size);

/// Where to end a chunk that starts at `begin` and may be at most `maxSize` bytes long without
/// cutting a UTF-8 sequence of valid UTF-8 `data`.
qint64 utf8ChunkEnd(const char *data, qint64 size, qint64 begin, qint64 maxSize);

} // namespace telephone
