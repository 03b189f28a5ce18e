#pragma once

// The environment the real `telephone` binary gets in tests (and the chaos program): no TELEPHONE_*
// variable of the developer's, no systemd credentials directory, no display (the binary must not
// need one headless), no logging rules.

#include <QProcessEnvironment>
#include <QString>

inline QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys) {
        if (key.startsWith(QLatin1String("TELEPHONE_")))
            env.remove(key);
    }
    for (const char *key : {"CREDENTIALS_DIRECTORY", "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_LOGGING_RULES"})
        env.remove(QString::fromLatin1(key));
    return env;
}

/// The same for a user with nothing configured who lives in `home`: config in home/config, data in
/// home/data.
inline QProcessEnvironment cleanEnvironment(const QString &home)
{
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    return env;
}
