#include "ops/opsserver.h"

#include "ops/opsreport.h"
#include "ops/prometheustext.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <QWebSocket>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#endif

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <algorithm>

Q_LOGGING_CATEGORY(lcOps, "telephone.ops.server")

namespace telephone {

namespace {

using Status = QHttpServerResponder::StatusCode;

struct Reply {
    Status status = Status::Ok;
    QByteArray contentType;
    QByteArray body;
};

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

Reply errorReply(Status status, const QString &message)
{
    return {status, "application/json", jsonBody(QJsonObject{{QStringLiteral("error"), message}})};
}

// The one place where Qt versions differ: how a responder takes headers. Up to 6.7 it writes them
// one by one (writeStatusLine/writeHeader/writeBody, gone in 6.8); from 6.8 it takes a QHttpHeaders
// (new in 6.7) and adds Content-Length itself. See docs/ARCHITECTURE.md.
void writeReply(QHttpServerResponder &responder, const Reply &reply, bool head)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    QHttpHeaders headers;
    headers.append(QHttpHeaders::WellKnownHeader::ContentType, reply.contentType);
    headers.append(QHttpHeaders::WellKnownHeader::CacheControl, "no-store");
    if (reply.status == Status::MethodNotAllowed)
        headers.append(QHttpHeaders::WellKnownHeader::Allow, "GET, HEAD");
    // 6.8 always sends the length of what is written: a HEAD answer says Content-Length: 0 there.
    responder.write(head ? QByteArray() : reply.body, headers, reply.status);
#else
    responder.writeStatusLine(reply.status);
    responder.writeHeader("Content-Type", reply.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    if (reply.status == Status::MethodNotAllowed)
        responder.writeHeader("Allow", "GET, HEAD");
    // HEAD: the same headers as GET, including the length the body would have, and no body.
    responder.writeBody(head ? QByteArray() : reply.body);
#endif
}

} // namespace

OpsListener::OpsListener(QObject *parent)
    : QTcpServer(parent)
{
    m_resumeTimer.setSingleShot(true);
    connect(&m_resumeTimer, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
        else
            resumeAccepting();
    });
    // Where accepting is QTcpServer's (not Unix): it pauses itself and says so on errors it
    // considers lasting; start again after a moment.
    connect(this, &QTcpServer::acceptError, this, [this] { pauseAfterAcceptFailure(errorString()); });
}

bool OpsListener::listenBounded(const QHostAddress &address, quint16 port)
{
    if (!listen(address, port))
        return false;
#ifdef Q_OS_UNIX
    pauseAccepting(); // QTcpServer's notifier off for good: ours below accepts on the same socket
    m_notifier = new QSocketNotifier(socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &OpsListener::acceptAll);
#endif
    return true;
}

void OpsListener::acceptAll()
{
#ifdef Q_OS_UNIX
    for (;;) {
        const int fd = ::accept(int(socketDescriptor()), nullptr, nullptr);
        if (fd >= 0) {
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
            incomingConnection(fd);
            continue;
        }
        switch (errno) {
        case EINTR:
        case ECONNABORTED: // the caller gave up before we accepted: take the next one
            continue;
        case EMFILE:
        case ENFILE:
        case ENOBUFS:
        case ENOMEM:
            pauseAfterAcceptFailure(QString::fromLocal8Bit(strerror(errno)));
            return;
        default: // EAGAIN: nothing more waiting
            return;
        }
    }
#endif
}

int OpsListener::maxConnectionsForFileLimit()
{
#ifdef Q_OS_UNIX
    struct rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        return int(std::clamp<rlim_t>(limit.rlim_cur / 8, 2, DefaultMaxConnections));
#endif
    return DefaultMaxConnections;
}

void OpsListener::incomingConnection(qintptr descriptor)
{
    m_acceptFailing = false;
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (int(m_connections.size()) >= m_maxConnections) {
        // The endpoints answer in milliseconds, so this many open connections are idle ones, held
        // by a scraper's keep-alive or on purpose: the oldest makes room for the newest, so that
        // the endpoints keep answering and never hold more file descriptors than this.
        if (m_evicted++ == 0)
            qCWarning(lcOps).noquote() << "more than" << m_maxConnections
                                       << "connections to the ops endpoints at once; closing the oldest ones";
        QPointer<QTcpSocket> oldest = m_connections.takeFirst();
        if (oldest)
            oldest->abort();
    }
    m_connections.append(socket);
    auto *idle = new QTimer(socket);
    idle->setSingleShot(true);
    connect(idle, &QTimer::timeout, socket, &QTcpSocket::abort);
    connect(socket, &QTcpSocket::readyRead, idle, qOverload<>(&QTimer::start));
    connect(socket, &QTcpSocket::bytesWritten, idle, qOverload<>(&QTimer::start));
    connect(socket, &QTcpSocket::disconnected, this, [this, socket, idle] {
        idle->stop();
        m_connections.removeAll(socket);
    });
    idle->start(m_idleTimeout);
    addPendingConnection(socket);
}

void OpsListener::pauseAfterAcceptFailure(const QString &why)
{
    // Typically out of file descriptors (EMFILE). Retrying at once would fail at once, forever:
    // wait a moment; idle connections get closed meanwhile.
    if (!m_acceptFailing) // once until a connection is accepted again, not once a second
        qCWarning(lcOps).noquote() << "the ops endpoints cannot accept connections (" + why + "); trying again every"
                                   << AcceptPause.count() << "ms";
    m_acceptFailing = true;
    if (m_notifier)
        m_notifier->setEnabled(false);
    else
        pauseAccepting();
    m_resumeTimer.start(AcceptPause);
}

std::optional<OpsServer::Address> OpsServer::parseAddress(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    QString hostText;
    QString portText = trimmed;
    const int colon = trimmed.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0) {
        hostText = trimmed.left(colon);
        portText = trimmed.mid(colon + 1);
        if (hostText.startsWith(QLatin1Char('[')) && hostText.endsWith(QLatin1Char(']')))
            hostText = hostText.mid(1, hostText.size() - 2);
    }
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535) {
        *error = QStringLiteral("'%1' is not HOST:PORT or a port number").arg(trimmed);
        return std::nullopt;
    }
    Address address;
    address.port = quint16(port);
    // Loopback unless a host is named: the endpoints tell anyone who can reach them about the tunnel.
    if (hostText.isEmpty() || hostText.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        address.host = QHostAddress(QHostAddress::LocalHost);
    else if (!address.host.setAddress(hostText)) {
        *error = QStringLiteral("'%1' is not an IP address (give 127.0.0.1, 0.0.0.0, ::1 or another address, "
                                "not a host name)")
                     .arg(hostText);
        return std::nullopt;
    }
    return address;
}

OpsServer::OpsServer(OpsReport *report, QObject *parent)
    : QObject(parent)
    , m_report(report)
{
    // One route for every path and method, so that this class alone decides 404 and 405 and their
    // bodies: QUrl's converter (".*") makes "/<arg>" match any path. route(pattern, handler) with a
    // (captures, request, QHttpServerResponder &&) handler reads the same in Qt 6.4 and 6.8, unlike
    // overriding QAbstractHttpServer or setMissingHandler/afterRequest (changed or gone by 6.8).
    m_http.route(QStringLiteral("/<arg>"),
                 [this](const QUrl &, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     answer(request, responder);
                 });
    // Depending on how Qt HttpServer was built, it may take WebSocket upgrade requests over by
    // itself and queue the sockets for us (Debian's 6.4.2 answers them as plain GETs). Nothing here
    // speaks WebSocket, so any such socket is closed at once, never left to pile up.
    connect(&m_http, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (m_http.hasPendingWebSocketConnections()) {
            std::unique_ptr<QWebSocket> socket = m_http.nextPendingWebSocketConnection();
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("not a WebSocket endpoint"));
        }
    });
}

bool OpsServer::listen(const QString &addressText, QString *error)
{
    const auto address = parseAddress(addressText, error);
    if (!address)
        return false;
    // Our own QTcpServer instead of QAbstractHttpServer::listen(), which only says "0" on failure:
    // the user needs to hear why (address in use, not an address of this machine).
    auto *tcp = new OpsListener(this);
    if (!tcp->listenBounded(address->host, address->port)) {
        *error = QStringLiteral("could not listen on %1:%2: %3")
                     .arg(address->host.toString())
                     .arg(address->port)
                     .arg(tcp->errorString());
        delete tcp;
        return false;
    }
    m_http.bind(tcp); // returns void in 6.4, bool in 6.8: tcp is already listening, nothing to check
    m_tcpServer = tcp;
    qCInfo(lcOps).noquote() << "serving /live, /ready, /health and /metrics on" << baseUrl();
    return true;
}

QHostAddress OpsServer::serverAddress() const
{
    return m_tcpServer ? m_tcpServer->serverAddress() : QHostAddress();
}

quint16 OpsServer::serverPort() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

QString OpsServer::baseUrl() const
{
    const QHostAddress host = serverAddress();
    const QString hostText =
        host.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + host.toString() + QLatin1Char(']') : host.toString();
    return QStringLiteral("http://%1:%2").arg(hostText).arg(serverPort());
}

void OpsServer::answer(const QHttpServerRequest &request, QHttpServerResponder &responder) const
{
    const bool head = request.method() == QHttpServerRequest::Method::Head;
    const QString path = request.url().path();
    Reply reply;
    if (request.method() != QHttpServerRequest::Method::Get && !head) {
        reply = errorReply(Status::MethodNotAllowed, QStringLiteral("only GET and HEAD"));
    } else if (path == QLatin1String("/live")) {
        reply = {Status::Ok, "application/json", jsonBody(QJsonObject{{QStringLiteral("live"), true}})};
    } else if (path == QLatin1String("/ready")) {
        const OpsReport::Readiness readiness = m_report->readiness();
        reply = {readiness.ready ? Status::Ok : Status::ServiceUnavailable, "application/json",
                 jsonBody(readiness.document)};
    } else if (path == QLatin1String("/health")) {
        reply = {Status::Ok, "application/json", jsonBody(m_report->health())};
    } else if (path == QLatin1String("/metrics")) {
        reply = {Status::Ok, PrometheusText::ContentType, m_report->metrics()};
    } else {
        reply = errorReply(Status::NotFound, QStringLiteral("not found; try /live, /ready, /health or /metrics"));
    }
    qCDebug(lcOps).noquote() << request.method() << path << int(reply.status);
    writeReply(responder, reply, head);
}

} // namespace telephone
