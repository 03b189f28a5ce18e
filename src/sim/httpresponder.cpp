#include "sim/httpresponder.h"

#include "sim/httpconnection.h"

#include <QLoggingCategory>

namespace telephone::sim {

Q_LOGGING_CATEGORY(lcHttpResponder, "telephone.sim.httpresponder")

namespace {

bool hasHeader(const HttpHeaders &headers, const char *name)
{
    for (const auto &field : headers) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool headerHasToken(const HttpHeaders &headers, const char *name, const char *token)
{
    for (const auto &field : headers) {
        if (field.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : field.second.split(',')) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

bool statusAllowsBody(int status)
{
    return !(status / 100 == 1 || status == 204 || status == 304);
}

} // namespace

HttpResponder::HttpResponder(HttpConnection *connection, bool headRequest, bool keepAlive, QObject *parent)
    : QObject(parent), m_connection(connection), m_headRequest(headRequest), m_keepAlive(keepAlive)
{
}

HttpResponder::~HttpResponder() = default;

bool HttpResponder::isAlive() const
{
    return m_connection && m_connection->isOpen();
}

bool HttpResponder::claim()
{
    if (m_responded) {
        qCWarning(lcHttpResponder) << "second answer to one request ignored";
        return false;
    }
    m_responded = true;
    // The handler may still hold a raw pointer during this call, so never delete synchronously.
    deleteLater();
    return isAlive();
}

QByteArray HttpResponder::statusLineAndHeaders(int status, const HttpHeaders &headers, bool addLength,
                                               qint64 length, bool addChunked, bool *close) const
{
    *close = !m_keepAlive || headerHasToken(headers, "connection", "close");
    QByteArray head;
    head.reserve(256);
    head += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &field : headers)
        head += field.first + ": " + field.second + "\r\n";
    if (addLength)
        head += "content-length: " + QByteArray::number(length) + "\r\n";
    if (addChunked)
        head += "transfer-encoding: chunked\r\n";
    if (*close && !hasHeader(headers, "connection"))
        head += "connection: close\r\n";
    head += "\r\n";
    return head;
}

void HttpResponder::respond(int status, const HttpHeaders &headers, const QByteArray &body)
{
    if (!claim())
        return;
    const bool bodyAllowed = statusAllowsBody(status);
    const bool chunked = headerHasToken(headers, "transfer-encoding", "chunked");
    const bool addLength = bodyAllowed && !chunked && !hasHeader(headers, "content-length");
    bool close = false;
    const QByteArray head = statusLineAndHeaders(status, headers, addLength, body.size(), false, &close);
    m_connection->write(head);
    if (bodyAllowed && !m_headRequest) {
        if (chunked) {
            if (!body.isEmpty())
                m_connection->write(QByteArray::number(body.size(), 16) + "\r\n" + body + "\r\n");
            m_connection->write(QByteArrayLiteral("0\r\n\r\n"));
        } else {
            m_connection->write(body);
        }
    }
    m_connection->endResponse(close);
}

void HttpResponder::respondChunked(int status, const HttpHeaders &headers, const QList<QByteArray> &chunks)
{
    if (!claim())
        return;
    const bool bodyAllowed = statusAllowsBody(status);
    const bool addChunked = bodyAllowed && !headerHasToken(headers, "transfer-encoding", "chunked");
    bool close = false;
    const QByteArray head = statusLineAndHeaders(status, headers, false, 0, addChunked, &close);
    m_connection->write(head);
    if (bodyAllowed && !m_headRequest) {
        for (const QByteArray &chunk : chunks) {
            if (chunk.isEmpty())
                continue;
            m_connection->write(QByteArray::number(chunk.size(), 16) + "\r\n");
            m_connection->write(chunk);
            m_connection->write(QByteArrayLiteral("\r\n"));
        }
        m_connection->write(QByteArrayLiteral("0\r\n\r\n"));
    }
    m_connection->endResponse(close);
}

void HttpResponder::respondRaw(const QByteArray &bytes, bool closeAfter)
{
    if (!claim())
        return;
    m_connection->write(bytes);
    m_connection->endResponse(closeAfter || !m_keepAlive);
}

void HttpResponder::closeAbruptly()
{
    if (!claim())
        return;
    m_connection->abort();
}

QByteArray HttpResponder::reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: break;
    }
    // HTTP/1.1 allows an empty reason, but some clients dislike it; the class name is harmless.
    switch (status / 100) {
    case 1: return "Informational";
    case 2: return "Success";
    case 3: return "Redirection";
    case 4: return "Client Error";
    default: return "Server Error";
    }
}

} // namespace telephone::sim
