#pragma once

#include "sim/httprequest.h"
#include "sim/httpresponder.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

class QTcpServer;
class QTcpSocket;

namespace telephone::sim {

class HttpConnection;

/// A small HTTP/1.1 server for tests and the demo: persistent connections, pipelined requests answered
/// in order, Content-Length and chunked request bodies, head (64 KiB, 431) and body (413) limits, 400
/// and close on malformed input. Handlers answer through an HttpResponder, now or later.
/// WebSocket upgrades can be handed to an upgrade hook with the handshake still unread in the socket.
/// Lives on the thread that created it; owns its connections.
class HttpServer : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<void(const HttpRequest &, HttpResponder *)>;
    /// Returns true when it took the socket (it must reparent it); the server then forgets it.
    using UpgradeHandler = std::function<bool(const HttpRequest &, QTcpSocket *)>;

    static constexpr qint64 kMaxHeaderSize = 64 * 1024;
    static constexpr qint64 kDefaultMaxBodySize = 200LL * 1024 * 1024;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    /// Port 0 picks any free port; see port().
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    QString errorString() const;
    /// Stops accepting; open connections stay (see abortAllConnections()).
    void close();
    /// Resets every open connection, as a crashing server would.
    void abortAllConnections();
    int connectionCount() const;

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    void setUpgradeHandler(UpgradeHandler handler) { m_upgradeHandler = std::move(handler); }
    void setMaxBodySize(qint64 bytes) { m_maxBodySize = bytes; }
    qint64 maxBodySize() const { return m_maxBodySize; }

private:
    friend class HttpConnection;

    void onNewConnection();

    QTcpServer *m_tcpServer = nullptr;
    Handler m_handler;
    UpgradeHandler m_upgradeHandler;
    qint64 m_maxBodySize = kDefaultMaxBodySize;
};

} // namespace telephone::sim
