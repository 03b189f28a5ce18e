#pragma once

#include <QString>

namespace telephone {

class Tunnel;

/// The name a tunnel goes by in logs, metrics and /health: its configured name (the QObject's
/// objectName: "default" or NAME of [tunnel.NAME], set by the Runner), else its path_id (from the
/// token's claims), which is stable for the tunnel's life and is neither a request path nor a
/// secret. Empty when neither is known yet.
QString tunnelName(const Tunnel *tunnel);

} // namespace telephone
