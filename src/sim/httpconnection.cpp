#include "sim/httpconnection.h"

#include "sim/httpresponder.h"
#include "sim/httpserver.h"

#include <QLoggingCategory>
#include <QTcpSocket>

namespace telephone::sim {

Q_LOGGING_CATEGORY(lcHttpConnection, "telephone.sim.httpconnection")

namespace {

constexpr qint64 kMaxChunkLine = 4096;
constexpr qint64 kMaxTrailers = 64 * 1024;

bool isTchar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || u <= 0x20 || u == 0x7f)
        return false;
    return !QByteArrayView("\"(),/:;<=>?@[\\]{}").contains(c);
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTchar(c))
            return false;
    }
    return true;
}

bool isValidTarget(const QByteArray &target)
{
    if (target.isEmpty())
        return false;
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f)
            return false;
    }
    return true;
}

bool parseHead(const QByteArray &head, HttpRequest *request)
{
    // `head` ends with CRLFCRLF; every line must end in CRLF, a bare CR or LF inside one is an error
    // (request smuggling lives in such leniency).
    const QList<QByteArray> lines = head.left(head.size() - 4).split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const bool last = i == lines.size() - 1;
        if (!last && !line.endsWith('\r'))
            return false;
    }
    QList<QByteArray> clean;
    clean.reserve(lines.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (i != lines.size() - 1)
            line.chop(1);
        if (line.contains('\r') || line.contains('\0'))
            return false;
        clean.append(line);
    }

    const QList<QByteArray> parts = clean.first().split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || !isValidTarget(parts.at(1)))
        return false;
    request->method = parts.at(0);
    request->target = parts.at(1);
    request->version = parts.at(2);

    for (qsizetype i = 1; i < clean.size(); ++i) {
        const QByteArray &line = clean.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return false;
        const QByteArray name = line.left(colon);
        if (!isToken(name)) // also refuses obsolete line folding and "name : value"
            return false;
        request->headers.append({name, line.mid(colon + 1).trimmed()});
    }
    return true;
}

bool hasToken(const QList<QByteArray> &values, const char *token)
{
    for (const QByteArray &value : values) {
        for (const QByteArray &part : value.split(',')) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server), m_server(server), m_socket(socket)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::processInput);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isOpen() const
{
    return m_socket && m_state != State::Closed && m_socket->state() == QAbstractSocket::ConnectedState;
}

void HttpConnection::write(const QByteArray &bytes)
{
    if (isOpen())
        m_socket->write(bytes);
}

void HttpConnection::endResponse(bool close)
{
    if (!isOpen())
        return;
    if (close) {
        m_state = State::Closed;
        m_socket->disconnectFromHost(); // graceful: the written bytes are flushed first
        return;
    }
    m_state = State::Head;
    // A synchronous answer from inside the handler returns to the loop in processInput(); an
    // asynchronous one must restart it, or pipelined requests already buffered would wait forever.
    if (!m_processing)
        processInput();
}

void HttpConnection::abort()
{
    m_state = State::Closed;
    if (m_socket)
        m_socket->abort();
}

void HttpConnection::onDisconnected()
{
    m_state = State::Closed;
    deleteLater();
}

void HttpConnection::processInput()
{
    if (m_processing)
        return;
    m_processing = true;
    bool progress = true;
    while (progress && m_socket) {
        switch (m_state) {
        case State::Head: progress = readHead(); break;
        case State::Body: progress = readBody(); break;
        case State::ChunkSize: progress = readChunkSize(); break;
        case State::ChunkData: progress = readChunkData(); break;
        case State::ChunkDataEnd: progress = readChunkDataEnd(); break;
        case State::Trailers: progress = readTrailers(); break;
        case State::Waiting:
        case State::Closed: progress = false; break;
        }
    }
    m_processing = false;
}

bool HttpConnection::readHead()
{
    // Tolerate the stray CRLF some clients send after a body (RFC 9112 section 2.2).
    while (m_socket->bytesAvailable() >= 2 && m_socket->peek(2) == "\r\n")
        m_socket->read(2);
    const qint64 available = m_socket->bytesAvailable();
    if (available == 0)
        return false;

    // Peek rather than read: a WebSocket upgrade must leave the handshake in the socket's buffer for
    // QWebSocketServer, which parses it itself.
    const QByteArray peeked = m_socket->peek(qMin<qint64>(available, HttpServer::kMaxHeaderSize + 4));
    const qsizetype end = peeked.indexOf("\r\n\r\n");
    if (end < 0) {
        if (available > HttpServer::kMaxHeaderSize)
            fail(431, "request head too large");
        return false;
    }
    const qsizetype headSize = end + 4;
    if (headSize > HttpServer::kMaxHeaderSize) {
        fail(431, "request head too large");
        return false;
    }

    m_request = HttpRequest();
    m_request.peer = m_socket->peerAddress();
    const QByteArray head = peeked.left(headSize);
    if (!parseHead(head, &m_request)) {
        fail(400, "malformed request head");
        return false;
    }
    if (m_request.version != "HTTP/1.1" && m_request.version != "HTTP/1.0") {
        fail(505, "unsupported HTTP version");
        return false;
    }

    if (m_server->m_upgradeHandler && hasToken(m_request.headerValues("upgrade"), "websocket")) {
        QTcpSocket *socket = m_socket;
        // The hook may make the socket emit readyRead while we are still connected to it (Qt's
        // QWebSocketServer::handleConnection does); m_processing keeps processInput() out meanwhile.
        if (m_server->m_upgradeHandler(m_request, socket)) {
            // The socket is someone else's now: no signal of it may reach us, and our deletion must
            // not take it along.
            socket->disconnect(this);
            if (socket->parent() == this) {
                qCWarning(lcHttpConnection) << "upgrade hook kept the socket parented to the HTTP connection";
                socket->setParent(nullptr);
            }
            m_socket = nullptr;
            m_state = State::Closed;
            deleteLater();
            return false;
        }
    }

    m_request.rawHead = m_socket->read(headSize);

    const QList<QByteArray> connection = m_request.headerValues("connection");
    m_keepAlive = m_request.version == "HTTP/1.1" ? !hasToken(connection, "close") : hasToken(connection, "keep-alive");

    const QList<QByteArray> transferEncoding = m_request.headerValues("transfer-encoding");
    const QList<QByteArray> contentLength = m_request.headerValues("content-length");
    if (!transferEncoding.isEmpty()) {
        // Both headers at once is the classic smuggling vector: refuse instead of picking one.
        if (!contentLength.isEmpty() || m_request.version != "HTTP/1.1") {
            fail(400, "transfer-encoding with content-length or on HTTP/1.0");
            return false;
        }
        const QList<QByteArray> codings = transferEncoding.join(',').split(',');
        if (codings.size() != 1 || codings.first().trimmed().compare("chunked", Qt::CaseInsensitive) != 0) {
            fail(501, "unsupported transfer-encoding");
            return false;
        }
        m_state = State::ChunkSize;
    } else if (!contentLength.isEmpty()) {
        const QByteArray first = contentLength.first();
        for (const QByteArray &value : contentLength) {
            if (value != first) {
                fail(400, "conflicting content-length");
                return false;
            }
        }
        bool ok = !first.isEmpty() && first.size() <= 18;
        for (char c : first)
            ok = ok && c >= '0' && c <= '9';
        if (!ok) {
            fail(400, "bad content-length");
            return false;
        }
        m_remaining = first.toLongLong();
        if (m_remaining > m_server->m_maxBodySize) {
            fail(413, "body too large");
            return false;
        }
        m_state = m_remaining > 0 ? State::Body : State::Waiting;
    } else {
        m_state = State::Waiting;
    }

    if (m_state != State::Waiting) {
        if (m_request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        if (m_state == State::Body)
            m_request.body.reserve(m_remaining);
        return true;
    }
    dispatch();
    return true;
}

void HttpConnection::appendBody(qint64 n)
{
    // Straight into the body's storage: bodies can be large (benchmarks), a temporary would copy them.
    const qsizetype old = m_request.body.size();
    m_request.body.resize(old + n);
    const qint64 got = m_socket->read(m_request.body.data() + old, n);
    m_request.body.resize(old + qMax<qint64>(got, 0));
    m_remaining -= qMax<qint64>(got, 0);
}

bool HttpConnection::readBody()
{
    const qint64 n = qMin(m_remaining, m_socket->bytesAvailable());
    if (n <= 0)
        return false;
    appendBody(n);
    if (m_remaining == 0) {
        m_state = State::Waiting;
        dispatch();
    }
    return true;
}

bool HttpConnection::readChunkSize()
{
    if (!m_socket->canReadLine()) {
        if (m_socket->bytesAvailable() > kMaxChunkLine)
            fail(400, "chunk size line too long");
        return false;
    }
    QByteArray line = m_socket->readLine(kMaxChunkLine + 1);
    if (!line.endsWith("\r\n")) {
        fail(400, "bad chunk size line");
        return false;
    }
    line.chop(2);
    const qsizetype ext = line.indexOf(';');
    const QByteArray hex = (ext < 0 ? line : line.left(ext)).trimmed();
    bool ok = !hex.isEmpty() && hex.size() <= 15;
    for (char c : hex)
        ok = ok && QByteArrayView("0123456789abcdefABCDEF").contains(c);
    if (!ok) {
        fail(400, "bad chunk size");
        return false;
    }
    const qint64 size = hex.toLongLong(nullptr, 16);
    if (size == 0) {
        m_trailerBytes = 0;
        m_state = State::Trailers;
        return true;
    }
    if (m_request.body.size() + size > m_server->m_maxBodySize) {
        fail(413, "body too large");
        return false;
    }
    m_remaining = size;
    m_state = State::ChunkData;
    return true;
}

bool HttpConnection::readChunkData()
{
    const qint64 n = qMin(m_remaining, m_socket->bytesAvailable());
    if (n <= 0)
        return false;
    appendBody(n);
    if (m_remaining == 0)
        m_state = State::ChunkDataEnd;
    return true;
}

bool HttpConnection::readChunkDataEnd()
{
    if (m_socket->bytesAvailable() < 2)
        return false;
    if (m_socket->read(2) != "\r\n") {
        fail(400, "chunk not followed by CRLF");
        return false;
    }
    m_state = State::ChunkSize;
    return true;
}

bool HttpConnection::readTrailers()
{
    if (!m_socket->canReadLine()) {
        if (m_trailerBytes + m_socket->bytesAvailable() > kMaxTrailers)
            fail(431, "trailers too large");
        return false;
    }
    const QByteArray line = m_socket->readLine(kMaxTrailers);
    m_trailerBytes += line.size();
    if (m_trailerBytes > kMaxTrailers) {
        fail(431, "trailers too large");
        return false;
    }
    if (line == "\r\n") {
        m_state = State::Waiting;
        dispatch();
    }
    // Trailer fields are read and dropped: nothing in this project needs them.
    return true;
}

void HttpConnection::dispatch()
{
    m_state = State::Waiting;
    // Moved out so a handler that answers synchronously (and so lets the next request be parsed)
    // still reads its own request afterwards.
    const HttpRequest request = std::move(m_request);
    m_request = HttpRequest();
    auto *responder = new HttpResponder(this, request.method == "HEAD", m_keepAlive, m_server);
    if (m_server->m_handler)
        m_server->m_handler(request, responder);
    else
        responder->respond(404);
}

void HttpConnection::fail(int status, const char *why)
{
    qCDebug(lcHttpConnection) << "refusing request:" << why;
    if (!isOpen())
        return;
    const QByteArray body = HttpResponder::reasonPhrase(status) + '\n';
    m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + HttpResponder::reasonPhrase(status)
                    + "\r\ncontent-type: text/plain\r\ncontent-length: " + QByteArray::number(body.size())
                    + "\r\nconnection: close\r\n\r\n" + body);
    m_state = State::Closed;
    m_socket->disconnectFromHost();
}

} // namespace telephone::sim
