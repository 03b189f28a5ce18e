#pragma once

#include "config/settings.h"

#include <QObject>

#include <memory>

namespace telephone {

class OpsServer;
class TokenSink;
class TokenStore;
class TokenSupply;
struct ServiceAccountKey;
struct TunnelConfig;
class Tunnel;
class TunnelManager;
namespace sim {
class EchoBackend;
class PlugboardSimulator;
} // namespace sim

/// Wires the engine for one run of the program, GUI or headless: the tunnel from the settings,
/// the demo simulator and echo backend for --demo, and the exit code policy. Owns them all.
class Runner : public QObject
{
    Q_OBJECT

public:
    Runner(const Settings &settings, bool headless, QObject *parent = nullptr);
    ~Runner() override;

    /// Sets everything up and starts connecting. On failure returns false with a message and the
    /// exit code to use.
    bool start(QString *error, int *exitCode);
    TunnelManager *manager() const { return m_manager; }
    Tunnel *tunnel() const { return m_tunnel; }
    /// Null without a service-account key.
    TokenSupply *tokenSupply() const { return m_tokenSupply; }

public slots:
    /// Graceful stop: drains, leaves, closes; then finished(exitCode).
    void stop(int exitCode = 0);

signals:
    void finished(int exitCode);

private:
    bool startDemo(TunnelConfig *config, QString *error);
    bool startOps(QString *error);
    /// With a service account, a headless run may go on without a store: vended tokens live in memory.
    bool openTokenStore(bool haveServiceAccount, QString *error);
    void useServiceAccountKey(const ServiceAccountKey &key);
    void readServiceAccountKeyFromKeychain();
    void startWithBestToken(bool storeUsable);
    void onTunnelState();
    void onTokenRefused(const QString &reason);
    /// The tunnel has not tried to connect: a refusal so far is ours (unusable token), not the server's.
    bool tokenNeverSent() const;

    Settings m_settings;
    bool m_headless;
    TunnelManager *m_manager;
    Tunnel *m_tunnel = nullptr;
    std::unique_ptr<TokenSink> m_tokenSink; ///< the encrypted TokenStore; in memory for --demo
    TokenStore *m_tokenStore = nullptr;     ///< m_tokenSink when it is the store
    TokenSupply *m_tokenSupply = nullptr;   ///< service-account token vending; null without a key
    sim::PlugboardSimulator *m_simulator = nullptr;
    sim::EchoBackend *m_echoBackend = nullptr;
    OpsServer *m_opsServer = nullptr; ///< null when --metrics-address is empty
    QString m_demoServiceAccount; ///< --demo: a key the simulator's token vending accepts
    int m_exitCode = 0;
    bool m_announcedDemo = false;
};

} // namespace telephone
