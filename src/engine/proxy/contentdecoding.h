#pragma once

#include "proxy/exchange.h"

#include <QByteArray>
#include <QString>

namespace telephone {

/// Compressed text for a server that cannot carry binary bodies (no `body_base64`, as the deployed
/// server today). Asking the backend for `identity` keeps most bodies text; a backend that
/// compresses anyway gets its gzip/deflate body decoded here when the result is UTF-8 text, with
/// `content-encoding` dropped. Anything else (another coding, binary content, a corrupt stream) is
/// left as it is, so the caller still gets the clear 502 for a body the server cannot carry. The
/// decoded size is bounded: a small bomb cannot take the memory. Stateless; any thread.
class ContentDecoding
{
public:
    /// Replaces the caller's `accept-encoding` (if any) with `identity`.
    static void askForIdentity(HeaderList *requestHeaders);

    struct Outcome {
        QString coding; ///< "gzip" / "deflate" when the body was decoded, empty when left alone
        Problem error;  ///< set when the body cannot be delivered (too large once decoded)
    };
    /// Decodes `*body` in place when it is gzip/deflate text; `maxSize` bounds the decoded size.
    static Outcome decodeText(HeaderList *responseHeaders, QByteArray *body, qint64 maxSize);
};

} // namespace telephone
