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

} // namespace

DesktopShell::DesktopShell(TunnelManager *manager, Tunnel *tunnel, const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
    , m_settings(settings)
    , m_model(new ExchangeModel(this))
    , m_health(new BackendHealth(this))
    , m_actions(new TunnelActions(tunnel, this))
    , m_notifier(new Notifier(tunnel, this))
    , m_tray(new TrayIcon(tunnel, m_health, m_actions, this))
    , m_configWriter(std::make_unique<ConfigWriter>(settings.configFile()))
    , m_autostart(std::make_unique<Autostart>(QCoreApplication::applicationFilePath(), autostartArguments(settings)))
    , m_window(std::make_unique<MainWindow>(tunnel, manager, m_health, m_model, m_actions))
{
    connect(tunnel, &Tunnel::exchangeStarted, m_model, &ExchangeModel::addStarted);
    connect(tunnel, &Tunnel::exchangeFinished, m_model, &ExchangeModel::addFinished);
    // A connection's updates refill its row while it is open (pending), like a finished exchange.
    connect(tunnel, &Tunnel::webSocketOpened, m_model, &ExchangeModel::addStarted);
    connect(tunnel, &Tunnel::webSocketUpdated, m_model, &ExchangeModel::addFinished);
    connect(tunnel, &Tunnel::webSocketClosed, m_model, &ExchangeModel::addFinished);
    connect(tunnel, &Tunnel::exchangeFinished, m_health, &BackendHealth::onExchangeFinished);

    m_notifier->setEnabled(settings.notifications());
    m_tray->setIconStyle(settings.iconStyle());
    connect(m_notifier, &Notifier::notify, m_tray, &TrayIcon::showNotification);

    connect(m_tray, &TrayIcon::openWindowRequested, this, &DesktopShell::showWindow);
    connect(m_tray, &TrayIcon::toggleWindowRequested, this, &DesktopShell::toggleWindow);
    connect(m_tray, &TrayIcon::pasteTokenRequested, this, [this] { showTokenDialog(true); });
    connect(m_tray, &TrayIcon::tokenDialogRequested, this, [this] { showTokenDialog(false); });
    connect(tunnel, &Tunnel::stateChanged, this, &DesktopShell::onTunnelState);
    connect(m_tray, &TrayIcon::settingsRequested, this, &DesktopShell::showSettings);
    connect(m_tray, &TrayIcon::quitRequested, this, &DesktopShell::quitRequested);
    connect(m_tray, &TrayIcon::trayUnavailable, this, [this] {
        m_trayGaveUp = true;
        m_window->setHideOnClose(false);
        showWindow();
    });

    connect(m_window.get(), &MainWindow::tokenDialogRequested, this, [this] { showTokenDialog(false); });
    connect(m_window.get(), &MainWindow::settingsRequested, this, &DesktopShell::showSettings);
    connect(m_window.get(), &MainWindow::quitRequested, this, &DesktopShell::quitRequested);
    connect(m_window.get(), &MainWindow::hiddenToTray, this, [this](bool first) {
        if (first)
            m_tray->showNotification(tr("Telephone keeps running"),
                                     tr("The tunnel stays open in the tray. Quit from the tray menu to stop it."),
                                     Notifier::Kind::Information);
    });
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

void DesktopShell::onTunnelState()
{
    // A first run without a token: the window and the place to paste it, once, without asking.
    if (!m_tunnel || m_askedForToken)
        return;
    if (HumanText::tokenProblem(*m_tunnel, QDateTime::currentSecsSinceEpoch()) != HumanText::TokenProblem::Missing)
        return;
    m_askedForToken = true;
    showWindow();
    showTokenDialog(false);
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

void DesktopShell::showTokenDialog(bool fromClipboard)
{
    if (!m_tokenDialog) {
        m_tokenDialog = new TokenDialog(m_tunnel, m_window.get());
        m_tokenDialog->setAttribute(Qt::WA_DeleteOnClose);
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
    if (changes.contains(QStringLiteral("notifications")))
        m_notifier->setEnabled(changes.value(QStringLiteral("notifications")) == QLatin1String("on"));
}

} // namespace telephone
