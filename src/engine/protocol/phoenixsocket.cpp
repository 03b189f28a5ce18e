#include "protocol/phoenixsocket.h"

#include "protocol/websocketclient.h"

#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcSocket, "telephone.protocol.socket")

namespace telephone {

namespace {

const QString PhxReply = QStringLiteral("phx_reply");
} // namespace

QString PushReply::reason() const
{
    switch (kind) {
    case Kind::Ok:
        return {};
    case Kind::Error: {
        const QString reason = response.value(QLatin1String("reason")).toString();
        return reason.isEmpty() ? QStringLiteral("error reply without a reason") : reason;
    }
    case Kind::Timeout:
        return QStringLiteral("no reply from the server in time");
    case Kind::Closed:
        return QStringLiteral("the connection closed before the server replied");
    }
    return {};
}

PhoenixSocket::PhoenixSocket(QObject *parent)
    : QObject(parent)
    , m_socket(new WebSocketClient(this))
{
    qRegisterMetaType<telephone::SocketClosed>();
    qRegisterMetaType<telephone::Frame>();

    connect(m_socket, &WebSocketClient::connected, this, &PhoenixSocket::opened);
    connect(m_socket, &WebSocketClient::disconnected, this, &PhoenixSocket::onDisconnected);
    connect(m_socket, &WebSocketClient::textMessageReceived, this, &PhoenixSocket::onTextMessage);
    connect(m_socket, &WebSocketClient::frameReceived, this, &PhoenixSocket::trafficReceived);
    connect(m_socket, &WebSocketClient::binaryMessageReceived, this, [this](const QByteArray &data) {
        // Phoenix's V2 JSON serializer only uses binary frames for its binary payload format, which
        // Plugboard never sends; count it like any frame we cannot read.
        m_bytesReceived += data.size();
        ++m_malformedFrames;
    });
}

PhoenixSocket::~PhoenixSocket()
{
    // Handlers must not run against a half-destroyed owner.
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it)
        delete it->timer;
    m_pending.clear();
    m_socket->disconnect(this);
}

void PhoenixSocket::open(const QUrl &url)
{
    m_nextRef = 1;
    ++m_connectionNumber;
    m_attemptActive = true;
    m_socket->open(url);
}

void PhoenixSocket::close(int code, const QString &reason)
{
    m_socket->close(code, reason);
}

void PhoenixSocket::abort()
{
    m_socket->abort();
}

bool PhoenixSocket::isOpen() const
{
    return m_socket->isOpen();
}

qint64 PhoenixSocket::bytesSent() const
{
    return m_socket->bytesWritten();
}

void PhoenixSocket::setMaxMessageSize(qint64 bytes)
{
    m_socket->setMaxMessageSize(bytes);
}

void PhoenixSocket::setHandshakeTimeout(std::chrono::milliseconds timeout)
{
    m_socket->setHandshakeTimeout(int(timeout.count()));
}

QString PhoenixSocket::takeRef()
{
    return QString::number(m_nextRef++);
}

QString PhoenixSocket::push(const QString &topic, const QString &event, const QJsonObject &payload,
                            const QString &joinRef, QObject *context, ReplyHandler handler,
                            std::chrono::milliseconds timeout)
{
    const QString ref = takeRef();
    if (handler) {
        Pending pending;
        pending.context = context;
        pending.hasContext = context != nullptr;
        pending.handler = std::move(handler);
        pending.timer = new QTimer(this);
        pending.timer->setSingleShot(true);
        connect(pending.timer, &QTimer::timeout, this, [this, ref] { resolve(ref, {PushReply::Kind::Timeout, {}}); });
        pending.timer->start(timeout);
        m_pending.insert(ref, std::move(pending));
    }
    sendEncoded(encodeFrame({joinRef, ref, topic, event, payload}));
    return ref;
}

QString PhoenixSocket::join(const QString &topic, const QJsonObject &payload, QObject *context, ReplyHandler handler,
                            std::chrono::milliseconds timeout)
{
    const QString joinRef = QString::number(m_nextRef); // push() takes this very ref next
    return push(topic, QStringLiteral("phx_join"), payload, joinRef, context, std::move(handler), timeout);
}

void PhoenixSocket::sendEncoded(QByteArray frameText)
{
    sendEncoded(std::make_unique<BufferSource>(std::move(frameText)));
}

void PhoenixSocket::sendEncoded(std::unique_ptr<MessageSource> frameText)
{
    if (!isOpen()) {
        qCDebug(lcSocket) << "dropping a frame: the socket is not open";
        return;
    }
    m_socket->sendText(std::move(frameText));
}

void PhoenixSocket::onTextMessage(const QByteArray &bytes)
{
    m_bytesReceived += bytes.size();
    DecodedFrame decoded = decodeFrame(bytes, FrameBody::ProxyReqBodyAsBytes);
    if (!decoded.frame) {
        ++m_malformedFrames;
        const quint32 bit = 1u << static_cast<unsigned>(decoded.error);
        if (!(m_loggedMalformedKinds & bit)) {
            m_loggedMalformedKinds |= bit;
            qCWarning(lcSocket).noquote() << "ignoring a malformed frame from the server (" << frameErrorName(decoded.error)
                                          << "); further frames of this kind are counted, not logged";
        }
        return;
    }

    Frame &frame = *decoded.frame;
    if (frame.event == PhxReply && !frame.ref.isNull() && m_pending.contains(frame.ref)) {
        const QString status = frame.payload.value(QLatin1String("status")).toString();
        const QJsonObject response = frame.payload.value(QLatin1String("response")).toObject();
        resolve(frame.ref, {status == QLatin1String("ok") ? PushReply::Kind::Ok : PushReply::Kind::Error, response});
        return;
    }
    emit frameReceived(frame);
}

void PhoenixSocket::resolve(const QString &ref, PushReply reply)
{
    auto it = m_pending.find(ref);
    if (it == m_pending.end())
        return;
    Pending pending = std::move(it.value());
    m_pending.erase(it);
    pending.timer->deleteLater();
    if (pending.hasContext && !pending.context)
        return;
    pending.handler(reply);
}

void PhoenixSocket::failAllPending(PushReply::Kind kind)
{
    const QStringList refs = m_pending.keys();
    for (const QString &ref : refs)
        resolve(ref, {kind, {}});
}

void PhoenixSocket::onDisconnected()
{
    // One loss, one report (the transport guarantees it too; this also covers abort() races).
    if (!m_attemptActive)
        return;
    m_attemptActive = false;

    SocketClosed why;
    why.wasConnected = m_socket->wasOpen();
    why.httpStatus = m_socket->handshakeStatus();
    why.closeCode = m_socket->closeCode();
    using Kind = Problem::Kind;
    if (why.httpStatus)
        why.problem = {Kind::UpgradeRefused, {QString::number(why.httpStatus)}};
    else if (!why.wasConnected)
        why.problem = m_socket->problem().isNone() ? Problem{Kind::CouldNotConnect, {}} : m_socket->problem();
    else if (why.closeCode)
        why.problem = {Kind::ClosedByServer, {QString::number(why.closeCode), m_socket->closeReason()}};
    else
        why.problem = m_socket->problem().isNone() ? Problem{Kind::ConnectionLost, {}} : m_socket->problem();

    failAllPending(PushReply::Kind::Closed);
    emit closed(why);
}

} // namespace telephone
