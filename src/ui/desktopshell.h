#pragma once

#include "config/settings.h"

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

/// The desktop face of one run: tray icon, window, notifications and dialogs, wired to the tunnel.
/// Owns them all; the engine does not know it exists. Built only when there is a GUI.
class DesktopShell : public QObject
{
    Q_OBJECT

public:
    DesktopShell(TunnelManager *manager, Tunnel *tunnel, const Settings &settings, QObject *parent = nullptr);
    ~DesktopShell() override;

    /// Shows the tray, and the window unless start-hidden (a missing tray shows it anyway).
    void start();

    MainWindow *window() const { return m_window.get(); }
    TrayIcon *tray() const { return m_tray; }
    TunnelActions *tunnelActions() const { return m_actions; }
    /// The token dialog while it is open (tests), else null.
    TokenDialog *tokenDialog() const;
    ExchangeModel *model() const { return m_model; }

public slots:
    void showWindow();
    void toggleWindow();
    /// Opens the token dialog; `fromClipboard` fills it with the clipboard's text.
    void showTokenDialog(bool fromClipboard = false);
    void showSettings();

signals:
    /// Quit from the tray or the window: the caller stops the engine (which drains) and exits.
    void quitRequested();

private:
    void applySettings(const QHash<QString, QString> &changes);
    void onTunnelState();

    QPointer<Tunnel> m_tunnel;
    Settings m_settings;
    ExchangeModel *m_model;
    BackendHealth *m_health;
    TunnelActions *m_actions;
    Notifier *m_notifier;
    TrayIcon *m_tray;
    std::unique_ptr<ConfigWriter> m_configWriter;
    std::unique_ptr<Autostart> m_autostart;
    std::unique_ptr<MainWindow> m_window;
    QPointer<TokenDialog> m_tokenDialog;
    QPointer<SettingsDialog> m_settingsDialog;
    bool m_trayGaveUp = false;
    bool m_askedForToken = false; ///< the token dialog opened by itself once for a missing token
};

} // namespace telephone
