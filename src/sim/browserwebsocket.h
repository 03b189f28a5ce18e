#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

class QTcpSocket;
class QTimer;

namespace telephone::sim {

/// The server's end of a browser's WebSocket on the `/call/` front, written from RFC 6455 for the
/// simulator (not the engine's frame code: the client is checked against something independent).
/// Why not QWebSocket: it answers pings itself and cannot send a pong of its own, so the server's
/// relaying of browser pings to the backend (and of the backend's pong back) could not be played.
/// Here every frame is the front's to relay: pings are not answered locally.
///
/// Reads masked client frames, joins fragments, refuses frames or messages above `maxMessageSize`
/// (1009) and protocol errors (1002) by closing; writes unmasked frames. Ends in one
/// disconnected(), after which closeCode() / closeReason() say how (1006: no close frame).
class BrowserWebSocket : public QObject
{
    Q_OBJECT

public:
    /// `socket` has been upgraded already (101 written); it becomes this object's child.
    BrowserWebSocket(QTcpSocket *socket, qint64 maxMessageSize, QObject *parent = nullptr);
    ~BrowserWebSocket() override;

    /// The 101 answer to an upgrade request with this Sec-WebSocket-Key, naming `protocol` if any.
    static QByteArray handshakeResponse(const QByteArray &key, const QByteArray &protocol);

    void sendText(const QByteArray &utf8);
    void sendBinary(const QByteArray &data);
    void sendPing(const QByteArray &payload);
    void sendPong(const QByteArray &payload);
    /// Sends a close frame; the connection ends when the browser answers (or after 5 s).
    void close(int code, const QString &reason);
    /// Drops the connection at once; emits nothing.
    void abort();

    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

signals:
    void textReceived(const QByteArray &utf8);
    void binaryReceived(const QByteArray &data);
    void pingReceived(const QByteArray &payload);
    void pongReceived(const QByteArray &payload);
    void disconnected();

private:
    void onReadyRead();
    bool readFrame(); ///< false when more bytes are needed or the connection is ending
    void onFrame(int opcode, bool fin, const QByteArray &payload);
    void fail(int code, const QString &reason);
    void writeFrame(int opcode, const QByteArray &payload);
    void onTcpDisconnected();

    QTcpSocket *m_socket;
    QTimer *m_closeTimer;
    qint64 m_maxMessageSize;
    QByteArray m_buffer;
    QByteArray m_message;   ///< fragments of the data message being received
    int m_messageOpcode = 0; ///< 1 text, 2 binary, 0 none in progress
    bool m_closeSent = false;
    bool m_closeReceived = false;
    bool m_done = false;
    int m_closeCode = 1006;
    QString m_closeReason;
};

} // namespace telephone::sim
