#pragma once

#include "tunnel/tunnel.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace telephone {

/// Decides which tunnel events are worth a desktop notification, and says them once: the
/// connection lost for longer than a grace period (a blip that heals in seconds is not news),
/// reconnected after such a loss, the token expiring soon, a failed refresh (once until one works),
/// the token refused. It only emits notify(); the tray shows it. Off when disabled in the settings.
class Notifier : public QObject
{
    Q_OBJECT

public:
    enum class Kind { Information, Warning, Critical };
    Q_ENUM(Kind)

    explicit Notifier(Tunnel *tunnel, QObject *parent = nullptr);

    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool isEnabled() const { return m_enabled; }
    void setGracePeriod(std::chrono::milliseconds grace) { m_grace.setInterval(grace); }

signals:
    void notify(const QString &title, const QString &message, telephone::Notifier::Kind kind);

private:
    void onStateChanged(Tunnel::State state);
    void onGraceOver();
    void send(const QString &title, const QString &message, Kind kind);

    QPointer<Tunnel> m_tunnel;
    QTimer m_grace;
    Tunnel::State m_lastState = Tunnel::State::Disconnected;
    bool m_enabled = true;
    bool m_lostNotified = false;
    bool m_refreshFailureNotified = false;
};

} // namespace telephone
