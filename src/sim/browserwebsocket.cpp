#include "sim/browserwebsocket.h"

#include <QCryptographicHash>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

namespace telephone::sim {

namespace {

// RFC 6455 section 5.2 opcodes.
constexpr int OpContinuation = 0x0;
constexpr int OpText = 0x1;
constexpr int OpBinary = 0x2;
constexpr int OpClose = 0x8;
constexpr int OpPing = 0x9;
constexpr int OpPong = 0xA;
constexpr int CloseAnswerTimeoutMs = 5000;

} // namespace

BrowserWebSocket::BrowserWebSocket(QTcpSocket *socket, qint64 maxMessageSize, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_closeTimer(new QTimer(this))
    , m_maxMessageSize(maxMessageSize)
{
    m_socket->setParent(this);
    m_closeTimer->setSingleShot(true);
    connect(m_closeTimer, &QTimer::timeout, m_socket, &QTcpSocket::abort);
    connect(m_socket, &QTcpSocket::readyRead, this, &BrowserWebSocket::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &BrowserWebSocket::onTcpDisconnected);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &BrowserWebSocket::onReadyRead, Qt::QueuedConnection);
}

BrowserWebSocket::~BrowserWebSocket()
{
    m_socket->disconnect(this);
}

QByteArray BrowserWebSocket::handshakeResponse(const QByteArray &key, const QByteArray &protocol)
{
    const QByteArray accept = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                                       QCryptographicHash::Sha1).toBase64();
    QByteArray response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: " + accept + "\r\n";
    if (!protocol.isEmpty())
        response += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
    return response + "\r\n";
}

void BrowserWebSocket::sendText(const QByteArray &utf8)
{
    writeFrame(OpText, utf8);
}

void BrowserWebSocket::sendBinary(const QByteArray &data)
{
    writeFrame(OpBinary, data);
}

void BrowserWebSocket::sendPing(const QByteArray &payload)
{
    writeFrame(OpPing, payload.left(125));
}

void BrowserWebSocket::sendPong(const QByteArray &payload)
{
    writeFrame(OpPong, payload.left(125));
}

void BrowserWebSocket::close(int code, const QString &reason)
{
    if (m_closeSent || m_done)
        return;
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(quint16(code), payload.data());
    payload += reason.toUtf8().left(123);
    writeFrame(OpClose, payload);
    m_closeSent = true;
    m_closeCode = code;
    m_closeReason = reason;
    m_closeTimer->start(CloseAnswerTimeoutMs);
}

void BrowserWebSocket::abort()
{
    m_done = true;
    m_socket->disconnect(this);
    m_socket->abort();
}

void BrowserWebSocket::writeFrame(int opcode, const QByteArray &payload)
{
    if (m_closeSent || m_done || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray frame;
    frame.reserve(payload.size() + 10);
    frame += char(0x80 | opcode); // FIN; a server's frames are not masked
    if (payload.size() < 126) {
        frame += char(payload.size());
    } else if (payload.size() <= 0xffff) {
        frame += char(126);
        char length[2];
        qToBigEndian(quint16(payload.size()), length);
        frame.append(length, 2);
    } else {
        frame += char(127);
        char length[8];
        qToBigEndian(quint64(payload.size()), length);
        frame.append(length, 8);
    }
    frame += payload;
    m_socket->write(frame);
}

void BrowserWebSocket::onReadyRead()
{
    m_buffer += m_socket->readAll();
    while (!m_closeReceived && !m_done && readFrame()) {
    }
}

bool BrowserWebSocket::readFrame()
{
    if (m_buffer.size() < 2)
        return false;
    const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData());
    const bool fin = bytes[0] & 0x80;
    const int opcode = bytes[0] & 0x0f;
    const bool masked = bytes[1] & 0x80;
    quint64 length = bytes[1] & 0x7f;
    qsizetype header = 2;
    if (length == 126) {
        if (m_buffer.size() < 4)
            return false;
        length = qFromBigEndian<quint16>(bytes + 2);
        header = 4;
    } else if (length == 127) {
        if (m_buffer.size() < 10)
            return false;
        length = qFromBigEndian<quint64>(bytes + 2);
        header = 10;
    }
    if (bytes[0] & 0x70) {
        fail(1002, QStringLiteral("Reserved bits set"));
        return false;
    }
    if (!masked) { // RFC 6455 5.1: a client's frames are always masked
        fail(1002, QStringLiteral("Unmasked client frame"));
        return false;
    }
    if (length > quint64(m_maxMessageSize) || quint64(m_message.size()) + length > quint64(m_maxMessageSize)) {
        fail(1009, QStringLiteral("Frame too large"));
        return false;
    }
    if (quint64(m_buffer.size()) < header + 4 + length)
        return false;
    const uchar *mask = bytes + header;
    QByteArray payload = m_buffer.mid(header + 4, qsizetype(length));
    for (qsizetype i = 0; i < payload.size(); ++i)
        payload[i] = char(uchar(payload[i]) ^ mask[i % 4]);
    m_buffer.remove(0, header + 4 + qsizetype(length));
    onFrame(opcode, fin, payload);
    return true;
}

void BrowserWebSocket::onFrame(int opcode, bool fin, const QByteArray &payload)
{
    if (opcode & 0x8) { // control frame: whole, at most 125 bytes
        if (!fin || payload.size() > 125) {
            fail(1002, QStringLiteral("Invalid control frame"));
            return;
        }
        if (opcode == OpPing) {
            emit pingReceived(payload); // relayed, not answered here: the backend's pong comes back
        } else if (opcode == OpPong) {
            emit pongReceived(payload);
        } else if (opcode == OpClose) {
            m_closeReceived = true;
            if (!m_closeSent) {
                m_closeCode = payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 1005;
                m_closeReason = QString::fromUtf8(payload.mid(2));
                writeFrame(OpClose, payload.left(2)); // echo the code (RFC 6455 5.5.1)
                m_closeSent = true;
            }
            m_socket->disconnectFromHost(); // the server closes the TCP connection first
        } else {
            fail(1002, QStringLiteral("Unknown opcode"));
        }
        return;
    }
    if (opcode == OpText || opcode == OpBinary) {
        if (m_messageOpcode != 0) {
            fail(1002, QStringLiteral("New message inside a fragmented one"));
            return;
        }
        m_messageOpcode = opcode;
    } else if (opcode != OpContinuation || m_messageOpcode == 0) {
        fail(1002, QStringLiteral("Unexpected continuation or unknown opcode"));
        return;
    }
    m_message += payload;
    if (!fin)
        return;
    const QByteArray message = std::exchange(m_message, {});
    if (std::exchange(m_messageOpcode, 0) == OpText)
        emit textReceived(message);
    else
        emit binaryReceived(message);
}

void BrowserWebSocket::fail(int code, const QString &reason)
{
    // As if the browser had closed with this code: the front tells the telephone.
    close(code, reason);
    m_closeReceived = true;
    m_socket->disconnectFromHost();
}

void BrowserWebSocket::onTcpDisconnected()
{
    if (m_done)
        return;
    m_done = true;
    m_closeTimer->stop();
    emit disconnected();
}

} // namespace telephone::sim
