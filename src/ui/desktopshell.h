#pragma once

#include "config/settings.h"
#include "ui/tunnelparts.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace telephone {

class Autostart;
class BackendHealth;
class ConfigWriter;
class ExchangeModel;
class MainWindow;
class Notifier;
class SettingsDialog;
class TokenDialog;
class TrayIcon;
class TunnelActions;
class Tunnel;
class TunnelManager;

/// The desktop face of one run: tray icon, window, notifications and dialogs, wired to the tunnels
/// (one, or several from [tunnel.NAME] sections): per tunnel a backend health, its actions and a
/// notifier; one inspector model for every tunnel's exchanges, each named by its tunnel.
/// Owns them all; the engine does not know it exists. Built only when there is a GUI.
class DesktopShell : public QObject
{
    Q_OBJECT

public:
    DesktopShell(TunnelManager *manager, Tunnel *tunnel, const Settings &settings, QObject *parent = nullptr);
    /// `tunnels` is never empty; each one's objectName is its name.
    DesktopShell(TunnelManager *manager, const QList<Tunnel *> &tunnels, const Settings &settings,
                 QObject *parent = nullptr);
    ~DesktopShell() override;

    /// Shows the tray, and the window unless start-hidden (a missing tray shows it anyway).
    void start();

    MainWindow *window() const { return m_window.get(); }
    TrayIcon *tray() const { return m_tray; }
    /// The first tunnel's actions (the only ones with one tunnel).
    TunnelActions *tunnelActions() const { return m_tunnels.constFirst().actions; }
    const QList<TunnelParts> &tunnels() const { return m_tunnels; }
    /// The token dialog while it is open (tests), else null.
    TokenDialog *tokenDialog() const;
    ExchangeModel *model() const { return m_model; }

public slots:
    void showWindow();
    void toggleWindow();
    /// Opens the token dialog for `tunnel` (and selects it in the window); `fromClipboard` fills it
    /// with the clipboard's text.
    void showTokenDialogFor(telephone::Tunnel *tunnel, bool fromClipboard = false);
    void showSettings();

signals:
    /// Quit from the tray or the window: the caller stops the engine (which drains) and exits.
    void quitRequested();

private:
    void applySettings(const QHash<QString, QString> &changes);
    void onTunnelState(Tunnel *tunnel);
    void feedInspector(const TunnelParts &parts);

    Settings m_settings;
    ExchangeModel *m_model;
    QList<TunnelParts> m_tunnels;
    QList<Notifier *> m_notifiers;
    TrayIcon *m_tray;
    std::unique_ptr<ConfigWriter> m_configWriter;
    std::unique_ptr<Autostart> m_autostart;
    std::unique_ptr<MainWindow> m_window;
    QPointer<TokenDialog> m_tokenDialog;
    QPointer<Tunnel> m_tokenDialogTunnel; ///< the tunnel the open token dialog pastes into
    QPointer<SettingsDialog> m_settingsDialog;
    bool m_trayGaveUp = false;
    bool m_askedForToken = false; ///< the token dialog opened by itself once for a missing token
};

} // namespace telephone
