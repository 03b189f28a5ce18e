#include "ui/humantext.h"

#include <QDateTime>
#include <QLocale>

namespace telephone {

QString HumanText::stateName(Tunnel::State state)
{
    switch (state) {
    case Tunnel::State::Disconnected: return tr("Disconnected");
    case Tunnel::State::Connecting: return tr("Connecting");
    case Tunnel::State::Joining: return tr("Joining");
    case Tunnel::State::Connected: return tr("Connected");
    case Tunnel::State::Reconnecting: return tr("Reconnecting");
    case Tunnel::State::AuthFailed: return tr("Token refused");
    case Tunnel::State::ConfigError: return tr("Configuration refused");
    case Tunnel::State::Stopping: return tr("Stopping");
    }
    return Tunnel::stateName(state);
}

QString HumanText::duration(qint64 seconds)
{
    seconds = qMax<qint64>(0, seconds);
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 48)
        return minutes % 60 ? tr("%1 h %2 min").arg(hours).arg(minutes % 60) : tr("%1 h").arg(hours);
    return hours % 24 ? tr("%1 d %2 h").arg(hours / 24).arg(hours % 24) : tr("%1 d").arg(hours / 24);
}

QString HumanText::expiry(qint64 expSecs, qint64 nowSecs)
{
    if (expSecs <= 0)
        return tr("does not expire");
    if (expSecs <= nowSecs)
        return tr("expired %1 ago").arg(duration(nowSecs - expSecs));
    return tr("expires in %1").arg(duration(expSecs - nowSecs));
}

QString HumanText::elapsed(qint64 milliseconds)
{
    milliseconds = qMax<qint64>(0, milliseconds);
    if (milliseconds < 1000)
        return tr("%1 ms").arg(milliseconds);
    if (milliseconds < 60000)
        return tr("%1 s").arg(QLocale().toString(double(milliseconds) / 1000.0, 'f', 1));
    const qint64 seconds = (milliseconds + 500) / 1000;
    return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
}

HumanText::TokenProblem HumanText::tokenProblem(const Tunnel &tunnel, qint64 nowSecs)
{
    if (tunnel.state() != Tunnel::State::AuthFailed)
        return TokenProblem::None;
    if (tunnel.config().token.trimmed().isEmpty())
        return TokenProblem::Missing;
    if (tunnel.claims().pathId.isEmpty())
        return TokenProblem::Unusable;
    if (tunnel.claims().isExpiredAt(nowSecs))
        return TokenProblem::Expired;
    return TokenProblem::Refused;
}

namespace {

// The engine appends what it does next ("waiting for a new token ..."): the button says that.
QString causeOnly(const StateReasons &reasons)
{
    StateReasons causes;
    for (const StateReason &reason : reasons) {
        if (reason.code != StateReason::Code::WaitingForToken && reason.code != StateReason::Code::RetryingTokenIn)
            causes.append(reason);
    }
    return HumanText::reason(causes);
}

// The engine's seconds ("1.5") in the user's notation ("1,5").
QString secondsArg(const QString &seconds)
{
    bool ok = false;
    const double value = seconds.toDouble(&ok);
    return ok ? QLocale().toString(value, 'g', 3) : seconds;
}

// The engine's ISO 8601 time in the user's notation and time zone.
QString isoTime(const QString &iso)
{
    const QDateTime at = QDateTime::fromString(iso, Qt::ISODate);
    return at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : iso;
}

QString localTime(qint64 secs, qint64 nowSecs)
{
    const QDateTime at = QDateTime::fromSecsSinceEpoch(secs).toLocalTime();
    const QDateTime now = QDateTime::fromSecsSinceEpoch(nowSecs).toLocalTime();
    return at.date() == now.date() ? QLocale().toString(at.time(), QLocale::ShortFormat)
                                   : QLocale().toString(at, QLocale::ShortFormat);
}

} // namespace

QString HumanText::reason(const StateReasons &reasons)
{
    QStringList parts;
    for (const StateReason &part : reasons)
        parts.append(reasonPart(part));
    return parts.join(QStringLiteral("; "));
}

QString HumanText::reasonPart(const StateReason &reason)
{
    using Code = StateReason::Code;
    const QString a0 = reason.args.value(0);
    const QString a1 = reason.args.value(1);
    switch (reason.code) {
    case Code::ConnectionProblem: return problem(reason.detail);
    case Code::Connecting: return tr("connecting to %1").arg(a0);
    case Code::Joining: return tr("joining %1").arg(a0);
    case Code::Joined: return tr("joined; serving mount %1 from %2").arg(a0, a1);
    case Code::JoinTimeout: return tr("no join reply within %1 s").arg(secondsArg(a0));
    case Code::JoinRefused:
        return a0.isEmpty() ? tr("the server refused the join without a reason")
                            : tr("the server refused the join: %1").arg(a0);
    case Code::ChannelCrashed: return tr("the server-side channel crashed (phx_error)");
    case Code::ChannelClosed: return tr("the server closed the channel (phx_close)");
    case Code::NextTry: return tr("next try in %1 s").arg(secondsArg(a0));
    case Code::RejoinNextTry: return tr("rejoining on the same connection; next try in %1 s").arg(secondsArg(a0));
    case Code::NoSocketAtServer:
        return tr("the server %1 has no Telephone socket: it answered HTTP 404 at both paths tried (%2); check the "
                  "server address, or give the socket's full path if it is somewhere else")
            .arg(a0, a1);
    case Code::PathIdMismatch:
        return tr("the server says this token does not belong to mount %1 (path_id_mismatch): get a token for the "
                  "mount you want to serve")
            .arg(a0);
    case Code::TokenRefusedHttp:
        return tr("the server refused the token (HTTP %1): it is invalid, expired or revoked").arg(a0);
    case Code::RefreshRefused: return tr("the server refused to refresh the token: %1").arg(a0);
    case Code::NoToken: return tr("no token yet: paste one");
    case Code::TokenUnusable: return tr("the token cannot be used: %1").arg(problem(reason.detail));
    case Code::NewerTokenInUse:
        return tr("a newer token for this mount (issued %1) is already in use; this one was issued %2")
            .arg(isoTime(a0), isoTime(a1));
    case Code::TokenExpired: return tr("the token expired at %1: get a new one").arg(isoTime(a0));
    case Code::WaitingForToken: return tr("waiting for a new token");
    case Code::RetryingTokenIn:
        return tr("waiting for a new token; trying this one again in %1 s").arg(secondsArg(a0));
    case Code::VendingRateLimited:
        return tr("waiting %1 s to ask the server's token vending again (at most once a minute)").arg(secondsArg(a0));
    case Code::VendingAsking:
        return tr("asking the server's token vending for a token (service-account key %1)").arg(a0);
    case Code::VendingFailed: return problem(reason.detail);
    case Code::VendedTokenRejected: return tr("the token that token vending sent cannot be used");
    case Code::VendingAgainIn: return tr("asking again in %1 s").arg(secondsArg(a0));
    case Code::GiveNewKey: return tr("give a new service-account key");
    case Code::KeyAgainIn: return tr("trying the key again in %1 s, or give a new one").arg(secondsArg(a0));
    case Code::Stopping: return tr("stopping; %n request(s) in flight", nullptr, a0.toInt());
    case Code::Stopped: return tr("stopped");
    }
    return reason.englishText();
}

QString HumanText::problem(const Problem &problem)
{
    using Kind = Problem::Kind;
    const QString a0 = problem.args.value(0);
    const QString a1 = problem.args.value(1);
    // The other side's words, when it gave any, after a translated sentence.
    const auto serverSays = [](const QString &sentence, const QString &words) {
        return words.isEmpty() ? sentence : tr("%1 (the server says: %2)").arg(sentence, words);
    };
    switch (problem.kind) {
    case Kind::None: return {};
    case Kind::CouldNotConnect: return tr("could not connect to the server");
    case Kind::ConnectionRefused: return tr("%1 refused the connection on port %2").arg(a0, a1);
    case Kind::HostNotFound: return tr("the server name %1 was not found").arg(a0);
    case Kind::NetworkTimeout: return tr("the network connection timed out");
    case Kind::NetworkUnreachable: return tr("the network is unreachable");
    case Kind::CertificateUntrusted:
        return tr("the server's certificate for %1 is not trusted (self-signed or from an unknown authority)").arg(a0);
    case Kind::CertificateExpired: return tr("the server's certificate for %1 has expired").arg(a0);
    case Kind::CertificateWrongHost: return tr("the server's certificate is not for %1").arg(a0);
    case Kind::TlsFailed: return tr("the secure connection (TLS) to the server failed: %1").arg(a0);
    case Kind::NetworkError: return tr("network error: %1").arg(a0);
    case Kind::UpgradeTimeout: return tr("the server did not accept the WebSocket within %1 s").arg(secondsArg(a0));
    case Kind::UpgradeTooLarge: return tr("the server's answer to the WebSocket request is too large");
    case Kind::UpgradeRefused: return tr("the server refused the connection (HTTP %1)").arg(a0);
    case Kind::UpgradeNotHttp: return tr("the server did not answer the WebSocket request with HTTP");
    case Kind::UpgradeInvalid: return tr("the server's answer is not a valid WebSocket handshake");
    case Kind::WriteStalled:
        return tr("the server has not read anything for %1 s; the connection is taken for dead").arg(secondsArg(a0));
    case Kind::CloseUnanswered:
        return tr("the server did not finish closing the connection within %1 s").arg(secondsArg(a0));
    case Kind::ProtocolViolation: return tr("the server broke the WebSocket protocol");
    case Kind::DroppedByTelephone: return tr("Telephone dropped the connection");
    case Kind::NoCloseFrame: return tr("the server closed the connection without saying why");
    case Kind::ClosedByServer:
        return a1.isEmpty() ? tr("the server closed the connection (code %1)").arg(a0)
                            : tr("the server closed the connection: %1 (code %2)").arg(a1, a0);
    case Kind::ConnectionLost: return tr("the connection was lost");
    case Kind::WakeUnanswered: return tr("no answer from the server within %1 s after waking up").arg(secondsArg(a0));
    case Kind::HeartbeatSilence:
        return tr("nothing heard from the server for %1 s (heartbeat every %2 s)").arg(secondsArg(a0), secondsArg(a1));
    case Kind::TokenEmpty: return tr("the token is empty");
    case Kind::NotAJwt: return tr("this is not a token (a token has three parts separated by dots, this has %1)").arg(a0);
    case Kind::NotBase64urlCharacters: return tr("the token contains characters that do not belong in a token");
    case Kind::PayloadNotBase64url:
    case Kind::PayloadNotJsonObject: return tr("the token's middle part is damaged; copy the whole token again");
    case Kind::ClaimNotWholeNumber: return tr("the token's \"%1\" time is not a whole number of seconds").arg(a0);
    case Kind::NoPathIdClaim: return tr("the token names no mount (it has no \"path_id\")");
    case Kind::VendingRefused: return tr("token vending at %1 refused the connection").arg(a0);
    case Kind::VendingHostNotFound: return tr("token vending at %1 cannot be reached: the host was not found").arg(a0);
    case Kind::VendingUnreachable: return tr("token vending at %1 cannot be reached: %2").arg(a0, a1);
    case Kind::VendingAnswerTooLarge:
        return tr("token vending answered HTTP %1 with far more than a token").arg(a0);
    case Kind::VendedNoToken: return tr("token vending answered without a token");
    case Kind::VendedTokenUnusable: return tr("token vending sent a token that cannot be used");
    case Kind::VendedWrongMount:
        return tr("token vending sent a token for mount %1 when %2 was asked for; it is not used").arg(a0, a1);
    case Kind::VendingKeyRefused:
        return serverSays(tr("the service-account key %1 is invalid or revoked").arg(a0), a1);
    case Kind::VendingPathRefused: return tr("this service account may not serve mount %1").arg(a0);
    case Kind::VendingPathBound:
        return tr("this service account may not serve mount %1: it is bound to mount %2 (serve that one, or use the "
                  "key of an account bound to %1)")
            .arg(a0, a1);
    case Kind::VendingRequestRefused: return serverSays(tr("token vending refused the request (HTTP 422)"), a0);
    case Kind::VendingNotOffered: return serverSays(tr("this server does not seem to offer token vending (HTTP 404)"), a0);
    case Kind::VendingHttpError: return serverSays(tr("token vending answered HTTP %1").arg(a0), a1);    case Kind::RequestIdMissing: return tr("invalid request: no usable request ID");
    case Kind::RequestIdTooLong: return tr("invalid request: the request ID is longer than %1 characters").arg(a0);
    case Kind::RequestIdBadCharacter:
        return tr("invalid request: the request ID contains a space, control or non-ASCII character");
    case Kind::MethodNotToken: return tr("invalid request: the method is not an HTTP token");
    case Kind::MethodConnect: return tr("CONNECT cannot be passed to a backend");
    case Kind::PathMissing: return tr("invalid request: the path is missing");
    case Kind::PathNotOriginForm: return tr("invalid request: the path does not start with '/'");
    case Kind::PathNamesHost: return tr("invalid request: the path starts with '//', which names another host");
    case Kind::PathTooLong: return tr("invalid request: the path is longer than %1 bytes").arg(a0);
    case Kind::PathDotSegment:
        return tr("invalid request: the path has a '.' or '..' segment, which could leave the backend's base path");
    case Kind::QueryNotString: return tr("invalid request: the query is not a string");
    case Kind::QueryTooLong: return tr("invalid request: the query is longer than %1 bytes").arg(a0);
    case Kind::HeadersNotObject: return tr("invalid request: the headers are not an object");
    case Kind::TooManyHeaders: return tr("too many request headers (%1, at most %2)").arg(a0, a1);
    case Kind::HeaderNameNotToken: return tr("invalid request: a header name is not an HTTP token");
    case Kind::HeaderValueNotString: return tr("invalid request: header %1 has a value that is not text").arg(a0);
    case Kind::HeaderControlCharacter: return tr("invalid request: header %1 contains a control character").arg(a0);
    case Kind::HeadersTooLarge: return tr("the request headers are larger than %1 bytes").arg(a0);
    case Kind::BodyNotString: return tr("invalid request: the body is not a string");
    case Kind::BodyNotBase64: return tr("invalid request: the body is not valid base64");
    case Kind::RequestBodyTooLarge: return tr("the request body is larger than %1 bytes").arg(a0);
    case Kind::ShuttingDown: return tr("Telephone is shutting down and takes no new requests");
    case Kind::ConcurrencyLimit: return tr("Telephone is at its limit of %1 requests at once").arg(a0);
    case Kind::BackendRefused: return tr("the backend %1 refused the connection (is it running?)").arg(a0);
    case Kind::BackendTimeout: return tr("the backend %1 did not answer within %2 s").arg(a0, secondsArg(a1));
    case Kind::BackendResponseTooLarge: return tr("the backend %1 sent a response that is too large").arg(a0);
    case Kind::BackendInvalidResponse:
        return tr("the backend %1 sent an invalid response: %2").arg(a0, HumanText::problem(problem.cause(1)));
    case Kind::BackendReset: {
        const QString why = HumanText::problem(problem.cause(1));
        return why.isEmpty() ? tr("the connection to the backend %1 was reset").arg(a0)
                             : tr("the connection to the backend %1 was reset: %2").arg(a0, why);
    }
    case Kind::BackendHostNotFound: return tr("the backend %1 cannot be reached: the host %2 was not found").arg(a0, a1);
    case Kind::BackendHeaderNotUtf8:
        return tr("the backend sent header %1 with bytes that are not UTF-8, which the server cannot carry").arg(a0);
    case Kind::BackendBinaryBody:
        return tr("the backend answered %1 with a binary body of %2 bytes, which this server cannot carry; "
                  "nothing was sent rather than altered bytes")
            .arg(a0, a1);
    case Kind::DecodedBodyTooLarge:
        return tr("the backend's %1 body decompresses to more than the maximum response size (%2 bytes)").arg(a0, a1);
    case Kind::ReplayBodyCut:
        return tr("the request body was cut at %1 bytes for display, so a replay would not send the same request")
            .arg(a0);
    case Kind::ReplayRefused: return tr("this request cannot be replayed: %1").arg(HumanText::problem(problem.refusal()));
    case Kind::SocketRefused: return tr("the connection was refused");
    case Kind::SocketHostNotFound: return tr("the host was not found");
    case Kind::SocketClosedByPeer: return tr("the other side closed the connection");
    case Kind::SocketTimedOut: return tr("the network operation timed out");
    case Kind::SocketTlsFailed: return tr("the secure connection (TLS) failed");
    case Kind::SocketAccessDenied: return tr("the operating system did not allow the connection");
    case Kind::SocketNoResources: return tr("the system has no resources left for another connection");
    case Kind::SocketProxyFailed: return tr("the network proxy failed");
    case Kind::SocketError: return tr("network error: %1").arg(a0);
    case Kind::ResponseTooLarge: return tr("the response is larger than %1 bytes").arg(a0);
    case Kind::ResponseLengthTooLarge: return tr("the response is larger than %1 bytes (Content-Length %2)").arg(a0, a1);
    case Kind::ResponseHeadTooLarge: return tr("the response headers are larger than %1 bytes").arg(a0);
    case Kind::ResponseNotHttp: return tr("it is not HTTP/1.x");
    case Kind::ResponseBadStatusLine: return tr("its status line is invalid");
    case Kind::ResponseStatusOutOfRange: return tr("its status %1 is outside HTTP's 100-599").arg(a0);
    case Kind::ResponseFoldedHeader: return tr("it has an obsolete folded header line");
    case Kind::ResponseMalformedHeader: return tr("it has a malformed header line");
    case Kind::ResponseBadHeaderName: return tr("a header name has invalid characters");
    case Kind::ResponseHeaderControlCharacter: return tr("the value of header %1 contains a control character").arg(a0);
    case Kind::ResponseSwitchedProtocols: return tr("it switches protocols, which a passed-on request cannot do");
    case Kind::ResponseBadContentLength: return tr("its Content-Length is invalid or conflicting (%1)").arg(a0);
    case Kind::ResponseTransferEncodingHttp10: return tr("it is HTTP/1.0 with Transfer-Encoding");
    case Kind::ResponseChunkLineTooLong: return tr("a chunk line is too long");
    case Kind::ResponseMalformedChunk: return tr("a chunk is malformed");
    case Kind::ResponseBadChunkSize: return tr("a chunk size is invalid (%1)").arg(a0);
    case Kind::ResponseCutShort: return tr("the backend closed the connection in the middle of the response");
    case Kind::ResponseNothing: return tr("the backend closed the connection without answering");
    case Kind::WsStopping: return tr("Telephone is stopping and takes no new WebSocket connections");
    case Kind::WsGoingAway: return tr("Telephone closed it: the tunnel stopped or lost its channel");
    case Kind::WsBufferFull: return tr("Telephone's buffer for this connection is full");
    case Kind::WsBackendNotReading:
        return tr("the backend is not reading: %1 bytes wait, more than the WebSocket buffer allows").arg(a0);
    case Kind::WsServerNotTaking:
        return tr("the server is not taking this WebSocket's messages: %1 bytes would wait, more than the WebSocket "
                  "buffer of %2 bytes")
            .arg(a0, a1);
    case Kind::WsEarlyFramesOverflow:
        return tr("the browser sent more frames than the WebSocket buffer holds before the backend accepted the "
                  "connection");
    case Kind::BackendWsUpgradeTimeout: return tr("the backend did not accept the WebSocket within %1 s").arg(secondsArg(a0));
    case Kind::BackendWsUnreachable: return tr("the backend cannot be reached: %1").arg(HumanText::problem(problem.cause(0)));
    case Kind::BackendWsUpgradeTooLarge: return tr("the backend's answer to the WebSocket request is too large");
    case Kind::BackendWsUpgradeRefused: return tr("the backend refused the WebSocket: HTTP %1").arg(a0);
    case Kind::BackendWsUpgradeNotHttp: return tr("the backend did not answer the WebSocket request with HTTP");
    case Kind::BackendWsUpgradeInvalid: return tr("the backend's answer is not a valid WebSocket handshake");
    case Kind::BackendWsExtension: return tr("the backend chose a WebSocket extension that was not offered");
    case Kind::BackendWsClosedInUpgrade: return tr("the backend closed the connection before accepting the WebSocket");
    case Kind::BackendWsNoCloseFrame: return tr("the backend closed the connection without saying why");
    case Kind::BackendWsLost: return tr("the connection to the backend was lost: %1").arg(HumanText::problem(problem.cause(0)));
    case Kind::BackendWsBrokeProtocol: return tr("the backend broke the WebSocket protocol");
    case Kind::BackendWsMessageTooLarge: return tr("the backend sent a WebSocket message larger than %1 bytes").arg(a0);
    case Kind::KeychainAccessDenied: return tr("access was denied (is the keychain locked?)");
    case Kind::KeychainUnavailable: return tr("no keychain service is available");
    case Kind::KeychainUnsupported: return tr("this system has no keychain support");
    case Kind::KeychainFailed: return tr("the keychain reported an error");
    case Kind::KeychainTimeout:
        return tr("no answer within %1 s (locked, and waiting for a password prompt nobody sees?)").arg(secondsArg(a0));
    case Kind::KeychainNoSessionBus:
        return tr("there is no D-Bus session bus, so no Secret Service can answer (is this a desktop session?)");
    case Kind::KeychainBusy: return tr("the keychain is busy with another request");
    case Kind::ServiceAccountKeyEmpty: return tr("the service-account key is empty");
    case Kind::ServiceAccountKeyMalformed:
        return tr("the service-account key may contain only printable ASCII characters, no spaces");
    case Kind::NotAServiceAccountKey:
        return tr("this is not a service-account key: Plugboard's keys start with \"%1\"").arg(a0);
    }
    return problem.englishText();
}

QString HumanText::exchangeError(const Exchange &exchange)
{
    return exchange.problem.isNone() ? exchange.error : problem(exchange.problem);
}

QString HumanText::closeReason(const WebSocketSession &session)
{
    return session.closeProblem.isNone() ? session.closeReason : problem(session.closeProblem);
}

QString HumanText::stateHeadline(const Tunnel &tunnel, qint64 nowSecs)
{
    switch (tokenProblem(tunnel, nowSecs)) {
    case TokenProblem::Missing: return tr("No token yet");
    case TokenProblem::Unusable: return tr("Token unusable: %1").arg(causeOnly(tunnel.stateReasons()));
    case TokenProblem::Expired: return tr("Token expired at %1").arg(localTime(tunnel.claims().exp, nowSecs));
    case TokenProblem::Refused:
        return tr("Token refused by the server: %1").arg(causeOnly(tunnel.stateReasons()));
    case TokenProblem::None: break;
    }
    return stateName(tunnel.state());
}

QString HumanText::stateDetail(const Tunnel &tunnel, qint64 nowSecs)
{
    switch (tokenProblem(tunnel, nowSecs)) {
    case TokenProblem::Missing: return tr("paste the token Plugboard gave you for your mount");
    case TokenProblem::Expired: return tr("get a new token from Plugboard and paste it");
    case TokenProblem::Unusable:
    case TokenProblem::Refused: return tr("paste a new token");
    case TokenProblem::None: break;
    }
    return reason(tunnel.stateReasons());
}

QString HumanText::tokenAction(TokenProblem problem)
{
    return problem == TokenProblem::None ? QString() : tr("Paste token…");
}

} // namespace telephone
