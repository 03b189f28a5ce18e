#pragma once

#include "proxy/exchange.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace telephone {

/// Turns `proxy_req` payloads into requests to the one configured backend and their replies into
/// `proxy_res` payloads. Owns one QNetworkAccessManager and the table of requests in flight. The
/// backend is fixed at construction: nothing in a request can point it elsewhere.
/// Lives on the engine's thread.
class Forwarder : public QObject
{
    Q_OBJECT

public:
    Forwarder(const QUrl &backend, std::chrono::milliseconds requestTimeout, QObject *parent = nullptr);
    ~Forwarder() override;

    void handle(const QJsonObject &proxyRequest);
    /// Sends a captured request again, straight to the backend; published with `replay` set.
    void replay(const Exchange &exchange);
    int inFlight() const { return int(m_inFlight.size()); }

    /// While draining, new requests are answered 503 at once; in-flight ones finish.
    void setDraining(bool draining);
    /// Aborts everything in flight (their responses are not sent).
    void abortAll();

    QUrl backend() const { return m_backend; }

signals:
    void responseReady(const QJsonObject &proxyResponse);
    void exchangeStarted(const telephone::Exchange &exchange);
    void exchangeFinished(const telephone::Exchange &exchange);
    /// Emitted when draining and the last request in flight has finished.
    void drained();

private:
    void onFinished(QNetworkReply *reply);
    void answerError(const QString &requestId, int status, const QString &reason, const QJsonObject &details = {});

    QUrl m_backend;
    std::chrono::milliseconds m_requestTimeout;
    QNetworkAccessManager *m_network;
    QHash<QNetworkReply *, QString> m_inFlight; ///< reply → request_id
    bool m_draining = false;
};

} // namespace telephone
