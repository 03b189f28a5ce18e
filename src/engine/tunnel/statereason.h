#pragma once

#include "protocol/problem.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace telephone {

/// One part of why a tunnel is in its state, as a code plus its arguments, so that the desktop can
/// say it in the user's language (HumanText::reason) while logs and /health keep the English text.
/// The engine composes a reason from a cause and what it does next ("connection lost" + "next try
/// in 4 s"): see StateReasons. Nothing in a reason is free English: what a lower layer reports comes
/// as a Problem (code plus arguments) in `detail`; only words from the other side (the server's
/// reason, its close reason) are arguments shown as they are, inside a translated sentence.
struct StateReason {
    enum class Code {
        ConnectionProblem,   ///< detail: why the connection ended (socket, upgrade, heartbeat)
        Connecting,          ///< args: socket URL
        Joining,             ///< args: topic
        Joined,              ///< args: mount, backend
        JoinTimeout,         ///< args: seconds
        JoinRefused,         ///< args: the server's reason (may be empty)
        ChannelCrashed,      ///< phx_error
        ChannelClosed,       ///< phx_close
        NextTry,             ///< args: seconds
        RejoinNextTry,       ///< args: seconds
        NoSocketAtServer,    ///< args: server, paths tried
        PathIdMismatch,      ///< args: path id
        TokenRefusedHttp,    ///< args: HTTP status
        RefreshRefused,      ///< args: the server's reason
        NoToken,             ///< no token was given
        TokenUnusable,       ///< detail: the decoder's problem
        NewerTokenInUse,     ///< args: when the token in use was issued, when the given one was (ISO 8601, UTC)
        TokenExpired,        ///< args: expiry (ISO 8601, UTC)
        WaitingForToken,     ///< nothing is scheduled
        RetryingTokenIn,     ///< args: seconds
        VendingRateLimited,  ///< args: seconds
        VendingAsking,       ///< args: the key, shortened
        VendingFailed,       ///< detail: what token vending answered
        VendedTokenRejected, ///< the vended token decoded, but cannot be used: the next part says why
        VendingAgainIn,      ///< args: seconds
        GiveNewKey,          ///< a refused key with nothing scheduled
        KeyAgainIn,          ///< args: seconds
        Stopping,            ///< args: requests in flight
        Stopped,
    };

    StateReason() = default;
    StateReason(Code code, QStringList args, Problem detail = {})
        : code(code)
        , args(std::move(args))
        , detail(std::move(detail))
    {
    }

    Code code = Code::ConnectionProblem;
    QStringList args;
    Problem detail; ///< for the codes that wrap a lower layer's problem

    /// The words for logs, /health and the command line.
    QString englishText() const;
    /// A reason that wraps a lower layer's problem.
    static StateReason because(Code code, const Problem &problem) { return {code, {}, problem}; }
    bool operator==(const StateReason &other) const
    {
        return code == other.code && args == other.args && detail == other.detail;
    }
    bool operator!=(const StateReason &other) const { return !(*this == other); }
};

/// A full reason: a cause, then what happens next; in English the parts are joined with "; ".
using StateReasons = QList<StateReason>;
QString englishText(const StateReasons &reasons);

} // namespace telephone
