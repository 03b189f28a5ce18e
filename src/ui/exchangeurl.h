#pragma once

#include "proxy/exchange.h"

#include <QUrl>

namespace telephone {

/// Where a captured request went, as one encoded URL: a base (the backend, or the tunnel's public
/// URL) with its trailing slashes dropped, then the path and query exactly as captured.
class ExchangeUrl
{
public:
    static QByteArray join(const QUrl &base, const Exchange &exchange);
};

} // namespace telephone
