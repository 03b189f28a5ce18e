#include "runner.h"

#include "exitcodes.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tunnel/tokensink.h"
#include "tunnel/tunnelmanager.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcApp, "telephone.app.runner")

namespace telephone {

namespace {
constexpr quint16 DemoPort = 4000;
const QString DemoMount = QStringLiteral("/demo");
} // namespace

Runner::Runner(const Settings &settings, bool headless, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_headless(headless)
    , m_manager(new TunnelManager(this))
    , m_tokenSink(std::make_unique<MemoryTokenSink>())
{
    connect(m_manager, &TunnelManager::allStopped, this, [this] { emit finished(m_exitCode); });
}

Runner::~Runner() = default;

bool Runner::startDemo(TunnelConfig *config, QString *error)
{
    m_simulator = new sim::PlugboardSimulator(this);
    // Port 4000 makes the printed URL predictable; another program may hold it, so fall back.
    if (!m_simulator->listen(QHostAddress::LocalHost, DemoPort) && !m_simulator->listen(QHostAddress::LocalHost, 0)) {
        *error = QStringLiteral("could not start the demo Plugboard simulator on 127.0.0.1");
        return false;
    }
    const QString pathId = m_simulator->addMount(DemoMount);
    config->server = m_simulator->socketUrl();
    config->token = m_simulator->mintToken(pathId);
    if (config->backend.isEmpty()) {
        m_echoBackend = new sim::EchoBackend(this);
        if (!m_echoBackend->listen(QHostAddress::LocalHost, 0)) {
            *error = QStringLiteral("could not start the demo echo backend on 127.0.0.1");
            return false;
        }
        config->backend = m_echoBackend->url();
        qCInfo(lcApp).noquote() << "demo: no --backend given, so requests go to a built-in echo backend at"
                                << config->backend.toString();
    }
    qCInfo(lcApp).noquote() << "demo: Plugboard simulator listening on" << m_simulator->httpUrl().toString();
    return true;
}

bool Runner::start(QString *error, int *exitCode)
{
    TunnelConfig config;
    config.server = m_settings.serverUrl();
    config.token = m_settings.token();
    config.backend = m_settings.backendUrl();
    config.heartbeatInterval = m_settings.heartbeatInterval();
    config.requestTimeout = m_settings.requestTimeout();
    config.joinTimeout = m_settings.joinTimeout();
    config.backoffInitial = m_settings.backoffInitial();
    config.backoffMax = m_settings.backoffMax();
    config.stableAfter = m_settings.stableAfter();
    config.authRetryInterval = m_settings.authRetryInterval();
    config.refreshMargin = m_settings.refreshMargin();
    config.drainTimeout = m_settings.drainTimeout();
    config.maxResponseSize = m_settings.maxResponseSize();
    config.chunkSize = m_settings.chunkSize();
    config.maxConcurrent = m_settings.maxConcurrent();
    config.preserveHost = m_settings.preserveHost();

    if (m_settings.demo()) {
        if (!startDemo(&config, error)) {
            *exitCode = ExitInternal;
            return false;
        }
    } else {
        QStringList missing;
        if (config.server.isEmpty())
            missing << QStringLiteral("--server (or TELEPHONE_SERVER)");
        if (config.backend.isEmpty())
            missing << QStringLiteral("--backend (or TELEPHONE_BACKEND)");
        if (m_headless && config.token.isEmpty())
            missing << QStringLiteral("--token (or TELEPHONE_TOKEN)");
        if (!missing.isEmpty()) {
            *error = QStringLiteral("missing %1; try --demo for a first run without a server, or --help")
                         .arg(missing.join(QStringLiteral(" and ")));
            *exitCode = ExitBadConfig;
            return false;
        }
    }

    m_tunnel = m_manager->addTunnel(config, m_tokenSink.get());
    connect(m_tunnel, &Tunnel::stateChanged, this, &Runner::onTunnelState);
    m_manager->startAll();
    return true;
}

void Runner::onTunnelState()
{
    switch (m_tunnel->state()) {
    case Tunnel::State::Connected:
        if (m_simulator && !m_announcedDemo) {
            m_announcedDemo = true;
            // stderr on purpose, in GUI mode too: the newcomer started us from a terminal.
            const QString url = m_tunnel->publicUrl().toString();
            fprintf(stderr, "\nTelephone demo is running. Try:\n\n    curl %s\n\nPress Ctrl+C to stop.\n\n",
                    qPrintable(url));
            fflush(stderr);
        }
        break;
    case Tunnel::State::AuthFailed:
        if (m_headless && m_settings.exitOnAuthFailure())
            stop(ExitAuthFailure);
        break;
    case Tunnel::State::ConfigError:
        // Retrying cannot help; under systemd, exit code 2 stops the restart loop (RestartPreventExitStatus).
        if (m_headless)
            stop(ExitBadConfig);
        break;
    default:
        break;
    }
}

void Runner::stop(int exitCode)
{
    if (m_manager->isStopping())
        return;
    m_exitCode = exitCode;
    qCInfo(lcApp) << "stopping";
    m_manager->stopAll();
}

} // namespace telephone
