#pragma once

#include "tunnel/tunnel.h"
#include "ui/notifier.h"
#include "ui/trayicons.h"
#include "ui/tunnelparts.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QAction;
class QMenu;
class QSystemTrayIcon;
class QTimer;

namespace telephone {

class BackendHealth;
class TunnelActions;

/// The tray icon: the tunnel's state at a glance (icon), in words (tooltip, status line), and every
/// action on it in the menu, because AppIndicator hosts open the menu on any click. An observer of
/// the engine: it reads the tunnel and calls its slots. Lives on the GUI thread.
/// Several tunnels (issue 15): the icon shows the worst state among them, with a count badge when
/// more than one is not connected; the tooltip has a line per tunnel; the menu a submenu per tunnel
/// with that tunnel's state and actions. One tunnel: the menu is the tunnel's, as it always was.
class TrayIcon : public QObject
{
    Q_OBJECT

public:
    TrayIcon(Tunnel *tunnel, BackendHealth *health, TunnelActions *actions, QObject *parent = nullptr);
    /// `tunnels` is never empty.
    explicit TrayIcon(const QList<TunnelParts> &tunnels, QObject *parent = nullptr);
    ~TrayIcon() override;

    /// "auto", "colour", "light" or "dark" (the icon-style setting).
    void setIconStyle(const QString &style);
    /// Tries on a timer `retries` times, `interval` apart, before giving up (trayUnavailable).
    void setRetry(int retries, std::chrono::milliseconds interval);
    bool isVisible() const;
    QMenu *menu() const { return m_menu; }
    QString toolTip() const;
    QIcon icon() const;
    /// The look shown: the worst among the tunnels.
    TrayIcons::Look look() const { return m_look; }
    /// Tunnels not connected (or with their backend down); the badge shows it when over one.
    int unhappyCount() const { return m_unhappy; }
    /// Several tunnels: the submenu of the one named `name`; else null.
    QMenu *tunnelMenu(const QString &name) const;
    /// The glyph style in use (auto resolved).
    TrayIcons::Style style() const { return m_style; }
    PanelScheme *panelScheme() const { return m_panel; }

public slots:
    void showNotification(const QString &title, const QString &message, telephone::Notifier::Kind kind);
    void refresh();

signals:
    void openWindowRequested();
    /// Left click outside AppIndicator hosts: show or hide the window.
    void toggleWindowRequested();
    void pasteTokenRequested(telephone::Tunnel *tunnel);
    /// "Paste token…" beside a token problem: the token dialog, empty.
    void tokenDialogRequested(telephone::Tunnel *tunnel);
    void settingsRequested();
    void quitRequested();
    /// No tray host appeared after the retries: the caller shows a window instead.
    void trayUnavailable();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    /// One tunnel's place in the menu: its status line, the token fix under it, Copy public URL.
    struct Entry {
        TunnelParts parts;
        QMenu *menu = nullptr; ///< several tunnels: its submenu; one: the tray menu itself
        QAction *status = nullptr;
        QAction *fixToken = nullptr; ///< "Paste token…" under the status when the token is the problem
        QAction *copyUrl = nullptr;
    };
    /// What the tray says of one tunnel.
    struct Summary {
        TrayIcons::Look look = TrayIcons::Look::Stopped;
        QString status;
        QString shortState; ///< TunnelGlance's: for a submenu's title
        QString mount; ///< empty with a token problem: an earlier join's mount is no longer true
    };

    void buildMenu();
    void addTunnelActions(Entry *entry);
    Summary refreshEntry(Entry *entry, qint64 now);
    void showWhenTrayAppears();

    QList<Entry> m_entries;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QAction *m_summaryAction = nullptr; ///< several tunnels: how many are connected
    QTimer *m_trayRetry;
    QTimer *m_tooltipTimer;
    QElapsedTimer m_lastActivation;
    QString m_styleSetting = QStringLiteral("auto");
    TrayIcons::Look m_look = TrayIcons::Look::Stopped;
    TrayIcons::Style m_style = TrayIcons::Style::Colour;
    int m_unhappy = 0;
    PanelScheme *m_panel;
    int m_trayRetries = 0;
    int m_maxRetries = 5;
};

} // namespace telephone
