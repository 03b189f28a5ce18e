#include "sim/echobackend.h"

#include "sim/httpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QStringDecoder>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

namespace telephone::sim {

Q_LOGGING_CATEGORY(lcEchoBackend, "telephone.sim.echobackend")

EchoBackend::EchoBackend(QObject *parent)
    : QObject(parent)
    , m_server(new HttpServer(this))
    , m_wsServer(new QWebSocketServer(QStringLiteral("telephone-demo-echo"), QWebSocketServer::NonSecureMode, this))
{
    m_server->setHandler([this](const HttpRequest &request, HttpResponder *responder) { handle(request, responder); });
    m_server->setUpgradeHandler([this](const HttpRequest &, QTcpSocket *socket) {
        socket->setParent(m_wsServer);
        m_wsServer->handleConnection(socket);
        return true;
    });
    connect(m_wsServer, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *socket = m_wsServer->nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QWebSocket::textMessageReceived, socket, &QWebSocket::sendTextMessage);
            connect(socket, &QWebSocket::binaryMessageReceived, socket, &QWebSocket::sendBinaryMessage);
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
}

EchoBackend::~EchoBackend() = default;

bool EchoBackend::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port))
        return false;
    qCInfo(lcEchoBackend) << "demo echo backend on port" << m_server->port();
    return true;
}

quint16 EchoBackend::port() const
{
    return m_server->port();
}

QUrl EchoBackend::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

void EchoBackend::handle(const HttpRequest &request, HttpResponder *responder)
{
    ++m_requestsServed;
    // Pairs, not an object: the page should show repeated headers and their order as they arrived.
    QJsonArray headers;
    for (const auto &field : request.headers)
        headers.append(QJsonArray{QString::fromLatin1(field.first), QString::fromUtf8(field.second)});

    QJsonObject page{
        {QStringLiteral("message"),
         QStringLiteral("Hello from Telephone's demo backend: this request came through the tunnel.")},
        {QStringLiteral("method"), QString::fromLatin1(request.method)},
        {QStringLiteral("target"), QString::fromUtf8(request.target)},
        {QStringLiteral("path"), QString::fromUtf8(request.path())},
        {QStringLiteral("query"), QString::fromUtf8(request.query())},
        {QStringLiteral("headers"), headers},
        {QStringLiteral("body_length"), qint64(request.body.size())},
    };
    if (!request.body.isEmpty() && request.body.size() <= kMaxEchoedBody) {
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = decoder.decode(request.body);
        if (!decoder.hasError())
            page.insert(QStringLiteral("body"), text);
    }
    responder->respond(200, {{"content-type", "application/json"}, {"cache-control", "no-store"}},
                       QJsonDocument(page).toJson(QJsonDocument::Indented));
}

} // namespace telephone::sim
