#include "protocol/phoenixsocket.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTimer>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcSocket, "telephone.protocol.socket")

namespace telephone {

namespace {

const QString PhxReply = QStringLiteral("phx_reply");

// Qt 6.4 has no API for the status of a refused upgrade; it only says it in the error string
// ("Unhandled http status code: 403 (Forbidden)"). Newer Qt adds handshake options but not this.
int handshakeStatusFromError(const QString &errorString)
{
    static const QRegularExpression pattern(QStringLiteral("http status code: (\\d{3})"));
    const QRegularExpressionMatch match = pattern.match(errorString);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

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
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
{
    qRegisterMetaType<telephone::SocketClosed>();
    qRegisterMetaType<telephone::Frame>();
    qRegisterMetaType<telephone::FrameError>();

    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_wasConnected = true;
        emit opened();
    });
    connect(m_socket, &QWebSocket::disconnected, this, &PhoenixSocket::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &PhoenixSocket::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        // Phoenix's V2 JSON serializer only uses binary frames for its binary payload format, which
        // Plugboard never sends; count it like any frame we cannot read.
        m_bytesReceived += data.size();
        emit trafficReceived();
        ++m_malformedFrames;
        emit malformedFrame(FrameError::NotJson);
    });
    connect(m_socket, &QWebSocket::pong, this, [this] { emit trafficReceived(); });
    // QWebSocket::errorOccurred arrived in Qt 6.5; 6.4 has the overloaded error signal.
    connect(m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            &PhoenixSocket::onSocketError);
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
    m_wasConnected = false;
    m_handshakeStatus = 0;
    m_errorText.clear();
    m_nextRef = 1;
    m_attemptActive = true;
    m_socket->open(url);
}

void PhoenixSocket::close(int code, const QString &reason)
{
    m_socket->close(static_cast<QWebSocketProtocol::CloseCode>(code), reason);
}

void PhoenixSocket::abort()
{
    m_socket->abort();
}

bool PhoenixSocket::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
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

void PhoenixSocket::sendEncoded(const QByteArray &frameText)
{
    if (!isOpen()) {
        qCDebug(lcSocket) << "dropping a frame: the socket is not open";
        return;
    }
    // sendTextMessage takes a QString; the frame is UTF-8 JSON, so this conversion is lossless.
    m_bytesSent += m_socket->sendTextMessage(QString::fromUtf8(frameText));
}

void PhoenixSocket::onTextMessage(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    m_bytesReceived += bytes.size();
    emit trafficReceived();

    DecodedFrame decoded = decodeFrame(bytes);
    if (!decoded.frame) {
        ++m_malformedFrames;
        const quint32 bit = 1u << static_cast<unsigned>(decoded.error);
        if (!(m_loggedMalformedKinds & bit)) {
            m_loggedMalformedKinds |= bit;
            qCWarning(lcSocket).noquote() << "ignoring a malformed frame from the server (" << frameErrorName(decoded.error)
                                          << "); further frames of this kind are counted, not logged";
        }
        emit malformedFrame(decoded.error);
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

void PhoenixSocket::onSocketError()
{
    m_errorText = m_socket->errorString();
    if (const int status = handshakeStatusFromError(m_errorText))
        m_handshakeStatus = status;
    qCDebug(lcSocket).noquote() << "socket error:" << m_errorText;
    // Qt does not always follow a failed connect with disconnected(); make sure the owner hears of it.
    if (!m_wasConnected && m_socket->state() == QAbstractSocket::UnconnectedState)
        QMetaObject::invokeMethod(this, &PhoenixSocket::onDisconnected, Qt::QueuedConnection);
}

void PhoenixSocket::onDisconnected()
{
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        return;
    // Qt may report one loss twice (error, then disconnected); the owner hears of it once.
    if (!m_attemptActive)
        return;
    m_attemptActive = false;
    SocketClosed why;
    why.wasConnected = m_wasConnected;
    why.httpStatus = m_handshakeStatus;
    why.closeCode = m_wasConnected ? int(m_socket->closeCode()) : 0;
    if (m_handshakeStatus)
        why.reason = QStringLiteral("the server refused the connection (HTTP %1)").arg(m_handshakeStatus);
    else if (!m_wasConnected)
        why.reason = m_errorText.isEmpty() ? QStringLiteral("could not connect") : m_errorText;
    else if (!m_socket->closeReason().isEmpty())
        why.reason = QStringLiteral("closed by the server: %1 (code %2)").arg(m_socket->closeReason()).arg(why.closeCode);
    else
        why.reason = QStringLiteral("connection closed (code %1)").arg(why.closeCode);

    m_wasConnected = false;
    m_handshakeStatus = 0;
    m_errorText.clear();
    failAllPending(PushReply::Kind::Closed);
    emit closed(why);
}

} // namespace telephone
