#include "ui/desktopshell.h"

#include "tunnel/tunnel.h"
#include "tunnel/tunnelmanager.h"
#include "ui/autostart.h"
#include "ui/backendhealth.h"
#include "ui/configwriter.h"
#include "ui/exchangemodel.h"
#include "ui/mainwindow.h"
#include "ui/notifier.h"
#include "ui/settingsdialog.h"
#include "ui/tokendialog.h"
#include "ui/humantext.h"
#include "ui/trayicon.h"
#include "ui/tunnelactions.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFileInfo>

namespace telephone {

namespace {

// What the autostart entry must pass so that the login run reads the same configuration.
QStringList autostartArguments(const Settings &settings)
{
    QStringList arguments;
    if (QFileInfo(settings.configFile()) != QFileInfo(Settings::defaultConfigFile()))
        arguments << QStringLiteral("--config") << settings.configFile();
    return arguments;
}

// The per-tunnel parts, made before the tray and the window that show them.
QList<TunnelParts> makeParts(const QList<Tunnel *> &tunnels, QObject *owner)
{
    QList<TunnelParts> parts;
    for (Tunnel *tunnel : tunnels)
        parts.append(TunnelParts{tunnel, tunnel->objectName(), new BackendHealth(owner), new TunnelActions(tunnel, owner)});
    return parts;
}

} // namespace

DesktopShell::DesktopShell(TunnelManager *manager, Tunnel *tunnel, const Settings &settings, QObject *parent)
    : DesktopShell(manager, QList<Tunnel *>{tunnel}, settings, parent)
{
}

DesktopShell::DesktopShell(TunnelManager *manager, const QList<Tunnel *> &tunnels, const Settings &settings,
                           QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_model(new ExchangeModel(this))
    , m_tunnels(makeParts(tunnels, this))
    , m_tray(new TrayIcon(m_tunnels, this))
    , m_configWriter(std::make_unique<ConfigWriter>(settings.configFile()))
    , m_autostart(std::make_unique<Autostart>(QCoreApplication::applicationFilePath(), autostartArguments(settings)))
    , m_window(std::make_unique<MainWindow>(m_tunnels, manager, m_model))
{
    m_tray->setIconStyle(settings.iconStyle());
    for (const TunnelParts &parts : std::as_const(m_tunnels)) {
        feedInspector(parts);
        auto *notifier = new Notifier(parts.tunnel, this);
        notifier->setEnabled(settings.notifications());
        m_notifiers << notifier;
        // With several tunnels, a notification says which one it is about.
        const QString prefix = m_tunnels.size() > 1 ? parts.name + QStringLiteral(": ") : QString();
        connect(notifier, &Notifier::notify, m_tray,
                [tray = m_tray, prefix](const QString &title, const QString &message, Notifier::Kind kind) {
                    tray->showNotification(prefix + title, message, kind);
                });
        Tunnel *tunnel = parts.tunnel;
        connect(tunnel, &Tunnel::stateChanged, this, [this, tunnel] { onTunnelState(tunnel); });
    }

    connect(m_tray, &TrayIcon::openWindowRequested, this, &DesktopShell::showWindow);
    connect(m_tray, &TrayIcon::toggleWindowRequested, this, &DesktopShell::toggleWindow);
    connect(m_tray, &TrayIcon::pasteTokenRequested, this, [this](Tunnel *tunnel) { showTokenDialogFor(tunnel, true); });
    connect(m_tray, &TrayIcon::tokenDialogRequested, this, [this](Tunnel *tunnel) { showTokenDialogFor(tunnel, false); });
    connect(m_tray, &TrayIcon::settingsRequested, this, &DesktopShell::showSettings);
    connect(m_tray, &TrayIcon::quitRequested, this, &DesktopShell::quitRequested);
    connect(m_tray, &TrayIcon::trayUnavailable, this, [this] {
        m_trayGaveUp = true;
        m_window->setHideOnClose(false);
        showWindow();
    });

    connect(m_window.get(), &MainWindow::tokenDialogRequested, this,
            [this](Tunnel *tunnel) { showTokenDialogFor(tunnel, false); });
    connect(m_window.get(), &MainWindow::settingsRequested, this, &DesktopShell::showSettings);
    connect(m_window.get(), &MainWindow::quitRequested, this, &DesktopShell::quitRequested);
    connect(m_window.get(), &MainWindow::hiddenToTray, this, [this](bool first) {
        if (first)
            m_tray->showNotification(tr("Telephone keeps running"),
                                     tr("The tunnel stays open in the tray. Quit from the tray menu to stop it."),
                                     Notifier::Kind::Information);
    });
}

void DesktopShell::feedInspector(const TunnelParts &parts)
{
    // One model for every tunnel: each exchange is named by its tunnel on the way in (the model
    // keys rows by tunnel and request id; the inspector filters and replays by it).
    const auto named = [name = parts.name](void (ExchangeModel::*add)(const Exchange &), ExchangeModel *model) {
        return [model, add, name](Exchange exchange) {
            exchange.tunnel = name;
            (model->*add)(exchange);
        };
    };
    Tunnel *tunnel = parts.tunnel;
    connect(tunnel, &Tunnel::exchangeStarted, m_model, named(&ExchangeModel::addStarted, m_model));
    connect(tunnel, &Tunnel::exchangeFinished, m_model, named(&ExchangeModel::addFinished, m_model));
    // A connection's updates refill its row while it is open (pending), like a finished exchange.
    connect(tunnel, &Tunnel::webSocketOpened, m_model, named(&ExchangeModel::addStarted, m_model));
    connect(tunnel, &Tunnel::webSocketUpdated, m_model, named(&ExchangeModel::addFinished, m_model));
    connect(tunnel, &Tunnel::webSocketClosed, m_model, named(&ExchangeModel::addFinished, m_model));
    connect(tunnel, &Tunnel::exchangeFinished, parts.health, &BackendHealth::onExchangeFinished);
}

DesktopShell::~DesktopShell() = default;

void DesktopShell::start()
{
    // Until a tray shows up, closing the window must not leave an invisible program behind.
    m_window->setHideOnClose(true);
    if (!m_settings.startHidden())
        showWindow();
}

TokenDialog *DesktopShell::tokenDialog() const
{
    return m_tokenDialog;
}

void DesktopShell::onTunnelState(Tunnel *tunnel)
{
    // A first run without a token: the window and the place to paste it, once, without asking
    // (with several tunnels, for the first one found without).
    if (!tunnel || m_askedForToken)
        return;
    if (HumanText::tokenProblem(*tunnel, QDateTime::currentSecsSinceEpoch()) != HumanText::TokenProblem::Missing)
        return;
    m_askedForToken = true;
    showWindow();
    showTokenDialogFor(tunnel, false);
}

void DesktopShell::showWindow()
{
    m_window->bringToFront();
}

void DesktopShell::toggleWindow()
{
    if (m_window->isVisible() && !m_window->isMinimized())
        m_window->hide();
    else
        showWindow();
}

void DesktopShell::showTokenDialogFor(Tunnel *tunnel, bool fromClipboard)
{
    if (!tunnel)
        return;
    m_window->selectTunnel(tunnel->objectName());
    // The dialog pastes into one tunnel: asked for another, it starts over for that one.
    if (m_tokenDialog && m_tokenDialogTunnel != tunnel) {
        m_tokenDialog->close(); // deleted later (WA_DeleteOnClose)
        m_tokenDialog = nullptr;
    }
    if (!m_tokenDialog) {
        m_tokenDialog = new TokenDialog(tunnel, m_window.get());
        m_tokenDialogTunnel = tunnel;
        m_tokenDialog->setAttribute(Qt::WA_DeleteOnClose);
        if (m_tunnels.size() > 1)
            m_tokenDialog->setWindowTitle(tr("Token for %1 — Telephone").arg(tunnel->objectName()));
    }
    if (fromClipboard)
        m_tokenDialog->setToken(QApplication::clipboard()->text());
    m_tokenDialog->show();
    m_tokenDialog->raise();
    m_tokenDialog->activateWindow();
}

void DesktopShell::showSettings()
{
    if (!m_settingsDialog) {
        m_settingsDialog = new SettingsDialog(m_settings, m_configWriter.get(), m_autostart.get(), m_window.get());
        m_settingsDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_settingsDialog, &SettingsDialog::saved, this, &DesktopShell::applySettings);
    }
    m_settingsDialog->show();
    m_settingsDialog->raise();
    m_settingsDialog->activateWindow();
}

void DesktopShell::applySettings(const QHash<QString, QString> &changes)
{
    // What can change live does; the rest (server, backend, language) waits for the next start.
    if (changes.contains(QStringLiteral("icon-style")))
        m_tray->setIconStyle(changes.value(QStringLiteral("icon-style")));
    if (changes.contains(QStringLiteral("notifications"))) {
        for (Notifier *notifier : std::as_const(m_notifiers))
            notifier->setEnabled(changes.value(QStringLiteral("notifications")) == QLatin1String("on"));
    }
}

} // namespace telephone
