#include "ui/trayicons.h"

#include <QFont>
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

QIcon TrayIcons::withCount(const QIcon &icon, int count, Style style)
{
    const QString text = count > 9 ? QStringLiteral("9+") : QString::number(count);
    // Light glyphs sit on a dark panel: a light badge there, a dark one otherwise.
    const QColor fill = style == Style::Light ? QColor(0xf3, 0xf4, 0xf6) : QColor(0x1f, 0x29, 0x37);
    const QColor ink = style == Style::Light ? QColor(0x11, 0x18, 0x27) : QColor(0xff, 0xff, 0xff);
    QIcon badged;
    for (const QSize &size : icon.availableSizes()) {
        QPixmap pixmap = icon.pixmap(size);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const qreal diameter = size.width() * 0.58;
        const QRectF circle(size.width() - diameter, size.height() - diameter, diameter, diameter);
        painter.setPen(QPen(ink, qMax<qreal>(1.0, size.width() / 24.0)));
        painter.setBrush(fill);
        painter.drawEllipse(circle.adjusted(0.5, 0.5, -0.5, -0.5));
        QFont font;
        font.setBold(true);
        font.setPixelSize(qMax(6, int(diameter * (text.size() > 1 ? 0.55 : 0.75))));
        painter.setFont(font);
        painter.setPen(ink);
        painter.drawText(circle, Qt::AlignCenter, text);
        painter.end();
        badged.addPixmap(pixmap);
    }
    return badged;
}

int TrayIcons::severity(Look look)
{
    switch (look) {
    case Look::NeedsToken: return 4;
    case Look::BackendDown: return 3;
    case Look::Connecting: return 2;
    case Look::Stopped: return 1;
    case Look::Connected: return 0;
    }
    return 0;
}

} // namespace telephone
