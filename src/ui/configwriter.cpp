#include "ui/configwriter.h"

#include "config/settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSettings>

Q_LOGGING_CATEGORY(lcConfigWriter, "telephone.ui.configwriter")

namespace telephone {

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
    if (!value.isValid())
        return {};
    // Unquoted commas make QSettings split a value into a list; Settings rejoins it the same way.
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QLatin1Char(','));
    return value.toString();
}

bool ConfigWriter::write(const QHash<QString, QString> &values, QString *error)
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
