#pragma once

#include "tokens/serviceaccountkey.h"
#include "tokens/tokenvendor.h"
#include "tunnel/backoff.h"
#include "tunnel/statereason.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <optional>

namespace telephone {

class TokenSink;
class Tunnel;

/// Gives a tunnel a new token when it has no usable one, from a Plugboard service account (token
/// vending): the tunnel says it needs one (Tunnel::tokenRefused: none yet, expired, refused, revoked,
/// refresh refused), this asks TokenVendor, stores the answer as `vended` and hands it to
/// Tunnel::setToken. Failures are shown as the tunnel's state: a refused key as AuthFailed (tried
/// again at the auth retry interval), a mount the account may not serve as ConfigError (not
/// retried), anything else as AuthFailed with the next try after a backoff.
///
/// At most one request per minute per tunnel, whatever the tunnel does, unless a new key is given.
/// Registers the key for masking in the log. Owns its TokenVendor; lives on the engine's thread.
class TokenSupply : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::minutes MinInterval{1};
    static constexpr std::chrono::minutes BackoffMax{15};

    /// `pathId`: the mount to ask for; empty takes the tunnel's previous token's, else the account's.
    TokenSupply(Tunnel *tunnel, TokenSink *sink, const QString &pathId, QObject *parent = nullptr);
    ~TokenSupply() override;

    /// A (new) key: forgets the rate limit and a refusal of the old key, and asks at once when the
    /// tunnel is waiting for a token. An empty key turns the supply off.
    void setKey(const ServiceAccountKey &key);
    bool hasKey() const { return !m_key.isEmpty(); }
    /// "sa_live_ab…", for the UI.
    QString keyShown() const { return hasKey() ? ServiceAccountKey::shown(m_key.key) : QString(); }
    QString keyOrigin() const { return m_key.origin; }
    /// False once the server refused this key (401) or the account's mount (403): no token will come
    /// from it until a new key or configuration is given.
    bool canSupply() const { return hasKey() && !m_keyRefused && !m_pathRefused; }
    /// When the next request goes out (invalid when none is planned).
    QDateTime nextAttemptAt() const { return m_nextAttemptAt; }
    int requestsSent() const { return m_requestsSent; }

signals:
    /// A vended token was stored and given to the tunnel.
    void tokenVended(const telephone::JwtClaims &claims);
    /// Vending did not give a token; `message` says why and what happens next.
    void vendingFailed(const QString &message);

private:
    void onTokenNeeded();
    void onRetryDue();
    void requestNow();
    void schedule(std::chrono::milliseconds delay);
    void onFinished(const VendResult &result);
    bool tunnelWaits() const;
    std::chrono::milliseconds rateLimitWait() const;
    void say(bool configError, const StateReasons &reasons);

    Tunnel *m_tunnel;
    TokenSink *m_sink;
    QString m_pathId;
    TokenVendor *m_vendor;
    ServiceAccountKey m_key;
    Backoff m_backoff;
    QTimer m_retryTimer;
    QElapsedTimer m_sinceLastRequest; ///< invalid until the first request
    QDateTime m_nextAttemptAt;
    std::optional<StateReasons> m_waitingReason; ///< what the tunnel shows while a planned try waits
    bool m_keyRefused = false;
    bool m_pathRefused = false;
    int m_requestsSent = 0;
};

} // namespace telephone
