#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTimer;

namespace telephone {

class BackendHealth;
class Tunnel;
class TunnelManager;
struct TunnelParts;

/// The window's tunnel status in words: server, socket and channel state, heartbeat round trip,
/// the next retry with Reconnect now, mount and public URL with Copy, backend and whether it
/// answers, token expiry with Refresh now, the secret store. Countdowns tick once a second.
/// Refresh now is the tunnel's shared "Refresh token now" action (TunnelActions) as a button: it
/// is enabled exactly when that action is, in the menus as here.
class StatusPanel : public QWidget
{
    Q_OBJECT

public:
    StatusPanel(const TunnelParts &parts, TunnelManager *manager, QWidget *parent = nullptr);

    /// The texts shown, by row name ("server", "state", "socket", ...), for tests.
    QString text(const QString &row) const;
    /// The button beside the state that fixes a token problem ("Paste token…"); hidden otherwise.
    QPushButton *tokenActionButton() const { return m_tokenAction; }
    /// "Refresh now" beside the token expiry.
    QPushButton *refreshTokenButton() const { return m_refreshToken; }
    /// Whether the rows are in one column (narrow window) rather than two.
    bool isSingleColumn() const { return m_singleColumn; }
    /// Below this width the two columns become one.
    static constexpr int SingleColumnBelow = 760;

public slots:
    void refresh();

signals:
    void tokenActionRequested();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Row {
        QLabel *caption;
        QWidget *field;
    };
    QLabel *addRow(const QString &name, const QString &title, QWidget *button = nullptr);
    void arrange(bool singleColumn);

    QPointer<Tunnel> m_tunnel;
    QPointer<TunnelManager> m_manager;
    QPointer<BackendHealth> m_health;
    QLabel *m_server;
    QLabel *m_state;
    QLabel *m_socket;
    QLabel *m_heartbeat;
    QLabel *m_retry;
    QLabel *m_mount;
    QLabel *m_publicUrl;
    QLabel *m_backend;
    QLabel *m_token;
    QLabel *m_secretStore;
    QPushButton *m_reconnect;
    QPushButton *m_copyUrl;
    QPushButton *m_refreshToken;
    QPushButton *m_tokenAction;
    QTimer *m_tick;
    QList<Row> m_rows; ///< left column first, then right
    bool m_singleColumn = false;
};

} // namespace telephone
