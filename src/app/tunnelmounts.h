#pragma once

#include <QString>

namespace telephone {

/// Which mount (path_id) each configured tunnel joined last, per server, in a small JSON file in
/// the data directory. The token store keeps tokens per server and mount, not per tunnel: when two
/// tunnels of one run share a server and neither names its mount (no token given, no
/// service-account-path-id), this is how each finds its own stored token again instead of both
/// taking the server's newest. Plain value object; path ids are not secret.
class TunnelMounts
{
public:
    explicit TunnelMounts(const QString &file);

    /// The mount `tunnel` last joined on `server`, or empty.
    QString recall(const QString &tunnel, const QString &server) const;
    /// Records that `tunnel` joined `pathId` on `server`. False with *error when the file cannot be written.
    bool remember(const QString &tunnel, const QString &server, const QString &pathId, QString *error) const;

private:
    QString m_file;
};

} // namespace telephone
