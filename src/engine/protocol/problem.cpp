#include "protocol/problem.h"

namespace telephone {

namespace {

// The server's own words, when it gave any.
QString serverSays(const QString &words)
{
    return words.isEmpty() ? QString() : QStringLiteral(" (the server says: %1)").arg(words);
}

// The keychain's own words, when it gave any.
QString keychainSays(const QString &what, const QString &words)
{
    return words.isEmpty() ? what : QStringLiteral("%1: %2").arg(what, words);
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
    case Kind::BackendResponseTooLarge:
        return QStringLiteral("the response of %1 is too large: %2").arg(a0, cause(1).englishText());
    case Kind::BackendInvalidResponse:
        return QStringLiteral("the backend %1 sent an invalid response: %2").arg(a0, cause(1).englishText());
    case Kind::BackendReset: {
        const QString why = cause(1).englishText();
        return QStringLiteral("the connection to the backend %1 was reset%2")
            .arg(a0, why.isEmpty() ? QString() : QStringLiteral(": ") + why);
    }
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
    case Kind::SocketRefused: return QStringLiteral("the connection was refused");
    case Kind::SocketHostNotFound: return QStringLiteral("the host was not found");
    case Kind::SocketClosedByPeer: return QStringLiteral("the other side closed the connection");
    case Kind::SocketTimedOut: return QStringLiteral("the network operation timed out");
    case Kind::SocketTlsFailed: return QStringLiteral("the secure connection (TLS) failed");
    case Kind::SocketAccessDenied: return QStringLiteral("the operating system did not allow the connection");
    case Kind::SocketNoResources: return QStringLiteral("the system has no resources left for another connection");
    case Kind::SocketProxyFailed: return QStringLiteral("the network proxy failed");
    case Kind::SocketError: return QStringLiteral("network error: %1").arg(a0);
    case Kind::ResponseTooLarge: return QStringLiteral("the response is larger than the %1-byte limit").arg(a0);
    case Kind::ResponseLengthTooLarge:
        return QStringLiteral("the response is larger than the %1-byte limit (Content-Length %2)").arg(a0, a1);
    case Kind::ResponseHeadTooLarge: return QStringLiteral("the response headers are larger than %1 bytes").arg(a0);
    case Kind::ResponseNotHttp: return QStringLiteral("the backend did not answer with HTTP/1.x");
    case Kind::ResponseBadStatusLine: return QStringLiteral("the backend sent an invalid status line");
    case Kind::ResponseStatusOutOfRange:
        return QStringLiteral("the backend answered with status %1, outside HTTP's 100-599").arg(a0);
    case Kind::ResponseFoldedHeader: return QStringLiteral("the backend sent an obsolete folded header");
    case Kind::ResponseMalformedHeader: return QStringLiteral("the backend sent a malformed header line");
    case Kind::ResponseBadHeaderName: return QStringLiteral("the backend sent a header name with invalid characters");
    case Kind::ResponseHeaderControlCharacter:
        return QStringLiteral("the backend sent a control character in the value of header %1").arg(a0);
    case Kind::ResponseSwitchedProtocols:
        return QStringLiteral("the backend switched protocols, which a proxied request cannot do");
    case Kind::ResponseBadContentLength:
        return QStringLiteral("the backend sent an invalid or conflicting Content-Length (%1)").arg(a0);
    case Kind::ResponseTransferEncodingHttp10:
        return QStringLiteral("the backend sent Transfer-Encoding in an HTTP/1.0 response (RFC 9112 6.1)");
    case Kind::ResponseChunkLineTooLong: return QStringLiteral("the backend sent an overlong chunk line");
    case Kind::ResponseMalformedChunk: return QStringLiteral("the backend sent a malformed chunk");
    case Kind::ResponseBadChunkSize: return QStringLiteral("the backend sent an invalid chunk size (%1)").arg(a0);
    case Kind::ResponseCutShort:
        return QStringLiteral("the backend closed the connection in the middle of the response");
    case Kind::ResponseNothing: return QStringLiteral("the backend closed the connection without answering");
    case Kind::WsStopping: return QStringLiteral("Telephone is stopping");
    case Kind::WsGoingAway: return QStringLiteral("going away");
    case Kind::WsBufferFull: return QStringLiteral("Telephone's buffer for this connection is full");
    case Kind::WsBackendNotReading:
        return QStringLiteral("the backend is not reading: %1 bytes waiting, more than the WebSocket buffer allows")
            .arg(a0);
    case Kind::WsServerNotTaking:
        return QStringLiteral("the server is not taking this WebSocket's messages: %1 bytes would wait, over the "
                              "--ws-buffer of %2")
            .arg(a0, a1);
    case Kind::WsEarlyFramesOverflow:
        return QStringLiteral("more browser frames than the WebSocket buffer holds arrived before the backend "
                              "accepted the connection");
    case Kind::BackendWsUpgradeTimeout:
        return QStringLiteral("the backend did not accept the WebSocket upgrade within %1 s").arg(a0);
    case Kind::BackendWsUnreachable:
        return QStringLiteral("the backend WebSocket could not be reached: %1").arg(cause(0).englishText());
    case Kind::BackendWsUpgradeTooLarge:
        return QStringLiteral("the backend's upgrade response is larger than %1 bytes").arg(a0);
    case Kind::BackendWsUpgradeRefused: return QStringLiteral("the backend refused the WebSocket upgrade: HTTP %1").arg(a0);
    case Kind::BackendWsUpgradeNotHttp: return QStringLiteral("the backend did not answer the upgrade with HTTP");
    case Kind::BackendWsUpgradeInvalid:
        return QStringLiteral("the backend's upgrade response is not a valid WebSocket handshake");
    case Kind::BackendWsExtension:
        return QStringLiteral("the backend answered with a WebSocket extension that was not offered");
    case Kind::BackendWsClosedInUpgrade:
        return QStringLiteral("the backend closed the connection during the WebSocket upgrade");
    case Kind::BackendWsNoCloseFrame: return QStringLiteral("the backend closed the connection without a close frame");
    case Kind::BackendWsLost:
        return QStringLiteral("the connection to the backend was lost: %1").arg(cause(0).englishText());
    case Kind::BackendWsBrokeProtocol: return QStringLiteral("the backend broke the WebSocket protocol: %1").arg(a0);
    case Kind::BackendWsMessageTooLarge:
        return QStringLiteral("the backend sent a WebSocket message larger than %1 bytes").arg(a0);
    case Kind::KeychainAccessDenied: return keychainSays(QStringLiteral("access was denied (is the keychain locked?)"), a0);
    case Kind::KeychainUnavailable: return keychainSays(QStringLiteral("no keychain service is available"), a0);
    case Kind::KeychainUnsupported: return keychainSays(QStringLiteral("this platform has no keychain support"), a0);
    case Kind::KeychainFailed: return keychainSays(QStringLiteral("it failed"), a0);
    case Kind::KeychainTimeout:
        return QStringLiteral("the OS keychain did not answer within %1 s (locked, and waiting for a password prompt "
                              "nobody sees?)")
            .arg(a0);
    case Kind::KeychainNoSessionBus:
        return QStringLiteral("there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret "
                              "Service can answer");
    case Kind::KeychainBusy: return QStringLiteral("the keychain is busy with another request");
    case Kind::ServiceAccountKeyEmpty: return QStringLiteral("the service-account key is empty");
    case Kind::ServiceAccountKeyMalformed:
        return QStringLiteral("the service-account key is malformed (it may contain only printable ASCII characters, "
                              "no spaces)");
    case Kind::NotAServiceAccountKey:
        return QStringLiteral("this is not a service-account key: Plugboard's keys start with \"%1\"").arg(a0);
    }
    return a0;
}

Problem Problem::replayRefused(const Problem &refusal)
{
    return withCause(Kind::ReplayRefused, {}, refusal);
}

Problem Problem::refusal() const
{
    return kind == Kind::ReplayRefused ? cause(0) : Problem();
}

Problem Problem::withCause(Kind kind, const QStringList &leading, const Problem &cause)
{
    return Problem(kind, leading + QStringList{QString::number(int(cause.kind))} + cause.args);
}

Problem Problem::cause(int leading) const
{
    bool ok = false;
    const int inner = args.value(leading).toInt(&ok);
    if (!ok || inner <= int(Kind::None) || inner > int(LastKind))
        return {};
    return Problem(Kind(inner), args.mid(leading + 1));
}

} // namespace telephone
