#include "ui/notifier.h"

#include "ui/humantext.h"

namespace telephone {

Notifier::Notifier(Tunnel *tunnel, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
    , m_lastState(tunnel->state())
{
    m_grace.setSingleShot(true);
    m_grace.setInterval(std::chrono::seconds(20));
    connect(&m_grace, &QTimer::timeout, this, &Notifier::onGraceOver);
    connect(tunnel, &Tunnel::stateChanged, this, &Notifier::onStateChanged);
    connect(tunnel, &Tunnel::tokenExpiringSoon, this, [this](qint64 secondsLeft) {
        send(tr("Token expiring soon"),
             tr("The token expires in %1 and could not be refreshed. Paste a new one from the tray menu.")
                 .arg(HumanText::duration(secondsLeft)),
             Kind::Warning);
    });
    connect(tunnel, &Tunnel::tokenExpired, this, [this] {
        send(tr("Token expired"), tr("The token has expired. Telephone needs a new one to reconnect."), Kind::Critical);
    });
    connect(tunnel, &Tunnel::refreshFailed, this, [this](const QString &, const QString &serverReason) {
        if (m_refreshFailureNotified || !m_enabled)
            return; // it retries with backoff: one notice until a refresh works
        m_refreshFailureNotified = true;
        send(tr("Token refresh failed"),
             serverReason.isEmpty() ? tr("Telephone keeps trying. The server gave no reason.")
                                    : tr("Telephone keeps trying. The server said: %1").arg(serverReason),
             Kind::Warning);
    });
    connect(tunnel, &Tunnel::tokenRefreshed, this, [this] { m_refreshFailureNotified = false; });
}

void Notifier::onStateChanged(Tunnel::State state)
{
    const Tunnel::State previous = m_lastState;
    m_lastState = state;
    switch (state) {
    case Tunnel::State::Connected:
        m_grace.stop();
        if (m_lostNotified) {
            m_lostNotified = false;
            send(tr("Reconnected"), tr("Telephone is connected again and serving %1.").arg(m_tunnel->mountPath()),
                 Kind::Information);
        }
        break;
    case Tunnel::State::Reconnecting:
    case Tunnel::State::Connecting:
    case Tunnel::State::Joining:
        // Only a loss of a working connection starts the clock; the first connect is not a loss.
        if (!m_grace.isActive() && !m_lostNotified
            && (previous == Tunnel::State::Connected || state == Tunnel::State::Reconnecting))
            m_grace.start();
        break;
    case Tunnel::State::AuthFailed:
        m_grace.stop();
        if (previous != Tunnel::State::AuthFailed)
            send(tr("Token refused"), HumanText::reason(m_tunnel->stateReasons()), Kind::Critical);
        break;
    case Tunnel::State::ConfigError:
        m_grace.stop();
        send(tr("Configuration refused"), HumanText::reason(m_tunnel->stateReasons()), Kind::Critical);
        break;
    case Tunnel::State::Stopping:
    case Tunnel::State::Disconnected:
        // The user asked for it: nothing to report.
        m_grace.stop();
        m_lostNotified = false;
        break;
    }
}

void Notifier::onGraceOver()
{
    if (!m_tunnel || m_tunnel->state() == Tunnel::State::Connected)
        return;
    m_lostNotified = true;
    send(tr("Connection lost"),
         tr("Telephone has not been connected for %1 and keeps trying: %2")
             .arg(HumanText::duration(m_grace.intervalAsDuration().count() / 1000),
                  HumanText::reason(m_tunnel->stateReasons())),
         Kind::Warning);
}

void Notifier::send(const QString &title, const QString &message, Kind kind)
{
    if (m_enabled)
        emit notify(title, message, kind);
}

} // namespace telephone
