#include "ui/trayicon.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>
#include <QTimer>

Q_LOGGING_CATEGORY(lcTray, "telephone.ui.tray")

namespace telephone {

namespace {

constexpr int TrayRetries = 5;

QIcon iconFor(const QColor &color)
{
    QIcon icon;
    for (const int size : {16, 22, 24, 32, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(color.darker(150), qMax(1, size / 16)));
        painter.setBrush(color);
        const qreal margin = size / 8.0;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

TrayIcon::TrayIcon(Tunnel *tunnel, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_trayRetry(new QTimer(this))
{
    m_statusAction = m_menu->addAction(QString());
    m_statusAction->setEnabled(false);
    m_menu->addSeparator();
    m_copyUrlAction = m_menu->addAction(tr("Copy public URL"), this, [this] {
        if (m_tunnel)
            QGuiApplication::clipboard()->setText(m_tunnel->publicUrl().toString());
    });
    m_reconnectAction = m_menu->addAction(tr("Reconnect now"), this, [this] {
        if (m_tunnel)
            m_tunnel->reconnectNow();
    });
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
    m_tray->setContextMenu(m_menu);

    connect(tunnel, &Tunnel::stateChanged, this, &TrayIcon::refresh);
    refresh(); // an icon before setVisible, or some hosts show an empty slot

    // A tray host may start after us (session start-up); retry a few times, never block.
    m_trayRetry->setInterval(2000);
    connect(m_trayRetry, &QTimer::timeout, this, &TrayIcon::showWhenTrayAppears);
    showWhenTrayAppears();
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

QColor TrayIcon::stateColor(Tunnel::State state)
{
    switch (state) {
    case Tunnel::State::Connected: return QColor(0x2e, 0xa0, 0x43);
    case Tunnel::State::Connecting:
    case Tunnel::State::Joining:
    case Tunnel::State::Reconnecting: return QColor(0x3b, 0x82, 0xf6);
    case Tunnel::State::AuthFailed:
    case Tunnel::State::ConfigError: return QColor(0xdc, 0x26, 0x26);
    case Tunnel::State::Disconnected:
    case Tunnel::State::Stopping: return QColor(0x9c, 0xa3, 0xaf);
    }
    return Qt::gray;
}

void TrayIcon::refresh()
{
    if (!m_tunnel)
        return;
    const Tunnel::State state = m_tunnel->state();
    m_tray->setIcon(iconFor(stateColor(state)));
    const QString status = Tunnel::stateName(state);
    m_statusAction->setText(status);
    const QUrl url = m_tunnel->publicUrl();
    m_copyUrlAction->setEnabled(state == Tunnel::State::Connected && !url.isEmpty());
    m_reconnectAction->setEnabled(state == Tunnel::State::Reconnecting || state == Tunnel::State::AuthFailed);
    QString tip = tr("Telephone: %1").arg(status);
    if (!url.isEmpty())
        tip += QLatin1Char('\n') + url.toString();
    tip += QLatin1Char('\n') + tr("Backend: %1").arg(m_tunnel->config().backend.toString());
    m_tray->setToolTip(tip);
}

void TrayIcon::showWhenTrayAppears()
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_trayRetry->stop();
        m_tray->setVisible(true);
        return;
    }
    if (m_trayRetries++ < TrayRetries) {
        m_trayRetry->start();
        return;
    }
    m_trayRetry->stop();
    qCWarning(lcTray) << "no system tray found; Telephone keeps running — stop it with Ctrl+C or SIGTERM";
}

} // namespace telephone
