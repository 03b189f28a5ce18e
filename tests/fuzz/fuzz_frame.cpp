// Phoenix V2 frame decoder: decodeFrame never crashes on any bytes; a frame it accepts satisfies
// the documented shape and survives encode -> decode unchanged (and re-encodes to the same bytes).
#include "fuzzcheck.h"
#include "protocol/frame.h"

#include <cstdint>
#include <cstring>

using namespace telephone;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const DecodedFrame decoded = decodeFrame(text);
    FUZZ_CHECK(decoded.frame.has_value() == (decoded.error == FrameError::None));
    const char *name = frameErrorName(decoded.error);
    FUZZ_CHECK(name && std::strlen(name) > 0);
    if (!decoded.frame)
        return 0;

    const Frame &frame = *decoded.frame;
    FUZZ_CHECK(!frame.topic.isEmpty());
    FUZZ_CHECK(!frame.event.isEmpty());

    const QByteArray encoded = encodeFrame(frame);
    const DecodedFrame again = decodeFrame(encoded);
    FUZZ_CHECK(again.error == FrameError::None && again.frame);
    FUZZ_CHECK(again.frame->joinRef.isNull() == frame.joinRef.isNull());
    FUZZ_CHECK(again.frame->joinRef == frame.joinRef);
    FUZZ_CHECK(again.frame->ref.isNull() == frame.ref.isNull());
    FUZZ_CHECK(again.frame->ref == frame.ref);
    FUZZ_CHECK(again.frame->topic == frame.topic);
    FUZZ_CHECK(again.frame->event == frame.event);
    FUZZ_CHECK(again.frame->payload == frame.payload);
    FUZZ_CHECK(encodeFrame(*again.frame) == encoded);
    return 0;
}
