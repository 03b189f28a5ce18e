#pragma once

#include "ui/trayicons.h"
#include "ui/tunnelparts.h"

#include <QCoreApplication>
#include <QString>

namespace telephone {

/// A tunnel in a few words, where several are listed side by side (the window's tunnel list, the
/// tray's submenu titles): its look and a short state — "Connected", "Backend not answering",
/// "Token refused", "No token yet". The whole story stays in the status panel and the tooltip.
struct TunnelGlance {
    Q_DECLARE_TR_FUNCTIONS(telephone::TunnelGlance)

public:
    TrayIcons::Look look = TrayIcons::Look::Stopped;
    QString state;

    static TunnelGlance of(const TunnelParts &parts, qint64 nowSecs);
};

} // namespace telephone
