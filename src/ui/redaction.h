#pragma once

#include "proxy/exchange.h"

namespace telephone {

/// Which header values are credentials, and how they look once hidden. Exports (HAR, curl) leave
/// them out unless the user opts in: a HAR file is easily attached to a bug report.
class Redaction
{
public:
    static const QByteArray Placeholder;

    /// Authorization, Proxy-Authorization, Cookie and Set-Cookie, any case.
    static bool isSensitive(const QByteArray &headerName);
    /// The headers with every sensitive value replaced by Placeholder; names and order kept.
    static HeaderList apply(const HeaderList &headers);
};

} // namespace telephone
