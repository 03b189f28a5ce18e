#include "proxy/backendwebsocket.h"

#include "base/utf8.h"
#include "protocol/socketproblem.h"
#include "protocol/websockethandshake.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

#include <utility>

Q_LOGGING_CATEGORY(lcBackendWs, "telephone.proxy.backendwebsocket")

namespace telephone {

namespace {

constexpr qint64 MaxHandshakeBytes = 16 * 1024;
constexpr int CloseAnswerTimeoutMs = 5000;

websocket::Opcode wireOpcode(WsOpcode opcode)
{
    switch (opcode) {
    case WsOpcode::Text:
        return websocket::Text;
    case WsOpcode::Binary:
        return websocket::Binary;
    case WsOpcode::Ping:
        return websocket::Ping;
    case WsOpcode::Pong:
        return websocket::Pong;
    }
    return websocket::Binary;
}

} // namespace

BackendWebSocket::BackendWebSocket(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_state == State::Closing)
            finishClosed(m_closeCode, m_closeReason, m_closeProblem);
        else
            finishFailed({Problem::Kind::BackendWsUpgradeTimeout, {QString::number(m_timer->interval() / 1000.0)}});
    });
}

BackendWebSocket::~BackendWebSocket()
{
    abort();
}

void BackendWebSocket::open(const BackendUpgrade &upgrade, int handshakeTimeoutMs)
{
    Q_ASSERT(m_state == State::Idle);
    m_upgrade = upgrade;
    m_state = State::Connecting;
    const bool tls = upgrade.backend.scheme() == QLatin1String("https") || upgrade.backend.scheme() == QLatin1String("wss");
    m_socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->setReadBufferSize(ReadChunk);
    connect(m_socket, &QTcpSocket::readyRead, this, &BackendWebSocket::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &BackendWebSocket::onDisconnected);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            onDisconnected();
        else if (m_state == State::Connecting || m_state == State::Handshaking)
            finishFailed(Problem::withCause(Problem::Kind::BackendWsUnreachable, {},
                                            socketProblem(error, m_socket->errorString())));
        else
            finishClosed(1006, {}, Problem::withCause(Problem::Kind::BackendWsLost, {},
                                                      socketProblem(error, m_socket->errorString())));
    });
    m_timer->start(handshakeTimeoutMs);
    const quint16 port = quint16(upgrade.backend.port(tls ? 443 : 80));
    if (tls) {
        auto *ssl = static_cast<QSslSocket *>(m_socket);
        connect(ssl, &QSslSocket::encrypted, this, &BackendWebSocket::onConnected);
        ssl->connectToHostEncrypted(upgrade.backend.host(), port);
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &BackendWebSocket::onConnected);
        m_socket->connectToHost(upgrade.backend.host(), port);
    }
}

void BackendWebSocket::onConnected()
{
    if (m_state != State::Connecting)
        return;
    m_state = State::Handshaking;
    m_key = websocket::newHandshakeKey();
    QByteArray request = websocket::upgradeRequestHead(m_upgrade.target, m_upgrade.host, m_key);
    for (const auto &[name, value] : std::as_const(m_upgrade.headers))
        request += name + ": " + value + "\r\n";
    request += "\r\n";
    m_socket->write(request);
}

void BackendWebSocket::onReadyRead()
{
    if (m_readPaused)
        return; // left in the socket's bounded buffer: once full, Qt stops reading the kernel
    m_buffer += m_socket->readAll();
    if (m_state == State::Handshaking && !readHandshake())
        return;
    if (m_state == State::Open || m_state == State::Closing)
        readFrames();
}

bool BackendWebSocket::readHandshake()
{
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > MaxHandshakeBytes)
            finishFailed({Problem::Kind::BackendWsUpgradeTooLarge, {QString::number(MaxHandshakeBytes)}});
        return false;
    }
    const websocket::HandshakeReply reply = websocket::parseHandshakeReply(m_buffer.left(end), m_key);
    m_buffer.remove(0, end + 4);
    if (reply.status != 101) {
        // The status text is the backend's: printable ASCII only, bounded.
        QByteArray statusText = reply.statusLine.mid(9, 120);
        for (char &c : statusText) {
            if (c < 0x20 || c > 0x7e)
                c = '?';
        }
        finishFailed(reply.status ? Problem(Problem::Kind::BackendWsUpgradeRefused, {QString::fromLatin1(statusText)})
                                  : Problem(Problem::Kind::BackendWsUpgradeNotHttp));
        return false;
    }
    if (!reply.valid) {
        finishFailed({Problem::Kind::BackendWsUpgradeInvalid});
        return false;
    }
    // We offered no extension: frames must reach the browser as the backend wrote them.
    if (!reply.extensions.isEmpty()) {
        finishFailed({Problem::Kind::BackendWsExtension});
        return false;
    }
    m_protocol = reply.protocol;
    m_timer->stop();
    m_state = State::Open;
    emit upgraded();
    return m_state == State::Open;
}

void BackendWebSocket::readFrames()
{
    qint64 offset = 0;
    const QPointer<BackendWebSocket> self(this);
    while (self && m_socket && !m_readPaused && offset < m_buffer.size()) {
        websocket::FrameReader::Event event = m_reader.next(m_buffer.constData(), m_buffer.size(), &offset);
        using Kind = websocket::FrameReader::Event::Kind;
        switch (event.kind) {
        case Kind::None:
            m_buffer.remove(0, offset);
            return;
        case Kind::Message:
            emit messageReceived(event.binary ? WsOpcode::Binary : WsOpcode::Text, event.payload);
            break;
        case Kind::Ping:
            emit messageReceived(WsOpcode::Ping, event.payload);
            break;
        case Kind::Pong:
            emit messageReceived(WsOpcode::Pong, event.payload);
            break;
        case Kind::Close: {
            if (m_state == State::Open) { // echo it; the backend then closes the TCP connection
                QByteArray payload(2, Qt::Uninitialized);
                qToBigEndian(quint16(event.closeCode == 1005 ? 1000 : event.closeCode), payload.data());
                writeFrame(websocket::Close, payload);
            }
            finishClosed(event.closeCode, QString::fromUtf8(event.payload));
            return;
        }
        case Kind::Error: {
            QByteArray payload(2, Qt::Uninitialized);
            qToBigEndian(quint16(event.closeCode), payload.data());
            writeFrame(websocket::Close, payload + utf8Prefix(event.payload, 123));
            finishClosed(event.closeCode, {},
                         event.closeCode == 1009
                             ? Problem(Problem::Kind::BackendWsMessageTooLarge, {QString::number(MaxMessageSize)})
                             : Problem(Problem::Kind::BackendWsBrokeProtocol, {QString::fromUtf8(event.payload)}));
            return;
        }
        }
    }
    if (self && m_socket)
        m_buffer.remove(0, offset);
}

void BackendWebSocket::writeFrame(websocket::Opcode opcode, const QByteArray &payload)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray frame;
    frame.reserve(payload.size() + 14);
    websocket::appendClientFrame(&frame, opcode, true, payload.constData(), payload.size(),
                                 QRandomGenerator::global()->generate());
    m_socket->write(frame);
    if (opcode == websocket::Close)
        m_socket->flush(); // out before a possible abort()
}

void BackendWebSocket::send(WsOpcode opcode, const QByteArray &data)
{
    if (m_state != State::Open)
        return;
    if (m_socket->bytesToWrite() + data.size() > m_maxQueuedBytes) {
        emit overflowed(m_socket->bytesToWrite() + data.size());
        return;
    }
    writeFrame(wireOpcode(opcode), data);
}

void BackendWebSocket::setReadPaused(bool paused)
{
    if (m_readPaused == paused)
        return;
    m_readPaused = paused;
    if (paused)
        return;
    // Not now: the caller may be inside a send loop that our messages would re-enter.
    QMetaObject::invokeMethod(this, [this] {
        if (m_readPaused || !m_socket)
            return;
        onReadyRead();
        if (m_disconnectPending && !m_readPaused)
            onDisconnected();
    }, Qt::QueuedConnection);
}

void BackendWebSocket::close(int code, const QString &reason)
{
    setReadPaused(false); // the backend's close answer must be read, behind what it sent before
    if (m_state == State::Connecting || m_state == State::Handshaking) {
        abort();
        return;
    }
    if (m_state != State::Open)
        return;
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(quint16(code), payload.data());
    payload += utf8Prefix(reason.toUtf8(), 123); // a close reason is valid UTF-8 of 123 bytes at most
    writeFrame(websocket::Close, payload);
    m_state = State::Closing;
    m_closeCode = code;
    m_closeReason = reason;
    m_timer->start(CloseAnswerTimeoutMs);
}

void BackendWebSocket::close(int code, const Problem &problem)
{
    close(code, problem.englishText());
    m_closeProblem = problem;
}

void BackendWebSocket::abort()
{
    m_state = State::Done;
    m_timer->stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void BackendWebSocket::onDisconnected()
{
    if (m_socket && m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (m_readPaused && m_state == State::Open) {
        m_disconnectPending = true; // its last messages (and close frame) still wait to be read
        return;
    }
    if (m_state == State::Connecting || m_state == State::Handshaking)
        finishFailed({Problem::Kind::BackendWsClosedInUpgrade});
    else if (m_state == State::Open)
        finishClosed(1006, {}, {Problem::Kind::BackendWsNoCloseFrame});
    else if (m_state == State::Closing)
        finishClosed(m_closeCode, m_closeReason, m_closeProblem);
}

void BackendWebSocket::finishFailed(const Problem &problem)
{
    if (m_state == State::Done)
        return;
    qCDebug(lcBackendWs).noquote() << problem.englishText();
    abort();
    emit failed(problem);
}

void BackendWebSocket::finishClosed(int code, const QString &backendReason, const Problem &problem)
{
    // Telephone's own reason goes out in English (ws_closed, the log); the backend's words as they are.
    const QString reason = problem.isNone() ? backendReason : problem.englishText();
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    m_timer->stop();
    if (m_socket) {
        // Let a close frame we just wrote reach the backend: a graceful disconnect that outlives
        // this object, bounded in case the backend never reads it.
        QTcpSocket *socket = std::exchange(m_socket, nullptr);
        socket->disconnect(this);
        socket->setParent(nullptr);
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(CloseAnswerTimeoutMs, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
    }
    emit closed(code, reason, problem);
}

} // namespace telephone
