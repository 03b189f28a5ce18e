#pragma once

#include "config/settings.h"

#include <QCommandLineParser>
#include <QFile>
#include <QProcessEnvironment>

// Settings as the program resolves them from `--config configFile` alone (created empty if missing).
inline telephone::Settings settingsFor(const QString &configFile)
{
    if (!QFile::exists(configFile)) {
        QFile empty(configFile);
        empty.open(QIODevice::WriteOnly);
    }
    QCommandLineParser parser;
    telephone::Settings::addOptions(parser);
    parser.parse({QStringLiteral("telephone"), QStringLiteral("--config"), configFile});
    QString error;
    auto settings = telephone::Settings::resolve(parser, QProcessEnvironment(), &error);
    if (!settings)
        qFatal("settings: %s", qPrintable(error));
    return *settings;
}
