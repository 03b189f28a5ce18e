#include "base/privatefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace telephone::privatefiles {

namespace {
constexpr QFileDevice::Permissions OwnerReadWrite = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
} // namespace

bool ensureDirectory(const QString &dir, QString *error, QString *warning)
{
    const QFileInfo info(dir);
    if (info.exists()) {
        if (!info.isDir()) {
            *error = QStringLiteral("%1 is not a directory").arg(dir);
            return false;
        }
        if (warning && isShared(dir))
            *warning = QStringLiteral("the directory %1 can be entered by other users; `chmod 700 %1` keeps them out")
                           .arg(dir);
        return true;
    }
    // mkpath honours the umask; create each missing level ourselves so the leaf is 0700 at once.
    const QString absolute = QDir::cleanPath(info.absoluteFilePath());
    const QStringList parts = absolute.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QString path;
    for (const QString &part : parts) {
        path += QLatin1Char('/') + part;
        if (::mkdir(QFile::encodeName(path).constData(), S_IRWXU) != 0 && errno != EEXIST) {
            *error = QStringLiteral("cannot create the directory %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
    }
    return true;
}

bool ensureFile(const QString &path, QString *error)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        *error = QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    ::close(fd);
    return true;
}

bool writeFile(const QString &path, const QByteArray &data, QString *error)
{
    QSaveFile file(path);
    // QSaveFile writes a temporary file first: restrict it before any byte goes in.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(OwnerReadWrite) || file.write(data) != data.size()
        || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

std::optional<QByteArray> readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

bool isShared(const QString &path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return false;
    return (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

} // namespace telephone::privatefiles
