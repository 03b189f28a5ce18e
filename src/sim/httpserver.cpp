#include "sim/httpserver.h"

#include "sim/httpconnection.h"

#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>

namespace telephone::sim {

Q_LOGGING_CATEGORY(lcHttpServer, "telephone.sim.httpserver")

HttpServer::HttpServer(QObject *parent) : QObject(parent), m_tcpServer(new QTcpServer(this))
{
    connect(m_tcpServer, &QTcpServer::newConnection, this, &HttpServer::onNewConnection);
}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (m_tcpServer->isListening())
        m_tcpServer->close();
    if (!m_tcpServer->listen(address, port)) {
        qCWarning(lcHttpServer) << "cannot listen on" << address << port << m_tcpServer->errorString();
        return false;
    }
    qCDebug(lcHttpServer) << "listening on" << m_tcpServer->serverAddress() << m_tcpServer->serverPort();
    return true;
}

bool HttpServer::isListening() const
{
    return m_tcpServer->isListening();
}

quint16 HttpServer::port() const
{
    return m_tcpServer->serverPort();
}

QHostAddress HttpServer::address() const
{
    return m_tcpServer->serverAddress();
}

QString HttpServer::errorString() const
{
    return m_tcpServer->errorString();
}

void HttpServer::close()
{
    m_tcpServer->close();
}

void HttpServer::abortAllConnections()
{
    const auto connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    for (HttpConnection *connection : connections)
        connection->abort();
}

int HttpServer::connectionCount() const
{
    int open = 0;
    const auto connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    for (HttpConnection *connection : connections)
        open += connection->isOpen() ? 1 : 0;
    return open;
}

void HttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_tcpServer->nextPendingConnection())
        new HttpConnection(socket, this);
}

} // namespace telephone::sim
