#include "protocol/websocketclient.h"

#include "protocol/websockethandshake.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

#include <utility>

Q_LOGGING_CATEGORY(lcWebSocket, "telephone.protocol.websocket")

namespace telephone {

namespace {

constexpr qint64 MaxHandshakeBytes = 16 * 1024;

} // namespace

WebSocketClient::WebSocketClient(QObject *parent)
    : QObject(parent)
    , m_handshakeTimer(new QTimer(this))
    , m_closeTimer(new QTimer(this))
    , m_stallTimer(new QTimer(this))
{
    m_stallTimer->setSingleShot(true);
    m_stallTimer->setInterval(DefaultStallTimeoutMs);
    connect(m_stallTimer, &QTimer::timeout, this, [this] {
        fail({Problem::Kind::WriteStalled,
              {QString::number(m_stallTimer->interval() / 1000.0),
               QString::number(m_socket ? m_socket->bytesToWrite() : 0)}});
    });
    m_closeTimer->setSingleShot(true);
    m_closeTimer->setInterval(5000);
    connect(m_closeTimer, &QTimer::timeout, this, [this] {
        fail({Problem::Kind::CloseUnanswered, {QString::number(m_closeTimer->interval() / 1000.0)}});
    });
    m_handshakeTimer->setSingleShot(true);
    connect(m_handshakeTimer, &QTimer::timeout, this, [this] {
        fail({Problem::Kind::UpgradeTimeout, {QString::number(m_handshakeTimeoutMs / 1000.0)}});
    });
}

WebSocketClient::~WebSocketClient()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

qint64 WebSocketClient::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void WebSocketClient::setStallTimeout(int ms)
{
    m_stallTimer->setInterval(ms);
}

void WebSocketClient::setMaxMessageSize(qint64 bytes)
{
    m_maxMessageSize = bytes;
}

void WebSocketClient::open(const QUrl &url)
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_url = url;
    m_state = State::Connecting;
    m_buffer.clear();
    m_queue.clear();
    m_reader = websocket::FrameReader(m_maxMessageSize);
    m_handshakeStatus = 0;
    m_closeCode = 0;
    m_closeReason.clear();
    m_problem = {};
    m_wasOpen = false;
    m_closeSent = false;
    m_pendingPong.reset();
    m_stallTimer->stop();

    const bool tls = url.scheme() == QLatin1String("wss");
    m_socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &WebSocketClient::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &WebSocketClient::onTransportDisconnected);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &WebSocketClient::onTransportError);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &WebSocketClient::onBytesWritten);
    m_handshakeTimer->start(m_handshakeTimeoutMs);
    const quint16 port = quint16(url.port(tls ? 443 : 80));
    if (tls) {
        auto *ssl = static_cast<QSslSocket *>(m_socket);
        connect(ssl, &QSslSocket::encrypted, this, &WebSocketClient::onTransportConnected);
        ssl->connectToHostEncrypted(url.host(), port);
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &WebSocketClient::onTransportConnected);
        m_socket->connectToHost(url.host(), port);
    }
}

void WebSocketClient::onTransportConnected()
{
    m_state = State::Handshaking;
    m_key = websocket::newHandshakeKey();
    const bool tls = m_url.scheme() == QLatin1String("wss");
    QByteArray host = m_url.host(QUrl::FullyEncoded).toUtf8();
    if (host.contains(':'))
        host = '[' + host + ']';
    if (m_url.port() != -1 && m_url.port() != (tls ? 443 : 80))
        host += ':' + QByteArray::number(m_url.port());
    QByteArray target = m_url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (m_url.hasQuery())
        target += '?' + m_url.query(QUrl::FullyEncoded).toUtf8();
    const QByteArray request = websocket::upgradeRequestHead(target, host, m_key)
        + "User-Agent: telephone/" TELEPHONE_VERSION "\r\n\r\n";
    m_socket->write(request);
}

void WebSocketClient::onReadyRead()
{
    m_buffer += m_socket->readAll();
    if (m_state == State::Handshaking && !readHandshake())
        return;
    if (m_state == State::Open || m_state == State::Closing)
        readFrames();
}

bool WebSocketClient::readHandshake()
{
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > MaxHandshakeBytes)
            fail({Problem::Kind::UpgradeTooLarge, {QString::number(MaxHandshakeBytes)}});
        return false;
    }
    const websocket::HandshakeReply reply = websocket::parseHandshakeReply(m_buffer.left(end), m_key);
    m_buffer.remove(0, end + 4);
    const int status = reply.status;
    if (status != 101) {
        m_handshakeStatus = status;
        fail(status ? Problem{Problem::Kind::UpgradeRefused, {QString::number(status)}}
                    : Problem{Problem::Kind::UpgradeNotHttp, {}});
        return false;
    }
    if (!reply.valid) {
        fail({Problem::Kind::UpgradeInvalid, {}});
        return false;
    }
    m_handshakeTimer->stop();
    m_state = State::Open;
    m_wasOpen = true;
    emit connected();
    pump();
    return m_state == State::Open;
}

void WebSocketClient::readFrames()
{
    qint64 offset = 0;
    while (m_socket && offset < m_buffer.size()) {
        websocket::FrameReader::Event event = m_reader.next(m_buffer.constData(), m_buffer.size(), &offset);
        using Kind = websocket::FrameReader::Event::Kind;
        if (event.kind == Kind::None)
            break;
        emit frameReceived();
        switch (event.kind) {
        case Kind::Message:
            if (event.binary)
                emit binaryMessageReceived(event.payload);
            else
                emit textMessageReceived(event.payload);
            break;
        case Kind::Ping:
            // Only the latest ping needs an answer (RFC 6455 5.5.3); pump() sends it when there is room.
            m_pendingPong = event.payload;
            pump();
            break;
        case Kind::Pong:
        case Kind::None:
            break;
        case Kind::Close:
            m_closeCode = event.closeCode;
            m_closeReason = QString::fromUtf8(event.payload);
            if (!m_closeSent) { // echo it, then the server closes the TCP connection
                QByteArray payload(2, Qt::Uninitialized);
                qToBigEndian(quint16(event.closeCode == 1005 ? 1000 : event.closeCode), payload.data());
                writeControl(websocket::Close, payload);
                m_closeSent = true;
            }
            // The server closes the TCP connection next; one that never does must not keep us
            // "connected" until the heartbeat gives up.
            if (m_state != State::Closing)
                m_closeTimer->start();
            m_state = State::Closing;
            break;
        case Kind::Error: {
            QByteArray payload(2, Qt::Uninitialized);
            qToBigEndian(quint16(event.closeCode), payload.data());
            writeControl(websocket::Close, payload);
            fail({Problem::Kind::ProtocolViolation, {QString::fromUtf8(event.payload)}});
            return;
        }
        }
        // A handler may have aborted or reopened the connection: stop reading this buffer.
        if (m_state != State::Open && m_state != State::Closing)
            return;
    }
    m_buffer.remove(0, offset);
}

void WebSocketClient::writeControl(websocket::Opcode opcode, const QByteArray &payload)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray frame;
    websocket::appendClientFrame(&frame, opcode, true, payload.constData(), payload.size(),
                                 QRandomGenerator::global()->generate());
    m_bytesWritten += m_socket->write(frame);
    watchForStall();
}

void WebSocketClient::onBytesWritten()
{
    // Progress: the server is reading. Wait the full stall time again from here.
    if (m_socket && m_socket->bytesToWrite() > 0)
        m_stallTimer->start();
    else
        m_stallTimer->stop();
    pump();
}

void WebSocketClient::watchForStall()
{
    if (m_socket && m_socket->bytesToWrite() > 0 && !m_stallTimer->isActive())
        m_stallTimer->start();
}

void WebSocketClient::sendText(QByteArray utf8)
{
    sendText(std::make_unique<BufferSource>(std::move(utf8)));
}

void WebSocketClient::sendText(std::unique_ptr<MessageSource> source)
{
    if (m_state != State::Open)
        return; // like QWebSocket: nothing is queued on a socket that is not open
    Outgoing outgoing;
    outgoing.source = std::move(source);
    m_queue.push_back(std::move(outgoing));
    pump();
}

void WebSocketClient::close(int code, const QString &reason)
{
    if (m_state != State::Open) {
        if (m_state == State::Connecting || m_state == State::Handshaking)
            abort();
        return;
    }
    Outgoing outgoing;
    outgoing.closeFrame = true;
    outgoing.closePayload.resize(2);
    qToBigEndian(quint16(code), outgoing.closePayload.data());
    outgoing.closePayload += reason.toUtf8().left(123);
    m_queue.push_back(std::move(outgoing));
    pump();
}

void WebSocketClient::pump()
{
    // Fragments go out only while the socket's buffer has room, so a large message is never
    // copied whole into it; other messages wait their turn (a message's fragments are contiguous).
    // A pong goes first, between fragments, but also only when there is room.
    if (m_pendingPong && m_socket && (m_state == State::Open || m_state == State::Closing)
        && m_socket->bytesToWrite() < HighWater) {
        const QByteArray payload = *std::exchange(m_pendingPong, std::nullopt);
        writeControl(websocket::Pong, payload);
    }
    while (m_socket && (m_state == State::Open) && !m_queue.empty() && m_socket->bytesToWrite() < HighWater) {
        Outgoing &front = m_queue.front();
        if (front.closeFrame) {
            writeControl(websocket::Close, front.closePayload);
            m_closeSent = true;
            m_closeTimer->start();
            m_state = State::Closing;
            m_queue.pop_front();
            return;
        }
        if (!front.started && front.source->withdrawn()) {
            m_queue.pop_front();
            continue;
        }
        QByteArray piece = front.source->next(FragmentSize);
        const bool fin = front.source->atEnd();
        QByteArray frame;
        frame.reserve(piece.size() + 14);
        websocket::appendClientFrame(&frame, front.started ? websocket::Continuation : websocket::Text, fin,
                                     piece.constData(), piece.size(), QRandomGenerator::global()->generate());
        front.started = true;
        m_bytesWritten += m_socket->write(frame);
        watchForStall();
        if (fin)
            m_queue.pop_front();
    }
}

void WebSocketClient::abort()
{
    if (!m_socket)
        return;
    if (m_problem.isNone() && m_state != State::Closing)
        m_problem = {Problem::Kind::DroppedByTelephone, {}};
    m_socket->abort();
    // abort() emits disconnected() only if the socket was connected; finish in every case.
    finish();
}

void WebSocketClient::fail(const Problem &problem)
{
    if (m_problem.isNone())
        m_problem = problem;
    qCDebug(lcWebSocket).noquote() << problem.englishText();
    if (m_socket)
        m_socket->abort();
    finish();
}

void WebSocketClient::onTransportError()
{
    if (m_socket->error() == QAbstractSocket::RemoteHostClosedError) {
        onTransportDisconnected();
        return;
    }
    fail(transportProblem());
}

Problem WebSocketClient::transportProblem() const
{
    // Qt's own words are translated where it runs (the engine's thread, into the UI's language):
    // the common cases get codes of their own, so that the log stays English.
    using Kind = Problem::Kind;
    switch (m_socket->error()) {
    case QAbstractSocket::ConnectionRefusedError:
        return {Kind::ConnectionRefused,
                {m_url.host(), QString::number(m_url.port(m_url.scheme() == QLatin1String("wss") ? 443 : 80))}};
    case QAbstractSocket::HostNotFoundError: return {Kind::HostNotFound, {m_url.host()}};
    case QAbstractSocket::SocketTimeoutError: return {Kind::NetworkTimeout, {}};
    case QAbstractSocket::NetworkError: return {Kind::NetworkUnreachable, {}};
    case QAbstractSocket::SslHandshakeFailedError:
        for (const QSslError &error : static_cast<QSslSocket *>(m_socket)->sslHandshakeErrors()) {
            switch (error.error()) {
            case QSslError::SelfSignedCertificate:
            case QSslError::SelfSignedCertificateInChain:
            case QSslError::UnableToGetLocalIssuerCertificate:
            case QSslError::UnableToVerifyFirstCertificate:
            case QSslError::CertificateUntrusted: return {Kind::CertificateUntrusted, {m_url.host()}};
            case QSslError::CertificateExpired: return {Kind::CertificateExpired, {m_url.host()}};
            case QSslError::HostNameMismatch: return {Kind::CertificateWrongHost, {m_url.host()}};
            default: break;
            }
        }
        return {Kind::TlsFailed, {m_socket->errorString()}};
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError: return {Kind::TlsFailed, {m_socket->errorString()}};
    default: break;
    }
    return {Kind::NetworkError, {m_socket->errorString()}};
}

void WebSocketClient::onTransportDisconnected()
{
    if (m_socket && m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (m_state == State::Open && m_closeCode == 0 && m_problem.isNone())
        m_problem = {Problem::Kind::NoCloseFrame, {}};
    finish();
}

void WebSocketClient::finish()
{
    if (m_state == State::Closed)
        return; // one disconnected() per open()
    m_state = State::Closed;
    m_handshakeTimer->stop();
    m_closeTimer->stop();
    m_stallTimer->stop();
    m_pendingPong.reset();
    m_queue.clear();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    emit disconnected();
}

} // namespace telephone
