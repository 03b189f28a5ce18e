#include "protocol/websockethandshake.h"

#include "protocol/httpfield.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace telephone::websocket {

namespace {

QByteArray headerValue(const QList<QByteArray> &lines, const char *name)
{
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

} // namespace

QByteArray newHandshakeKey()
{
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    return nonce.toBase64();
}

QByteArray upgradeRequestHead(const QByteArray &target, const QByteArray &host, const QByteArray &key)
{
    return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
}

HandshakeReply parseHandshakeReply(const QByteArray &head, const QByteArray &key)
{
    HandshakeReply reply;
    const QList<QByteArray> lines = head.split('\n');
    reply.statusLine = lines.first().trimmed();
    reply.status = reply.statusLine.startsWith("HTTP/1.") ? reply.statusLine.mid(9, 3).toInt() : 0;
    const QByteArray expected =
        QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1).toBase64();
    reply.valid = reply.status == 101 && headerValue(lines, "upgrade").toLower() == "websocket"
        && fieldListHas(headerValue(lines, "connection"), "upgrade")
        && headerValue(lines, "sec-websocket-accept") == expected;
    reply.protocol = headerValue(lines, "sec-websocket-protocol");
    reply.extensions = headerValue(lines, "sec-websocket-extensions");
    return reply;
}

} // namespace telephone::websocket
