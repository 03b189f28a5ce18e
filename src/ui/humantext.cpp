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

// The engine appends what it does next ("; waiting for a new token ..."): the button says that.
QString reasonOnly(const QString &reason)
{
    const qsizetype cut = reason.indexOf(QLatin1String("; waiting for a new token"));
    return cut < 0 ? reason : reason.left(cut);
}

QString localTime(qint64 secs, qint64 nowSecs)
{
    const QDateTime at = QDateTime::fromSecsSinceEpoch(secs).toLocalTime();
    const QDateTime now = QDateTime::fromSecsSinceEpoch(nowSecs).toLocalTime();
    return at.date() == now.date() ? QLocale().toString(at.time(), QLocale::ShortFormat)
                                   : QLocale().toString(at, QLocale::ShortFormat);
}

} // namespace

QString HumanText::stateHeadline(const Tunnel &tunnel, qint64 nowSecs)
{
    switch (tokenProblem(tunnel, nowSecs)) {
    case TokenProblem::Missing: return tr("No token yet");
    case TokenProblem::Unusable: return tr("Token unusable: %1").arg(reasonOnly(tunnel.stateReason()));
    case TokenProblem::Expired: return tr("Token expired at %1").arg(localTime(tunnel.claims().exp, nowSecs));
    case TokenProblem::Refused:
        return tr("Token refused by the server: %1").arg(reasonOnly(tunnel.stateReason()));
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
    return tunnel.stateReason();
}

QString HumanText::tokenAction(TokenProblem problem)
{
    return problem == TokenProblem::None ? QString() : tr("Paste token…");
}

} // namespace telephone
