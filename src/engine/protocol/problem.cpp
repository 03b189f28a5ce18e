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
    }
    return a0;
}

} // namespace telephone
