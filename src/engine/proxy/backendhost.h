#pragma once

#include <QByteArray>
#include <QUrl>

namespace telephone {

/// The Host header for the configured backend: host[:port], IPv6 literals in brackets. What the
/// HTTP forwarder and the WebSocket relay send unless --preserve-host keeps the caller's.
QByteArray backendHostHeader(const QUrl &backend);

} // namespace telephone
