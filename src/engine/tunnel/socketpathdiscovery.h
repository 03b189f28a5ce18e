#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

namespace telephone {

/// Finds where a server mounts its socket when the user gave only `wss://host`: the reference
/// document names /socket/websocket, the deployed server listens at /telephone/websocket. On an
/// HTTP 404 at the upgrade the other path is tried; the one that answered is remembered per server
/// in a small JSON file, keyed on the server URL as configured (the tunnel's identity, which the
/// token store also uses and which discovery never changes). Plain value object.
class SocketPathDiscovery
{
public:
    static const QString ReferencePath; ///< /socket/websocket
    static const QString DeployedPath;  ///< /telephone/websocket

    /// `memoryFile` empty: nothing is remembered across restarts.
    SocketPathDiscovery(const QString &serverKey, const QString &memoryFile);

    QString current() const { return m_current; }
    /// The remembered path came from an earlier run.
    bool isRemembered() const { return !m_remembered.isEmpty() && m_remembered == m_current; }
    /// The current path got a 404: switches to the other one and returns true, or returns false
    /// when both have now been refused (the round starts over).
    bool notFound();
    /// The paths refused in this round, for the error message ("… and …").
    QString triedPaths() const;
    /// The upgrade went through on current(): remembers it. Returns false when it could not be
    /// written (`error` says why); discovery still works, it only is not remembered.
    bool upgraded(QString *error);

private:
    QString m_serverKey;
    QString m_memoryFile;
    QString m_current;
    QString m_remembered;
    QStringList m_tried;
    QStringList m_lastRound; ///< what the last complete failed round tried
};

} // namespace telephone
