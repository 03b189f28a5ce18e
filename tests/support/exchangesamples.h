#pragma once

// Exchanges as the forwarder publishes them, for model and view tests.

#include "proxy/exchange.h"

namespace telephone {

inline Exchange started(const QString &id, const QString &method = QStringLiteral("GET"),
                 const QString &path = QStringLiteral("/"), qint64 bodyBytes = 0)
{
    Exchange e;
    e.requestId = id;
    e.startedAt = QDateTime::currentDateTimeUtc();
    e.method = method;
    e.path = path;
    e.requestHeaders = {{"host", "127.0.0.1"}, {"accept", "*/*"}};
    e.requestBody = QByteArray(bodyBytes, 'x');
    e.requestBytes = bodyBytes;
    return e;
}

inline Exchange finished(Exchange e, int status, const QByteArray &body = "ok", const QString &error = {})
{
    e.status = status;
    e.durationMs = 3;
    e.responseHeaders = {{"content-type", "text/plain"}};
    e.responseBody = body;
    e.responseBytes = body.size();
    e.error = error;
    return e;
}


} // namespace telephone
