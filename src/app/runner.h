#pragma once

#include "config/settings.h"

#include <QObject>

#include <memory>

namespace telephone {

class MemoryTokenSink;
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

public slots:
    /// Graceful stop: drains, leaves, closes; then finished(exitCode).
    void stop(int exitCode = 0);

signals:
    void finished(int exitCode);

private:
    bool startDemo(TunnelConfig *config, QString *error);
    void onTunnelState();

    Settings m_settings;
    bool m_headless;
    TunnelManager *m_manager;
    Tunnel *m_tunnel = nullptr;
    std::unique_ptr<MemoryTokenSink> m_tokenSink;
    sim::PlugboardSimulator *m_simulator = nullptr;
    sim::EchoBackend *m_echoBackend = nullptr;
    int m_exitCode = 0;
    bool m_announcedDemo = false;
};

} // namespace telephone
