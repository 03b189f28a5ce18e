#include "proxy/proxyrequest.h"

#include <QJsonArray>

namespace telephone {

namespace {

QString tooLong(const char *what, qint64 limit)
{
    return QStringLiteral("%1 is longer than %2 bytes").arg(QLatin1String(what)).arg(limit);
}

bool hasForbiddenByte(const QByteArray &text)
{
    for (const char c : text) {
        if (c == '\r' || c == '\n' || c == '\0')
            return true;
    }
    return false;
}

// Origin-form only (RFC 9112 3.2.1): "/" followed by path characters. Bytes that could end the
// request line, start another authority, or be read as one by a lenient backend are refused.
QString pathProblem(const QByteArray &path, qint64 maxBytes)
{
    if (path.isEmpty() || path.at(0) != '/')
        return QStringLiteral("the path must start with '/' (origin-form)");
    if (path.startsWith("//"))
        return QStringLiteral("the path starts with '//', which names another host");
    if (path.size() > maxBytes)
        return tooLong("the path", maxBytes);
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f)
            return QStringLiteral("the path contains a space or control character");
        if (c == '\\')
            return QStringLiteral("the path contains a backslash");
        if (c == '#')
            return QStringLiteral("the path contains '#'");
        if (c == '?')
            return QStringLiteral("the path contains '?' (the query belongs in query_string)");
    }
    return {};
}

QString queryProblem(const QByteArray &query, qint64 maxBytes)
{
    if (query.size() > maxBytes)
        return tooLong("the query", maxBytes);
    for (const char c : query) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '#')
            return QStringLiteral("the query contains a space, '#' or a control character");
    }
    return {};
}

} // namespace

bool isHttpToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    static const QByteArray extra("!#$%&'*+-.^_`|~");
    for (const char c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.contains(c)))
            return false;
    }
    return true;
}

bool isHopByHopHeader(const QByteArray &lowerName)
{
    static const QByteArray names[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                       "transfer-encoding", "upgrade", "proxy-authenticate",
                                       "proxy-authorization", "content-length"};
    for (const QByteArray &name : names) {
        if (lowerName == name)
            return true;
    }
    return false;
}

QByteArray ProxyRequest::target(const QByteArray &basePath) const
{
    QByteArray t;
    t.reserve(basePath.size() + path.size() + query.size() + 1);
    t.append(basePath.endsWith('/') ? basePath.chopped(1) : basePath);
    t.append(path);
    if (hasQuery) {
        t.append('?');
        t.append(query);
    }
    return t;
}

ParsedProxyRequest parseProxyRequest(const QJsonObject &payload, const ProxyRequestLimits &limits)
{
    ParsedProxyRequest result;
    const QJsonValue idValue = payload.value(QLatin1String("request_id"));
    if (!idValue.isString() || idValue.toString().isEmpty() || idValue.toString().size() > 200) {
        result.refusal = {400, QStringLiteral("invalid request: no usable request_id")};
        return result;
    }
    result.requestId = idValue.toString();
    auto refuse = [&result](int status, const QString &reason) {
        result.refusal = {status, reason};
        return result;
    };
    // It becomes the x-request-id header: visible ASCII only, or it could carry a header of its own.
    // (The refusal still echoes it, safely, as a JSON string in proxy_res.)
    for (const QChar c : result.requestId) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return refuse(400, QStringLiteral("invalid request: the request_id contains a space, control or "
                                              "non-ASCII character"));
    }

    ProxyRequest req;
    req.requestId = result.requestId;

    const QJsonValue method = payload.value(QLatin1String("method"));
    req.method = method.toString().toLatin1();
    if (!method.isString() || !isHttpToken(req.method) || req.method.size() > 32)
        return refuse(400, QStringLiteral("invalid request: the method is not an HTTP token"));
    if (req.method == "CONNECT")
        return refuse(405, QStringLiteral("CONNECT cannot be proxied to a backend"));

    const QJsonValue path = payload.value(QLatin1String("path"));
    if (!path.isString())
        return refuse(400, QStringLiteral("invalid request: the path is missing"));
    req.path = path.toString().toUtf8();
    if (const QString problem = pathProblem(req.path, limits.maxPathBytes); !problem.isEmpty())
        return refuse(400, QStringLiteral("invalid request: %1").arg(problem));

    const QJsonValue query = payload.value(QLatin1String("query_string"));
    if (!query.isUndefined() && !query.isNull() && !query.isString())
        return refuse(400, QStringLiteral("invalid request: query_string is not a string"));
    req.query = query.toString().toUtf8();
    // Plugboard sends "" for "no query"; "?" with nothing after it is not distinguishable there.
    req.hasQuery = !req.query.isEmpty();
    if (const QString problem = queryProblem(req.query, limits.maxPathBytes); !problem.isEmpty())
        return refuse(400, QStringLiteral("invalid request: %1").arg(problem));

    const QJsonValue headersValue = payload.value(QLatin1String("headers"));
    if (!headersValue.isUndefined() && !headersValue.isNull() && !headersValue.isObject())
        return refuse(400, QStringLiteral("invalid request: headers is not an object"));
    const QJsonObject headers = headersValue.toObject();
    if (headers.size() > limits.maxHeaders)
        return refuse(431, QStringLiteral("too many request headers (%1, at most %2)").arg(headers.size()).arg(limits.maxHeaders));

    // Connection names further hop-by-hop headers (RFC 9110 7.6.1).
    QList<QByteArray> connectionTokens;
    for (const QByteArray &token : headers.value(QLatin1String("connection")).toString().toLatin1().split(','))
        connectionTokens.append(token.trimmed().toLower());

    qint64 headerBytes = 0;
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QByteArray name = it.key().toUtf8().toLower();
        if (!isHttpToken(name))
            return refuse(400, QStringLiteral("invalid request: a header name is not an HTTP token"));
        QList<QByteArray> values;
        if (it.value().isString()) {
            values.append(it.value().toString().toUtf8());
        } else if (it.value().isArray()) {
            for (const QJsonValue &v : it.value().toArray()) {
                if (!v.isString())
                    return refuse(400, QStringLiteral("invalid request: header %1 has a non-string value")
                                           .arg(QString::fromLatin1(name)));
                values.append(v.toString().toUtf8());
            }
        } else {
            return refuse(400, QStringLiteral("invalid request: header %1 has a non-string value")
                                   .arg(QString::fromLatin1(name)));
        }
        for (const QByteArray &value : std::as_const(values)) {
            if (hasForbiddenByte(value))
                return refuse(400, QStringLiteral("invalid request: header %1 contains CR, LF or NUL")
                                       .arg(QString::fromLatin1(name)));
            headerBytes += name.size() + value.size() + 4;
        }
        if (headerBytes > limits.maxHeaderBytes)
            return refuse(431, QStringLiteral("the request headers are larger than %1 bytes").arg(limits.maxHeaderBytes));
        if (name == "host") {
            req.host = values.value(0);
            continue;
        }
        if (isHopByHopHeader(name) || connectionTokens.contains(name))
            continue;
        for (const QByteArray &value : std::as_const(values))
            req.headers.append({name, value});
    }

    const QJsonValue body = payload.value(QLatin1String("body"));
    if (!body.isUndefined() && !body.isNull() && !body.isString())
        return refuse(400, QStringLiteral("invalid request: body is not a string"));
    const bool base64 = payload.value(QLatin1String("body_encoding")).toString() == QLatin1String("base64");
    if (base64) {
        const auto decoded = QByteArray::fromBase64Encoding(body.toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return refuse(400, QStringLiteral("invalid request: the body is not valid base64"));
        req.body = decoded.decoded;
    } else {
        req.body = body.toString().toUtf8();
    }
    if (req.body.size() > limits.maxBodyBytes)
        return refuse(413, tooLong("the request body", limits.maxBodyBytes));

    result.request = std::move(req);
    return result;
}

} // namespace telephone
