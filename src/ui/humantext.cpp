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
    case Code::Text: return a0;
    case Code::Connecting: return tr("connecting to %1").arg(a0);
    case Code::Joining: return tr("joining %1").arg(a0);
    case Code::Joined: return tr("joined; serving mount %1 from %2").arg(a0, a1);
    case Code::JoinTimeout: return tr("no join reply within %1 s").arg(secondsArg(a0));
    case Code::JoinRefused: return tr("the server refused the join: %1").arg(a0);
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
    case Code::TokenUnusable: return tr("the token cannot be used: %1").arg(a0);
    case Code::TokenExpired: {
        const QDateTime at = QDateTime::fromString(a0, Qt::ISODate);
        return tr("the token expired at %1: get a new one")
            .arg(at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : a0);
    }
    case Code::WaitingForToken: return tr("waiting for a new token");
    case Code::RetryingTokenIn:
        return tr("waiting for a new token; trying this one again in %1 s").arg(secondsArg(a0));
    case Code::VendingRateLimited:
        return tr("waiting %1 s to ask the server's token vending again (at most once a minute)").arg(secondsArg(a0));
    case Code::VendingAsking:
        return tr("asking the server's token vending for a token (service-account key %1)").arg(a0);
    case Code::Stopping: return tr("stopping; %n request(s) in flight", nullptr, a0.toInt());
    case Code::Stopped: return tr("stopped");
    }
    return reason.englishText();
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
