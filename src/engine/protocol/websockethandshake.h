#pragma once

#include <QByteArray>
#include <QList>

namespace telephone::websocket {

/// A fresh Sec-WebSocket-Key (16 random bytes, base64).
QByteArray newHandshakeKey();

/// The request line and handshake headers of a client upgrade, up to (not including) the blank
/// line that ends the head: callers append their own header lines, then "\r\n".
QByteArray upgradeRequestHead(const QByteArray &target, const QByteArray &host, const QByteArray &key);

/// The server's answer to an upgrade, judged against the key that was sent.
struct HandshakeReply {
    int status = 0;          ///< 0 when the answer is not HTTP
    QByteArray statusLine;   ///< e.g. "HTTP/1.1 404 Not Found"
    bool valid = false;      ///< 101 with Upgrade, Connection and the right Sec-WebSocket-Accept
    QByteArray protocol;     ///< Sec-WebSocket-Protocol the server chose
    QByteArray extensions;   ///< Sec-WebSocket-Extensions the server chose
};

/// `head` is the response up to the blank line (exclusive).
HandshakeReply parseHandshakeReply(const QByteArray &head, const QByteArray &key);

} // namespace telephone::websocket
