#include "ui/configwriter.h"

#include "config/settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSettings>

Q_LOGGING_CATEGORY(lcConfigWriter, "telephone.ui.configwriter")

namespace telephone {

namespace {

const QString TunnelPrefix = QStringLiteral("tunnel.");

// Unquoted commas make QSettings split a value into a list; Settings rejoins it the same way.
QString iniText(const QVariant &value)
{
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QLatin1Char(','));
    return value.toString();
}

} // namespace

ConfigWriter::ConfigWriter(const QString &file)
    : m_file(file)
{
}

QString ConfigWriter::storedValue(const QString &key) const
{
    if (!QFileInfo::exists(m_file))
        return {};
    const QSettings ini(m_file, QSettings::IniFormat);
    const QVariant value = ini.value(key);
    return value.isValid() ? iniText(value) : QString();
}


QList<ConfigWriter::TunnelSection> ConfigWriter::tunnels() const
{
    QList<TunnelSection> sections;
    if (!QFileInfo::exists(m_file))
        return sections;
    QSettings ini(m_file, QSettings::IniFormat);
    const QStringList groups = ini.childGroups();
    for (const QString &group : groups) {
        if (!group.startsWith(TunnelPrefix))
            continue;
        TunnelSection section{group.mid(TunnelPrefix.size()), {}};
        ini.beginGroup(group);
        const QStringList keys = ini.childKeys();
        for (const QString &key : keys)
            section.values.insert(key, iniText(ini.value(key)));
        ini.endGroup();
        sections << section;
    }
    return sections;
}

bool ConfigWriter::write(const QHash<QString, QString> &values, QString *error)
{
    return save(values, nullptr, error);
}

bool ConfigWriter::write(const QHash<QString, QString> &values, const QList<TunnelSection> &tunnels, QString *error)
{
    return checkTunnels(tunnels, error) && save(values, &tunnels, error);
}

bool ConfigWriter::checkTunnels(const QList<TunnelSection> &tunnels, QString *error) const
{
    QHash<QString, QHash<QString, QString>> before;
    for (const TunnelSection &section : this->tunnels())
        before.insert(section.name, section.values);
    QStringList seen;
    for (const TunnelSection &section : tunnels) {
        // The same rules as Settings when it reads the file back: a section it rejects is not written.
        if (Settings::tunnelNameProblem(section.name, seen) != Settings::TunnelNameProblem::None) {
            *error = tr("\"%1\" cannot be a tunnel name").arg(section.name);
            return false;
        }
        seen << section.name;
        for (auto it = section.values.cbegin(); it != section.values.cend(); ++it) {
            const SettingDef *def = Settings::find(it.key());
            const bool kept = before.value(section.name).value(it.key()) == it.value();
            if (!kept && (!def || !def->perTunnel)) {
                *error = tr("%1 cannot be set for one tunnel").arg(it.key());
                return false;
            }
        }
    }
    return true;
}

bool ConfigWriter::save(const QHash<QString, QString> &values, const QList<TunnelSection> *tunnels, QString *error)
{
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const SettingDef *def = Settings::find(it.key());
        if (!def || def->kind == SettingKind::Secret) {
            *error = tr("%1 cannot be saved in the config file").arg(it.key());
            return false;
        }
    }
    const QFileInfo info(m_file);
    if (!QDir().mkpath(info.absolutePath())) {
        *error = tr("cannot create the folder %1").arg(QDir::toNativeSeparators(info.absolutePath()));
        return false;
    }
    const bool existed = info.exists();
    {
        QSettings ini(m_file, QSettings::IniFormat);
        ini.setAtomicSyncRequired(true);
        for (auto it = values.cbegin(); it != values.cend(); ++it) {
            if (it.value().isEmpty())
                ini.remove(it.key());
            else
                ini.setValue(it.key(), it.value());
        }
        if (tunnels) {
            const QStringList groups = ini.childGroups();
            for (const QString &group : groups) {
                if (group.startsWith(TunnelPrefix))
                    ini.remove(group);
            }
            for (const TunnelSection &section : *tunnels) {
                ini.beginGroup(TunnelPrefix + section.name);
                for (auto it = section.values.cbegin(); it != section.values.cend(); ++it) {
                    if (!it.value().isEmpty())
                        ini.setValue(it.key(), it.value());
                }
                ini.endGroup();
            }
        }
        ini.sync();
        if (ini.status() != QSettings::NoError) {
            *error = tr("cannot write %1 (%2)")
                         .arg(QDir::toNativeSeparators(m_file),
                              ini.status() == QSettings::AccessError ? tr("no permission") : tr("format error"));
            return false;
        }
    }
    // A new file may hold more sensitive keys later (the token, by hand): private from the start.
    // An existing file keeps its mode (QSaveFile copies it).
    if (!existed && !QFile::setPermissions(m_file, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        qCWarning(lcConfigWriter).noquote() << "could not make" << m_file << "private to its owner";
    return true;
}

} // namespace telephone
