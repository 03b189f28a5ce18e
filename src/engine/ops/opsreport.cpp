#include "ops/opsreport.h"

#include "base/logging.h"
#include "ops/prometheustext.h"
#include "ops/tunnelobserver.h"
#include "proxy/websocketrelay.h"
#include "tunnel/tunnelmanager.h"

#include <QJsonArray>
#include <QMetaEnum>

#include <functional>
#include <optional>

namespace telephone {

namespace {

const QString kVersion = QStringLiteral(TELEPHONE_VERSION);

std::optional<qint64> secondsToExpiry(const Tunnel *tunnel)
{
    const qint64 exp = tunnel->claims().exp;
    if (exp <= 0)
        return std::nullopt;
    return exp - QDateTime::currentSecsSinceEpoch();
}

QJsonValue orNull(const std::optional<qint64> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject webSocketHealth(const WebSocketRelay *relay)
{
    const WebSocketRelayStats &s = relay->stats();
    return QJsonObject{
        {QStringLiteral("live"), relay->liveConnections()},
        {QStringLiteral("opened_total"), s.connectionsOpened},
        {QStringLiteral("failed_total"), s.connectionsFailed},
        {QStringLiteral("frames_to_backend_total"), s.framesToBackend},
        {QStringLiteral("bytes_to_backend_total"), s.bytesToBackend},
        {QStringLiteral("frames_from_backend_total"), s.framesFromBackend},
        {QStringLiteral("bytes_from_backend_total"), s.bytesFromBackend},
    };
}

} // namespace

OpsReport::OpsReport(TunnelManager *manager, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
{
    for (Tunnel *tunnel : manager->tunnels())
        observe(tunnel);
    connect(manager, &TunnelManager::tunnelAdded, this, &OpsReport::observe);
}

void OpsReport::observe(Tunnel *tunnel)
{
    m_observers << new TunnelObserver(tunnel, this);
}

OpsReport::Readiness OpsReport::readiness() const
{
    Readiness result;
    QJsonArray tunnels;
    QStringList notReady;
    for (const TunnelObserver *observer : m_observers) {
        const Tunnel *tunnel = observer->tunnel();
        if (!tunnel)
            continue;
        const bool connected = tunnel->state() == Tunnel::State::Connected;
        tunnels.append(QJsonObject{
            {QStringLiteral("tunnel"), tunnelName(tunnel)},
            {QStringLiteral("state"), Tunnel::stateName(tunnel->state())},
            {QStringLiteral("reason"), logging::redact(tunnel->stateReason())},
        });
        if (!connected) {
            notReady << QStringLiteral("%1 is %2: %3")
                            .arg(tunnelName(tunnel).isEmpty() ? QStringLiteral("the tunnel") : tunnelName(tunnel),
                                 Tunnel::stateName(tunnel->state()), logging::redact(tunnel->stateReason()));
        }
    }

    QString reason;
    if (m_manager->isStopping())
        reason = QStringLiteral("stopping");
    else if (tunnels.isEmpty())
        reason = QStringLiteral("no tunnel is configured");
    else
        reason = notReady.join(QStringLiteral("; "));
    result.ready = reason.isEmpty();
    result.document = QJsonObject{
        {QStringLiteral("ready"), result.ready},
        {QStringLiteral("tunnels"), tunnels},
    };
    if (!result.ready)
        result.document.insert(QStringLiteral("reason"), reason);
    return result;
}

QJsonObject OpsReport::health() const
{
    QJsonArray tunnels;
    for (const TunnelObserver *observer : m_observers) {
        const Tunnel *tunnel = observer->tunnel();
        if (!tunnel)
            continue;
        const auto rtt = tunnel->heartbeatRoundTrip();
        QJsonValue lastError(QJsonValue::Null);
        if (!observer->lastError().isEmpty()) {
            lastError = QJsonObject{
                {QStringLiteral("message"), logging::redact(observer->lastError())},
                {QStringLiteral("at"), observer->lastErrorAt().toString(Qt::ISODateWithMs)},
            };
        }
        tunnels.append(QJsonObject{
            {QStringLiteral("tunnel"), tunnelName(tunnel)},
            {QStringLiteral("mount_path"), tunnel->mountPath().isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                          : QJsonValue(tunnel->mountPath())},
            {QStringLiteral("state"), Tunnel::stateName(tunnel->state())},
            {QStringLiteral("state_reason"), logging::redact(tunnel->stateReason())},
            {QStringLiteral("since"), observer->stateSince().toString(Qt::ISODateWithMs)},
            {QStringLiteral("heartbeat_rtt_ms"), rtt ? QJsonValue(qint64(rtt->count())) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("last_error"), lastError},
            {QStringLiteral("token_expires_in_seconds"), orNull(secondsToExpiry(tunnel))},
            {QStringLiteral("in_flight_requests"), tunnel->inFlightRequests()},
            {QStringLiteral("websockets"), webSocketHealth(tunnel->webSocketRelay())},
        });
    }
    return QJsonObject{
        {QStringLiteral("version"), kVersion},
        {QStringLiteral("ready"), readiness().ready},
        {QStringLiteral("tunnels"), tunnels},
    };
}

QByteArray OpsReport::metrics() const
{
    // Every per-tunnel family is labelled with tunnelName() only (plus a bounded label of its own):
    // request paths and tokens never become label values.
    QList<QPair<const TunnelObserver *, PrometheusText::Labels>> live;
    for (const TunnelObserver *observer : m_observers) {
        if (observer->tunnel())
            live.append({observer, {{QStringLiteral("tunnel"), tunnelName(observer->tunnel())}}});
    }
    PrometheusText out;
    auto perTunnel = [&](const QString &name, const char *type, const QString &help,
                         const std::function<double(const TunnelObserver *)> &value) {
        out.family(name, type, help);
        for (const auto &[observer, labels] : live)
            out.sample(name, labels, value(observer));
    };

    out.family(QStringLiteral("telephone_build_info"), "gauge", QStringLiteral("Always 1; the version is a label."));
    out.sample(QStringLiteral("telephone_build_info"), {{QStringLiteral("version"), kVersion}}, 1);

    out.family(QStringLiteral("telephone_tunnel_info"), "gauge",
               QStringLiteral("Always 1; the mount path the server assigned (empty before the first join)."));
    for (const auto &[observer, labels] : live) {
        PrometheusText::Labels withMount = labels;
        withMount.append({QStringLiteral("mount_path"), observer->tunnel()->mountPath()});
        out.sample(QStringLiteral("telephone_tunnel_info"), withMount, 1);
    }

    out.family(QStringLiteral("telephone_tunnel_state"), "gauge",
               QStringLiteral("1 for the state the tunnel is in, 0 for the others."));
    const QMetaEnum states = QMetaEnum::fromType<Tunnel::State>();
    for (const auto &[observer, labels] : live) {
        for (int i = 0; i < states.keyCount(); ++i) {
            PrometheusText::Labels withState = labels;
            withState.append({QStringLiteral("state"), QString::fromLatin1(states.key(i))});
            out.sample(QStringLiteral("telephone_tunnel_state"), withState,
                       int(observer->tunnel()->state()) == states.value(i) ? 1 : 0);
        }
    }

    perTunnel(QStringLiteral("telephone_tunnel_ready"), "gauge", QStringLiteral("1 when the tunnel is joined."),
              [](const TunnelObserver *o) { return o->tunnel()->state() == Tunnel::State::Connected ? 1.0 : 0.0; });
    perTunnel(QStringLiteral("telephone_tunnel_state_since_seconds"), "gauge",
              QStringLiteral("Unix time of the last state change."),
              [](const TunnelObserver *o) { return double(o->stateSince().toMSecsSinceEpoch()) / 1000.0; });
    perTunnel(QStringLiteral("telephone_tunnel_connect_attempts_total"), "counter",
              QStringLiteral("WebSocket connections opened or tried."),
              [](const TunnelObserver *o) { return double(o->tunnel()->connectAttempts()); });
    perTunnel(QStringLiteral("telephone_tunnel_joins_total"), "counter",
              QStringLiteral("Channel joins the server accepted."),
              [](const TunnelObserver *o) { return double(o->tunnel()->joinsSucceeded()); });
    perTunnel(QStringLiteral("telephone_tunnel_reconnects_total"), "counter",
              QStringLiteral("Times the tunnel lost (or could not reach) the server and scheduled a new attempt."),
              [](const TunnelObserver *o) { return double(o->reconnects()); });
    perTunnel(QStringLiteral("telephone_tunnel_auth_failures_total"), "counter",
              QStringLiteral("Times the server refused the token."),
              [](const TunnelObserver *o) { return double(o->tunnel()->authFailures()); });
    perTunnel(QStringLiteral("telephone_token_refreshes_total"), "counter",
              QStringLiteral("Token refreshes that gave a new token."),
              [](const TunnelObserver *o) { return double(o->tokenRefreshes()); });
    perTunnel(QStringLiteral("telephone_token_refresh_failures_total"), "counter",
              QStringLiteral("Token refreshes that failed (each retry counts); a refused token is an auth failure instead."),
              [](const TunnelObserver *o) { return double(o->tokenRefreshFailures()); });
    perTunnel(QStringLiteral("telephone_tunnel_malformed_frames_total"), "counter",
              QStringLiteral("Frames from the server that could not be decoded and were ignored."),
              [](const TunnelObserver *o) { return double(o->tunnel()->malformedFrames()); });
    perTunnel(QStringLiteral("telephone_tunnel_duplicate_requests_total"), "counter",
              QStringLiteral("proxy_reqs ignored because their request_id was in flight or answered lately."),
              [](const TunnelObserver *o) { return double(o->tunnel()->duplicateRequests()); });

    // Only tunnels with a measurement get a sample: 0 would read as a perfect link.
    out.family(QStringLiteral("telephone_tunnel_heartbeat_rtt_seconds"), "gauge",
               QStringLiteral("Round trip of the last acknowledged heartbeat."));
    for (const auto &[observer, labels] : live) {
        if (const auto rtt = observer->tunnel()->heartbeatRoundTrip())
            out.sample(QStringLiteral("telephone_tunnel_heartbeat_rtt_seconds"), labels, double(rtt->count()) / 1000.0);
    }
    out.family(QStringLiteral("telephone_tunnel_token_expiry_seconds"), "gauge",
               QStringLiteral("Seconds until the token expires (negative once expired)."));
    for (const auto &[observer, labels] : live) {
        if (const auto left = secondsToExpiry(observer->tunnel()))
            out.sample(QStringLiteral("telephone_tunnel_token_expiry_seconds"), labels, double(*left));
    }

    perTunnel(QStringLiteral("telephone_socket_received_bytes_total"), "counter",
              QStringLiteral("Bytes of WebSocket messages received from the server."),
              [](const TunnelObserver *o) { return double(o->tunnel()->socketBytesReceived()); });
    perTunnel(QStringLiteral("telephone_socket_sent_bytes_total"), "counter",
              QStringLiteral("Bytes of WebSocket messages sent to the server."),
              [](const TunnelObserver *o) { return double(o->tunnel()->socketBytesSent()); });
    perTunnel(QStringLiteral("telephone_request_body_bytes_total"), "counter",
              QStringLiteral("Bytes of request bodies forwarded to the backend."),
              [](const TunnelObserver *o) { return double(o->requestBodyBytes()); });
    perTunnel(QStringLiteral("telephone_response_body_bytes_total"), "counter",
              QStringLiteral("Bytes of the backend's response bodies sent back to the server (Telephone's own error "
                             "bodies are not counted)."),
              [](const TunnelObserver *o) { return double(o->responseBodyBytes()); });
    perTunnel(QStringLiteral("telephone_requests_in_flight"), "gauge",
              QStringLiteral("Requests forwarded and not yet answered."),
              [](const TunnelObserver *o) { return double(o->tunnel()->inFlightRequests()); });

    auto wsStats = [](const TunnelObserver *o) -> const WebSocketRelayStats & {
        return o->tunnel()->webSocketRelay()->stats();
    };
    perTunnel(QStringLiteral("telephone_websockets_live"), "gauge",
              QStringLiteral("Browser WebSockets relayed to the backend right now."),
              [](const TunnelObserver *o) { return double(o->tunnel()->webSocketRelay()->liveConnections()); });
    perTunnel(QStringLiteral("telephone_websockets_opened_total"), "counter",
              QStringLiteral("Browser WebSockets connected to the backend (ws_connected)."),
              [&](const TunnelObserver *o) { return double(wsStats(o).connectionsOpened); });
    perTunnel(QStringLiteral("telephone_websockets_failed_total"), "counter",
              QStringLiteral("WebSocket checks and connects refused (hostile input, backend refused or down)."),
              [&](const TunnelObserver *o) { return double(wsStats(o).checksRefused + wsStats(o).connectionsFailed); });
    perTunnel(QStringLiteral("telephone_websocket_frames_to_backend_total"), "counter",
              QStringLiteral("WebSocket frames relayed from browsers to the backend."),
              [&](const TunnelObserver *o) { return double(wsStats(o).framesToBackend); });
    perTunnel(QStringLiteral("telephone_websocket_frames_from_backend_total"), "counter",
              QStringLiteral("WebSocket frames relayed from the backend to browsers."),
              [&](const TunnelObserver *o) { return double(wsStats(o).framesFromBackend); });
    perTunnel(QStringLiteral("telephone_websocket_bytes_to_backend_total"), "counter",
              QStringLiteral("Payload bytes of WebSocket frames relayed to the backend."),
              [&](const TunnelObserver *o) { return double(wsStats(o).bytesToBackend); });
    perTunnel(QStringLiteral("telephone_websocket_bytes_from_backend_total"), "counter",
              QStringLiteral("Payload bytes of WebSocket frames relayed from the backend."),
              [&](const TunnelObserver *o) { return double(wsStats(o).bytesFromBackend); });
    perTunnel(QStringLiteral("telephone_websocket_closed_over_limit_total"), "counter",
              QStringLiteral("WebSockets closed with 1009: a buffer bound (--ws-buffer) or the 1 MiB frame limit."),
              [&](const TunnelObserver *o) { return double(wsStats(o).closedOverLimit); });
    perTunnel(QStringLiteral("telephone_websocket_backend_read_pauses_total"), "counter",
              QStringLiteral("Times reading a backend WebSocket paused: half its --ws-buffer waited for the server."),
              [&](const TunnelObserver *o) { return double(wsStats(o).backendReadPauses); });
    perTunnel(QStringLiteral("telephone_websocket_unknown_ids_total"), "counter",
              QStringLiteral("WebSocket events for connection ids Telephone does not know (ignored)."),
              [&](const TunnelObserver *o) { return double(wsStats(o).unknownConnectionIds); });

    out.family(QStringLiteral("telephone_requests_total"), "counter",
               QStringLiteral("Answered requests by status class (whoever answered: backend or Telephone)."));
    for (const auto &[observer, labels] : live) {
        for (int i = 0; i < 5; ++i) {
            PrometheusText::Labels withClass = labels;
            withClass.append({QStringLiteral("status_class"), QStringLiteral("%1xx").arg(i + 1)});
            out.sample(QStringLiteral("telephone_requests_total"), withClass, double(observer->requestsByClass()[size_t(i)]));
        }
    }
    out.family(QStringLiteral("telephone_requests_refused_total"), "counter",
               QStringLiteral("Requests Telephone answered itself instead of the backend, by reason."));
    for (const auto &[observer, labels] : live) {
        for (auto it = observer->refusals().cbegin(); it != observer->refusals().cend(); ++it) {
            PrometheusText::Labels withReason = labels;
            withReason.append({QStringLiteral("reason"), it.key()});
            out.sample(QStringLiteral("telephone_requests_refused_total"), withReason, double(it.value()));
        }
    }
    out.family(QStringLiteral("telephone_request_duration_seconds"), "histogram",
               QStringLiteral("Time from the request's arrival to its answer."));
    for (const auto &[observer, labels] : live)
        out.histogram(QStringLiteral("telephone_request_duration_seconds"), labels, observer->durations());

    return out.text();
}

} // namespace telephone
