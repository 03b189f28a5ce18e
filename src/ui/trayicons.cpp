#include "ui/trayicons.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>

// Resources of a static library need an explicit init; outside any namespace (Q_INIT_RESOURCE).
static void initIconResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace telephone {

TrayIcons::Style TrayIcons::resolveStyle(const QString &setting, const QPalette &palette)
{
    if (setting == QLatin1String("colour"))
        return Style::Colour;
    if (setting == QLatin1String("light"))
        return Style::Light;
    if (setting == QLatin1String("dark"))
        return Style::Dark;
    return palette.color(QPalette::Window).lightness() < 128 ? Style::Light : Style::Dark;
}

TrayIcons::Style TrayIcons::resolveStyle(const QString &setting, PanelScheme::Scheme panel, const QPalette &palette)
{
    if (setting == QLatin1String("auto") && panel != PanelScheme::Scheme::Unknown)
        return panel == PanelScheme::Scheme::Dark ? Style::Light : Style::Dark;
    return resolveStyle(setting, palette);
}

TrayIcons::Look TrayIcons::lookFor(Tunnel::State state, bool backendAnswering)
{
    switch (state) {
    case Tunnel::State::Connected:
        return backendAnswering ? Look::Connected : Look::BackendDown;
    case Tunnel::State::Connecting:
    case Tunnel::State::Joining:
    case Tunnel::State::Reconnecting:
        return Look::Connecting;
    case Tunnel::State::AuthFailed:
    case Tunnel::State::ConfigError:
        return Look::NeedsToken;
    case Tunnel::State::Disconnected:
    case Tunnel::State::Stopping:
        return Look::Stopped;
    }
    return Look::Stopped;
}

QString TrayIcons::resourcePath(Look look, Style style)
{
    QString name;
    switch (look) {
    case Look::Connected: name = QStringLiteral("connected"); break;
    case Look::Connecting: name = QStringLiteral("connecting"); break;
    case Look::BackendDown: name = QStringLiteral("backend-down"); break;
    case Look::NeedsToken: name = QStringLiteral("needs-token"); break;
    case Look::Stopped: name = QStringLiteral("stopped"); break;
    }
    QString folder;
    switch (style) {
    case Style::Colour: folder = QStringLiteral("colour"); break;
    case Style::Light: folder = QStringLiteral("light"); break;
    case Style::Dark: folder = QStringLiteral("dark"); break;
    }
    return QStringLiteral(":/icons/%1/%2.svg").arg(folder, name);
}

QIcon TrayIcons::icon(Look look, Style style)
{
    static bool initialised = false;
    if (!initialised) {
        initIconResources();
        initialised = true;
    }
    static QHash<QString, QIcon> cache;
    const QString path = resourcePath(look, style);
    if (const auto it = cache.constFind(path); it != cache.constEnd())
        return it.value();
    QSvgRenderer renderer(path);
    QIcon icon;
    if (renderer.isValid()) {
        for (const int size : {16, 22, 24, 32, 48, 64, 128}) {
            QPixmap pixmap(size, size);
            pixmap.fill(Qt::transparent);
            QPainter painter(&pixmap);
            renderer.render(&painter);
            painter.end();
            icon.addPixmap(pixmap);
        }
    }
    cache.insert(path, icon);
    return icon;
}

} // namespace telephone
