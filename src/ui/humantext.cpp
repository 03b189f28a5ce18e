#include "ui/humantext.h"

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

} // namespace telephone
