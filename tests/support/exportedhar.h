#pragma once

#include "ui/mainwindow.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>

// Exports what the window's list shows as HAR into `file`, through the window's own export (off
// the GUI thread), and reads the file back with QJsonDocument: its log entries, or empty on failure.
inline QJsonArray exportedHarEntries(telephone::MainWindow *window, const QString &file)
{
    QSignalSpy exported(window, &telephone::MainWindow::harExported);
    window->exportHar(file, false);
    if (!exported.wait(10000) || !exported.at(0).at(0).toBool())
        return {};
    QFile har(file);
    if (!har.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(har.readAll()).object().value("log").toObject().value("entries").toArray();
}
