#pragma once

#include "protocol/messagesource.h"
#include "protocol/problem.h"
#include "protocol/websocketframes.h"

#include <QObject>
#include <QUrl>

#include <deque>
#include <memory>
#include <optional>

class QTcpSocket;
class QTimer;

namespace telephone {

/// The client side of one WebSocket (RFC 6455) over QTcpSocket or QSslSocket.
///
/// Why not QWebSocket: its text API takes a QString, so a 100 MiB proxy_res became a 200 MiB
/// UTF-16 copy, then UTF-8 again, then a masked copy in the socket buffer — seven times the body
/// in telephone-bench. Here text goes in as UTF-8 bytes, large messages are streamed from a
/// MessageSource in fragments only as fast as the socket drains, and inbound messages arrive as
/// bytes for the JSON decoder. Control frames (ping, pong, close) slip between fragments.
///
/// Outbound memory is bounded: nothing more is written while the socket holds HighWater bytes,
/// pongs included — a ping that arrives while a pong waits replaces it (RFC 6455 5.5.3), so a
/// ping flood from a server that does not read costs one pong. A server that reads nothing of
/// what waits for StallTimeout (setStallTimeout) is taken for dead: the connection fails.
/// Lives on the engine's thread.
class WebSocketClient : public QObject
{
    Q_OBJECT

public:
    explicit WebSocketClient(QObject *parent = nullptr);
    ~WebSocketClient() override;

    /// ws:// or wss://; the URL (with its query) is the request-target. Ends in exactly one
    /// disconnected(), whether the connection, the upgrade or the session fails or ends.
    void open(const QUrl &url);
    /// Sends a close frame after the messages already queued; the server then closes.
    void close(int code = 1000, const QString &reason = {});
    /// Drops the connection at once.
    void abort();
    bool isOpen() const { return m_state == State::Open; }

    void sendText(QByteArray utf8);
    void sendText(std::unique_ptr<MessageSource> source);

    void setHandshakeTimeout(int ms) { m_handshakeTimeoutMs = ms; }
    void setStallTimeout(int ms);
    /// A message the server sends that would grow past `bytes` closes the connection with 1009
    /// (memory grows with the bytes that arrive, never with a length a header claims). Takes effect
    /// at the next open().
    void setMaxMessageSize(qint64 bytes);

    /// After disconnected(): the HTTP status of a refused upgrade (0 when the upgrade was not
    /// answered), the close code and reason the server gave, and a description of any error.
    int handshakeStatus() const { return m_handshakeStatus; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    Problem problem() const { return m_problem; }
    QString errorString() const { return m_problem.englishText(); }
    bool wasOpen() const { return m_wasOpen; }
    qint64 bytesWritten() const { return m_bytesWritten; }
    /// Bytes handed to the socket that the operating system has not taken yet.
    qint64 bytesToWrite() const;

    static constexpr qint64 FragmentSize = 256 * 1024;
    static constexpr qint64 HighWater = 1024 * 1024; ///< bytes queued in the socket before we wait
    static constexpr int DefaultStallTimeoutMs = 30000;

signals:
    void connected();
    void disconnected();
    void textMessageReceived(const QByteArray &message);
    void binaryMessageReceived(const QByteArray &message);
    /// Any frame at all, control frames included: the peer is alive.
    void frameReceived();

private:
    enum class State { Closed, Connecting, Handshaking, Open, Closing };

    void onTransportConnected();
    void onReadyRead();
    void onTransportDisconnected();
    void onTransportError();
    bool readHandshake();
    void readFrames();
    void writeControl(websocket::Opcode opcode, const QByteArray &payload);
    void pump();
    void onBytesWritten();
    void watchForStall();
    void fail(const Problem &problem);
    Problem transportProblem() const;
    void finish();

    struct Outgoing {
        std::unique_ptr<MessageSource> source;
        bool started = false;
        bool closeFrame = false;
        QByteArray closePayload;
    };

    QTcpSocket *m_socket = nullptr;
    QTimer *m_handshakeTimer;
    QTimer *m_closeTimer; ///< a server that never answers our close frame does not hold us
    QTimer *m_stallTimer; ///< runs while bytes wait in the socket and none are being taken
    std::optional<QByteArray> m_pendingPong; ///< the latest ping's payload, waiting for room
    State m_state = State::Closed;
    QUrl m_url;
    QByteArray m_key;
    QByteArray m_buffer; ///< handshake bytes, then unparsed frame bytes
    websocket::FrameReader m_reader;
    std::deque<Outgoing> m_queue;
    qint64 m_maxMessageSize = 256LL * 1024 * 1024;
    int m_handshakeTimeoutMs = 30000;
    int m_handshakeStatus = 0;
    int m_closeCode = 0;
    QString m_closeReason;
    Problem m_problem;
    bool m_wasOpen = false;
    bool m_closeSent = false;
    qint64 m_bytesWritten = 0;
};

} // namespace telephone
