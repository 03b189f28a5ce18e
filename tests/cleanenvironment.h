#pragma once

// The environment the real `telephone` binary gets in tests: no TELEPHONE_* variable of the
// developer's, no display (the binary must not need one headless), no logging rules.

#include <QProcessEnvironment>

inline QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys) {
        if (key.startsWith(QLatin1String("TELEPHONE_")))
            env.remove(key);
    }
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    return env;
}
