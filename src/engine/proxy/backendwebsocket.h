#pragma once

#include "proxy/exchange.h"
#include "protocol/websocketframes.h"

#include <QObject>
#include <QUrl>

class QTcpSocket;
class QTimer;

namespace telephone {

/// What a relayed WebSocket frame is, in the words of `ws_frame`'s `opcode`.
enum class WsOpcode { Text, Binary, Ping, Pong };

/// The handshake a BackendWebSocket sends: everything judged and composed by its caller.
struct BackendUpgrade {
    QUrl backend;        ///< scheme (http/https → ws/wss), host and port are dialled; nothing else is
    QByteArray target;   ///< request-target, already checked (origin-form, no CR/LF/NUL)
    QByteArray host;     ///< the Host header
    HeaderList headers;  ///< end-to-end headers to add (sec-websocket-protocol, origin, cookie, ...)
};

/// One WebSocket from Telephone to the backend, speaking RFC 6455 as a client over QTcpSocket or
/// QSslSocket. It writes the request line and Host itself, so the backend gets exactly the target
/// and headers the HTTP forwarder would send (QWebSocket would rebuild them from a QUrl). Frames
/// travel as they are: no fragment joining beyond whole messages, no automatic pong (the browser
/// answers pings through the relay). Ends in exactly one of failed() (before the upgrade) or
/// closed() (after it). Lives on the engine's thread.
class BackendWebSocket : public QObject
{
    Q_OBJECT

public:
    /// The server's largest frame; a bigger message from the backend closes the connection 1009.
    static constexpr qint64 MaxMessageSize = 1024 * 1024;
    /// The most the socket takes from the kernel ahead of us: what makes a pause reach the backend.
    static constexpr qint64 ReadChunk = 64 * 1024;

    explicit BackendWebSocket(QObject *parent = nullptr);
    ~BackendWebSocket() override;

    void open(const BackendUpgrade &upgrade, int handshakeTimeoutMs);
    /// Queues a frame for the backend; past `maxQueuedBytes` unsent, emits overflowed() instead.
    void send(WsOpcode opcode, const QByteArray &data);
    /// Sends a close frame; the connection ends when the backend answers (or after 5 s).
    void close(int code, const QString &reason);
    /// The same with Telephone's own reason: its English text goes in the close frame, and closed()
    /// carries the problem for the inspector.
    void close(int code, const Problem &problem);
    /// Drops the connection at once; emits nothing.
    void abort();

    void setMaxQueuedBytes(qint64 bytes) { m_maxQueuedBytes = bytes; }
    /// Read backpressure: while paused, no more messages are taken from the backend; what it sends
    /// waits in a small socket buffer (ReadChunk), then in the kernel, until the backend's own
    /// writes block. Resuming reads what waits on the next turn of the event loop.
    void setReadPaused(bool paused);
    bool isReadPaused() const { return m_readPaused; }
    bool isOpen() const { return m_state == State::Open; }
    QByteArray protocol() const { return m_protocol; }

signals:
    void upgraded();
    /// The upgrade did not happen. `problem.englishText()` is the reason for the wire and the log.
    void failed(const telephone::Problem &problem);
    void messageReceived(telephone::WsOpcode opcode, const QByteArray &data);
    /// The backend closed, or the connection ended. `code` is what the backend sent (1005 when its
    /// close frame had none, 1006 when there was no close frame at all, 1009 for an oversize message).
    /// `problem` is set when Telephone, not the backend, gave the reason (then reason is its English text).
    void closed(int code, const QString &reason, const telephone::Problem &problem);
    /// More than maxQueuedBytes wait for the backend to read them.
    void overflowed(qint64 queuedBytes);

private:
    enum class State { Idle, Connecting, Handshaking, Open, Closing, Done };

    void onConnected();
    void onReadyRead();
    bool readHandshake();
    void readFrames();
    void onDisconnected();
    void writeFrame(websocket::Opcode opcode, const QByteArray &payload);
    void finishFailed(const Problem &problem);
    void finishClosed(int code, const QString &reason, const Problem &problem = {});

    QTcpSocket *m_socket = nullptr;
    QTimer *m_timer; ///< handshake deadline, then the wait for the backend's close answer
    State m_state = State::Idle;
    BackendUpgrade m_upgrade;
    QByteArray m_key;
    QByteArray m_buffer;
    QByteArray m_protocol;
    websocket::FrameReader m_reader{MaxMessageSize};
    qint64 m_maxQueuedBytes = 4 * 1024 * 1024;
    int m_closeCode = 1006;
    bool m_readPaused = false;
    bool m_disconnectPending = false; ///< the backend went while paused: handled after what it sent
    QString m_closeReason;
    Problem m_closeProblem; ///< Telephone's reason for closing, when it closed (close(code, problem))
};

} // namespace telephone

Q_DECLARE_METATYPE(telephone::WsOpcode)
