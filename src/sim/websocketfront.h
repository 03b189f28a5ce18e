#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

class QTcpSocket;

namespace telephone::sim {

struct HttpRequest;

/// The Plugboard server's WebSocket proxying, as PROTOCOL.md ("WebSocket proxying") describes it:
/// a browser upgrade on `/call/<mount>/…` is checked with the telephone (`ws_check`, 5 s: no answer
/// → 504, `supported:false` → 502), upgraded with the subprotocol the telephone reports, connected
/// (`ws_connect`, 5 s, then the browser is closed 1014 and `ws_close` 1014 is sent), and relayed
/// (`ws_frame`, base64 data, 1 MiB largest frame). Browser frames before `ws_connected` are held
/// (100 frames / 1 MiB, more → 1009). `ws_error` closes the browser 1014 "Bad Gateway: <reason>";
/// a telephone's channel ending closes its browsers 1001. A connection with no frame either way
/// for 300 s (setIdleTimeoutMs) is closed: PROTOCOL.md names no code, so the browser gets 1000
/// "Idle timeout" and the telephone the same in `ws_close`, as for any close on the server's side.
/// Browser pings are relayed as `ws_frame` ping (not answered by the server), and pongs both ways
/// reach the other end: the browser side is a BrowserWebSocket, not QWebSocket, for that.
/// Telephones are opaque channel keys the simulator gives; events go to them through the push function.
class WebSocketFront : public QObject
{
    Q_OBJECT

public:
    using Channel = quintptr;
    using Push = std::function<void(Channel, const QString &event, const QJsonObject &payload)>;

    static constexpr int kCheckTimeoutMs = 5000;
    static constexpr int kConnectTimeoutMs = 5000;
    static constexpr int kMaxBufferedFrames = 100;
    static constexpr qint64 kMaxBufferedBytes = 1024 * 1024;
    static constexpr qint64 kMaxFrameSize = 1024 * 1024;
    static constexpr int kIdleTimeoutMs = 300 * 1000;
    static constexpr int kIdleCloseCode = 1000;

    explicit WebSocketFront(Push push, QObject *parent = nullptr);
    ~WebSocketFront() override;

    /// Takes the browser's socket (handshake still unread in it) for `path` (after the mount) on `channel`.
    void acceptBrowser(const HttpRequest &request, QTcpSocket *socket, Channel channel, const QByteArray &path);
    /// ws_check_result, ws_connected, ws_error, ws_frame, ws_closed from a telephone; false if not one of them.
    bool handleEvent(Channel channel, const QString &event, const QJsonObject &payload);
    /// The telephone's channel ended: its browsers are closed with 1001.
    void channelEnded(Channel channel);

    /// The server's idle timeout for proxied WebSockets (kIdleTimeoutMs); tests shorten it.
    void setIdleTimeoutMs(int ms);

    /// Writes a plain HTTP error answer to a socket that asked for an upgrade, then closes it.
    static void refuse(QTcpSocket *socket, int status, const QString &reason);

    int checksSent() const { return m_checksSent; }
    int connectsSent() const { return m_connectsSent; }
    int liveBrowsers() const { return int(m_browsers.size()); }
    int unknownIds() const { return m_unknownIds; }

signals:
    /// A browser socket was closed by the server side (code sent to the browser).
    void browserClosed(const QString &connectionId, int code, const QString &reason);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct Check;
    struct Browser;

    void onCheckResult(const QJsonObject &payload);
    void upgrade(Check *check, const QString &protocol);
    void onConnected(Browser *browser, const QJsonObject &payload);
    void fromBrowser(Browser *browser, const QString &opcode, const QByteArray &data);
    void toBrowser(Browser *browser, const QJsonObject &payload);
    void closeBrowser(Browser *browser, int code, const QString &reason, bool tellTelephone);
    void onBrowserGone(Browser *browser);
    Browser *browserFor(const QJsonObject &payload);
    void closeIdleBrowsers();

    Push m_push;
    QHash<QString, Check *> m_checks;     ///< check_id → pending check (owned)
    QHash<QString, Browser *> m_browsers; ///< connection_id → browser (owned)
    QHash<int, QString> m_timers;         ///< timer id → check_id or connection_id
    int m_checksSent = 0;
    int m_connectsSent = 0;
    int m_unknownIds = 0;
    int m_idleTimeoutMs = 0;
    int m_idleCheckTimerId = 0;
};

} // namespace telephone::sim
