#pragma once

#include <QHostAddress>
#include <QHttpServer>
#include <QList>
#include <QPointer>
#include <QString>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTimer>

#include <chrono>
#include <optional>

namespace telephone {

class OpsReport;

/// The ops endpoints' listening socket, bounded so that it can never starve the tunnel of file
/// descriptors or CPU: at most maxConnections open at once (32, or an eighth of the process's file
/// descriptor limit when that is less; a new connection closes the oldest one), each closed after
/// idleTimeout without traffic, and accepting paused for AcceptPause when accept fails
/// for want of file descriptors. QTcpServer (6.4) takes EMFILE for a temporary error and polls the
/// listening socket again at once, forever (100 % CPU); so on Unix the accepting is done here, on
/// QTcpServer's socket, and QTcpServer's own accepting stays paused.
class OpsListener : public QTcpServer
{
    Q_OBJECT

public:
    static constexpr int DefaultMaxConnections = 32;
    /// DefaultMaxConnections, or fewer under a low RLIMIT_NOFILE: the tunnel needs the rest.
    static int maxConnectionsForFileLimit();
    static constexpr std::chrono::milliseconds DefaultIdleTimeout{std::chrono::seconds(30)};
    static constexpr std::chrono::milliseconds AcceptPause{std::chrono::seconds(1)};

    explicit OpsListener(QObject *parent = nullptr);

    /// QTcpServer::listen(), then the accepting is taken over (see above).
    bool listenBounded(const QHostAddress &address, quint16 port);
    void setIdleTimeout(std::chrono::milliseconds timeout) { m_idleTimeout = timeout; }
    int maxConnections() const { return m_maxConnections; }
    int openConnections() const { return int(m_connections.size()); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void acceptAll();
    void pauseAfterAcceptFailure(const QString &why);

    int m_maxConnections = maxConnectionsForFileLimit();
    std::chrono::milliseconds m_idleTimeout = DefaultIdleTimeout;
    QList<QPointer<QTcpSocket>> m_connections; ///< open ones, oldest first
    qint64 m_evicted = 0;
    bool m_acceptFailing = false;
    QTimer m_resumeTimer;
    QSocketNotifier *m_notifier = nullptr;
};

/// The operations endpoints over HTTP: /live, /ready, /health and /metrics, GET and HEAD only
/// (anything else 405), everything else 404. Bound to loopback unless an address says otherwise.
/// Built on Qt's HTTP server module through the API that Qt 6.4 to 6.8 share (one catch-all
/// QHttpServer::route, see docs/ARCHITECTURE.md "Ops endpoints and Qt versions"); it answers from
/// OpsReport on each request and keeps no state of its own. Lives on the engine's thread.
class OpsServer : public QObject
{
    Q_OBJECT

public:
    struct Address {
        QHostAddress host;
        quint16 port = 0;
    };
    /// "9090" (127.0.0.1), "127.0.0.1:9090", "0.0.0.0:9090", "[::1]:9090", "localhost:9090".
    /// Other host names are refused: what a name resolves to can change, where the endpoints
    /// listen should not. Port 0 picks a free port.
    static std::optional<Address> parseAddress(const QString &text, QString *error);

    explicit OpsServer(OpsReport *report, QObject *parent = nullptr);

    /// Starts listening; false with a message naming the address when that fails.
    bool listen(const QString &address, QString *error);
    /// The bound address and port (the port is the real one when 0 was asked for).
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    /// http://host:port, for the log line that says where the endpoints are.
    QString baseUrl() const;
    /// The listener's bounds (null before listen()); tests shorten the idle timeout.
    OpsListener *listener() const { return m_tcpServer; }

private:
    void answer(const QHttpServerRequest &request, QHttpServerResponder &responder) const;

    OpsReport *m_report;
    QHttpServer m_http;
    OpsListener *m_tcpServer = nullptr;
};

} // namespace telephone
