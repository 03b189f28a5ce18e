#include "tunnel/statereason.h"

namespace telephone {

namespace {

QString arg(const StateReason &reason, int index)
{
    return reason.args.value(index);
}

} // namespace

QString StateReason::englishText() const
{
    switch (code) {
    case Code::ConnectionProblem: return detail.englishText();
    case Code::Connecting: return QStringLiteral("connecting to %1").arg(arg(*this, 0));
    case Code::Joining: return QStringLiteral("joining %1").arg(arg(*this, 0));
    case Code::Joined: return QStringLiteral("joined; serving mount %1 from %2").arg(arg(*this, 0), arg(*this, 1));
    case Code::JoinTimeout: return QStringLiteral("no join reply within %1 s").arg(arg(*this, 0));
    case Code::JoinRefused:
        return args.value(0).isEmpty() ? QStringLiteral("the server refused the join without a reason")
                                       : QStringLiteral("the server refused the join: %1").arg(arg(*this, 0));
    case Code::ChannelCrashed: return QStringLiteral("the server-side channel crashed (phx_error)");
    case Code::ChannelClosed: return QStringLiteral("the server closed the channel (phx_close)");
    case Code::NextTry: return QStringLiteral("next try in %1 s").arg(arg(*this, 0));
    case Code::RejoinNextTry:
        return QStringLiteral("rejoining on the same connection; next try in %1 s").arg(arg(*this, 0));
    case Code::NoSocketAtServer:
        return QStringLiteral("the server %1 has no Telephone socket: it answered HTTP 404 at both paths tried (%2); "
                              "check --server, or give the socket's full path if it is somewhere else")
            .arg(arg(*this, 0), arg(*this, 1));
    case Code::PathIdMismatch:
        return QStringLiteral("the server says this token does not belong to mount %1 (path_id_mismatch): "
                              "get a token for the mount you want to serve")
            .arg(arg(*this, 0));
    case Code::TokenRefusedHttp:
        return QStringLiteral("the server refused the token (HTTP %1): it is invalid, expired or revoked")
            .arg(arg(*this, 0));
    case Code::RefreshRefused: return QStringLiteral("the server refused to refresh the token: %1").arg(arg(*this, 0));
    case Code::NoToken: return QStringLiteral("no token: pass --token or set TELEPHONE_TOKEN, or paste one");
    case Code::TokenUnusable: return QStringLiteral("the token cannot be used: %1").arg(detail.englishText());
    case Code::NewerTokenInUse:
        return QStringLiteral("a newer token for this mount (issued %1) is already in use; this one was issued %2")
            .arg(arg(*this, 0), arg(*this, 1));
    case Code::TokenExpired:
        return QStringLiteral("the token expired at %1; it is not sent: get a new one").arg(arg(*this, 0));
    case Code::WaitingForToken: return QStringLiteral("waiting for a new token");
    case Code::RetryingTokenIn:
        return QStringLiteral("waiting for a new token; trying this one again in %1 s").arg(arg(*this, 0));
    case Code::VendingRateLimited:
        return QStringLiteral("waiting %1 s to ask the server's token vending again (at most once a minute)")
            .arg(arg(*this, 0));
    case Code::VendingAsking:
        return QStringLiteral("asking the server's token vending for a token (service-account key %1)")
            .arg(arg(*this, 0));
    case Code::VendingFailed: return detail.englishText();
    case Code::VendedTokenRejected: return QStringLiteral("the vended token cannot be used");
    case Code::VendingAgainIn: return QStringLiteral("asking again in %1 s").arg(arg(*this, 0));
    case Code::GiveNewKey: return QStringLiteral("give a new key");
    case Code::KeyAgainIn: return QStringLiteral("trying it again in %1 s, or give a new key").arg(arg(*this, 0));
    case Code::Stopping: return QStringLiteral("stopping; %1 requests in flight").arg(arg(*this, 0));
    case Code::Stopped: return QStringLiteral("stopped");
    }
    return arg(*this, 0);
}

QString englishText(const StateReasons &reasons)
{
    QStringList parts;
    for (const StateReason &reason : reasons)
        parts.append(reason.englishText());
    return parts.join(QStringLiteral("; "));
}

} // namespace telephone
