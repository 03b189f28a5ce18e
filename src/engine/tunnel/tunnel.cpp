#include "tunnel/tunnel.h"

#include "config/safeurl.h"
#include "base/logging.h"
#include "proxy/forwarder.h"
#include "proxy/replycontext.h"
#include "proxy/websocketrelay.h"
#include "tunnel/heartbeat.h"
#include "tunnel/socketpathdiscovery.h"
#include "tunnel/tunneltoken.h"
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

TunnelToken::Options tokenOptions(const TunnelConfig &config)
{
    TunnelToken::Options options;
    options.storeKey = displayUrl(config.server);
    options.expiryWarning = config.expiryWarning;
    options.refreshBackoffInitial = config.backoffInitial;
    options.refreshBackoffMax = config.backoffMax;
    options.refreshAckTimeout = config.joinTimeout;
    return options;
}

} // namespace

Tunnel::Tunnel(const TunnelConfig &config, TokenSink *tokenSink, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_socket(new PhoenixSocket(this))
    , m_heartbeat(new Heartbeat(this))
    , m_token(new TunnelToken(config.token, tokenOptions(config), tokenSink, config.clock, this))
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
    connect(m_token, &TunnelToken::refreshDue, this, &Tunnel::onRefreshDue);
    connect(m_token, &TunnelToken::changed, this, [this](const QString &token) { m_config.token = token; });
    connect(m_token, &TunnelToken::refreshed, this, &Tunnel::tokenRefreshed);
    connect(m_token, &TunnelToken::storeFailed, this, &Tunnel::tokenStoreFailed);
    connect(m_token, &TunnelToken::refreshFailed, this, &Tunnel::refreshFailed);
    connect(m_token, &TunnelToken::expiringSoon, this, &Tunnel::tokenExpiringSoon);
    connect(m_token, &TunnelToken::expired, this, [this] {
        const logging::ContextScope logScope(objectName());
        emit tokenExpired();
        // The joined socket stays up on the server, but no new connection will be accepted.
        if (m_state == State::Connected)
            qCWarning(lcTunnel) << "the token has expired; the next reconnect will need a new token";
    });
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
    connect(m_forwarder, &Forwarder::exchangeStarted, this, &Tunnel::exchangeStarted);
    connect(m_forwarder, &Forwarder::exchangeFinished, this, &Tunnel::exchangeFinished);
    connect(m_wsRelay, &WebSocketRelay::connectionOpened, this, &Tunnel::webSocketOpened);
    connect(m_wsRelay, &WebSocketRelay::connectionUpdated, this, &Tunnel::webSocketUpdated);
    connect(m_wsRelay, &WebSocketRelay::connectionClosed, this, &Tunnel::webSocketClosed);
}

Tunnel::~Tunnel() = default;

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

QString Tunnel::stateName(State state)
{
    return QString::fromLatin1(QMetaEnum::fromType<State>().valueToKey(int(state)));
}

std::optional<std::chrono::milliseconds> Tunnel::heartbeatRoundTrip() const
{
    return m_heartbeat->lastRoundTrip();
}

const JwtClaims &Tunnel::claims() const
{
    return m_token->claims();
}

QDateTime Tunnel::nextRefreshAt() const
{
    return m_token->nextRefreshAt();
}

qint64 Tunnel::secondsToExpiry() const
{
    return m_token->secondsToExpiry();
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

qint64 Tunnel::droppedHeaderValues() const
{
    return m_forwarder->droppedHeaderValues();
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
    if (!m_token->useCurrent(&problem)) {
        failAuth(problem);
        return;
    }
    connectNow();
}

void Tunnel::connectNow()
{
    const logging::ContextScope logScope(objectName());
    m_retryTimer.stop();
    if (m_token->isExpired()) {
        failAuth(m_token->expiredReason());
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
    if (m_join)
        m_join->end(); // a new join: whatever the old one still had to say has no caller
    m_joinRef = m_socket->join(topic(), {}, this, [this](const PushReply &reply) {
        if (m_state != State::Joining)
            return;
        switch (reply.kind) {
        case PushReply::Kind::Ok: {
            m_failedRejoins = 0;
            ++m_joins;
            m_mountPath = reply.response.value(QLatin1String("path")).toString();
            m_join = std::make_shared<ReplyContext>(m_socket, topic(), m_joinRef,
                                                    ServerFeatures::fromJoinReply(reply.response), m_config.chunkSize);
            setState(State::Connected, {{StateReason::Code::Joined,
                                         {m_mountPath.isEmpty() ? topic() : m_mountPath, displayUrl(m_config.backend)}}});
            m_heartbeat->start();
            m_token->setJoined(true);
            break;
        }
        case PushReply::Kind::Error: {
            const QString reason = reply.reason();
            if (reason == QLatin1String("path_id_mismatch")) {
                setState(State::ConfigError, {{StateReason::Code::PathIdMismatch, {claims().pathId}}});
                m_socket->close(1000);
            } else {
                const StateReason refused{StateReason::Code::JoinRefused,
                                          {reply.response.value(QLatin1String("reason")).toString()}};
                if (TunnelToken::isAuthReason(reason))
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
    // The server answered the channel's callers 502 when it ended; responses now have no caller.
    endJoinedWork(Calls::Abort);
    // Keep beating (on the socket's own topic) so that the server does not idle-close the socket.
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
    endJoinedWork(Calls::Keep); // the close below ends the calls
    m_retryTimer.stop();
    StateReason detail;
    if (m_token->isExpired() || !m_token->hasToken() || m_config.authRetryInterval.count() == 0) {
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

// The one teardown of what runs while joined, whatever ended it (the socket closed, the token was
// refused, a rejoin, stopping): no more heartbeats or refreshes. With Calls::Abort the requests in
// flight and the browsers' WebSockets end too (the server already answered their callers); Keep
// leaves them to drain (stopping) or to the socket's close that follows.
void Tunnel::endJoinedWork(Calls calls)
{
    m_heartbeat->stop();
    m_token->setJoined(false);
    if (calls == Calls::Keep)
        return;
    m_forwarder->abortAll();
    m_wsRelay->closeAll(1001, {Problem::Kind::WsGoingAway});
}

void Tunnel::onClosed(const SocketClosed &why)
{
    const logging::ContextScope logScope(objectName());
    const bool stopping = m_state == State::Stopping;
    m_closeTimer.stop();
    // The server answered their callers 502 when the socket went, and closed the browsers (1001):
    // a response now has nowhere to go, and the browsers' backend connections go too.
    endJoinedWork(Calls::Abort);
    if (std::exchange(m_connectWhenClosed, false) && !stopping) {
        connectNow();
        return;
    }
    if (stopping) {
        finishStop();
        return;
    }
    switch (m_state) {
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
        if ((m_state == State::Connected || m_state == State::Stopping) && m_join && !m_join->hasEnded())
            m_forwarder->handle(frame.payload, m_join, frame.proxyReqBody);
    } else if (WebSocketRelay::isRelayEvent(event)) {
        if (m_state == State::Connected || m_state == State::Stopping)
            m_wsRelay->handle(event, frame.payload, m_state == State::Connected);
    } else if (event == EventHeartbeatAck) {
        m_heartbeat->noteAck(frame.payload.value(QLatin1String("ts")).toInteger());
    } else if (event == EventRefreshAck) {
        m_token->refreshAcknowledged(frame.payload);
    } else if (event == EventPhxError || event == EventPhxClose) {
        // Lifecycle events carry the join_ref: one for an earlier join is about a channel already gone.
        if (!frame.joinRef.isEmpty() && frame.joinRef != m_joinRef)
            return;
        // The server answered this channel's callers 502: answers still to come have none (a
        // draining stop keeps its requests running, so this matters there too).
        if (m_join)
            m_join->end();
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
    if (m_state != State::Connected || !m_token->beginRefresh())
        return;
    m_socket->push(topic(), EventRefresh, {}, m_joinRef, this, [this](const PushReply &reply) {
        if (const std::optional<StateReason> refused = m_token->refreshReplied(reply))
            failAuth(*refused);
    }, m_config.joinTimeout);
}

void Tunnel::replay(const Exchange &exchange)
{
    m_forwarder->replay(exchange, m_join ? m_join->features() : ServerFeatures{});
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
    const QString previousPath = claims().pathId;
    // A token the server has refused (AuthFailed) is no contender for the newest.
    if (!m_token->offer(token, m_state == State::AuthFailed, problem))
        return false;
    switch (m_state) {
    case State::Disconnected:
    case State::Stopping:
        return true; // used on the next start
    case State::Connected:
    case State::Joining:
    case State::Connecting:
        if (previousPath == claims().pathId)
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
    // Requests in flight finish, unless they have nowhere to send their answers.
    const bool drain = m_state == State::Connected && m_socket->isOpen();
    setState(State::Stopping, {{StateReason::Code::Stopping, {QString::number(m_forwarder->inFlight())}}});
    endJoinedWork(drain ? Calls::Keep : Calls::Abort);
    if (!drain) {
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
