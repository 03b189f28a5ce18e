#pragma once

#include "proxy/exchange.h"

#include <QByteArray>
#include <QString>

namespace telephone {

/// What goes back to the server for one request, already decided by the forwarder.
struct ProxyResponse {
    QString requestId;
    int status = 0;
    HeaderList headers; ///< as the backend sent them; hop-by-hop already removed
    QByteArray body;
    bool base64 = false; ///< send body and chunks base64 with body_encoding (server has body_base64)
};

struct ResponseWriterOptions {
    qint64 chunkSize = 1024 * 1024;
    bool multiValueHeaders = false; ///< the server accepts arrays of strings as header values
};

struct ResponseWriterStats {
    int droppedSetCookies = 0; ///< set-cookie values that could not be carried (no multi_value_headers)
    int chunks = 0;            ///< 0 when the body went unchunked
};

/// Writes the complete Phoenix frame `[join_ref, ref, topic, "proxy_res", {...}]` for a response
/// straight into one buffer: the body is escaped (or base64-encoded) once into its final place
/// rather than built as a JSON tree and serialised again, so a large body is held once plus its
/// encoded form. Bodies above the chunk size go as `chunked:true` with `chunks`, never splitting a
/// UTF-8 sequence. Header names are lower-cased; repeated headers are joined with ", " except
/// set-cookie (an array with multi_value_headers, else the first value only). Pure; fuzzed.
QByteArray writeProxyResponseFrame(const QString &joinRef, const QString &ref, const QString &topic,
                                   const ProxyResponse &response, const ResponseWriterOptions &options,
                                   ResponseWriterStats *stats = nullptr);

/// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF): what JSON can carry.
bool isValidUtf8(const char *data, qint64 size);
inline bool isValidUtf8(const QByteArray &bytes) { return isValidUtf8(bytes.constData(), bytes.size()); }

/// Appends `text` (valid UTF-8) to `out` as a JSON string literal, quotes included.
void appendJsonString(QByteArray *out, const char *text, qint64 size);

/// Where to end a chunk that starts at `begin` and may be at most `maxSize` bytes long without
/// cutting a UTF-8 sequence of valid UTF-8 `data`.
qint64 utf8ChunkEnd(const char *data, qint64 size, qint64 begin, qint64 maxSize);

} // namespace telephone
