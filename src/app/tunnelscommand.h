#pragma once

#include <QStringList>

namespace telephone {

/// `telephone tunnels [--config FILE] [--tunnel NAME]...`: lists the configured tunnels (issue 15)
/// with server, backend and state. The state comes from a running Telephone's /health on
/// --metrics-address when that answers; otherwise it says "not running (no --metrics-address)" or
/// "not running" — this command never connects a tunnel itself. Invalid tunnels are listed with why.
class TunnelsCommand
{
public:
    static bool isRequested(int argc, char **argv);
    /// Creates the QCoreApplication and runs the command; returns the exit code (0, or 2 when the
    /// configuration cannot be read or a tunnel of it is invalid).
    static int run(int argc, char **argv);
};

} // namespace telephone
