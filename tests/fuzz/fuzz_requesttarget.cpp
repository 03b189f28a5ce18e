// The request-target encoder (issue 11, item 2) and the dot-segment rule. For any bytes:
// - the output holds only bytes a request line may carry, '%' only as the start of an escape;
// - decoding the output gives the input back where the input held no '%'; otherwise valid
//   escapes stay escapes and a '%' that started none decodes to '%' (nothing lost or added);
// - input that was already valid comes back byte for byte, so encoding is idempotent;
// - at most three bytes out per byte in; hasDotSegment never crashes and agrees on both forms.
// The first input byte picks the part (path or query), the rest is the text.
#include "fuzzcheck.h"
#include "proxy/requesttarget.h"

#include <cstdint>

using namespace telephone;

namespace {

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isValidTarget(const QByteArray &text, TargetPart part)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == '%') {
            if (i + 2 >= text.size() || !isHex(text.at(i + 1)) || !isHex(text.at(i + 2)))
                return false;
            continue;
        }
        if (!isTargetByteAllowed(static_cast<unsigned char>(c), part))
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const TargetPart part = data[0] & 1 ? TargetPart::Query : TargetPart::Path;
    const QByteArray raw(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QByteArray out = percentEncodeTarget(raw, part);

    FUZZ_CHECK(isValidTarget(out, part));
    FUZZ_CHECK(out.size() <= 3 * raw.size());
    // The output's escapes are all valid, so Qt's decoder (which reads "%zz" as some byte) is exact.
    const QByteArray decoded = QByteArray::fromPercentEncoding(out);
    if (!raw.contains('%'))
        FUZZ_CHECK(decoded == raw);
    if (isValidTarget(raw, part)) {
        FUZZ_CHECK(out == raw);
    } else {
        // Escapes that were valid stay escapes, a lone '%' comes back as '%', the rest as itself.
        QByteArray lonePercentsEncoded = raw;
        for (qsizetype i = lonePercentsEncoded.size() - 1; i >= 0; --i) {
            if (lonePercentsEncoded.at(i) == '%'
                && (i + 2 >= lonePercentsEncoded.size() || !isHex(lonePercentsEncoded.at(i + 1))
                    || !isHex(lonePercentsEncoded.at(i + 2))))
                lonePercentsEncoded.replace(i, 1, "%25");
        }
        FUZZ_CHECK(decoded == QByteArray::fromPercentEncoding(lonePercentsEncoded));
    }
    FUZZ_CHECK(percentEncodeTarget(out, part) == out);
    if (part == TargetPart::Path)
        FUZZ_CHECK(hasDotSegment(out) == hasDotSegment(raw));
    return 0;
}
