#include "sim/websocketfront.h"

#include "sim/browserwebsocket.h"
#include "sim/httprequest.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimerEvent>
#include <QUuid>

#include <algorithm>

namespace telephone::sim {

Q_LOGGING_CATEGORY(lcWsFront, "telephone.sim.websocketfront")

namespace {

// The only browser headers the server hands to the telephone.
const QByteArray kForwardedHeaders[] = {"sec-websocket-protocol", "sec-websocket-extensions", "origin", "cookie",
                                        "authorization", "x-forwarded-for", "x-real-ip", "x-request-id"};

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

int wireCode(int code)
{
    if (code == 1005 || code == 1006)
        return 1000;
    if (code == 1015 || code < 1000 || code > 4999)
        return 1011;
    return code;
}

} // namespace

struct WebSocketFront::Check {
    QString id;
    QPointer<QTcpSocket> socket;
    QByteArray key; ///< Sec-WebSocket-Key, for the 101 answer
    Channel channel = 0;
    QJsonObject target; ///< path, query_string, headers: sent again with ws_connect
    int timerId = 0;
};

struct WebSocketFront::Browser {
    QString id;
    Channel channel = 0;
    BrowserWebSocket *socket = nullptr;
    bool connected = false; ///< ws_connected arrived
    QJsonObject target; ///< path, query_string, headers for ws_connect
    QList<QJsonObject> buffered; ///< ws_frame payloads held until ws_connected
    qint64 bufferedBytes = 0;
    int timerId = 0;
    QElapsedTimer lastFrame; ///< any frame either way, control frames included; started at the upgrade
};

WebSocketFront::WebSocketFront(Push push, QObject *parent)
    : QObject(parent)
    , m_push(std::move(push))
{
    setIdleTimeoutMs(kIdleTimeoutMs);
}

void WebSocketFront::setIdleTimeoutMs(int ms)
{
    m_idleTimeoutMs = ms;
    if (m_idleCheckTimerId)
        killTimer(m_idleCheckTimerId);
    // Checked at a tenth of the timeout: a browser is closed within 110 % of it.
    m_idleCheckTimerId = ms > 0 ? startTimer(std::max(ms / 10, 10)) : 0;
}

void WebSocketFront::closeIdleBrowsers()
{
    for (Browser *browser : m_browsers.values()) {
        if (browser->socket && browser->lastFrame.isValid() && browser->lastFrame.hasExpired(m_idleTimeoutMs)) {
            qCInfo(lcWsFront) << "WebSocket idle for" << m_idleTimeoutMs / 1000.0 << "s: closing it";
            closeBrowser(browser, kIdleCloseCode, QStringLiteral("Idle timeout"), true);
        }
    }
}

WebSocketFront::~WebSocketFront()
{
    for (Browser *browser : std::as_const(m_browsers)) {
        if (browser->socket) {
            browser->socket->disconnect(this);
            browser->socket->abort();
            delete browser->socket;
        }
        delete browser;
    }
    qDeleteAll(m_checks);
}

void WebSocketFront::refuse(QTcpSocket *socket, int status, const QString &reason)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("error"), true},
                                                      {QStringLiteral("reason"), reason}})
                                .toJson(QJsonDocument::Compact);
    socket->write("HTTP/1.1 " + QByteArray::number(status) + " Error\r\ncontent-type: application/json\r\n"
                  "content-length: " + QByteArray::number(body.size()) + "\r\nconnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

void WebSocketFront::acceptBrowser(const HttpRequest &request, QTcpSocket *socket, Channel channel, const QByteArray &path)
{
    socket->setParent(this);
    const QByteArray key = request.header("sec-websocket-key");
    if (key.isEmpty()) {
        refuse(socket, 400, QStringLiteral("Bad Request - not a WebSocket handshake"));
        return;
    }
    QJsonObject headers;
    for (const QByteArray &name : kForwardedHeaders) {
        const QList<QByteArray> values = request.headerValues(name);
        if (!values.isEmpty())
            headers.insert(QString::fromLatin1(name), QString::fromUtf8(values.join(", ")));
    }
    auto *check = new Check;
    check->id = newId();
    check->socket = socket;
    check->key = key;
    check->channel = channel;
    check->target = {{QStringLiteral("path"), QString::fromUtf8(path)},
                     {QStringLiteral("query_string"), QString::fromUtf8(request.query())},
                     {QStringLiteral("headers"), headers}};
    check->timerId = startTimer(kCheckTimeoutMs, Qt::PreciseTimer);
    m_timers.insert(check->timerId, check->id);
    m_checks.insert(check->id, check);
    QJsonObject payload = check->target;
    payload.insert(QStringLiteral("check_id"), check->id);
    ++m_checksSent;
    m_push(channel, QStringLiteral("ws_check"), payload);
}

bool WebSocketFront::handleEvent(Channel channel, const QString &event, const QJsonObject &payload)
{
    if (event == QLatin1String("ws_check_result")) {
        onCheckResult(payload);
    } else if (event == QLatin1String("ws_connected")) {
        if (Browser *browser = browserFor(payload))
            onConnected(browser, payload);
    } else if (event == QLatin1String("ws_error")) {
        if (Browser *browser = browserFor(payload))
            closeBrowser(browser, 1014, QStringLiteral("Bad Gateway: ") + payload.value(QLatin1String("reason")).toString(),
                         false);
    } else if (event == QLatin1String("ws_frame")) {
        if (Browser *browser = browserFor(payload))
            toBrowser(browser, payload);
    } else if (event == QLatin1String("ws_closed")) {
        if (Browser *browser = browserFor(payload)) {
            const int code = payload.value(QLatin1String("code")).toInt(1000);
            const QString reason = payload.contains(QLatin1String("reason"))
                ? payload.value(QLatin1String("reason")).toString()
                : QStringLiteral("Backend closed connection");
            closeBrowser(browser, wireCode(code), reason, false);
        }
    } else {
        return false;
    }
    Q_UNUSED(channel)
    return true;
}

WebSocketFront::Browser *WebSocketFront::browserFor(const QJsonObject &payload)
{
    Browser *browser = m_browsers.value(payload.value(QLatin1String("connection_id")).toString());
    if (!browser)
        ++m_unknownIds;
    return browser;
}

void WebSocketFront::onCheckResult(const QJsonObject &payload)
{
    Check *check = m_checks.take(payload.value(QLatin1String("check_id")).toString());
    if (!check)
        return; // late (the browser already got 504) or unknown
    killTimer(check->timerId);
    m_timers.remove(check->timerId);
    if (!check->socket) {
        delete check;
        return;
    }
    if (!payload.value(QLatin1String("supported")).toBool()) {
        refuse(check->socket, 502, QStringLiteral("Bad Gateway - ")
                                       + payload.value(QLatin1String("reason")).toString(QStringLiteral("not supported")));
        delete check;
        return;
    }
    upgrade(check, payload.value(QLatin1String("protocol")).toString());
    delete check;
}

void WebSocketFront::upgrade(Check *check, const QString &protocol)
{
    // The upgrade request is still unread in the socket: drop it and answer 101 with exactly the
    // subprotocol the telephone reported.
    QTcpSocket *tcp = check->socket;
    const QByteArray head = tcp->peek(tcp->bytesAvailable());
    const qsizetype end = head.indexOf("\r\n\r\n");
    tcp->read(end < 0 ? head.size() : end + 4);
    tcp->write(BrowserWebSocket::handshakeResponse(check->key, protocol.toUtf8()));

    auto *browser = new Browser;
    browser->id = newId();
    browser->channel = check->channel;
    browser->target = check->target;
    browser->socket = new BrowserWebSocket(tcp, kMaxFrameSize, this);
    browser->lastFrame.start();
    m_browsers.insert(browser->id, browser);
    connect(browser->socket, &BrowserWebSocket::textReceived, this,
            [this, browser](const QByteArray &text) { fromBrowser(browser, QStringLiteral("text"), text); });
    connect(browser->socket, &BrowserWebSocket::binaryReceived, this,
            [this, browser](const QByteArray &data) { fromBrowser(browser, QStringLiteral("binary"), data); });
    connect(browser->socket, &BrowserWebSocket::pingReceived, this,
            [this, browser](const QByteArray &data) { fromBrowser(browser, QStringLiteral("ping"), data); });
    connect(browser->socket, &BrowserWebSocket::pongReceived, this,
            [this, browser](const QByteArray &data) { fromBrowser(browser, QStringLiteral("pong"), data); });
    connect(browser->socket, &BrowserWebSocket::disconnected, this, [this, browser] { onBrowserGone(browser); });
    QJsonObject payload = browser->target;
    payload.insert(QStringLiteral("connection_id"), browser->id);
    browser->timerId = startTimer(kConnectTimeoutMs, Qt::PreciseTimer);
    m_timers.insert(browser->timerId, browser->id);
    ++m_connectsSent;
    m_push(browser->channel, QStringLiteral("ws_connect"), payload);
}

void WebSocketFront::onConnected(Browser *browser, const QJsonObject &)
{
    if (browser->connected)
        return;
    browser->connected = true;
    killTimer(browser->timerId);
    m_timers.remove(browser->timerId);
    browser->timerId = 0;
    for (const QJsonObject &frame : std::exchange(browser->buffered, {}))
        m_push(browser->channel, QStringLiteral("ws_frame"), frame);
    browser->bufferedBytes = 0;
}

void WebSocketFront::fromBrowser(Browser *browser, const QString &opcode, const QByteArray &data)
{
    browser->lastFrame.start();
    const QJsonObject frame{{QStringLiteral("connection_id"), browser->id},
                            {QStringLiteral("opcode"), opcode},
                            {QStringLiteral("data"), QString::fromLatin1(data.toBase64())}};
    if (browser->connected) {
        m_push(browser->channel, QStringLiteral("ws_frame"), frame);
        return;
    }
    browser->buffered.append(frame);
    browser->bufferedBytes += data.size();
    if (browser->buffered.size() > kMaxBufferedFrames || browser->bufferedBytes > kMaxBufferedBytes)
        closeBrowser(browser, 1009, QStringLiteral("Too many frames before the backend connected"), true);
}

void WebSocketFront::toBrowser(Browser *browser, const QJsonObject &payload)
{
    const QString opcode = payload.value(QLatin1String("opcode")).toString();
    const auto decoded = QByteArray::fromBase64Encoding(payload.value(QLatin1String("data")).toString().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !browser->socket)
        return;
    browser->lastFrame.start();
    if (decoded.decoded.size() > kMaxFrameSize) {
        closeBrowser(browser, 1009, QStringLiteral("Frame too large"), true);
        return;
    }
    if (opcode == QLatin1String("text"))
        browser->socket->sendText(decoded.decoded);
    else if (opcode == QLatin1String("binary"))
        browser->socket->sendBinary(decoded.decoded);
    else if (opcode == QLatin1String("ping"))
        browser->socket->sendPing(decoded.decoded);
    else if (opcode == QLatin1String("pong"))
        browser->socket->sendPong(decoded.decoded); // the backend's answer to a browser's ping
}

void WebSocketFront::closeBrowser(Browser *browser, int code, const QString &reason, bool tellTelephone)
{
    m_browsers.remove(browser->id);
    if (browser->timerId) {
        killTimer(browser->timerId);
        m_timers.remove(browser->timerId);
    }
    if (tellTelephone) {
        m_push(browser->channel, QStringLiteral("ws_close"),
               {{QStringLiteral("connection_id"), browser->id}, {QStringLiteral("code"), code},
                {QStringLiteral("reason"), reason}});
    }
    if (browser->socket) {
        browser->socket->disconnect(this);
        browser->socket->close(code, reason);
        connect(browser->socket, &BrowserWebSocket::disconnected, browser->socket, &QObject::deleteLater);
    }
    emit browserClosed(browser->id, code, reason);
    delete browser;
}

void WebSocketFront::onBrowserGone(Browser *browser)
{
    // The browser closed: the telephone closes its backend connection with the same code.
    const int code = wireCode(browser->socket->closeCode());
    const QString reason = browser->socket->closeReason();
    m_browsers.remove(browser->id);
    if (browser->timerId) {
        killTimer(browser->timerId);
        m_timers.remove(browser->timerId);
    }
    m_push(browser->channel, QStringLiteral("ws_close"),
           {{QStringLiteral("connection_id"), browser->id}, {QStringLiteral("code"), code},
            {QStringLiteral("reason"), reason}});
    browser->socket->disconnect(this);
    browser->socket->deleteLater();
    delete browser;
}

void WebSocketFront::channelEnded(Channel channel)
{
    for (Check *check : m_checks.values()) {
        if (check->channel != channel)
            continue;
        m_checks.remove(check->id);
        killTimer(check->timerId);
        m_timers.remove(check->timerId);
        if (check->socket)
            refuse(check->socket, 502, QStringLiteral("Bad Gateway - Telephone disconnected"));
        delete check;
    }
    for (Browser *browser : m_browsers.values()) {
        if (browser->channel == channel)
            closeBrowser(browser, 1001, QStringLiteral("Telephone disconnected"), false);
    }
}

void WebSocketFront::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_idleCheckTimerId) {
        closeIdleBrowsers();
        return;
    }
    const QString id = m_timers.take(event->timerId());
    killTimer(event->timerId());
    if (Check *check = m_checks.take(id)) {
        qCInfo(lcWsFront) << "no ws_check_result within 5 s: answering 504";
        if (check->socket)
            refuse(check->socket, 504, QStringLiteral("Gateway Timeout - The telephone did not answer the WebSocket check"));
        delete check;
        return;
    }
    if (Browser *browser = m_browsers.value(id)) {
        browser->timerId = 0;
        qCInfo(lcWsFront) << "no ws_connected within 5 s: closing the browser 1014";
        closeBrowser(browser, 1014, QStringLiteral("Bad Gateway: the telephone did not connect in time"), true);
    }
}

} // namespace telephone::sim
