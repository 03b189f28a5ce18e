#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>

namespace telephone::sim {

/// Header fields in order, names as received (or as the handler wrote them).
using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

/// One parsed HTTP/1.1 request as it reached HttpServer. Nothing is decoded or normalised: tests use
/// it to check byte for byte what a proxy forwarded.
struct HttpRequest {
    QByteArray method;
    QByteArray target;  ///< raw request-target, never percent-decoded
    QByteArray version; ///< "HTTP/1.1" or "HTTP/1.0"
    HttpHeaders headers;
    QByteArray body;    ///< de-chunked when sent with Transfer-Encoding: chunked
    QByteArray rawHead; ///< request line and header lines exactly as received, with the final CRLFCRLF
    QHostAddress peer;

    /// First value of the header `name`, case-insensitively; null when absent.
    QByteArray header(const QByteArray &name) const;
    QList<QByteArray> headerValues(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;

    /// The target up to the first `?` / the raw text after it ("" when there is none).
    QByteArray path() const;
    QByteArray query() const;
};

} // namespace telephone::sim
