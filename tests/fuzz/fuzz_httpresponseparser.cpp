// HttpResponseParser, the backend's bytes: never crashes, never consumes more than it is given,
// stops consuming only when complete or failed, never holds a body above its limit, and gives the
// same result however the stream is split into reads (the stream is fed once whole and once in
// pieces whose sizes come from the input).
//
// Input: byte 0 = flags (bit 0: HEAD request), bytes 1-2 = body limit (0-4095), byte 3 = split
// seed; the rest is the stream.
#include "fuzzcheck.h"
#include "proxy/httpresponseparser.h"

#include <algorithm>
#include <cstdint>

using namespace telephone;

namespace {

using State = HttpResponseParser::State;

// Feeds `stream` in pieces the way BackendClient does (again from where the parser stopped);
// returns how much was consumed.
qint64 feedAll(HttpResponseParser &parser, const QByteArray &stream, quint32 seed)
{
    qint64 offset = 0;
    while (offset < stream.size() && (parser.state() == State::Head || parser.state() == State::Body)) {
        qint64 piece = stream.size() - offset;
        if (seed) {
            seed = seed * 1103515245u + 12345u;
            piece = std::min<qint64>(piece, 1 + (seed >> 16) % 23);
        }
        const qint64 used = parser.feed(stream.constData() + offset, piece);
        FUZZ_CHECK(used >= 0 && used <= piece);
        if (used < piece)
            FUZZ_CHECK(parser.state() == State::Complete || parser.state() == State::Error);
        offset += used;
    }
    return offset;
}

void checkInvariants(const HttpResponseParser &parser, qint64 limit)
{
    FUZZ_CHECK(parser.body().size() <= limit);
    if (parser.bodyTooLarge())
        FUZZ_CHECK(parser.hasError());
    if (parser.hasError())
        FUZZ_CHECK(!parser.error().isEmpty());
    if (parser.isComplete() || parser.state() == State::Body)
        FUZZ_CHECK(parser.status() >= 200 && parser.status() <= 999);
}

void checkSame(const HttpResponseParser &a, const HttpResponseParser &b)
{
    FUZZ_CHECK(a.state() == b.state());
    FUZZ_CHECK(a.bodyTooLarge() == b.bodyTooLarge());
    if (a.isComplete()) {
        FUZZ_CHECK(a.status() == b.status());
        FUZZ_CHECK(a.headers() == b.headers());
        FUZZ_CHECK(a.body() == b.body());
        FUZZ_CHECK(a.keepAlive() == b.keepAlive());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const bool noBody = data[0] & 1;
    const qint64 limit = ((data[1] << 8) | data[2]) % 4096;
    const quint32 seed = data[3] | 1u;
    const QByteArray stream(reinterpret_cast<const char *>(data + 4), qsizetype(size - 4));

    HttpResponseParser whole(noBody, limit);
    const qint64 usedWhole = feedAll(whole, stream, 0);
    HttpResponseParser pieces(noBody, limit);
    const qint64 usedPieces = feedAll(pieces, stream, seed);
    FUZZ_CHECK(whole.sawAnyByte() == !stream.isEmpty());
    checkInvariants(whole, limit);
    checkInvariants(pieces, limit);
    checkSame(whole, pieces);
    if (whole.isComplete())
        FUZZ_CHECK(usedWhole == usedPieces); // what is left over belongs to the next response

    whole.finishOnClose();
    pieces.finishOnClose();
    FUZZ_CHECK(whole.isComplete() || whole.hasError());
    checkInvariants(whole, limit);
    checkInvariants(pieces, limit);
    checkSame(whole, pieces);
    return 0;
}
