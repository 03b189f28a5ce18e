#include "tunnel/tunnel.h"

#include "config/safeurl.h"
#include "base/logging.h"
#include "proxy/forwarder.h"
#include "proxy/websocketrelay.h"
#include "tunnel/heartbeat.h"
#include "tunnel/socketpathdiscovery.h"
#include "tunnel/tokenrefresher.h"
#include "tokens/tokensink.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QPointer>
#include <QUrlQuery>

#include <algorithm>
#include <array>

Q_LOGGING_CATEGORY(lcTunnel, "telephone.tunnel.tunnel")

// Every entry point from the event loop (and setState, which emits) opens a logging::ContextScope
// with the tunnel's name (its objectName, set by the runner): with several tunnels each line,
// including those of the parts it calls, says which tunnel wrote it.

namespace telephone {

using namespace std::chrono_literals;

namespace {

const QString EventHeartbeat = QStringLiteral("heartbeat");
const QString EventHeartbeatAck = QStringLiteral("heartbeat_ack");
const QString EventProxyReq = QStringLiteral("proxy_req");
const QString EventRefresh = QStringLiteral("refresh_token");
const QString EventRefreshAck = QStringLiteral("refresh_token_ack");
const QString EventPhxError = QStringLiteral("phx_error");
const QString EventPhxClose = QStringLiteral("phx_close");
const QString EventPhxLeave = QStringLiteral("phx_leave");
const QString EventWsFrame = QStringLiteral("ws_frame");
const QString PhoenixTopic = QStringLiteral("phoenix");

// Phoenix's own rejoin schedule for a channel lost on a live socket: 1, 2, 5, then every 10 s.
constexpr std::array<std::chrono::milliseconds, 4> RejoinDelays{1s, 2s, 5s, 10s};

QString seconds(std::chrono::milliseconds ms)
{
    return QString::number(double(ms.count()) / 1000.0, 'g', 3);
}

ForwarderOptions forwarderOptions(const TunnelConfig &config)
{
    ForwarderOptions options;
    options.backend = config.backend;
    options.requestTimeout = config.requestTimeout;
    options.maxResponseSize = config.maxResponseSize;
    options.maxConcurrent = config.maxConcurrent;
    options.preserveHost = config.preserveHost;
    // Callers reach Plugboard over https when we reach it over wss.
    options.forwardedProto = config.server.scheme() == QLatin1String("wss") ? "https" : "http";
    return options;
}

WebSocketRelayOptions relayOptions(const TunnelConfig &config)
{
    WebSocketRelayOptions options;
    options.backend = config.backend;
    options.preserveHost = config.preserveHost;
    options.forwardedProto = forwarderOptions(config).forwardedProto;
    options.bufferBytes = config.wsBuffer;
    return options;
}

// The reference document's reasons are plain ("token_revoked"); the deployed server sends Elixir's
// inspect of the atom (":token_revoked"). Both name the same auth failure.
bool isAuthReason(QString reason)
{
    if (reason.startsWith(QLatin1Char(':')))
        reason.remove(0, 1);
    static const QStringList authReasons{
        QStringLiteral("token_revoked"), QStringLiteral("token_expired"), QStringLiteral("token_invalid"),
        QStringLiteral("invalid_token"), QStringLiteral("unauthorized"),  QStringLiteral("invalid")};
    reason = reason.trimmed();
    return authReasons.contains(reason) || reason.contains(QLatin1String("revoked"))
        || reason.contains(QLatin1String("expired"));
}

} // namespace

Tunnel::Tunnel(const TunnelConfig &config, TokenSink *tokenSink, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_tokenSink(tokenSink)
    , m_socket(new PhoenixSocket(this))
    , m_heartbeat(new Heartbeat(this))
    , m_refresher(new TokenRefresher(this))
    , m_forwarder(new Forwarder(forwarderOptions(config), this))
    , m_pathDiscovery(config.discoverSocketPath
                          ? std::make_unique<SocketPathDiscovery>(config.server.toString(), config.socketPathMemory)
                          : nullptr)
    , m_wsRelay(new WebSocketRelay(relayOptions(config), this))
    , m_backoff(config.backoffInitial, config.backoffMax)
{
    m_heartbeat->setInterval(config.heartbeatInterval);
    m_socket->setHandshakeTimeout(std::max(config.joinTimeout, std::chrono::milliseconds(5000)));
    m_socket->setMaxMessageSize(config.maxMessageSize);
    m_refresher->setRetryBackoff(config.backoffInitial, config.backoffMax);
    m_retryTimer.setSingleShot(true);
    // A coarse timer may fire 5 % early: the wait announced to the user is the wait kept.
    m_retryTimer.setTimerType(Qt::PreciseTimer);
    m_drainTimer.setSingleShot(true);
    m_closeTimer.setSingleShot(true);

    connect(m_socket, &PhoenixSocket::opened, this, &Tunnel::onOpened);
    connect(m_socket, &PhoenixSocket::closed, this, &Tunnel::onClosed);
    connect(m_socket, &PhoenixSocket::frameReceived, this, &Tunnel::onFrame);
    connect(m_socket, &PhoenixSocket::trafficReceived, m_heartbeat, &Heartbeat::noteTraffic);
    connect(m_heartbeat, &Heartbeat::beatDue, this, [this](qint64 ts) {
        if (m_state == State::Connected) {
            m_socket->push(topic(), EventHeartbeat, {{QStringLiteral("ts"), ts}}, m_joinRef);
            return;
        }
        // Between channel joins the socket is kept alive with Phoenix's socket-level heartbeat:
        // the server closes a socket that has sent nothing for 60 s.
        m_socket->push(PhoenixTopic, EventHeartbeat, {});
    });
    connect(m_heartbeat, &Heartbeat::roundTripMeasured, this, [this](std::chrono::milliseconds rtt) {
        if (m_state == State::Connected)
            m_provedHealthy = true; // joined and acknowledged: its end resets the backoff
        emit heartbeatRoundTripMeasured(rtt);
    });
    connect(m_heartbeat, &Heartbeat::peerDead, this, &Tunnel::onPeerDead);
    connect(m_refresher, &TokenRefresher::refreshDue, this, &Tunnel::onRefreshDue);
    connect(m_forwarder, &Forwarder::responseReady, this, &Tunnel::sendResponse);
    connect(m_wsRelay, &WebSocketRelay::pushRequested, this, [this](const QString &event, const QJsonObject &payload) {
        if (m_socket->isOpen())
            m_socket->push(topic(), event, payload, m_joinRef);
    });
    connect(m_wsRelay, &WebSocketRelay::framePushRequested, this,
            [this](const QString &connectionId, const QJsonObject &payload, qint64 cost) {
                // The frame counts against its connection's --ws-buffer until the socket has written
                // it to its (HighWater-bounded) buffer, or dropped it: the relay throttles on that.
                QPointer<WebSocketRelay> relay(m_wsRelay);
                auto handedOver = [relay, connectionId, cost] {
                    if (relay)
                        relay->frameHandedOver(connectionId, cost);
                };
                QByteArray text = encodeFrame({m_joinRef, m_socket->takeRef(), topic(), EventWsFrame, payload});
                m_socket->sendEncoded(std::make_unique<HandoverSource>(std::move(text), std::move(handedOver)));
            });
    connect(m_forwarder, &Forwarder::drained, this, [this] {
        if (m_state == State::Stopping)
            finishStop();
    });
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        const logging::ContextScope logScope(objectName());
        if (m_state == State::Reconnecting && m_socket->isOpen())
            sendJoin(); // the channel failed, not the socket: rejoin on it
        else
            connectNow();
    });
    connect(&m_drainTimer, &QTimer::timeout, this, [this] {
        const logging::ContextScope logScope(objectName());
        qCWarning(lcTunnel) << "drain timeout: abandoning" << m_forwarder->inFlight() << "requests still in flight";
        m_forwarder->abortAll();
        finishStop();
    });
    connect(&m_closeTimer, &QTimer::timeout, m_socket, &PhoenixSocket::abort);
    m_expiryTimer.setSingleShot(true);
    connect(&m_expiryTimer, &QTimer::timeout, this, &Tunnel::onExpiryTimer);
    m_refreshAckTimer.setSingleShot(true);
    connect(&m_refreshAckTimer, &QTimer::timeout, this, [this] {
        if (m_refreshInFlight)
            retryRefreshLater(QStringLiteral("the server accepted the refresh but sent no token (no refresh_token_ack "
                                             "within %1 s)").arg(m_refreshAckTimer.interval() / 1000.0));
    });
    connect(m_forwarder, &Forwarder::exchangeStarted, this, &Tunnel::exchangeStarted);
    connect(m_forwarder, &Forwarder::exchangeFinished, this, &Tunnel::exchangeFinished);
    connect(m_wsRelay, &WebSocketRelay::connectionOpened, this, &Tunnel::webSocketOpened);
    connect(m_wsRelay, &WebSocketRelay::connectionUpdated, this, &Tunnel::webSocketUpdated);
    connect(m_wsRelay, &WebSocketRelay::connectionClosed, this, &Tunnel::webSocketClosed);
}

void Tunnel::armExpiryTimer()
{
    m_expiryTimer.stop();
    if (!m_claims.hasExpiry())
        return;
    // In seconds: exp comes from the server and may be far off (1e16), where exp * 1000 overflows.
    const qint64 left = m_claims.exp - QDateTime::currentSecsSinceEpoch();
    const qint64 warnSecs = m_config.expiryWarning.count() / 1000;
    const bool warned = m_expiryWarnedFor == m_claims.exp;
    const qint64 wait = left > warnSecs && !warned ? left - warnSecs : left;
    // QTimer waits at most ~24 days; a longer wait is re-armed when it fires.
    constexpr qint64 MaxWaitSecs = 24LL * 3600;
    m_expiryTimer.start(std::chrono::seconds(std::clamp<qint64>(wait, 0, MaxWaitSecs)));
}

void Tunnel::onExpiryTimer()
{
    const logging::ContextScope logScope(objectName());
    const qint64 left = m_claims.exp - QDateTime::currentSecsSinceEpoch();
    if (left <= 0) {
        emit tokenExpired();
        if (m_state != State::Connected)
            return;
        // The joined socket stays up on the server, but no new connection will be accepted.
        qCWarning(lcTunnel) << "the token has expired; the next reconnect will need a new token";
        return;
    }
    // Once per token: the timer also fires on the way to a far-off expiry.
    if (left <= m_config.expiryWarning.count() / 1000 && m_expiryWarnedFor != m_claims.exp) {
        m_expiryWarnedFor = m_claims.exp;
        emit tokenExpiringSoon(left);
    }
    armExpiryTimer();
}

Tunnel::~Tunnel()
{
    registerSecret(QString());
}

QString Tunnel::socketPath() const
{
    return m_pathDiscovery ? m_pathDiscovery->current() : m_config.server.path();
}

QUrl Tunnel::socketUrl() const
{
    QUrl url = m_config.server;
    url.setPath(socketPath());
    return url;
}

void Tunnel::registerSecret(const QString &token)
{
    if (token == m_registeredSecret)
        return;
    if (!m_registeredSecret.isEmpty())
        logging::removeSecret(m_registeredSecret);
    m_registeredSecret = token;
    if (!token.isEmpty())
        logging::addSecret(token);
}

QString Tunnel::stateName(State state)
{
    return QString::fromLatin1(QMetaEnum::fromType<State>().valueToKey(int(state)));
}

std::optional<std::chrono::milliseconds> Tunnel::heartbeatRoundTrip() const
{
    return m_heartbeat->lastRoundTrip();
}

QDateTime Tunnel::nextRefreshAt() const
{
    return m_refresher->nextRefreshAt();
}

qint64 Tunnel::secondsToExpiry() const
{
    if (!m_claims.hasExpiry())
        return -1;
    return std::max<qint64>(0, m_claims.secondsToExpiry(QDateTime::currentSecsSinceEpoch()));
}

QUrl Tunnel::publicUrl() const
{
    if (m_mountPath.isEmpty())
        return {};
    QUrl url;
    url.setScheme(m_config.server.scheme() == QLatin1String("wss") ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_config.server.host());
    url.setPort(m_config.server.port());
    url.setPath(QStringLiteral("/call") + (m_mountPath.startsWith(QLatin1Char('/')) ? m_mountPath : QLatin1Char('/') + m_mountPath)
                + QLatin1Char('/'));
    return url;
}

int Tunnel::inFlightRequests() const
{
    return m_forwarder->inFlight();
}

qint64 Tunnel::duplicateRequests() const
{
    return m_forwarder->duplicateRequests();
}

qint64 Tunnel::malformedFrames() const
{
    return m_socket->malformedFrames();
}

void Tunnel::setState(State state, const StateReasons &reasons)
{
    const logging::ContextScope logScope(objectName());
    if (state != State::Reconnecting && state != State::AuthFailed)
        m_nextRetryAt = {};
    const QString reason = englishText(reasons);
    if (m_state == state && m_stateReasons == reasons)
        return;
    m_state = state;
    m_stateReason = reason;
    m_stateReasons = reasons;
    qCInfo(lcTunnel).noquote() << stateName(state) + QLatin1String(": ") + reason;
    emit stateChanged(state, reason);
}

bool Tunnel::adoptToken(const QString &token, StateReason *problem)
{
    const QString trimmed = token.trimmed();
    if (trimmed.isEmpty()) {
        *problem = {StateReason::Code::NoToken, {}};
        return false;
    }
    const JwtDecodeResult decoded = decodeJwt(trimmed);
    if (!decoded.claims) {
        *problem = StateReason::because(StateReason::Code::TokenUnusable, decoded.problem);
        return false;
    }
    registerSecret(trimmed);
    m_config.token = trimmed;
    m_claims = *decoded.claims;
    if (m_claims.isExpiredAt(QDateTime::currentSecsSinceEpoch())) {
        *problem = {StateReason::Code::TokenExpired,
                    {QDateTime::fromSecsSinceEpoch(m_claims.exp).toString(Qt::ISODate)}};
        return false;
    }
    m_refresher->setToken(m_claims);
    armExpiryTimer();
    return true;
}

QUrl Tunnel::connectUrl() const
{
    QUrl url = socketUrl();
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("token"));
    query.removeAllQueryItems(QStringLiteral("vsn"));
    // A JWT is base64url plus dots: nothing in it needs percent-encoding.
    query.addQueryItem(QStringLiteral("token"), m_config.token);
    query.addQueryItem(QStringLiteral("vsn"), QStringLiteral("2.0.0"));
    url.setQuery(query);
    return url;
}

void Tunnel::start()
{
    const logging::ContextScope logScope(objectName());
    if (m_state != State::Disconnected)
        return;
    StateReason problem;
    if (!adoptToken(m_config.token, &problem)) {
        failAuth(problem);
        return;
    }
    connectNow();
}

void Tunnel::connectNow()
{
    const logging::ContextScope logScope(objectName());
    m_retryTimer.stop();
    if (m_claims.isExpiredAt(QDateTime::currentSecsSinceEpoch())) {
        failAuth({StateReason::Code::TokenExpired, {QDateTime::fromSecsSinceEpoch(m_claims.exp).toString(Qt::ISODate)}});
        return;
    }
    ++m_connectAttempts;
    m_provedHealthy = false;
    m_failedRejoins = 0;
    setState(State::Connecting, {{StateReason::Code::Connecting, {displayUrl(socketUrl())}}});
    m_socket->open(connectUrl());
}

void Tunnel::onOpened()
{
    const logging::ContextScope logScope(objectName());
    if (m_state != State::Connecting)
        return;
    if (m_pathDiscovery) {
        QString problem;
        if (!m_pathDiscovery->upgraded(&problem))
            qCWarning(lcTunnel).noquote() << problem;
        qCInfo(lcTunnel).noquote() << "the server's socket is at" << m_pathDiscovery->current()
                                   << (m_pathDiscovery->isRemembered() ? "(remembered for this server)" : "");
    }
    sendJoin();
}

void Tunnel::sendJoin()
{
    setState(State::Joining, {{StateReason::Code::Joining, {topic()}}});
    m_joinRef = m_socket->join(topic(), {}, this, [this](const PushReply &reply) {
        if (m_state != State::Joining)
            return;
        switch (reply.kind) {
        case PushReply::Kind::Ok: {
            m_failedRejoins = 0;
            ++m_joins;
            m_mountPath = reply.response.value(QLatin1String("path")).toString();
            m_features.clear();
            for (const QJsonValue &feature : reply.response.value(QLatin1String("features")).toArray())
                m_features.append(feature.toString());
            setState(State::Connected, {{StateReason::Code::Joined,
                                         {m_mountPath.isEmpty() ? topic() : m_mountPath, displayUrl(m_config.backend)}}});
            m_forwarder->setBodyBase64(m_features.contains(QLatin1String("body_base64")));
            m_heartbeat->start();
            m_refresher->setJoined(true);
            break;
        }
        case PushReply::Kind::Error: {
            const QString reason = reply.reason();
            if (reason == QLatin1String("path_id_mismatch")) {
                setState(State::ConfigError, {{StateReason::Code::PathIdMismatch, {m_claims.pathId}}});
                m_socket->close(1000);
            } else {
                const StateReason refused{StateReason::Code::JoinRefused,
                                          {reply.response.value(QLatin1String("reason")).toString()}};
                if (isAuthReason(reason))
                    failAuth(refused);
                else
                    scheduleRejoin(refused);
            }
            break;
        }
        case PushReply::Kind::Timeout:
            // Our own give-up, not the server's verdict on the token: a failed attempt like any other.
            m_pendingCloseReason = StateReason{StateReason::Code::JoinTimeout, {seconds(m_config.joinTimeout)}};
            m_socket->abort();
            break;
        case PushReply::Kind::Closed:
            break; // onClosed decides
        }
    }, m_config.joinTimeout);
}

void Tunnel::scheduleRetry(const StateReason &cause)
{
    m_heartbeat->stop();
    m_refresher->setJoined(false);
    // A connection that proved itself ended: that was not a failure, so the wait starts over.
    if (std::exchange(m_provedHealthy, false))
        m_backoff.reset();
    const auto delay = m_backoff.next();
    m_nextRetryAt = QDateTime::currentDateTimeUtc().addMSecs(delay.count());
    setState(State::Reconnecting, {cause, {StateReason::Code::NextTry, {seconds(delay)}}});
    m_retryTimer.start(delay);
}

void Tunnel::scheduleRejoin(const StateReason &cause)
{
    m_refresher->setJoined(false);
    // The server answered the channel's callers 502 when it ended; responses now have no caller.
    m_forwarder->abortAll();
    // Keep beating (on the socket's own topic) so that the server does not idle-close the socket.
    m_heartbeat->stop();
    m_heartbeat->start();
    const auto delay = RejoinDelays[std::min<size_t>(size_t(m_failedRejoins), RejoinDelays.size() - 1)];
    ++m_failedRejoins;
    m_nextRetryAt = QDateTime::currentDateTimeUtc().addMSecs(delay.count());
    setState(State::Reconnecting, {cause, {StateReason::Code::RejoinNextTry, {seconds(delay)}}});
    m_retryTimer.start(delay);
}

bool Tunnel::tryOtherSocketPath(const SocketClosed &why)
{
    if (!m_pathDiscovery || why.httpStatus != 404 || m_state != State::Connecting)
        return false;
    const QString refused = m_pathDiscovery->current();
    if (m_pathDiscovery->notFound()) {
        qCInfo(lcTunnel).noquote() << "the server has no socket at" << refused << "(HTTP 404); trying"
                                   << m_pathDiscovery->current();
        m_retryTimer.start(0ms); // not from inside the closing socket's signal
        return true;
    }
    const QUrl host = m_config.server.adjusted(QUrl::RemovePath | QUrl::RemoveQuery);
    setState(State::ConfigError,
             {{StateReason::Code::NoSocketAtServer, {host.toString(), m_pathDiscovery->triedPaths()}}});
    return true;
}

void Tunnel::failAuth(const StateReason &cause)
{
    ++m_authFailures;
    m_heartbeat->stop();
    m_refresher->setJoined(false);
    m_retryTimer.stop();
    const bool expired = m_claims.isExpiredAt(QDateTime::currentSecsSinceEpoch());
    const bool hasToken = !m_config.token.isEmpty() && !m_claims.pathId.isEmpty();
    StateReason detail;
    if (expired || !hasToken || m_config.authRetryInterval.count() == 0) {
        m_nextRetryAt = {}; // nothing is scheduled: no "next try" may be shown
        detail = {StateReason::Code::WaitingForToken, {}};
    } else {
        // A refused token does not heal by itself; try again only rarely, in case the server erred.
        m_nextRetryAt = QDateTime::currentDateTimeUtc().addMSecs(m_config.authRetryInterval.count());
        detail = {StateReason::Code::RetryingTokenIn, {seconds(m_config.authRetryInterval)}};
        m_retryTimer.start(m_config.authRetryInterval);
    }
    setState(State::AuthFailed, {cause, detail});
    emit tokenRefused(cause.englishText());
    if (m_socket->isOpen())
        m_socket->close(1000);
}

void Tunnel::onClosed(const SocketClosed &why)
{
    const logging::ContextScope logScope(objectName());
    m_heartbeat->stop();
    m_refresher->setJoined(false);
    m_closeTimer.stop();
    // The server answered their callers 502 when the socket went; a response now has nowhere to go.
    if (m_state != State::Stopping)
        m_forwarder->abortAll();
    // The server closed the browsers (1001) with the socket: their backend connections go too.
    m_wsRelay->closeAll(1001, {Problem::Kind::WsGoingAway});

    if (m_connectWhenClosed) {
        m_connectWhenClosed = false;
        if (m_state != State::Stopping) {
            connectNow();
            return;
        }
    }
    switch (m_state) {
    case State::Stopping:
        m_forwarder->abortAll();
        finishStop();
        return;
    case State::Disconnected:
    case State::AuthFailed:
    case State::ConfigError:
        return; // we closed it on purpose
    default:
        break;
    }
    if (why.httpStatus == 401 || why.httpStatus == 403) {
        failAuth({StateReason::Code::TokenRefusedHttp, {QString::number(why.httpStatus)}});
        return;
    }
    // Only the server's word makes an auth failure (401/403 above, an auth reason in a reply): a
    // socket that dies before the join, or a join we gave up on, is a failed attempt like any other.
    if (tryOtherSocketPath(why))
        return;
    const StateReason cause =
        m_pendingCloseReason.value_or(StateReason::because(StateReason::Code::ConnectionProblem, why.problem));
    m_pendingCloseReason.reset();
    scheduleRetry(cause);
}

void Tunnel::onFrame(const Frame &frame)
{
    const logging::ContextScope logScope(objectName());
    if (frame.topic != topic()) {
        qCDebug(lcTunnel).noquote() << "ignoring" << frame.event << "on topic" << frame.topic;
        return;
    }
    const QString &event = frame.event;
    if (event == EventProxyReq) {
        if (m_state == State::Connected || m_state == State::Stopping)
            m_forwarder->handle(frame.payload);
    } else if (WebSocketRelay::isRelayEvent(event)) {
        if (m_state == State::Connected || m_state == State::Stopping)
            m_wsRelay->handle(event, frame.payload, m_state == State::Connected);
    } else if (event == EventHeartbeatAck) {
        m_heartbeat->noteAck(frame.payload.value(QLatin1String("ts")).toInteger());
    } else if (event == EventRefreshAck) {
        acceptRefreshedToken(frame.payload);
    } else if (event == EventPhxError || event == EventPhxClose) {
        // Lifecycle events carry the join_ref: one for an earlier join is about a channel already gone.
        if (!frame.joinRef.isEmpty() && frame.joinRef != m_joinRef)
            return;
        m_wsRelay->closeAll(1001, {Problem::Kind::WsGoingAway}); // the channel ended: so did its browsers
        if (m_state == State::Connected || m_state == State::Joining)
            scheduleRejoin({event == EventPhxError ? StateReason::Code::ChannelCrashed : StateReason::Code::ChannelClosed, {}});
    } else {
        qCDebug(lcTunnel).noquote() << "ignoring unknown event" << event;
    }
}

void Tunnel::onPeerDead(const Problem &why)
{
    const logging::ContextScope logScope(objectName());
    qCWarning(lcTunnel).noquote() << "the connection is dead:" << why.englishText();
    m_pendingCloseReason = StateReason::because(StateReason::Code::ConnectionProblem, why);
    m_socket->abort();
}

void Tunnel::onRefreshDue()
{
    const logging::ContextScope logScope(objectName());
    if (m_state != State::Connected || m_refreshInFlight)
        return;
    m_refreshInFlight = true;
    qCInfo(lcTunnel) << "refreshing the token";
    m_socket->push(topic(), EventRefresh, {}, m_joinRef, this, [this](const PushReply &reply) {
        if (!m_refreshInFlight)
            return; // already answered by a refresh_token_ack push
        if (reply.ok() && reply.response.contains(QLatin1String("token"))) {
            acceptRefreshedToken(reply.response);
            return;
        }
        if (reply.ok()) {
            // The reference server acknowledges with a separate refresh_token_ack push. One that never
            // comes must not leave the refresh in flight (and every later one refused as a duplicate).
            m_refreshAckTimer.start(m_config.joinTimeout);
            return;
        }
        const QString reason = reply.reason();
        if (reply.kind == PushReply::Kind::Error && isAuthReason(reason)) {
            m_refreshInFlight = false;
            failAuth({StateReason::Code::RefreshRefused, {reason}});
            return;
        }
        retryRefreshLater(reason, reply.response.value(QLatin1String("reason")).toString());
    }, m_config.joinTimeout);
}

void Tunnel::retryRefreshLater(const QString &reason, const QString &serverReason)
{
    m_refreshInFlight = false;
    m_refreshAckTimer.stop();
    qCWarning(lcTunnel).noquote() << "token refresh failed:" << reason << "- retrying";
    emit refreshFailed(reason, serverReason);
    m_refresher->refreshFailed();
}

void Tunnel::acceptRefreshedToken(const QJsonObject &payload)
{
    m_refreshInFlight = false;
    m_refreshAckTimer.stop();
    const QString token = payload.value(QLatin1String("token")).toString();
    const JwtDecodeResult decoded = decodeJwt(token);
    if (!decoded.claims || decoded.claims->pathId != m_claims.pathId) {
        qCWarning(lcTunnel).noquote() << "the server sent a refreshed token that cannot be used:"
                                      << (decoded.claims ? QStringLiteral("it names another mount") : decoded.error);
        m_refresher->refreshFailed();
        return;
    }
    registerSecret(token);
    // Stored before it is used: the old token stopped working on the server the moment this one was issued.
    QString storeError;
    if (m_tokenSink && !m_tokenSink->storeToken(displayServer(), token, *decoded.claims, &storeError)) {
        qCWarning(lcTunnel).noquote() << "the refreshed token could not be stored (" + storeError
                                             + "); the tunnel keeps running, but a restart will need a new token";
        emit tokenStoreFailed(storeError);
    }
    m_config.token = token;
    m_claims = *decoded.claims;
    m_refresher->setToken(m_claims);
    m_refresher->setJoined(m_state == State::Connected);
    armExpiryTimer();
    qCInfo(lcTunnel).noquote() << "token refreshed; it expires at"
                               << QDateTime::fromSecsSinceEpoch(m_claims.exp).toString(Qt::ISODate);
    emit tokenRefreshed(token);
}

void Tunnel::sendResponse(const ProxyResponse &response)
{
    const logging::ContextScope logScope(objectName());
    if (!m_socket->isOpen())
        return; // the server already answered that caller 502 when the socket went
    ResponseWriterOptions options;
    options.chunkSize = m_config.chunkSize;
    options.multiValueHeaders = m_features.contains(QLatin1String("multi_value_headers"));
    auto frame = std::make_unique<ProxyResponseFrame>(m_joinRef, m_socket->takeRef(), topic(), response, options);
    const ResponseWriterStats stats = frame->stats();
    m_socket->sendEncoded(std::move(frame));
    if (stats.droppedSetCookies > 0) {
        m_droppedHeaderValues += stats.droppedSetCookies;
        qCWarning(lcTunnel).noquote()
            << QStringLiteral("request %1: the backend set %2 cookies, but this server cannot carry more than one "
                              "set-cookie (no multi_value_headers); only the first was sent")
                   .arg(response.requestId)
                   .arg(stats.droppedSetCookies + 1);
    }
}

void Tunnel::replay(const Exchange &exchange)
{
    m_forwarder->replay(exchange);
}

void Tunnel::refreshTokenNow()
{
    onRefreshDue();
}

void Tunnel::reconnectNow()
{
    const logging::ContextScope logScope(objectName());
    if (m_state != State::Reconnecting && m_state != State::AuthFailed)
        return;
    m_retryTimer.stop();
    if (m_state == State::Reconnecting && m_socket->isOpen())
        sendJoin();
    else
        connectNow();
}

void Tunnel::startOrReconnect()
{
    if (m_state == State::Disconnected)
        start();
    else
        reconnectNow();
}

void Tunnel::onNetworkReturned()
{
    if (m_state != State::Reconnecting)
        return;
    m_backoff.reset();
    reconnectNow();
}

void Tunnel::onResumed()
{
    if (m_state == State::Connected) {
        m_heartbeat->probeNow(m_config.joinTimeout);
        return;
    }
    onNetworkReturned();
}

bool Tunnel::setToken(const QString &token, QString *problem)
{
    StateReason why;
    if (setToken(token, &why))
        return true;
    *problem = why.englishText();
    return false;
}

bool Tunnel::setToken(const QString &token, StateReason *problem)
{
    const logging::ContextScope logScope(objectName());
    // A token that cannot be used leaves a working tunnel alone; the caller shows the problem.
    const JwtDecodeResult decoded = decodeJwt(token);
    if (!decoded.claims) {
        *problem = StateReason::because(StateReason::Code::TokenUnusable, decoded.problem);
        return false;
    }
    if (decoded.claims->isExpiredAt(QDateTime::currentSecsSinceEpoch())) {
        *problem = {StateReason::Code::TokenExpired,
                    {QDateTime::fromSecsSinceEpoch(decoded.claims->exp).toString(Qt::ISODate)}};
        return false;
    }
    // For one mount the token issued last wins: an older one was superseded on the server when the
    // newer one was issued. A token the server has refused (AuthFailed) is no contender.
    if (decoded.claims->pathId == m_claims.pathId && decoded.claims->iat < m_claims.iat
        && m_state != State::AuthFailed && !m_claims.isExpiredAt(QDateTime::currentSecsSinceEpoch())) {
        *problem = {StateReason::Code::NewerTokenInUse,
                    {QDateTime::fromSecsSinceEpoch(m_claims.iat).toString(Qt::ISODate),
                     QDateTime::fromSecsSinceEpoch(decoded.claims->iat).toString(Qt::ISODate)}};
        return false;
    }
    const QString previousPath = m_claims.pathId;
    if (!adoptToken(token, problem))
        return false;
    // Stored before use, like a refreshed token, so that a restart starts with it.
    QString storeError;
    if (m_tokenSink && !m_tokenSink->storePastedToken(displayServer(), m_config.token, m_claims, &storeError)) {
        qCWarning(lcTunnel).noquote() << "the new token could not be stored (" + storeError
                                             + "); the tunnel uses it, but a restart will need it again";
        emit tokenStoreFailed(storeError);
    }
    switch (m_state) {
    case State::Disconnected:
    case State::Stopping:
        return true; // used on the next start
    case State::Connected:
    case State::Joining:
    case State::Connecting:
        if (previousPath == m_claims.pathId)
            return true; // the socket is already authenticated; the new token is used on the next connect
        break;
    case State::Reconnecting:
    case State::AuthFailed:
    case State::ConfigError:
        break;
    }
    m_backoff.reset();
    if (m_socket->isOpen()) {
        // The old connection's close must not count as a failure of the new token.
        m_connectWhenClosed = true;
        m_socket->abort();
    } else {
        connectNow();
    }
    return true;
}

void Tunnel::setWaitingReason(State state, const StateReasons &reasons)
{
    if (m_state != State::AuthFailed || (state != State::AuthFailed && state != State::ConfigError))
        return;
    if (state == State::ConfigError)
        m_retryTimer.stop(); // the refused token is not tried again either: nothing can change by itself
    setState(state, reasons);
}

void Tunnel::stop()
{
    const logging::ContextScope logScope(objectName());
    if (m_state == State::Stopping)
        return;
    m_retryTimer.stop();
    if (m_state == State::Disconnected) {
        emit stopped();
        return;
    }
    const bool joined = m_state == State::Connected;
    setState(State::Stopping, {{StateReason::Code::Stopping, {QString::number(m_forwarder->inFlight())}}});
    m_heartbeat->stop();
    m_refresher->setJoined(false);
    if (!joined || !m_socket->isOpen()) {
        m_forwarder->abortAll();
        finishStop();
        return;
    }
    m_drainTimer.start(m_config.drainTimeout);
    m_forwarder->setDraining(true); // emits drained() at once when nothing is in flight
}

void Tunnel::finishStop()
{
    const logging::ContextScope logScope(objectName());
    if (m_state != State::Stopping)
        return;
    m_drainTimer.stop();
    // In-flight HTTP has drained: the WebSockets go now, before the channel.
    m_wsRelay->closeAll(1001, {Problem::Kind::WsGoingAway});
    if (m_socket->isOpen()) {
        if (!m_leaveSent) {
            m_leaveSent = true;
            // Leave, then close normally; a server that never replies does not hold us.
            m_socket->push(topic(), EventPhxLeave, {}, m_joinRef, this,
                           [this](const PushReply &) { m_socket->close(1000, QStringLiteral("client stopping")); },
                           std::chrono::milliseconds(2000));
            m_closeTimer.start(3000ms);
        }
        return; // onClosed comes back here once the socket is down
    }
    m_leaveSent = false;
    m_forwarder->setDraining(false);
    m_retryTimer.stop();
    m_closeTimer.stop();
    setState(State::Disconnected, {{StateReason::Code::Stopped, {}}});
    emit stopped();
}

} // namespace telephone
