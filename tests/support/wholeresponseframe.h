#pragma once

#include "proxy/responsewriter.h"

#include <QByteArray>
#include <QString>

namespace telephone {

/// The whole `[join_ref, ref, topic, "proxy_res", {...}]` frame in one buffer, drained from the
/// engine's ProxyResponseFrame (which the engine only ever streams to the socket). For tests and
/// fuzzers that look at the frame as a whole.
inline QByteArray writeProxyResponseFrame(const QString &joinRef, const QString &ref, const QString &topic,
                                          const ProxyResponse &response, const ResponseWriterOptions &options,
                                          ResponseWriterStats *stats = nullptr)
{
    ProxyResponseFrame frame(joinRef, ref, topic, response, options);
    if (stats)
        *stats = frame.stats();
    QByteArray out;
    while (!frame.atEnd())
        out += frame.next(1 << 20);
    return out;
}

} // namespace telephone
