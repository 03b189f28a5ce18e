#include "tunnel/socketpathdiscovery.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace telephone {

const QString SocketPathDiscovery::ReferencePath = QStringLiteral("/socket/websocket");
const QString SocketPathDiscovery::DeployedPath = QStringLiteral("/telephone/websocket");

namespace {

QJsonObject readMemory(const QString &fileName)
{
    QFile file(fileName);
    if (fileName.isEmpty() || !file.open(QIODevice::ReadOnly))
        return {};
    // A damaged file only costs one extra 404: it is rewritten on the next successful upgrade.
    return QJsonDocument::fromJson(file.read(1024 * 1024)).object();
}

bool isKnownPath(const QString &path)
{
    return path == SocketPathDiscovery::ReferencePath || path == SocketPathDiscovery::DeployedPath;
}

} // namespace

SocketPathDiscovery::SocketPathDiscovery(const QString &serverKey, const QString &memoryFile)
    : m_serverKey(serverKey)
    , m_memoryFile(memoryFile)
{
    const QString remembered = readMemory(memoryFile).value(serverKey).toString();
    m_remembered = isKnownPath(remembered) ? remembered : QString();
    m_current = m_remembered.isEmpty() ? ReferencePath : m_remembered;
}

bool SocketPathDiscovery::notFound()
{
    if (!m_tried.contains(m_current))
        m_tried.append(m_current);
    const QString other = m_current == ReferencePath ? DeployedPath : ReferencePath;
    if (!m_tried.contains(other)) {
        m_current = other;
        return true;
    }
    // Both refused: the next round (after the user fixes the URL or the server) starts afresh.
    m_lastRound = std::exchange(m_tried, {});
    return false;
}

QString SocketPathDiscovery::triedPaths() const
{
    const QStringList &paths = m_tried.isEmpty() ? m_lastRound : m_tried;
    return paths.join(QStringLiteral(" and "));
}

bool SocketPathDiscovery::upgraded(QString *error)
{
    m_tried.clear();
    if (m_memoryFile.isEmpty() || m_current == m_remembered)
        return true;
    QJsonObject memory = readMemory(m_memoryFile);
    memory.insert(m_serverKey, m_current);
    QDir().mkpath(QFileInfo(m_memoryFile).absolutePath());
    QSaveFile file(m_memoryFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(memory).toJson()) < 0 || !file.commit()) {
        *error = QStringLiteral("could not remember the socket path in %1: %2").arg(m_memoryFile, file.errorString());
        return false;
    }
    m_remembered = m_current;
    return true;
}

} // namespace telephone
