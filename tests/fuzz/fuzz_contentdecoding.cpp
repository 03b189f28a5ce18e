// ContentDecoding, the backend's compressed bytes for a server without body_base64: never crashes,
// never holds more than the limit, and either decodes to UTF-8 text (dropping content-encoding) or
// leaves body and headers exactly as they were.
//
// Input: byte 0 = coding (0 gzip, 1 deflate, 2 x-gzip, 3 br), bytes 1-2 = decoded-size limit
// (0-65535); the rest is the body.
#include "fuzzcheck.h"
#include "proxy/contentdecoding.h"
#include "base/utf8.h"

#include <cstdint>

using namespace telephone;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    static const char *const codings[] = {"gzip", "deflate", "x-gzip", "br"};
    const QByteArray coding(codings[data[0] % 4]);
    const qint64 limit = (qint64(data[1]) << 8) | data[2];
    const QByteArray original(reinterpret_cast<const char *>(data + 3), qsizetype(size - 3));
    const HeaderList originalHeaders{{"content-type", "text/html"}, {"content-encoding", coding}};

    HeaderList headers = originalHeaders;
    QByteArray body = original;
    const ContentDecoding::Outcome outcome = ContentDecoding::decodeText(&headers, &body, limit);
    if (!outcome.coding.isEmpty()) {
        FUZZ_CHECK(outcome.error.isNone());
        FUZZ_CHECK(outcome.coding == QString::fromLatin1(coding));
        FUZZ_CHECK(body.size() <= limit);
        FUZZ_CHECK(isValidUtf8(body));
        const HeaderList withoutCoding{{"content-type", "text/html"}};
        FUZZ_CHECK(headers == withoutCoding);
    } else {
        // Refused (too large) or left alone: nothing was changed.
        FUZZ_CHECK(body == original);
        FUZZ_CHECK(headers == originalHeaders);
        if (!outcome.error.isNone())
            FUZZ_CHECK(coding != "br");
    }
    return 0;
}
