#pragma once

#include "config/settings.h"
#include "tunnelmounts.h"
#include "tokens/tokenchooser.h"

#include <QObject>

#include <optional>

namespace telephone {

struct ServiceAccountKey;
class TokenSink;
class TokenStore;
class TokenSupply;
class Tunnel;
class TunnelManager;
struct TunnelConfig;

/// One configured tunnel of a run (issue 15): its Tunnel, its service-account token supply, which
/// token it starts with, and the headless policy for it (a tunnel that cannot get a token or whose
/// configuration the server refuses gives up). Tunnels share the process and the token store, never
/// a state: one giving up leaves the others running; the Runner decides when the process ends.
class TunnelRun : public QObject
{
    Q_OBJECT

public:
    /// `store` is null when tokens are kept in memory only (--demo) or the store cannot be opened;
    /// `sink` is where the tunnel saves refreshed tokens either way.
    TunnelRun(const Settings &settings, const TunnelConfig &config, bool headless, TunnelManager *manager,
              TokenSink *sink, TokenStore *store, QObject *parent = nullptr);

    const Settings &settings() const { return m_settings; }
    QString name() const { return m_settings.tunnelName(); }
    Tunnel *tunnel() const { return m_tunnel; }
    /// Null without a service-account key.
    TokenSupply *tokenSupply() const { return m_tokenSupply; }

    void useServiceAccountKey(const ServiceAccountKey &key);
    /// Another tunnel of this run uses the same server: without a mount of its own (a given token,
    /// service-account-path-id), this one takes the stored tokens of the mount it joined last, as
    /// recorded in `mountsFile`, not the server's newest (which may be the other tunnel's).
    void shareServer(const QString &mountsFile);
    /// This tunnel's key from the OS keychain (`telephone token key set [--tunnel NAME]`, the
    /// settings dialog); asynchronous: startWithBestToken waits for the answer.
    void readServiceAccountKeyFromKeychain();
    /// Picks the given or the newest stored token and starts the tunnel (or gives up, headless,
    /// when there is none and nothing can supply one). Only without a usable token does it wait
    /// for a keychain read still under way: then a key is the one way to a token.
    void startWithBestToken(bool storeUsable);

signals:
    /// Headless: this tunnel cannot run; `exitCode` is what the process exits with when it was the last.
    void gaveUp(int exitCode);

private:
    void onTunnelState();
    void onTokenRefused(const QString &reason);
    /// The tunnel has not tried to connect: a refusal so far is ours (unusable token), not the server's.
    bool tokenNeverSent() const;
    bool canBeSupplied() const;
    void giveUp(int exitCode);
    /// The keychain has answered (with a key or without): a start that waited for it goes on.
    void keychainReadEnded();
    /// Starts the tunnel on the chosen token (storing a given one), or gives up headless with none.
    void startWith(const TokenChoice &choice, bool storeUsable);

    Settings m_settings;
    TunnelManager *m_manager;
    bool m_headless;
    Tunnel *m_tunnel;
    TokenSink *m_sink;
    TokenStore *m_store;
    TokenSupply *m_tokenSupply = nullptr;
    std::optional<TunnelMounts> m_mounts; ///< set when another tunnel shares the server
    bool m_gaveUp = false;
    bool m_readingKeychain = false;
    struct WaitingStart {
        TokenChoice choice;
        bool storeUsable;
    };
    std::optional<WaitingStart> m_startWaiting; ///< a start without a usable token, while the keychain is read
};

} // namespace telephone
