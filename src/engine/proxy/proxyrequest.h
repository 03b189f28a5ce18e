#pragma once

#include "proxy/exchange.h"

#include "protocol/problem.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace telephone {

/// A `proxy_req` judged and turned into what goes to the backend. The only place where hostile
/// input from the server is decided on: everything downstream trusts these fields.
struct ProxyRequest {
    QString requestId;
    QByteArray method;
    /// Origin-form as it goes on the request line: as received, except that bytes a request line
    /// cannot carry are percent-encoded (percentEncodeTarget); a valid path is unchanged.
    QByteArray path;
    QByteArray query;   ///< without '?'; encoded like the path ('?' allowed)
    bool hasQuery = false;
    HeaderList headers; ///< end-to-end headers from the caller, names lower-cased, hop-by-hop removed
    QByteArray host;    ///< the caller's Host header, if any
    QByteArray body;    ///< decoded (base64 when body_encoding says so)

    /// The request-target for the backend: base path + path [+ '?' + query].
    QByteArray target(const QByteArray &basePath) const;
};

/// Why a request was answered by Telephone itself instead of the backend.
struct ProxyRefusal {
    int status = 400;
    Problem problem; ///< for the inspector to say in the user's language
    /// What the HTTP client and the log get.
    QString reason() const { return problem.englishText(); }
};

struct ProxyRequestLimits {
    int maxHeaders = 100;
    qint64 maxHeaderBytes = 64 * 1024;
    qint64 maxPathBytes = 8 * 1024;
    qint64 maxBodyBytes = 100LL * 1024 * 1024;
    /// The backend URL has a base path: `.`/`..` segments (also encoded) could climb out of it.
    bool refuseDotSegments = false;
};

/// Longer ids are answered 400 (with the id as given): ours become the x-request-id header.
constexpr int MaxRequestIdLength = 200;

struct ParsedProxyRequest {
    std::optional<ProxyRequest> request;
    ProxyRefusal refusal;  ///< when !request
    QString requestId;     ///< as far as it could be read, to answer a refusal
};

/// `body`: the payload's `body` string as UTF-8 when the frame decoder took it out of `payload`
/// (Frame::proxyReqBody); otherwise it is read from `payload`.
ParsedProxyRequest parseProxyRequest(const QJsonObject &payload, const ProxyRequestLimits &limits = {},
                                     const std::optional<QByteArray> &body = std::nullopt);

/// Hop-by-hop headers (RFC 9110 7.6.1) plus the framing headers Telephone recomputes.
bool isHopByHopHeader(const QByteArray &lowerName);

} // namespace telephone
