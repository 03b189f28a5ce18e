#pragma once

#include "proxy/exchange.h"
#include "tunnel/tunnel.h"

#include <QCoreApplication>
#include <QString>

namespace telephone {

/// The words the tray, the window and the notifications share, translated: state names and
/// durations ("42 min", "2 h 5 min").
class HumanText
{
    Q_DECLARE_TR_FUNCTIONS(telephone::HumanText)

public:
    static QString stateName(Tunnel::State state);
    /// A short duration for people: "12 s", "42 min", "2 h 5 min", "3 d 4 h". Negative counts as 0.
    static QString duration(qint64 seconds);
    /// "expires in 42 min" / "expired 3 min ago" / "does not expire".
    static QString expiry(qint64 expSecs, qint64 nowSecs);
    /// A request's duration: "850 ms", "55.2 s", "3 min 4 s".
    static QString elapsed(qint64 milliseconds);

    /// The engine's reason for a state in the user's language: each part's code rendered with tr(),
    /// parts joined with "; " as in the English log. Words the engine did not compose stay as given.
    static QString reason(const StateReasons &reasons);
    static QString reasonPart(const StateReason &reason);
    /// What went wrong below the tunnel (connection, token decoding, token vending), translated;
    /// the other side's own words inside it stay as they are.
    static QString problem(const Problem &problem);
    /// Why Telephone answered a request itself (Exchange::error), in the user's language.
    static QString exchangeError(const Exchange &exchange);
    /// Why a proxied WebSocket was closed: Telephone's own reason in the user's language, the
    /// backend's or browser's words as they came.
    static QString closeReason(const WebSocketSession &session);

    /// What is wrong with the token, if that is what stops the tunnel.
    enum class TokenProblem { None, Missing, Unusable, Expired, Refused };
    static TokenProblem tokenProblem(const Tunnel &tunnel, qint64 nowSecs);
    /// The tunnel's state as a person needs it: "Connected", "No token yet", "Token refused by the
    /// server: <reason>", "Token expired at 14:05". Never a command-line flag.
    static QString stateHeadline(const Tunnel &tunnel, qint64 nowSecs);
    /// The detail under the headline (the engine's reason), empty when the headline says it all.
    static QString stateDetail(const Tunnel &tunnel, qint64 nowSecs);
    /// The button that fixes a token problem ("Paste token…"), empty when there is none.
    static QString tokenAction(TokenProblem problem);
};

} // namespace telephone
