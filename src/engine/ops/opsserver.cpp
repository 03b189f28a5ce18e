#include "ops/opsserver.h"

#include "ops/opsreport.h"
#include "ops/prometheustext.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

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

} // namespace

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
    : QAbstractHttpServer(parent)
    , m_report(report)
{
    // Depending on how Qt HttpServer was built, QAbstractHttpServer may take WebSocket upgrade
    // requests over by itself and queue the sockets for us (Debian's 6.4.2 answers them as plain
    // GETs). Nothing here speaks WebSocket, so any such socket is closed at once, never left to pile up.
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (hasPendingWebSocketConnections()) {
            std::unique_ptr<QWebSocket> socket = nextPendingWebSocketConnection();
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
    auto *tcp = new QTcpServer(this);
    if (!tcp->listen(address->host, address->port)) {
        *error = QStringLiteral("could not listen on %1:%2: %3")
                     .arg(address->host.toString())
                     .arg(address->port)
                     .arg(tcp->errorString());
        delete tcp;
        return false;
    }
    bind(tcp);
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

bool OpsServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
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

    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(reply.status);
    responder.writeHeader("Content-Type", reply.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    if (reply.status == Status::MethodNotAllowed)
        responder.writeHeader("Allow", "GET, HEAD");
    // HEAD: the same headers as GET, including the length the body would have, and no body.
    responder.writeBody(head ? QByteArray() : reply.body);
    return true;
}

void OpsServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Not reached (handleRequest answers everything); required by QAbstractHttpServer.
    makeResponder(request, socket).write(Status::NotFound);
}

} // namespace telephone
