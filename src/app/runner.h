#pragma once

#include "config/settings.h"

#include <QObject>

#include <memory>

namespace telephone {

class OpsServer;
class TokenSink;
class TokenStore;
class TokenSupply;
struct TunnelConfig;
class Tunnel;
class TunnelRun;
class TunnelManager;
namespace sim {
class EchoBackend;
class PlugboardSimulator;
} // namespace sim

/// Wires the engine for one run of the program, GUI or headless: one TunnelRun per configured
/// tunnel (issue 15), the token store they share, the demo simulator and echo backend for --demo,
/// the operations endpoints, and the exit code policy. Owns them all.
class Runner : public QObject
{
    Q_OBJECT

public:
    /// `tunnels` is never empty; process-wide values (data-dir, log format, ops address, ...) are the
    /// same in each and read from the first.
    Runner(const QList<Settings> &tunnels, bool headless, QObject *parent = nullptr);
    ~Runner() override;

    /// Sets everything up and starts connecting. On failure returns false with a message and the
    /// exit code to use.
    bool start(QString *error, int *exitCode);
    TunnelManager *manager() const { return m_manager; }
    QList<TunnelRun *> runs() const { return m_runs; }
    /// The first tunnel (the one --demo serves).
    Tunnel *tunnel() const;
    /// The first tunnel's; null without a service-account key.
    TokenSupply *tokenSupply() const;

public slots:
    /// Graceful stop: drains, leaves, closes; then finished(exitCode).
    void stop(int exitCode = 0);

signals:
    void finished(int exitCode);

private:
    static TunnelConfig configFor(const Settings &settings);
    bool startDemo(TunnelConfig *config, QString *error);
    bool startOps(QString *error);
    /// Headless: whether a tunnel without a key of its own may look for one in the OS keychain.
    static bool keychainAllowed(const Settings &settings);
    /// With a token or a service account, a headless run may go on without a store: tokens then
    /// live in memory.
    bool openTokenStore(bool runsWithoutStore, QString *error);
    void startAllWithBestToken(bool storeUsable);
    void announceDemo();
    void onRunGaveUp(int exitCode);

    QList<Settings> m_tunnelSettings;
    Settings m_settings; ///< the first tunnel's: the process-wide values
    bool m_headless;
    TunnelManager *m_manager;
    QList<TunnelRun *> m_runs;
    int m_runsGivenUp = 0;
    std::unique_ptr<TokenSink> m_tokenSink; ///< the encrypted TokenStore; in memory for --demo
    TokenStore *m_tokenStore = nullptr;     ///< m_tokenSink when it is the store
    sim::PlugboardSimulator *m_simulator = nullptr;
    sim::EchoBackend *m_echoBackend = nullptr;
    OpsServer *m_opsServer = nullptr; ///< null when --metrics-address is empty
    QString m_demoServiceAccount; ///< --demo: a key the simulator's token vending accepts
    int m_exitCode = 0;
    bool m_announcedDemo = false;
};

} // namespace telephone
