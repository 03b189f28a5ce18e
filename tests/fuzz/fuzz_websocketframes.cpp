// The WebSocket frame reader (protocol/websocketframes, RFC 6455 server-to-client framing): bytes
// from the network, before any TLS-less proxy or server can be trusted. Never crashes, consumes
// everything it is given when it asks for more, never returns a message above its size limit or
// a control payload above 125 bytes, fails with 1002/1009 only, stays failed, holds memory in
// proportion to the bytes received (not to lengths headers claim), and produces the same events
// however the stream is split into reads.
//
// Input: bytes 0-1 = message size limit (0-65535), byte 2 = split seed; the rest is the stream.
#include "fuzzcheck.h"
#include "protocol/websocketframes.h"

#include <QList>

#include <algorithm>
#include <cstdint>

using namespace telephone::websocket;

namespace {

using Event = FrameReader::Event;
using Kind = Event::Kind;

struct Seen {
    Kind kind;
    bool binary;
    QByteArray payload;
    int closeCode;
    bool operator==(const Seen &o) const
    {
        return kind == o.kind && binary == o.binary && payload == o.payload && closeCode == o.closeCode;
    }
};

// Reads like WebSocketClient::readFrames: a buffer of what arrived, events until None, then the
// consumed bytes dropped. seed 0: one read of everything.
QList<Seen> readAll(const QByteArray &stream, qint64 limit, quint32 seed)
{
    FrameReader reader(limit);
    QList<Seen> events;
    QByteArray buffer;
    qint64 pos = 0;
    bool failed = false;
    while (pos < stream.size()) {
        qint64 piece = stream.size() - pos;
        if (seed) {
            seed = seed * 1103515245u + 12345u;
            piece = std::min<qint64>(piece, 1 + (seed >> 16) % 19);
        }
        buffer.append(stream.constData() + pos, piece);
        pos += piece;
        qint64 offset = 0;
        while (true) {
            const Event event = reader.next(buffer.constData(), buffer.size(), &offset);
            FUZZ_CHECK(offset >= 0 && offset <= buffer.size());
            if (event.kind == Kind::None) {
                FUZZ_CHECK(failed || offset == buffer.size());
                break;
            }
            FUZZ_CHECK(!failed); // nothing after an error
            switch (event.kind) {
            case Kind::Message:
                FUZZ_CHECK(event.payload.size() <= limit);
                break;
            case Kind::Ping:
            case Kind::Pong:
                FUZZ_CHECK(event.payload.size() <= 125);
                break;
            case Kind::Close:
                FUZZ_CHECK(event.payload.size() <= 123);
                FUZZ_CHECK(event.closeCode >= 0 && event.closeCode <= 65535);
                break;
            case Kind::Error:
                FUZZ_CHECK(event.closeCode == 1002 || event.closeCode == 1009);
                failed = true;
                break;
            case Kind::None:
                break;
            }
            events.append({event.kind, event.binary, event.payload, event.closeCode});
            if (offset >= buffer.size())
                break;
        }
        buffer.remove(0, offset);
        // Memory follows the bytes that arrived, never a length a header claims (issue 12).
        FUZZ_CHECK(reader.heldBytes() <= 2 * pos + 4096);
    }
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const qint64 limit = (data[0] << 8) | data[1];
    const quint32 seed = data[2] | 1u;
    const QByteArray stream(reinterpret_cast<const char *>(data + 3), qsizetype(size - 3));
    const QList<Seen> whole = readAll(stream, limit, 0);
    const QList<Seen> pieces = readAll(stream, limit, seed);
    FUZZ_CHECK(whole == pieces);
    return 0;
}
