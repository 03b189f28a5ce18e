#pragma once

#include <QPointer>
#include <QString>

namespace telephone {

class BackendHealth;
class Tunnel;
class TunnelActions;

/// One tunnel as the desktop shows it (issue 15: a process may run several): the engine's Tunnel,
/// its name, what the desktop judges of its backend, and the actions on it. The DesktopShell makes
/// one per tunnel and owns the health and the actions; the tray and the window read them.
struct TunnelParts {
    QPointer<Tunnel> tunnel;
    QString name; ///< "default", or NAME of [tunnel.NAME]; what Exchange::tunnel holds
    QPointer<BackendHealth> health;
    TunnelActions *actions = nullptr;
};

} // namespace telephone
