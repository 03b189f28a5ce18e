#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace telephone {

/// RFC 6455 framing, pure and I/O-free (fuzzed): the header a client writes, payload masking, and
/// an incremental reader for the frames a server sends.
namespace websocket {

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

/// Appends a client frame (always masked, as RFC 6455 5.3 requires of clients) to `out`.
void appendClientFrame(QByteArray *out, Opcode opcode, bool fin, const char *payload, qint64 size, quint32 maskKey);

/// XORs `size` bytes of `src` into `dst` with the 4-byte key, as if the payload started at `offset`.
void mask(char *dst, const char *src, qint64 size, quint32 maskKey, qint64 offset = 0);

struct FrameHeaderError {
    int closeCode = 0; ///< 1002 protocol error, 1009 too big
    QString reason;
};

/// Reads server frames from a byte stream. Control frames may arrive between the fragments of a
/// message; data fragments are joined into whole messages up to a size limit.
class FrameReader
{
public:
    explicit FrameReader(qint64 maxMessageSize = 256LL * 1024 * 1024);

    struct Event {
        enum class Kind { None, Message, Ping, Pong, Close, Error };
        Kind kind = Kind::None;
        bool binary = false;
        QByteArray payload; ///< message bytes, ping/pong data, or close reason
        int closeCode = 0;  ///< Close: the peer's code (1005 when none); Error: the code to close with
    };

    /// Consumes bytes from `data` (from `*offset`), stopping after one event; returns it, or
    /// Kind::None when more input is needed. Call again while it returns events.
    Event next(const char *data, qint64 size, qint64 *offset);

    /// Bytes the reader holds allocated now (the message being assembled, a control frame, a partial
    /// header): bounded by what has arrived, never by what a header claims.
    qint64 heldBytes() const { return m_header.capacity() + m_control.capacity() + m_message.capacity(); }

private:
    Event fail(int code, const QString &reason);

    QByteArray m_header;   ///< partial header bytes
    quint8 m_opcode = 0;
    bool m_fin = false;
    qint64 m_remaining = -1; ///< payload bytes still to read for the current frame; -1: reading a header
    QByteArray m_control;  ///< payload of the control frame being read
    QByteArray m_message;  ///< the data message being assembled
    bool m_inMessage = false;
    bool m_messageBinary = false;
    qint64 m_maxMessageSize;
    bool m_failed = false;
};

} // namespace websocket
} // namespace telephone
