#pragma once

#include "protocol/frame.h"
#include "protocol/messagesource.h"
#include "protocol/problem.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <chrono>
#include <functional>

class QTimer;

namespace telephone {

class WebSocketClient;

/// The outcome of a push that expects a `phx_reply`.
struct PushReply {
    enum class Kind { Ok, Error, Timeout, Closed };
    Kind kind = Kind::Closed;
    QJsonObject response; ///< `response` of the phx_reply (empty for Timeout / Closed)

    bool ok() const { return kind == Kind::Ok; }
    QString reason() const; ///< the server's `reason`, or a description of the timeout / close
};

/// Why the socket went down, in the terms the tunnel decides on.
struct SocketClosed {
    int httpStatus = 0;      ///< the upgrade's HTTP status when the server refused it (e.g. 403), else 0
    int closeCode = 0;       ///< WebSocket close code, 0 when there was no close frame
    Problem problem;         ///< why (englishText() for logs, HumanText::problem); never contains the token
    bool wasConnected = false;
};

/// One WebSocket speaking Phoenix Channels V2: encodes and decodes frames, numbers pushes, matches
/// `phx_reply` to the push that asked for it (with a timeout), and counts malformed frames instead
/// of failing on them. It knows nothing of Plugboard's events. Lives on the engine's thread.
class PhoenixSocket : public QObject
{
    Q_OBJECT

public:
    using ReplyHandler = std::function<void(const PushReply &)>;

    explicit PhoenixSocket(QObject *parent = nullptr);
    ~PhoenixSocket() override;

    /// Opens the socket; `url` holds the token, so it is never logged as given.
    void open(const QUrl &url);
    /// Closes with a close frame (1000 = normal).
    void close(int code = 1000, const QString &reason = {});
    /// Drops the connection at once, as when the peer is judged dead.
    void abort();
    bool isOpen() const;
    /// Counts open() calls: what was bound to one connection can tell it is gone after a reconnect.
    quint64 connectionNumber() const { return m_connectionNumber; }

    /// Sends a frame; returns its ref. With a handler, the matching phx_reply (or a timeout, or the
    /// socket closing) calls it exactly once, unless `context` has been destroyed meanwhile.
    QString push(const QString &topic, const QString &event, const QJsonObject &payload, const QString &joinRef = {},
                 QObject *context = nullptr, ReplyHandler handler = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// Joins `topic`: a push whose join_ref is its own ref, as Phoenix clients do. Returns the join_ref.
    QString join(const QString &topic, const QJsonObject &payload, QObject *context, ReplyHandler handler,
                 std::chrono::milliseconds timeout);
    /// Sends already encoded frame bytes.
    void sendEncoded(QByteArray frameText);
    /// Sends a frame produced piecewise (a large proxy_res), paced by the socket.
    void sendEncoded(std::unique_ptr<MessageSource> frameText);
    /// Bounds the wait for the server's upgrade answer.
    void setHandshakeTimeout(std::chrono::milliseconds timeout);
    /// The largest message the server may send (--max-message-size); see WebSocketClient.
    void setMaxMessageSize(qint64 bytes);
    /// The next ref that push() would use, for writers that encode frames themselves.
    QString takeRef();

    qint64 malformedFrames() const { return m_malformedFrames; }
    qint64 bytesSent() const;
    qint64 bytesReceived() const { return m_bytesReceived; }

signals:
    void opened();
    void closed(const telephone::SocketClosed &why);
    /// Every valid frame that is not a reply to one of our pushes.
    void frameReceived(const telephone::Frame &frame);
    /// Any inbound traffic at all, valid or not: the peer is alive.
    void trafficReceived();

private:
    struct Pending {
        QPointer<QObject> context;
        bool hasContext = false;
        ReplyHandler handler;
        QTimer *timer = nullptr;
    };

    void onTextMessage(const QByteArray &text);
    void onDisconnected();
    void resolve(const QString &ref, PushReply reply);
    void failAllPending(PushReply::Kind kind);

    WebSocketClient *m_socket;
    QHash<QString, Pending> m_pending;
    quint64 m_nextRef = 1;
    quint64 m_connectionNumber = 0;
    qint64 m_malformedFrames = 0;
    qint64 m_bytesReceived = 0;
    quint32 m_loggedMalformedKinds = 0; ///< bit per FrameError: each kind is logged once
    bool m_attemptActive = false; ///< between open() and the one closed() it ends with
};

} // namespace telephone

Q_DECLARE_METATYPE(telephone::SocketClosed)
Q_DECLARE_METATYPE(telephone::Frame)
