#include "protocol/problem.h"

namespace telephone {

namespace {

// The server's own words, when it gave any.
QString serverSays(const QString &words)
{
    return words.isEmpty() ? QString() : QStringLiteral(" (the server says: %1)").arg(words);
}

} // namespace

QString Problem::englishText() const
{
    const QString a0 = args.value(0);
    const QString a1 = args.value(1);
    switch (kind) {
    case Kind::None: return {};
    case Kind::CouldNotConnect: return QStringLiteral("could not connect");
    case Kind::ConnectionRefused: return QStringLiteral("%1 port %2 refused the connection").arg(a0, a1);
    case Kind::HostNotFound: return QStringLiteral("the host %1 was not found").arg(a0);
    case Kind::NetworkTimeout: return QStringLiteral("the network connection timed out");
    case Kind::NetworkUnreachable: return QStringLiteral("the network is unreachable");
    case Kind::CertificateUntrusted:
        return QStringLiteral("the server's TLS certificate for %1 is not trusted (self-signed or from an unknown "
                              "authority)")
            .arg(a0);
    case Kind::CertificateExpired: return QStringLiteral("the server's TLS certificate for %1 has expired").arg(a0);
    case Kind::CertificateWrongHost:
        return QStringLiteral("the server's TLS certificate is not for %1").arg(a0);
    case Kind::TlsFailed: return QStringLiteral("the secure connection (TLS) failed: %1").arg(a0);
    case Kind::NetworkError: return QStringLiteral("network error: %1").arg(a0);
    case Kind::UpgradeTimeout: return QStringLiteral("no WebSocket upgrade from the server within %1 s").arg(a0);
    case Kind::UpgradeTooLarge: return QStringLiteral("the server's upgrade response is larger than %1 bytes").arg(a0);
    case Kind::UpgradeRefused: return QStringLiteral("the server refused the connection (HTTP %1)").arg(a0);
    case Kind::UpgradeNotHttp: return QStringLiteral("the server did not answer the upgrade with HTTP");
    case Kind::UpgradeInvalid: return QStringLiteral("the server's upgrade response is not a valid WebSocket handshake");
    case Kind::WriteStalled:
        return QStringLiteral("the server has not read anything Telephone sent for %1 s (%2 bytes waiting); "
                              "the connection is taken for dead")
            .arg(a0, a1);
    case Kind::CloseUnanswered:
        return QStringLiteral("the server did not finish closing the connection within %1 s").arg(a0);
    case Kind::ProtocolViolation: return QStringLiteral("WebSocket protocol error from the server: %1").arg(a0);
    case Kind::DroppedByTelephone: return QStringLiteral("connection dropped by Telephone");
    case Kind::NoCloseFrame: return QStringLiteral("the server closed the connection without a close frame");
    case Kind::ClosedByServer:
        return a1.isEmpty() ? QStringLiteral("connection closed (code %1)").arg(a0)
                            : QStringLiteral("closed by the server: %1 (code %2)").arg(a1, a0);
    case Kind::ConnectionLost: return QStringLiteral("connection lost");
    case Kind::WakeUnanswered:
        return QStringLiteral("no answer from the server within %1 s after waking up").arg(a0);
    case Kind::HeartbeatSilence:
        return QStringLiteral("nothing heard from the server for %1 s (heartbeat every %2 s)").arg(a0, a1);
    case Kind::TokenEmpty: return QStringLiteral("the token is empty");
    case Kind::NotAJwt:
        return QStringLiteral("the token is not a JWT (expected three dot-separated parts, found %1)").arg(a0);
    case Kind::NotBase64urlCharacters:
        return QStringLiteral("the token contains characters that are not base64url");
    case Kind::PayloadNotBase64url: return QStringLiteral("the token's payload is not valid base64url");
    case Kind::PayloadNotJsonObject: return QStringLiteral("the token's payload is not a JSON object");
    case Kind::ClaimNotWholeNumber:
        return QStringLiteral("the token's \"%1\" claim is not a whole number of seconds").arg(a0);
    case Kind::NoPathIdClaim: return QStringLiteral("the token has no \"path_id\" claim, so it names no mount");
    case Kind::VendingRefused:
        return QStringLiteral("the token vending endpoint %1 cannot be reached: the connection was refused").arg(a0);
    case Kind::VendingHostNotFound:
        return QStringLiteral("the token vending endpoint %1 cannot be reached: its host was not found").arg(a0);
    case Kind::VendingUnreachable:
        return QStringLiteral("the token vending endpoint %1 cannot be reached: %2").arg(a0, a1);
    case Kind::VendingAnswerTooLarge:
        return QStringLiteral("the token vending endpoint answered HTTP %1 with %2 bytes, far more than a token")
            .arg(a0, a1);
    case Kind::VendedNoToken:
        return QStringLiteral("the token vending endpoint answered 201 without a usable token: "
                              "no \"token\" in the answer");
    case Kind::VendedTokenUnusable:
        return QStringLiteral("the token vending endpoint answered 201 without a usable token: %1").arg(a0);
    case Kind::VendedWrongMount:
        return QStringLiteral("the token vending endpoint sent a token for path_id %1 when %2 was asked for; "
                              "it is not used")
            .arg(a0, a1);
    case Kind::VendingKeyRefused:
        return QStringLiteral("service account key invalid or revoked (%1)%2").arg(a0, serverSays(a1));
    case Kind::VendingPathRefused: return QStringLiteral("this service account may not serve %1").arg(a0);
    case Kind::VendingPathBound:
        return QStringLiteral("this service account may not serve %1: it is bound to path_id %2 (set "
                              "--service-account-path-id to it, or use a key of an account bound to %1)")
            .arg(a0, a1);
    case Kind::VendingRequestRefused:
        return QStringLiteral("the token vending endpoint refused the request (HTTP 422)%1").arg(serverSays(a0));
    case Kind::VendingNotOffered:
        return QStringLiteral("the token vending endpoint answered HTTP 404: this server may not offer token "
                              "vending%1")
            .arg(serverSays(a0));
    case Kind::VendingHttpError:
        return QStringLiteral("the token vending endpoint answered HTTP %1%2").arg(a0, serverSays(a1));
    case Kind::RequestIdMissing: return QStringLiteral("invalid request: no usable request_id");
    case Kind::RequestIdTooLong:
        return QStringLiteral("invalid request: the request_id is longer than %1 characters").arg(a0);
    case Kind::RequestIdBadCharacter:
        return QStringLiteral("invalid request: the request_id contains a space, control or non-ASCII character");
    case Kind::MethodNotToken: return QStringLiteral("invalid request: the method is not an HTTP token");
    case Kind::MethodConnect: return QStringLiteral("CONNECT cannot be proxied to a backend");
    case Kind::PathMissing: return QStringLiteral("invalid request: the path is missing");
    case Kind::PathNotOriginForm: return QStringLiteral("invalid request: the path must start with '/' (origin-form)");
    case Kind::PathNamesHost:
        return QStringLiteral("invalid request: the path starts with '//', which names another host");
    case Kind::PathTooLong: return QStringLiteral("invalid request: the path is longer than %1 bytes").arg(a0);
    case Kind::PathDotSegment:
        return QStringLiteral("invalid request: the path has a '.' or '..' segment, which could leave the "
                              "backend's base path");
    case Kind::QueryNotString: return QStringLiteral("invalid request: query_string is not a string");
    case Kind::QueryTooLong: return QStringLiteral("invalid request: the query is longer than %1 bytes").arg(a0);
    case Kind::HeadersNotObject: return QStringLiteral("invalid request: headers is not an object");
    case Kind::TooManyHeaders: return QStringLiteral("too many request headers (%1, at most %2)").arg(a0, a1);
    case Kind::HeaderNameNotToken: return QStringLiteral("invalid request: a header name is not an HTTP token");
    case Kind::HeaderValueNotString:
        return QStringLiteral("invalid request: header %1 has a non-string value").arg(a0);
    case Kind::HeaderControlCharacter:
        return QStringLiteral("invalid request: header %1 contains a control character (CR, LF, NUL, ESC, DEL or "
                              "another)")
            .arg(a0);
    case Kind::HeadersTooLarge: return QStringLiteral("the request headers are larger than %1 bytes").arg(a0);
    case Kind::BodyNotString: return QStringLiteral("invalid request: body is not a string");
    case Kind::BodyNotBase64: return QStringLiteral("invalid request: the body is not valid base64");
    case Kind::RequestBodyTooLarge: return QStringLiteral("the request body is longer than %1 bytes").arg(a0);
    case Kind::ShuttingDown: return QStringLiteral("Telephone is shutting down and takes no new requests");
    case Kind::ConcurrencyLimit:
        return QStringLiteral("Telephone is at its limit of %1 concurrent requests").arg(a0);
    case Kind::BackendRefused:
        return QStringLiteral("the backend %1 refused the connection (is it running?)").arg(a0);
    case Kind::BackendTimeout: return QStringLiteral("the backend %1 did not answer within %2 s").arg(a0, a1);
    case Kind::BackendResponseTooLarge: return QStringLiteral("the response of %1 is too large: %2").arg(a0, a1);
    case Kind::BackendInvalidResponse:
        return QStringLiteral("the backend %1 sent an invalid response: %2").arg(a0, a1);
    case Kind::BackendReset:
        return QStringLiteral("the connection to the backend %1 was reset%2")
            .arg(a0, a1.isEmpty() ? QString() : QStringLiteral(": ") + a1);
    case Kind::BackendHostNotFound:
        return QStringLiteral("the backend %1 is unreachable: the host %2 was not found").arg(a0, a1);
    case Kind::BackendHeaderNotUtf8:
        return QStringLiteral("the backend sent header %1 with bytes that are not UTF-8, which the server cannot "
                              "carry unchanged")
            .arg(a0);
    case Kind::BackendBinaryBody:
        return QStringLiteral("the backend answered %1 with a binary (non-UTF-8) body of %2 bytes, and this "
                              "Plugboard server cannot carry binary bodies (it does not offer body_base64); "
                              "nothing was sent rather than altered bytes")
            .arg(a0, a1);
    case Kind::DecodedBodyTooLarge:
        return QStringLiteral("the backend's %1 body decompresses to more than the maximum response size (%2 bytes)")
            .arg(a0, a1);
    case Kind::ReplayBodyCut:
        return QStringLiteral("the captured request body was cut at %1 bytes for display, so a replay would not "
                              "send the same request")
            .arg(a0);
    case Kind::ReplayRefused:
        return QStringLiteral("this request cannot be replayed: %1").arg(refusal().englishText());
    }
    return a0;
}

Problem Problem::replayRefused(const Problem &refusal)
{
    return Problem(Kind::ReplayRefused, QStringList{QString::number(int(refusal.kind))} + refusal.args);
}

Problem Problem::refusal() const
{
    if (kind != Kind::ReplayRefused || args.isEmpty())
        return {};
    return Problem(Kind(args.first().toInt()), args.mid(1));
}

} // namespace telephone
