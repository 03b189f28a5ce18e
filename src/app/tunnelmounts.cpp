#include "tunnelmounts.h"

#include "base/privatefiles.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace telephone {

namespace {

const QLatin1String KeyServer("server");
const QLatin1String KeyPathId("path_id");

QJsonObject read(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.read(1024 * 1024)).object();
}

} // namespace

TunnelMounts::TunnelMounts(const QString &file)
    : m_file(file)
{
}

QString TunnelMounts::recall(const QString &tunnel, const QString &server) const
{
    const QJsonObject entry = read(m_file).value(tunnel).toObject();
    return entry.value(KeyServer).toString() == server ? entry.value(KeyPathId).toString() : QString();
}

bool TunnelMounts::remember(const QString &tunnel, const QString &server, const QString &pathId, QString *error) const
{
    QJsonObject all = read(m_file);
    all.insert(tunnel, QJsonObject{{KeyServer, server}, {KeyPathId, pathId}});
    return privatefiles::writeFile(m_file, QJsonDocument(all).toJson(), error);
}

} // namespace telephone
