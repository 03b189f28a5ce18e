#include "ui/harexport.h"

#include "ui/bodyformatter.h"
#include "ui/exchangeurl.h"
#include "ui/redaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include <algorithm>

namespace telephone {

namespace {

QByteArray headerValue(const HeaderList &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonArray headersJson(const HeaderList &headers)
{
    QJsonArray out;
    for (const auto &[name, value] : headers)
        out.append(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(name)},
                               {QStringLiteral("value"), QString::fromUtf8(value)}});
    return out;
}

QString cookieValue(const QByteArray &value, bool includeSecrets)
{
    return includeSecrets ? QString::fromUtf8(value) : QString::fromLatin1(Redaction::Placeholder);
}

// "a=1; b=2" from every Cookie header.
QJsonArray requestCookies(const HeaderList &headers, bool includeSecrets)
{
    QJsonArray out;
    for (const auto &[name, value] : headers) {
        if (name.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &pair : value.split(';')) {
            const QByteArray trimmed = pair.trimmed();
            if (trimmed.isEmpty())
                continue;
            const qsizetype eq = trimmed.indexOf('=');
            const QByteArray cookieName = eq < 0 ? trimmed : trimmed.left(eq).trimmed();
            const QByteArray cookie = eq < 0 ? QByteArray() : trimmed.mid(eq + 1).trimmed();
            out.append(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(cookieName)},
                                   {QStringLiteral("value"), cookieValue(cookie, includeSecrets)}});
        }
    }
    return out;
}

// "name=value; Path=/; HttpOnly" from every Set-Cookie header.
QJsonArray responseCookies(const HeaderList &headers, bool includeSecrets)
{
    QJsonArray out;
    for (const auto &[name, value] : headers) {
        if (name.compare("set-cookie", Qt::CaseInsensitive) != 0)
            continue;
        const QList<QByteArray> parts = value.split(';');
        const QByteArray first = parts.value(0).trimmed();
        const qsizetype eq = first.indexOf('=');
        QJsonObject cookie{{QStringLiteral("name"), QString::fromUtf8(eq < 0 ? first : first.left(eq).trimmed())},
                           {QStringLiteral("value"),
                            cookieValue(eq < 0 ? QByteArray() : first.mid(eq + 1).trimmed(), includeSecrets)}};
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray attribute = parts.at(i).trimmed();
            const qsizetype aeq = attribute.indexOf('=');
            const QByteArray key = (aeq < 0 ? attribute : attribute.left(aeq)).trimmed().toLower();
            const QString attrValue = QString::fromUtf8(aeq < 0 ? QByteArray() : attribute.mid(aeq + 1).trimmed());
            if (key == "path")
                cookie.insert(QStringLiteral("path"), attrValue);
            else if (key == "domain")
                cookie.insert(QStringLiteral("domain"), attrValue);
            else if (key == "expires")
                cookie.insert(QStringLiteral("expires"), attrValue);
            else if (key == "httponly")
                cookie.insert(QStringLiteral("httpOnly"), true);
            else if (key == "secure")
                cookie.insert(QStringLiteral("secure"), true);
        }
        out.append(cookie);
    }
    return out;
}

QJsonArray queryString(const QString &query)
{
    QJsonArray out;
    if (query.isEmpty())
        return out;
    const QUrlQuery parsed(query);
    for (const auto &[name, value] : parsed.queryItems(QUrl::FullyDecoded))
        out.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    return out;
}

QString mimeTypeOf(const HeaderList &headers)
{
    const QByteArray type = headerValue(headers, "content-type");
    return type.isEmpty() ? QStringLiteral("x-unknown") : QString::fromUtf8(type);
}

// HAR text is a string: UTF-8 text as is, anything else base64 (the spec's "encoding" field).
void putBody(QJsonObject *object, const QByteArray &body, bool allowEncodingField)
{
    if (BodyFormatter::isText(body)) {
        object->insert(QStringLiteral("text"), QString::fromUtf8(body));
        return;
    }
    object->insert(QStringLiteral("text"), QString::fromLatin1(body.toBase64()));
    if (allowEncodingField) {
        object->insert(QStringLiteral("encoding"), QStringLiteral("base64"));
    } else {
        // postData has no "encoding" in HAR 1.2: custom fields start with "_".
        object->insert(QStringLiteral("_encoding"), QStringLiteral("base64"));
        object->insert(QStringLiteral("comment"), QStringLiteral("text is base64-encoded"));
    }
}

// Chrome's convention for a WebSocket entry: each message with its direction, time in seconds since
// the epoch, RFC 6455 opcode, and data — text as text, anything else base64.
QJsonArray webSocketMessages(const WebSocketSession &session)
{
    QJsonArray messages;
    for (const WebSocketFrameRecord &frame : session.frames) {
        const bool text = frame.opcode == 1;
        messages.append(QJsonObject{
            {QStringLiteral("type"), frame.direction == WebSocketFrameRecord::ToBackend ? QStringLiteral("send")
                                                                                       : QStringLiteral("receive")},
            {QStringLiteral("time"), double(frame.at.toMSecsSinceEpoch()) / 1000.0},
            {QStringLiteral("opcode"), frame.opcode},
            {QStringLiteral("data"), text ? QString::fromUtf8(frame.data) : QString::fromLatin1(frame.data.toBase64())},
        });
    }
    return messages;
}

QJsonObject entryJson(const Exchange &exchange, const QUrl &base, bool includeSecrets)
{
    const HeaderList requestHeaders = includeSecrets ? exchange.requestHeaders : Redaction::apply(exchange.requestHeaders);
    const HeaderList responseHeaders =
        includeSecrets ? exchange.responseHeaders : Redaction::apply(exchange.responseHeaders);

    QJsonObject request{
        {QStringLiteral("method"), exchange.method},
        {QStringLiteral("url"), QString::fromUtf8(ExchangeUrl::join(base, exchange))},
        {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
        {QStringLiteral("cookies"), requestCookies(exchange.requestHeaders, includeSecrets)},
        {QStringLiteral("headers"), headersJson(requestHeaders)},
        {QStringLiteral("queryString"), queryString(exchange.query)},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), exchange.requestBytes},
    };
    if (exchange.requestBytes > 0 || !exchange.requestBody.isEmpty()) {
        QJsonObject postData{{QStringLiteral("mimeType"), mimeTypeOf(exchange.requestHeaders)},
                             {QStringLiteral("params"), QJsonArray()}};
        putBody(&postData, exchange.requestBody, false);
        request.insert(QStringLiteral("postData"), postData);
    }

    QJsonObject content{{QStringLiteral("size"), exchange.responseBytes},
                        {QStringLiteral("mimeType"), mimeTypeOf(exchange.responseHeaders)}};
    if (!exchange.responseBody.isEmpty())
        putBody(&content, exchange.responseBody, true);
    QJsonObject response{
        {QStringLiteral("status"), exchange.status},
        {QStringLiteral("statusText"), HarExport::statusText(exchange.status)},
        {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
        {QStringLiteral("cookies"), responseCookies(exchange.responseHeaders, includeSecrets)},
        {QStringLiteral("headers"), headersJson(responseHeaders)},
        {QStringLiteral("content"), content},
        {QStringLiteral("redirectURL"), QString::fromUtf8(headerValue(exchange.responseHeaders, "location"))},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), exchange.isPending() ? -1 : exchange.responseBytes},
    };
    if (!exchange.error.isEmpty())
        response.insert(QStringLiteral("comment"), QStringLiteral("answered by Telephone: ") + exchange.error);

    QStringList notes;
    if (exchange.replay)
        notes << QStringLiteral("replayed from the Telephone inspector");
    if (exchange.isPending())
        notes << QStringLiteral("no response yet when exported");
    if (exchange.requestBodyTruncated())
        notes << QStringLiteral("request body truncated: %1 of %2 bytes captured")
                     .arg(exchange.requestBody.size())
                     .arg(exchange.requestBytes);
    if (exchange.isWebSocket()) {
        const WebSocketSession &ws = *exchange.webSocket;
        if (ws.framesDropped > 0)
            notes << QStringLiteral("%1 older WebSocket messages not kept").arg(ws.framesDropped);
        if (std::any_of(ws.frames.cbegin(), ws.frames.cend(), [](const WebSocketFrameRecord &f) { return f.truncated(); }))
            notes << QStringLiteral("WebSocket messages over %1 bytes truncated").arg(WebSocketFrameRecord::DataCap);
        if (ws.closeCode != 0)
            notes << QStringLiteral("WebSocket closed with %1 %2").arg(ws.closeCode).arg(ws.closeReason);
    }
    if (exchange.responseBodyTruncated())
        notes << QStringLiteral("response body truncated: %1 of %2 bytes captured")
                     .arg(exchange.responseBody.size())
                     .arg(exchange.responseBytes);

    const qint64 duration = qMax<qint64>(0, exchange.durationMs);
    QJsonObject entry{
        {QStringLiteral("startedDateTime"), exchange.startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("time"), duration},
        {QStringLiteral("request"), request},
        {QStringLiteral("response"), response},
        {QStringLiteral("cache"), QJsonObject()},
        // Telephone sees the request whole and the answer whole: the time is all "wait".
        {QStringLiteral("timings"),
         QJsonObject{{QStringLiteral("send"), 0}, {QStringLiteral("wait"), duration}, {QStringLiteral("receive"), 0}}},
    };
    if (exchange.isWebSocket()) {
        entry.insert(QStringLiteral("_resourceType"), QStringLiteral("websocket"));
        entry.insert(QStringLiteral("_webSocketMessages"), webSocketMessages(*exchange.webSocket));
    }
    // Custom fields start with an underscore (HAR 1.2): which of several tunnels it came through.
    if (!exchange.tunnel.isEmpty())
        entry.insert(QStringLiteral("_tunnel"), exchange.tunnel);
    if (!notes.isEmpty())
        entry.insert(QStringLiteral("comment"), notes.join(QStringLiteral("; ")));
    return entry;
}

} // namespace

QString HarExport::statusText(int status)
{
    switch (status) {
    case 100: return QStringLiteral("Continue");
    case 101: return QStringLiteral("Switching Protocols");
    case 200: return QStringLiteral("OK");
    case 201: return QStringLiteral("Created");
    case 202: return QStringLiteral("Accepted");
    case 204: return QStringLiteral("No Content");
    case 206: return QStringLiteral("Partial Content");
    case 301: return QStringLiteral("Moved Permanently");
    case 302: return QStringLiteral("Found");
    case 303: return QStringLiteral("See Other");
    case 304: return QStringLiteral("Not Modified");
    case 307: return QStringLiteral("Temporary Redirect");
    case 308: return QStringLiteral("Permanent Redirect");
    case 400: return QStringLiteral("Bad Request");
    case 401: return QStringLiteral("Unauthorized");
    case 403: return QStringLiteral("Forbidden");
    case 404: return QStringLiteral("Not Found");
    case 405: return QStringLiteral("Method Not Allowed");
    case 408: return QStringLiteral("Request Timeout");
    case 409: return QStringLiteral("Conflict");
    case 410: return QStringLiteral("Gone");
    case 413: return QStringLiteral("Content Too Large");
    case 415: return QStringLiteral("Unsupported Media Type");
    case 422: return QStringLiteral("Unprocessable Content");
    case 429: return QStringLiteral("Too Many Requests");
    case 500: return QStringLiteral("Internal Server Error");
    case 501: return QStringLiteral("Not Implemented");
    case 502: return QStringLiteral("Bad Gateway");
    case 503: return QStringLiteral("Service Unavailable");
    case 504: return QStringLiteral("Gateway Timeout");
    default: return {};
    }
}

QJsonObject HarExport::build(const QList<Exchange> &exchanges, const QUrl &base, bool includeSecrets)
{
    return build(exchanges, BaseByTunnel{{QString(), base}}, includeSecrets);
}

QJsonObject HarExport::build(const QList<Exchange> &exchanges, const BaseByTunnel &bases, bool includeSecrets)
{
    QJsonArray entries;
    for (const Exchange &exchange : exchanges)
        entries.append(entryJson(exchange, bases.value(exchange.tunnel, bases.value(QString())), includeSecrets));
    const QJsonObject log{
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("Telephone")},
                     {QStringLiteral("version"), QStringLiteral(TELEPHONE_VERSION)}}},
        {QStringLiteral("entries"), entries},
    };
    return QJsonObject{{QStringLiteral("log"), log}};
}

QByteArray HarExport::toJson(const QList<Exchange> &exchanges, const QUrl &base, bool includeSecrets)
{
    return QJsonDocument(build(exchanges, base, includeSecrets)).toJson(QJsonDocument::Indented);
}

QByteArray HarExport::toJson(const QList<Exchange> &exchanges, const BaseByTunnel &bases, bool includeSecrets)
{
    return QJsonDocument(build(exchanges, bases, includeSecrets)).toJson(QJsonDocument::Indented);
}

} // namespace telephone
