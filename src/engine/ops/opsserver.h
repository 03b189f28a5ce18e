#pragma once

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QString>

#include <optional>

class QTcpServer;

namespace telephone {

class OpsReport;

/// The operations endpoints over HTTP: /live, /ready, /health and /metrics, GET and HEAD only
/// (anything else 405), everything else 404. Bound to loopback unless an address says otherwise.
/// Built on Qt's HTTP server module; it answers from OpsReport on each request and keeps no
/// state of its own. Lives on the engine's thread.
class OpsServer : public QAbstractHttpServer
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

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    OpsReport *m_report;
    QTcpServer *m_tcpServer = nullptr;
};

} // namespace telephone
