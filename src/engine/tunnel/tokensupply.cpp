#include "tunnel/tokensupply.h"

#include "base/logging.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "tunnel/tunnelname.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSupply, "telephone.tunnel.tokensupply")

namespace telephone {

using namespace std::chrono_literals;

namespace {
QString seconds(std::chrono::milliseconds ms)
{
    return QString::number(double(ms.count()) / 1000.0, 'g', 3);
}

StateReason whyNoToken(const VendResult &result)
{
    return StateReason::because(StateReason::Code::VendingFailed, result.problem);
}
} // namespace

TokenSupply::TokenSupply(Tunnel *tunnel, TokenSink *sink, const QString &pathId, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
    , m_sink(sink)
    , m_pathId(pathId)
    , m_vendor(new TokenVendor(this))
    , m_backoff(MinInterval, BackoffMax)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &TokenSupply::onRetryDue);
    connect(m_tunnel, &Tunnel::tokenRefused, this, &TokenSupply::onTokenNeeded);
    connect(m_vendor, &TokenVendor::finished, this, &TokenSupply::onFinished);
}

TokenSupply::~TokenSupply()
{
    if (hasKey())
        logging::removeSecret(m_key.key);
}

void TokenSupply::setKey(const ServiceAccountKey &key)
{
    if (key.key == m_key.key)
        return;
    if (hasKey())
        logging::removeSecret(m_key.key);
    m_key = key;
    if (hasKey())
        logging::addSecret(m_key.key);
    // A new key is a new account: what the old one was told does not hold for it.
    m_vendor->abort();
    m_retryTimer.stop();
    m_nextAttemptAt = {};
    m_sinceLastRequest.invalidate();
    m_backoff.reset();
    m_keyRefused = false;
    m_pathRefused = false;
    m_waitingReason.reset();
    if (hasKey()) {
        qCInfo(lcSupply).noquote() << "service-account key" << keyShown() << "from" << m_key.origin
                                   << "- tokens are asked from the server's token vending when needed";
        onTokenNeeded();
    }
}

bool TokenSupply::tunnelWaits() const
{
    // Disconnected before start(): the start itself will say whether a token is missing.
    return m_tunnel->state() == Tunnel::State::AuthFailed;
}

std::chrono::milliseconds TokenSupply::rateLimitWait() const
{
    if (!m_sinceLastRequest.isValid())
        return 0ms;
    const auto elapsed = std::chrono::milliseconds(m_sinceLastRequest.elapsed());
    return elapsed >= MinInterval ? 0ms : std::chrono::milliseconds(MinInterval) - elapsed;
}

void TokenSupply::onTokenNeeded()
{
    if (!hasKey() || m_pathRefused || m_vendor->isBusy() || !tunnelWaits())
        return;
    if (m_retryTimer.isActive()) {
        // A try is already planned (after a failure, or for the rate limit): asking sooner would
        // break the limit. The tunnel's own message just replaced ours; put ours back.
        if (m_waitingReason)
            m_tunnel->setWaitingReason(Tunnel::State::AuthFailed, *m_waitingReason);
        return;
    }
    if (m_keyRefused)
        return; // only a new key helps (the auth retry interval is 0)
    const auto wait = rateLimitWait();
    if (wait > 0ms) {
        schedule(wait);
        m_waitingReason = StateReasons{{StateReason::Code::VendingRateLimited, {seconds(wait)}}};
        m_tunnel->setWaitingReason(Tunnel::State::AuthFailed, *m_waitingReason);
        return;
    }
    requestNow();
}

void TokenSupply::onRetryDue()
{
    m_nextAttemptAt = {};
    if (!hasKey() || m_pathRefused || m_vendor->isBusy())
        return;
    if (!tunnelWaits()) {
        // The tunnel is trying something else right now (its own retry of the old token). The wait
        // is over all the same: the next time it needs a token, the key is asked again.
        m_keyRefused = false;
        return;
    }
    requestNow();
}

void TokenSupply::schedule(std::chrono::milliseconds delay)
{
    m_nextAttemptAt = QDateTime::currentDateTimeUtc().addMSecs(delay.count());
    m_retryTimer.start(delay);
}

void TokenSupply::requestNow()
{
    m_retryTimer.stop();
    m_nextAttemptAt = {};
    VendRequest request;
    request.server = m_tunnel->config().server;
    request.key = m_key.key;
    request.pathId = m_pathId.isEmpty() ? m_tunnel->claims().pathId : m_pathId;
    request.instanceId = TokenVendor::instanceIdFor(tunnelName(m_tunnel));
    request.description = TokenVendor::defaultDescription();
    if (!m_vendor->vend(request))
        return;
    ++m_requestsSent;
    m_sinceLastRequest.start();
    m_waitingReason.reset();
    m_tunnel->setWaitingReason(Tunnel::State::AuthFailed, {{StateReason::Code::VendingAsking, {keyShown()}}});
}

void TokenSupply::say(bool configError, const StateReasons &reasons)
{
    const QString message = englishText(reasons);
    qCWarning(lcSupply).noquote() << message;
    if (configError)
        m_waitingReason.reset();
    else
        m_waitingReason = reasons;
    emit vendingFailed(message);
    if (tunnelWaits())
        m_tunnel->setWaitingReason(configError ? Tunnel::State::ConfigError : Tunnel::State::AuthFailed, reasons);
}

void TokenSupply::onFinished(const VendResult &result)
{
    switch (result.outcome) {
    case VendResult::Outcome::Vended: {
        m_backoff.reset();
        m_keyRefused = false;
        if (!tunnelWaits()) {
            // A token was pasted, or the tunnel stopped, while we asked: the vended one is not needed.
            qCInfo(lcSupply) << "a vended token arrived after the tunnel stopped waiting for one; not used";
            return;
        }
        // Stored before use, as the source `vended`; setToken's own store of it is then a duplicate.
        QString storeError;
        if (m_sink && !m_sink->storeVendedToken(m_tunnel->displayServer(), result.token, result.claims, &storeError))
            qCWarning(lcSupply).noquote() << "the vended token could not be stored (" + storeError
                                                 + "); the tunnel uses it, and asks again after a restart";
        StateReason problem;
        if (!m_tunnel->setToken(result.token, &problem)) {
            const auto delay = std::max(m_backoff.next(), rateLimitWait());
            schedule(delay);
            say(false, {{StateReason::Code::VendedTokenRejected, {}},
                        problem,
                        {StateReason::Code::VendingAgainIn, {seconds(delay)}}});
            return;
        }
        qCInfo(lcSupply).noquote() << result.message << "- expires"
                                   << QDateTime::fromSecsSinceEpoch(result.claims.exp, Qt::UTC).toString(Qt::ISODate);
        emit tokenVended(result.claims);
        return;
    }
    case VendResult::Outcome::KeyRefused: {
        m_keyRefused = true;
        const auto interval = m_tunnel->config().authRetryInterval;
        StateReason next{StateReason::Code::GiveNewKey, {}};
        if (interval > 0ms) {
            schedule(std::max(interval, std::chrono::milliseconds(MinInterval)));
            next = {StateReason::Code::KeyAgainIn, {seconds(interval)}};
        }
        say(false, {whyNoToken(result), next});
        return;
    }
    case VendResult::Outcome::PathRefused:
        m_pathRefused = true;
        m_retryTimer.stop();
        say(true, {whyNoToken(result)});
        return;
    case VendResult::Outcome::Failed: {
        const auto delay = std::max(m_backoff.next(), rateLimitWait());
        schedule(delay);
        say(false, {whyNoToken(result), {StateReason::Code::VendingAgainIn, {seconds(delay)}}});
        return;
    }
    }
}

} // namespace telephone
