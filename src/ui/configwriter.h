#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>

namespace telephone {

/// Writes settings into the INI config file that Settings reads: the same keys as the command
/// line, top level, other keys left as they are; and the tunnels, one `[tunnel.NAME]` section each
/// with the same per-tunnel keys (issue 15). Sections other than the tunnels' are left as they are.
///
/// Why QSettings rather than our own text editing: Settings::resolve reads the file with QSettings,
/// so writing with it guarantees the value read back is the value written (quoting of commas,
/// escapes). QSettings writes through QSaveFile (temporary file + rename); setAtomicSyncRequired
/// makes it fail rather than write in place, so a crash never leaves half a file. The price:
/// comments in a hand-edited file are not kept.
class ConfigWriter
{
    Q_DECLARE_TR_FUNCTIONS(telephone::ConfigWriter)

public:
    /// One `[tunnel.NAME]` section: every key it holds, those the settings dialog shows and the
    /// rest (a token, request-timeout, ...), so that writing it back loses none.
    struct TunnelSection {
        QString name;
        QHash<QString, QString> values;
        bool operator==(const TunnelSection &other) const { return name == other.name && values == other.values; }
    };

    explicit ConfigWriter(const QString &file);

    QString file() const { return m_file; }
    /// The value stored in the file (not the effective one); null when the key is absent.
    QString storedValue(const QString &key) const;
    /// Sets each key; an empty value removes the key (back to the default). Only keys from the
    /// settings table are accepted; the token is refused (it belongs in the token store).
    bool write(const QHash<QString, QString> &values, QString *error);

    /// The `[tunnel.NAME]` sections of the file, in file order.
    QList<TunnelSection> tunnels() const;
    /// Replaces every `[tunnel.NAME]` section with `tunnels` (renamed and removed ones go), and sets
    /// the top-level `values` as write() does, in one save. Names must be valid tunnel names, unique
    /// ignoring case and not "default"; keys must be per-tunnel settings (a key the section already
    /// held is written back as it was, whatever it is).
    bool write(const QHash<QString, QString> &values, const QList<TunnelSection> &tunnels, QString *error);

private:
    bool checkTunnels(const QList<TunnelSection> &tunnels, QString *error) const;
    bool save(const QHash<QString, QString> &values, const QList<TunnelSection> *tunnels, QString *error);

    QString m_file;
};

} // namespace telephone
