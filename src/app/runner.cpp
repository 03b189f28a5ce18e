#include "runner.h"

#include "exitcodes.h"
#include "ops/accesslog.h"
#include "base/logging.h"
#include "ops/opsreport.h"
#include "ops/opsserver.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokenstore.h"
#include "tokens/tokenstoreunlocker.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnelmanager.h"
#include "tunnelrun.h"

#include <QDir>
#include <QLoggingCategory>
#include <QProcessEnvironment>

Q_LOGGING_CATEGORY(lcApp, "telephone.app.runner")

namespace telephone {

namespace {
constexpr quint16 DemoPort = 4000;
const QString DemoMount = QStringLiteral("/demo");
} // namespace

Runner::Runner(const QList<Settings> &tunnels, bool headless, QObject *parent)
    : QObject(parent)
    , m_tunnelSettings(tunnels)
    , m_settings(tunnels.constFirst())
    , m_headless(headless)
    , m_manager(new TunnelManager(this))
    , m_tokenSink(std::make_unique<MemoryTokenSink>()) // replaced by the TokenStore unless --demo
{
    connect(m_manager, &TunnelManager::allStopped, this, [this] { emit finished(m_exitCode); });
}

Runner::~Runner() = default;

Tunnel *Runner::tunnel() const
{
    return m_runs.isEmpty() ? nullptr : m_runs.constFirst()->tunnel();
}

TokenSupply *Runner::tokenSupply() const
{
    return m_runs.isEmpty() ? nullptr : m_runs.constFirst()->tokenSupply();
}

TunnelConfig Runner::configFor(const Settings &settings)
{
    TunnelConfig config;
    config.server = settings.serverUrl();
    config.token = settings.token();
    config.backend = settings.backendUrl();
    config.heartbeatInterval = settings.heartbeatInterval();
    config.requestTimeout = settings.requestTimeout();
    config.joinTimeout = settings.joinTimeout();
    config.backoffInitial = settings.backoffInitial();
    config.backoffMax = settings.backoffMax();
    config.discoverSocketPath = !settings.serverPathGiven();
    config.socketPathMemory = QDir(settings.dataDir()).filePath(QStringLiteral("socket-paths.json"));
    config.authRetryInterval = settings.authRetryInterval();
    config.drainTimeout = settings.drainTimeout();
    config.maxResponseSize = settings.maxResponseSize();
    config.chunkSize = settings.chunkSize();
    config.maxConcurrent = settings.maxConcurrent();
    config.preserveHost = settings.preserveHost();
    config.wsBuffer = settings.wsBuffer();
    config.maxMessageSize = settings.maxMessageSize();
    return config;
}

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
    // A service account too, so that a demo token that is revoked or expires is replaced the way a
    // fleet's would be (the simulator serves the token vending endpoint).
    m_demoServiceAccount = m_simulator->addServiceAccount(pathId);
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
    QList<TunnelConfig> configs;
    for (const Settings &settings : std::as_const(m_tunnelSettings))
        configs << configFor(settings);
    // --demo and the missing-option message are the command-line tunnel's (the one named "default");
    // Settings::resolveTunnels has already refused sections without a server or a backend.
    const bool firstIsDefault = m_settings.tunnelName() == Settings::defaultTunnelName();
    if (m_settings.demo() && firstIsDefault) {
        configs.first().discoverSocketPath = false; // the built-in simulator's URL names its path
        if (!startDemo(&configs.first(), error)) {
            *exitCode = ExitInternal;
            return false;
        }
    } else if (firstIsDefault) {
        QStringList missing;
        if (configs.constFirst().server.isEmpty())
            missing << QStringLiteral("--server (or TELEPHONE_SERVER)");
        if (configs.constFirst().backend.isEmpty())
            missing << QStringLiteral("--backend (or TELEPHONE_BACKEND)");
        if (!missing.isEmpty()) {
            *error = QStringLiteral("missing %1; try --demo for a first run without a server, or --help")
                         .arg(missing.join(QStringLiteral(" and ")));
            *exitCode = ExitBadConfig;
            return false;
        }
    }

    QList<ServiceAccountKey> keys;
    bool runsWithoutStore = false;
    for (const Settings &settings : std::as_const(m_tunnelSettings)) {
        // A systemd credential is one key, bound to one mount: only the command-line tunnel takes it.
        const QProcessEnvironment env = settings.tunnelName() == Settings::defaultTunnelName()
            ? QProcessEnvironment::systemEnvironment()
            : QProcessEnvironment();
        const std::optional<ServiceAccountKey> key = ServiceAccountKey::find(settings, env, error);
        if (!key) {
            if (m_tunnelSettings.size() > 1)
                *error = QStringLiteral("tunnel %1: %2").arg(settings.tunnelName(), *error);
            *exitCode = ExitBadConfig;
            return false;
        }
        keys << *key;
        runsWithoutStore = runsWithoutStore || !key->isEmpty() || !settings.token().isEmpty();
    }
    if (!m_settings.demo() && !openTokenStore(runsWithoutStore, error)) {
        *exitCode = ExitBadConfig;
        return false;
    }
    for (int i = 0; i < m_tunnelSettings.size(); ++i) {
        const Settings &settings = m_tunnelSettings.at(i);
        auto *run = new TunnelRun(settings, configs.at(i), m_headless, m_manager, m_tokenSink.get(), m_tokenStore, this);
        connect(run, &TunnelRun::gaveUp, this, &Runner::onRunGaveUp);
        m_runs << run;
        // --demo has its own token and service account from the simulator; a key is for a real server.
        const bool isDefault = settings.tunnelName() == Settings::defaultTunnelName();
        if (m_simulator && isDefault)
            run->useServiceAccountKey({m_demoServiceAccount, QStringLiteral("the demo simulator")});
        else if (!keys.at(i).isEmpty())
            run->useServiceAccountKey(keys.at(i));
        else if (!m_headless || keychainAllowed(settings))
            run->readServiceAccountKeyFromKeychain();
        new AccessLog(run->tunnel(), this);
    }
    for (TunnelRun *run : std::as_const(m_runs)) {
        const QString server = run->tunnel()->displayServer();
        const bool shared = std::any_of(m_runs.cbegin(), m_runs.cend(), [run, &server](const TunnelRun *other) {
            return other != run && other->tunnel()->displayServer() == server;
        });
        if (shared && m_tokenStore)
            run->shareServer(QDir(run->settings().dataDir()).filePath(QStringLiteral("tunnel-mounts.json")));
    }
    // With one tunnel every log line is about it; with several, each line names its own.
    if (m_runs.size() == 1)
        logging::setDefaultTunnel(m_settings.tunnelName());
    if (m_simulator)
        connect(tunnel(), &Tunnel::stateChanged, this, &Runner::announceDemo);
    if (!startOps(error)) {
        *exitCode = ExitBadConfig;
        return false;
    }
    if (m_settings.demo()) {
        // No store is described: the window then says, in the user's language, that tokens are
        // kept in memory only (a description would be English and would name a flag).
        m_manager->startAll();
    } else if (m_tokenStore) {
        // The tunnels start once the store has its key (the keychain answers asynchronously).
        auto *unlocker = new TokenStoreUnlocker(m_tokenStore, m_settings.secretStore(), m_settings.dataDir(),
                                                QProcessEnvironment::systemEnvironment(), this);
        connect(unlocker, &TokenStoreUnlocker::notice, this, [](const QString &message, bool warning) {
            if (warning)
                qCWarning(lcApp).noquote() << message;
            else
                qCInfo(lcApp).noquote() << message;
        });
        connect(unlocker, &TokenStoreUnlocker::unlocked, this, [this](const QString &description) {
            qCInfo(lcApp).noquote() << "tokens are stored encrypted in" << m_tokenStore->fileName()
                                    << "with the key in the" << description;
            m_manager->setSecretStoreDescription(description);
            startAllWithBestToken(true);
        });
        connect(unlocker, &TokenStoreUnlocker::failed, this, [this](const QString &problem) {
            m_tokenStore->setUnavailable(problem);
            m_manager->setSecretStoreDescription(QStringLiteral("unavailable: ") + problem);
            startAllWithBestToken(false);
        });
        unlocker->start();
    } else {
        startAllWithBestToken(false);
    }
    return true;
}

void Runner::startAllWithBestToken(bool storeUsable)
{
    if (m_manager->isStopping())
        return; // stopped (a signal) while the keychain was being asked
    for (TunnelRun *run : std::as_const(m_runs))
        run->startWithBestToken(storeUsable);
}

void Runner::onRunGaveUp(int exitCode)
{
    // One tunnel giving up leaves the others serving; the process ends with the last one.
    if (auto *run = qobject_cast<TunnelRun *>(sender()); run && m_runs.size() > 1)
        qCCritical(lcApp).noquote() << "tunnel" << run->name() << "stopped; the other tunnels go on";
    if (++m_runsGivenUp < m_runs.size())
        return;
    stop(exitCode);
}

bool Runner::keychainAllowed(const Settings &settings)
{
    // Headless, the keychain is asked only where it may be used at all: --secret-store file or env
    // says this host keeps its secrets elsewhere (and a locked keychain would only delay the start).
    const QString store = settings.secretStore();
    return store != QLatin1String("file") && store != QLatin1String("env");
}

bool Runner::openTokenStore(bool runsWithoutStore, QString *error)
{
    auto store = std::make_unique<TokenStore>(TokenStore::fileIn(m_settings.dataDir()));
    QString problem;
    if (!store->open(&problem)) {
        // Without a token of its own a headless start has nothing to run on: stop here.
        if (m_headless && !runsWithoutStore) {
            *error = QStringLiteral("missing --token (or TELEPHONE_TOKEN), and stored tokens cannot be read: %1")
                         .arg(problem);
            return false;
        }
        qCWarning(lcApp).noquote() << "tokens cannot be stored or read:" << problem
                                   << "- the tunnel runs on the given token, and a restart will need a new one";
        store->setUnavailable(problem);
        m_tokenSink = std::move(store);
        m_manager->setSecretStoreDescription(QStringLiteral("unavailable: ") + problem);
        return true;
    }
    m_tokenStore = store.get();
    m_tokenSink = std::move(store);
    return true;
}

bool Runner::startOps(QString *error)
{
    const QString address = m_settings.metricsAddress();
    if (address.isEmpty())
        return true;
    // Created before the tunnel starts, so that the first state change is already observed.
    m_opsServer = new OpsServer(new OpsReport(m_manager, this), this);
    QString problem;
    if (!m_opsServer->listen(address, &problem)) {
        *error = QStringLiteral("--metrics-address (%1): %2")
                     .arg(m_settings.sourceDescription(QStringLiteral("metrics-address")), problem);
        return false;
    }
    return true;
}

void Runner::announceDemo()
{
    if (tunnel()->state() != Tunnel::State::Connected || m_announcedDemo)
        return;
    m_announcedDemo = true;
    // stderr on purpose, in GUI mode too: the newcomer started us from a terminal.
    const QUrl publicUrl = tunnel()->publicUrl();
    QUrl wsUrl = publicUrl;
    wsUrl.setScheme(publicUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    wsUrl.setPath(publicUrl.path() + QStringLiteral("echo"));
    if (m_settings.logFormat() == QLatin1String("json")) {
        // Every stderr line is a JSON object in this format: the banner is a log record.
        qCInfo(lcApp).noquote() << "Telephone demo is running; try: curl" << publicUrl.toString()
                                << "and: websocat" << wsUrl.toString();
    } else {
        fprintf(stderr, "\nTelephone demo is running. Try:\n\n    curl %s\n    websocat %s\n\nPress Ctrl+C to stop.\n\n",
                qPrintable(publicUrl.toString()), qPrintable(wsUrl.toString()));
        fflush(stderr);
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
