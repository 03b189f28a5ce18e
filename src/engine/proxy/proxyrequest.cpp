#include "proxy/proxyrequest.h"

#include "protocol/httpfield.h"
#include "proxy/requesttarget.h"

#include <QJsonArray>

namespace telephone {

namespace {

// Origin-form only (RFC 9112 3.2.1). What could select another host is refused; bytes a request
// line cannot carry are not a problem here, they are percent-encoded afterwards (the deployed
// server decodes paths before it sends them, so they are what the caller sent encoded).
Problem pathProblem(const QByteArray &path, const ProxyRequestLimits &limits)
{
    using Kind = Problem::Kind;
    if (path.isEmpty() || path.at(0) != '/')
        return {Kind::PathNotOriginForm};
    // "/\" is "//" to backends that take a backslash for a slash.
    if (path.startsWith("//") || path.startsWith("/\\"))
        return {Kind::PathNamesHost};
    if (path.size() > limits.maxPathBytes)
        return {Kind::PathTooLong, {QString::number(limits.maxPathBytes)}};
    if (limits.refuseDotSegments && hasDotSegment(path))
        return {Kind::PathDotSegment};
    return {};
}

} // namespace

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

ParsedProxyRequest parseProxyRequest(const QJsonObject &payload, const ProxyRequestLimits &limits,
                                     const std::optional<QByteArray> &liftedBody)
{
    ParsedProxyRequest result;
    const QJsonValue idValue = payload.value(QLatin1String("request_id"));
    if (!idValue.isString() || idValue.toString().isEmpty()) {
        const Problem problem{Problem::Kind::RequestIdMissing};
        result.refusal = {400, problem};
        return result;
    }
    result.requestId = idValue.toString();
    using Kind = Problem::Kind;
    auto refuse = [&result](int status, const Problem &problem) {
        result.refusal = {status, problem};
        return result;
    };
    // Too long to become a header, but the caller waits for an answer carrying it as given.
    if (result.requestId.size() > MaxRequestIdLength)
        return refuse(400, {Kind::RequestIdTooLong, {QString::number(MaxRequestIdLength)}});
    // It becomes the x-request-id header: visible ASCII only, or it could carry a header of its own.
    // (The refusal still echoes it, safely, as a JSON string in proxy_res.)
    for (const QChar c : result.requestId) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return refuse(400, {Kind::RequestIdBadCharacter});
    }

    ProxyRequest req;
    req.requestId = result.requestId;

    const QJsonValue method = payload.value(QLatin1String("method"));
    req.method = method.toString().toLatin1();
    if (!method.isString() || !isHttpToken(req.method) || req.method.size() > 32)
        return refuse(400, {Kind::MethodNotToken});
    if (req.method == "CONNECT")
        return refuse(405, {Kind::MethodConnect});

    const QJsonValue path = payload.value(QLatin1String("path"));
    if (!path.isString())
        return refuse(400, {Kind::PathMissing});
    const QByteArray rawPath = path.toString().toUtf8();
    if (const Problem problem = pathProblem(rawPath, limits); !problem.isNone())
        return refuse(400, problem);
    req.path = percentEncodeTarget(rawPath, TargetPart::Path);

    const QJsonValue query = payload.value(QLatin1String("query_string"));
    if (!query.isUndefined() && !query.isNull() && !query.isString())
        return refuse(400, {Kind::QueryNotString});
    const QByteArray rawQuery = query.toString().toUtf8();
    if (rawQuery.size() > limits.maxPathBytes)
        return refuse(400, {Kind::QueryTooLong, {QString::number(limits.maxPathBytes)}});
    req.query = percentEncodeTarget(rawQuery, TargetPart::Query);
    // Plugboard sends "" for "no query"; "?" with nothing after it is not distinguishable there.
    req.hasQuery = !req.query.isEmpty();

    const QJsonValue headersValue = payload.value(QLatin1String("headers"));
    if (!headersValue.isUndefined() && !headersValue.isNull() && !headersValue.isObject())
        return refuse(400, {Kind::HeadersNotObject});
    const QJsonObject headers = headersValue.toObject();
    if (headers.size() > limits.maxHeaders)
        return refuse(431, {Kind::TooManyHeaders, {QString::number(headers.size()), QString::number(limits.maxHeaders)}});

    // Connection names further hop-by-hop headers (RFC 9110 7.6.1).
    const QList<QByteArray> connectionTokens =
        fieldListElements(headers.value(QLatin1String("connection")).toString().toLatin1());

    qint64 headerBytes = 0;
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QByteArray name = it.key().toUtf8().toLower();
        if (!isHttpToken(name))
            return refuse(400, {Kind::HeaderNameNotToken});
        QList<QByteArray> values;
        if (it.value().isString()) {
            values.append(it.value().toString().toUtf8());
        } else if (it.value().isArray()) {
            for (const QJsonValue &v : it.value().toArray()) {
                if (!v.isString())
                    return refuse(400, {Kind::HeaderValueNotString, {QString::fromLatin1(name)}});
                values.append(v.toString().toUtf8());
            }
        } else {
            return refuse(400, {Kind::HeaderValueNotString, {QString::fromLatin1(name)}});
        }
        for (const QByteArray &value : std::as_const(values)) {
            if (!isValidFieldValue(value))
                return refuse(400, {Kind::HeaderControlCharacter, {QString::fromLatin1(name)}});
            headerBytes += name.size() + value.size() + 4;
        }
        if (headerBytes > limits.maxHeaderBytes)
            return refuse(431, {Kind::HeadersTooLarge, {QString::number(limits.maxHeaderBytes)}});
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
    if (!liftedBody && !body.isUndefined() && !body.isNull() && !body.isString())
        return refuse(400, {Kind::BodyNotString});
    const bool base64 = payload.value(QLatin1String("body_encoding")).toString() == QLatin1String("base64");
    if (base64) {
        const auto decoded = QByteArray::fromBase64Encoding(liftedBody ? *liftedBody : body.toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return refuse(400, {Kind::BodyNotBase64});
        req.body = decoded.decoded;
    } else {
        req.body = liftedBody ? *liftedBody : body.toString().toUtf8();
    }
    if (req.body.size() > limits.maxBodyBytes)
        return refuse(413, {Kind::RequestBodyTooLarge, {QString::number(limits.maxBodyBytes)}});

    result.request = std::move(req);
    return result;
}

} // namespace telephone
