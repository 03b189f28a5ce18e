#pragma once

#include <QMainWindow>
#include <QPointer>

#include "proxy/exchange.h"
#include "ui/tunnelparts.h"

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QSplitter;
class QStackedWidget;
class QToolBar;

namespace telephone {

class BackendHealth;
class ExchangeDetailView;
class ExchangeModel;
class RequestsView;
class StatusPanel;
class Tunnel;
class TunnelManager;
class TunnelActions;

/// The Telephone window: the tunnel's status on top, the request inspector below (list, detail),
/// and the inspector's actions: Replay, Copy as curl, Export as HAR. Closing it hides it while a
/// tray icon is there to bring it back; without a tray, closing it quits.
/// Several tunnels (issue 15): a list beside the status shows each tunnel's state; the selected
/// one's status panel is shown, and the Tunnel menu and the token dialog act on it. The inspector
/// shows every tunnel's requests, with a Tunnel column and filter; a replay goes to the tunnel the
/// request came through. With one tunnel there is no list, and the window looks as it always did.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    /// `tunnels` is never empty.
    MainWindow(const QList<TunnelParts> &tunnels, TunnelManager *manager, ExchangeModel *model,
               QWidget *parent = nullptr);

    /// Whether closing the window may just hide it (a tray icon can bring it back).
    void setHideOnClose(bool hide) { m_hideOnClose = hide; }
    void bringToFront();

    RequestsView *requestsView() const { return m_requests; }
    ExchangeDetailView *detailView() const { return m_detail; }
    /// The selected tunnel's status panel (the only one with one tunnel).
    StatusPanel *statusPanel() const;
    StatusPanel *statusPanel(int tunnel) const { return m_panels.value(tunnel); }
    /// The tunnels' names and states; hidden with one tunnel.
    QListWidget *tunnelList() const { return m_tunnelList; }
    Tunnel *selectedTunnel() const;
    /// Selects the tunnel (list and status panel); false when there is none of that name.
    bool selectTunnel(const QString &name);
    QAction *replayAction() const { return m_replay; }
    QAction *copyCurlAction() const { return m_copyCurl; }
    QAction *includeSecretsAction() const { return m_includeSecrets; }
    QAction *editReplayAction() const { return m_editReplay; }
    QAction *copyUrlAction() const { return m_copyUrl; }
    /// The context menu of the request list (built on demand; for tests).
    QMenu *requestMenu() const { return m_requestMenu; }
    /// The last edit-and-replay comparison window, if any.
    class ReplayComparison *comparison() const;
    /// Sends `edited` (a changed copy of `original`) and compares the answers side by side.
    void replayEdited(const Exchange &original, const Exchange &edited);

    /// The narrowest the window goes; below NarrowBelow the list and the detail stack vertically.
    static constexpr int MinimumWidth = 480;
    static constexpr int NarrowBelow = 900;
    bool isStacked() const;

    /// The toolbar button of an action (Tab reaches it), or null.
    QWidget *actionButton(QAction *action) const;

    /// Writes a HAR file off the GUI thread; harExported reports the outcome.
    void exportHar(const QString &file, bool selectedOnly);

signals:
    /// Set token…, or the status panel's token fix: for that tunnel.
    void tokenDialogRequested(telephone::Tunnel *tunnel);
    void settingsRequested();
    void quitRequested();
    void harExported(bool ok, const QString &message);
    /// Closing the window only hid it (a tray icon brings it back); `first` the first time this run.
    void hiddenToTray(bool first);

protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildMenus();
    void buildTunnelList(QWidget *statusBox);
    void onTunnelSelected();
    void updateTunnelItem(int row);
    /// The tunnel `exchange` came through: by its name, else the only one.
    Tunnel *tunnelFor(const Exchange &exchange) const;
    void updateActions();
    void updateTitle();
    void updateCounts();
    void replaySelected();
    void editAndReplay();
    void onReplayExchange(const Exchange &exchange);
    void copyCurl();
    void copyUrl();
    void saveBody(bool request);
    void askExportHar(bool selectedOnly);

    QList<TunnelParts> m_tunnels;
    ExchangeModel *m_model;
    QList<StatusPanel *> m_panels; ///< one per tunnel, in m_tunnels' order
    QStackedWidget *m_panelStack;
    QListWidget *m_tunnelList;
    QMenu *m_tunnelMenu = nullptr; ///< the selected tunnel's actions
    QAction *m_setTokenAction = nullptr;
    QAction *m_settingsAction = nullptr;
    RequestsView *m_requests;
    ExchangeDetailView *m_detail;
    QLabel *m_counts;
    QToolBar *m_tools = nullptr;
    QSplitter *m_split = nullptr;
    QAction *m_replay = nullptr;
    QAction *m_copyCurl = nullptr;
    QAction *m_editReplay = nullptr;
    QAction *m_copyUrl = nullptr;
    QMenu *m_requestMenu = nullptr;
    QPointer<class ReplayComparison> m_comparison;
    Exchange m_awaitedReplay;    ///< the edited request whose answer the comparison waits for
    QString m_awaitedReplayId;   ///< its request id once the forwarder started it
    QAction *m_exportSelected = nullptr;
    QAction *m_exportAll = nullptr;
    QAction *m_includeSecrets = nullptr;
    bool m_hideOnClose = false;
};

} // namespace telephone
