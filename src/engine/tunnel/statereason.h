#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace telephone {

/// One part of why a tunnel is in its state, as a code plus its arguments, so that the desktop can
/// say it in the user's language (HumanText::reason) while logs and /health keep the English text.
/// The engine composes a reason from a cause and what it does next ("connection lost" + "next try
/// in 4 s"): see StateReasons.
struct StateReason {
    enum class Code {
        Text,                ///< args[0]: words from elsewhere (the network layer, token vending), as they are
        Connecting,          ///< args: socket URL
        Joining,             ///< args: topic
        Joined,              ///< args: mount, backend
        JoinTimeout,         ///< args: seconds
        JoinRefused,         ///< args: the server's reason
        ChannelCrashed,      ///< phx_error
        ChannelClosed,       ///< phx_close
        NextTry,             ///< args: seconds
        RejoinNextTry,       ///< args: seconds
        NoSocketAtServer,    ///< args: server, paths tried
        PathIdMismatch,      ///< args: path id
        TokenRefusedHttp,    ///< args: HTTP status
        RefreshRefused,      ///< args: the server's reason
        NoToken,             ///< no token was given
        TokenUnusable,       ///< args: the decoder's problem
        TokenExpired,        ///< args: expiry (ISO 8601, UTC)
        WaitingForToken,     ///< nothing is scheduled
        RetryingTokenIn,     ///< args: seconds
        VendingRateLimited,  ///< args: seconds
        VendingAsking,       ///< args: the key, shortened
        Stopping,            ///< args: requests in flight
        Stopped,
    };

    Code code = Code::Text;
    QStringList args;

    /// The words for logs, /health and the command line.
    QString englishText() const;
    /// A reason the engine did not compose (free words): shown as they are.
    static StateReason text(const QString &words) { return {Code::Text, {words}}; }
    bool operator==(const StateReason &other) const { return code == other.code && args == other.args; }
    bool operator!=(const StateReason &other) const { return !(*this == other); }
};

/// A full reason: a cause, then what happens next; in English the parts are joined with "; ".
using StateReasons = QList<StateReason>;
QString englishText(const StateReasons &reasons);

} // namespace telephone
