#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QString>

namespace telephone {

/// Writes settings into the INI config file that Settings reads: the same keys as the command
/// line, top level, other keys left as they are.
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
    explicit ConfigWriter(const QString &file);

    QString file() const { return m_file; }
    /// The value stored in the file (not the effective one); null when the key is absent.
    QString storedValue(const QString &key) const;
    /// Sets each key; an empty value removes the key (back to the default). Only keys from the
    /// settings table are accepted; the token is refused (it belongs in the token store).
    bool write(const QHash<QString, QString> &values, QString *error);

private:
    QString m_file;
};

} // namespace telephone
