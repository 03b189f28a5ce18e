#include "proxy/proxyrequest.h"

#include "proxy/httpfield.h"
#include "proxy/requesttarget.h"

#include <QJsonArray>

namespace telephone {

namespace {

QString tooLong(const char *what, qint64 limit)
{
    return QStringLiteral("%1 is longer than %2 bytes").arg(QLatin1String(what)).arg(limit);
}

// Origin-form only (RFC 9112 3.2.1). What could select another host is refused; bytes a request
// line cannot carry are not a problem here, they are percent-encoded afterwards (the deployed
// server decodes paths before it sends them, so they are what the caller sent encoded).
QString pathProblem(const QByteArray &path, const ProxyRequestLimits &limits)
{
    if (path.isEmpty() || path.at(0) != '/')
        return QStringLiteral("the path must start with '/' (origin-form)");
    // "/\" is "//" to backends that take a backslash for a slash.
    if (path.startsWith("//") || path.startsWith("/\\"))
        return QStringLiteral("the path starts with '//', which names another host");
    if (path.size() > limits.maxPathBytes)
        return tooLong("the path", limits.maxPathBytes);
    if (limits.refuseDotSegments && hasDotSegment(path))
        return QStringLiteral("the path has a '.' or '..' segment, which could leave the backend's base path");
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
    if (!idValue.isString() || idValue.toString().isEmpty()) {
        result.refusal = {400, QStringLiteral("invalid request: no usable request_id")};
        return result;
    }
    result.requestId = idValue.toString();
    auto refuse = [&result](int status, const QString &reason) {
        result.refusal = {status, reason};
        return result;
    };
    // Too long to become a header, but the caller waits for an answer carrying it as given.
    if (result.requestId.size() > MaxRequestIdLength)
        return refuse(400, QStringLiteral("invalid request: the request_id is longer than %1 characters")
                               .arg(MaxRequestIdLength));
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
    const QByteArray rawPath = path.toString().toUtf8();
    if (const QString problem = pathProblem(rawPath, limits); !problem.isEmpty())
        return refuse(400, QStringLiteral("invalid request: %1").arg(problem));
    req.path = percentEncodeTarget(rawPath, TargetPart::Path);

    const QJsonValue query = payload.value(QLatin1String("query_string"));
    if (!query.isUndefined() && !query.isNull() && !query.isString())
        return refuse(400, QStringLiteral("invalid request: query_string is not a string"));
    const QByteArray rawQuery = query.toString().toUtf8();
    if (rawQuery.size() > limits.maxPathBytes)
        return refuse(400, QStringLiteral("invalid request: %1").arg(tooLong("the query", limits.maxPathBytes)));
    req.query = percentEncodeTarget(rawQuery, TargetPart::Query);
    // Plugboard sends "" for "no query"; "?" with nothing after it is not distinguishable there.
    req.hasQuery = !req.query.isEmpty();

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
            if (!isValidFieldValue(value))
                return refuse(400, QStringLiteral("invalid request: header %1 contains a control character "
                                                  "(CR, LF, NUL, ESC, DEL or another)")
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
