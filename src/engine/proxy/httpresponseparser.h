#pragma once

#include "protocol/problem.h"
#include "proxy/exchange.h"

#include <QByteArray>
#include <QIODevice>

namespace telephone {

/// Incremental HTTP/1.1 response parser for the backend client: feed it bytes as they arrive; it
/// keeps status, headers exactly as sent (order, case, repeats) and the body bytes unchanged
/// (chunked transfer coding removed, nothing else — no decompression). Pure, no I/O; fuzzed.
class HttpResponseParser
{
public:
    enum class State { Head, Body, Complete, Error };

    /// `noBody`: the request was HEAD, so no body follows whatever the headers say.
    explicit HttpResponseParser(bool noBody = false, qint64 maxBodySize = 100LL * 1024 * 1024);

    /// Consumes as much of `data` as belongs to this response; returns how much that was. Bytes
    /// after a complete response (a pipelining server) are left for the caller.
    qint64 feed(const char *data, qint64 size);
    /// While reading a Content-Length body: reads what `device` has straight into the body's
    /// final buffer (one copy instead of two). Returns false when not in such a body.
    bool readBodyFrom(QIODevice *device);
    /// The server closed the connection: completes a read-until-close body, else an error.
    void finishOnClose();

    State state() const { return m_state; }
    bool isComplete() const { return m_state == State::Complete; }
    bool hasError() const { return m_state == State::Error; }
    bool bodyTooLarge() const { return m_tooLarge; }
    /// What is wrong, in English (the log), and as a code (the inspector).
    QString error() const { return m_problem.englishText(); }
    const Problem &problem() const { return m_problem; }
    /// True once any byte of the response arrived (a reused connection that fails before that
    /// can be retried safely).
    bool sawAnyByte() const { return m_sawAnyByte; }

    int status() const { return m_status; }
    const HeaderList &headers() const { return m_headers; }
    QByteArray takeBody() { return std::move(m_body); }
    const QByteArray &body() const { return m_body; }
    /// The connection can carry another request after this response.
    bool keepAlive() const { return m_keepAlive; }

    static constexpr qint64 MaxHeadSize = 64 * 1024;

private:
    bool parseHead(const QByteArray &head);
    qint64 feedBody(const char *data, qint64 size);
    qint64 feedChunked(const char *data, qint64 size);
    void fail(const Problem &problem);
    bool appendBody(const char *data, qint64 size);

    enum class Framing { None, Length, Chunked, UntilClose };
    enum class ChunkState { Size, Data, DataCrLf, Trailer };

    State m_state = State::Head;
    bool m_noBody;
    qint64 m_maxBodySize;
    QByteArray m_head;
    int m_status = 0;
    HeaderList m_headers;
    QByteArray m_body;
    Framing m_framing = Framing::None;
    qint64 m_remaining = 0;
    ChunkState m_chunkState = ChunkState::Size;
    QByteArray m_line;
    bool m_keepAlive = true;
    bool m_tooLarge = false;
    bool m_sawAnyByte = false;
    Problem m_problem;
};

} // namespace telephone
