#pragma once

#include "proxy/backendclient.h"
#include "proxy/exchange.h"
#include "proxy/proxyrequest.h"
#include "proxy/recentids.h"
#include "proxy/replycontext.h"

#include <QHash>
#include <QSet>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>

namespace telephone {

struct ForwarderOptions {
    QUrl backend;
    std::chrono::milliseconds requestTimeout{std::chrono::seconds(55)};
    qint64 maxResponseSize = 100LL * 1024 * 1024;
    int maxConcurrent = 256;
    bool preserveHost = false;
    QByteArray forwardedProto; ///< "https" / "http": how callers reached the server, when known
};

/// Turns `proxy_req` payloads into requests to the one configured backend and the backend's
/// answers into ProxyResponses — every outcome an answer: the backend's, or one of Telephone's
/// own in Plugboard's error shape (400 invalid, 405 CONNECT, 413/431 too large, 502 unreachable /
/// reset / too large / binary body the server cannot carry, 503 draining or at the concurrency
/// limit, 504 timeout). Publishes each request as an Exchange. Lives on the engine's thread.
///
/// Each request carries the join it arrived on (ReplyContext): its answer is written there, with
/// that join's features, and dropped when that join has ended meanwhile.
///
/// A request holds one of `maxConcurrent` slots from its arrival until its response has been
/// written to the socket (ProxyResponse::slot), not just produced: a server that reads slowly
/// gets 503s instead of an ever longer queue of responses in memory. A `request_id` seen while
/// in flight or among the last answered ones is ignored and counted (duplicateRequests()).
class Forwarder : public QObject
{
    Q_OBJECT

public:
    explicit Forwarder(const ForwarderOptions &options, QObject *parent = nullptr);
    ~Forwarder() override;

    /// A `proxy_req` that arrived on `join`: the answer goes back through it. `body`: its body when
    /// the frame decoder took it out of the payload as bytes (Frame::proxyReqBody).
    void handle(const QJsonObject &proxyRequest, std::shared_ptr<ReplyContext> join,
                const std::optional<QByteArray> &body = std::nullopt);
    /// Sends a captured request again, straight to the backend, as a request under a server with
    /// `features` would go; published with `replay` set.
    void replay(const Exchange &exchange, const ServerFeatures &features);
    int inFlight() const { return int(m_inFlight.size()); }
    /// Requests holding a slot: at the backend, or answered and not yet written to the socket.
    int slotsInUse() const { return int(m_inFlight.size()) + m_unsentResponses; }
    /// `proxy_req`s ignored because their request_id was in flight or answered lately.
    qint64 duplicateRequests() const { return m_duplicateRequests; }
    /// set-cookie values that could not be carried (the server lacks multi_value_headers).
    qint64 droppedHeaderValues() const { return m_droppedHeaderValues; }
    /// Responses not sent because their join had ended (the server had answered 502).
    qint64 responsesForEndedJoins() const { return m_responsesForEndedJoins; }

    /// How many answered request ids are remembered to recognise a repeat.
    static constexpr int RecentIdCapacity = 4096;

    /// While draining, new requests are answered 503 at once; in-flight ones finish.
    void setDraining(bool draining);
    /// Abandons everything in flight (their responses are not sent).
    void abortAll();

signals:
    void exchangeStarted(const telephone::Exchange &exchange);
    void exchangeFinished(const telephone::Exchange &exchange);
    /// Emitted when draining and the last request in flight has finished.
    void drained();

private:
    /// A request at the backend: what the inspector sees so far, and where its answer goes
    /// (null for a replay, which is not answered to the server).
    struct InFlight {
        Exchange exchange;
        std::shared_ptr<ReplyContext> join;
        bool bodyBase64 = false;
    };
    void answerOwn(Exchange exchange, const std::shared_ptr<ReplyContext> &join, int status, const Problem &problem,
                   bool publishStart, std::shared_ptr<const void> slot = {});
    void sendResponse(const std::shared_ptr<ReplyContext> &join, ProxyResponse response);
    bool isDuplicate(const QString &requestId);
    void noteAnswered(const QString &requestId);
    std::shared_ptr<const void> holdSlot();
    /// Records what the backend sent when Telephone answers in its place (the inspector shows both).
    static void keepBackendAnswer(Exchange *exchange, int status, const HeaderList &headers, const QByteArray &body);
    void onBackendResult(quint64 id, BackendResult result);
    BackendRequest backendRequestFor(const ProxyRequest &request, bool bodyBase64) const;
    ProxyRequestLimits requestLimits() const;
    void checkDrained();

    ForwarderOptions m_options;
    BackendClient *m_client;
    QByteArray m_basePath;
    QByteArray m_backendHost;
    bool m_draining = false;
    QHash<quint64, InFlight> m_inFlight; ///< backend call id → its request
    int m_unsentResponses = 0;           ///< responses produced whose frame is not written yet
    QSet<QString> m_activeIds;           ///< request ids at the backend now
    RecentIds m_recentIds{RecentIdCapacity};
    qint64 m_duplicateRequests = 0;
    qint64 m_droppedHeaderValues = 0;
    qint64 m_responsesForEndedJoins = 0;
};

} // namespace telephone
