#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

/// Files only the user may read: secrets (key files, salts) and the token database. Directories are
/// created 0700 and files 0600 from the first byte on, so there is no moment in which another user
/// could open them. Plain functions, callable from any thread.
namespace telephone::privatefiles {

/// Creates `dir` (and parents) with mode 0700 when missing. An existing directory is left as it is,
/// but *warning says so when group or others can enter it.
bool ensureDirectory(const QString &dir, QString *error, QString *warning = nullptr);

/// Creates an empty 0600 file if none exists (SQLite would create it 0644 under the usual umask).
bool ensureFile(const QString &path, QString *error);

/// Writes `data` atomically (QSaveFile) with mode 0600.
bool writeFile(const QString &path, const QByteArray &data, QString *error);

/// The whole file, or std::nullopt with *error (naming the file) when it cannot be read.
std::optional<QByteArray> readFile(const QString &path, QString *error);

/// True when group or others have any permission on the file or directory.
bool isShared(const QString &path);

} // namespace telephone::privatefiles
