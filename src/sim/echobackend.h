#pragma once

#include <QHostAddress>
#include <QObject>
#include <QUrl>

class QWebSocketServer;

namespace telephone::sim {

class HttpServer;
struct HttpRequest;
class HttpResponder;

/// The backend `telephone --demo` uses when the user has none: answers every request 200 with JSON
/// describing what arrived (method, target, headers, body), a friendly first-run page that also shows
/// what the tunnel forwarded. A WebSocket upgrade on any path is accepted and echoes text and
/// binary messages as received. Lives on the thread that created it.
class EchoBackend : public QObject
{
    Q_OBJECT

public:
    /// Bodies up to this size that are valid UTF-8 are echoed back in full.
    static constexpr qsizetype kMaxEchoedBody = 4096;

    explicit EchoBackend(QObject *parent = nullptr);
    ~EchoBackend() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const;
    QUrl url() const; ///< http://127.0.0.1:<port>
    int requestsServed() const { return m_requestsServed; }

private:
    void handle(const HttpRequest &request, HttpResponder *responder);

    HttpServer *m_server = nullptr;
    QWebSocketServer *m_wsServer = nullptr;
    int m_requestsServed = 0;
};

} // namespace telephone::sim
