#include "runner.h"

#include "exitcodes.h"
#include "ops/accesslog.h"
#include "ops/logging.h"
#include "ops/opsreport.h"
#include "ops/opsserver.h"
#include "ops/tunnelobserver.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "tokens/keychainsecretstore.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokenchooser.h"
#include "tokens/tokenstore.h"
#include "tokens/tokenstoreunlocker.h"
#include "tunnel/tokensink.h"
#include "tunnel/tokensupply.h"
#include "tunnel/tunnelmanager.h"

#include <QDateTime>
#include <QDir>
#include <QLoggingCategory>
#include <QProcessEnvironment>

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
    , m_tokenSink(std::make_unique<MemoryTokenSink>()) // replaced by the TokenStore unless --demo
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
    TunnelConfig config;
    config.server = m_settings.serverUrl();
    config.token = m_settings.token();
    config.backend = m_settings.backendUrl();
    config.heartbeatInterval = m_settings.heartbeatInterval();
    config.requestTimeout = m_settings.requestTimeout();
    config.joinTimeout = m_settings.joinTimeout();
    config.backoffInitial = m_settings.backoffInitial();
    config.backoffMax = m_settings.backoffMax();
    config.discoverSocketPath = !m_settings.serverPathGiven();
    config.socketPathMemory = QDir(m_settings.dataDir()).filePath(QStringLiteral("socket-paths.json"));
    config.authRetryInterval = m_settings.authRetryInterval();
    config.drainTimeout = m_settings.drainTimeout();
    config.maxResponseSize = m_settings.maxResponseSize();
    config.chunkSize = m_settings.chunkSize();
    config.maxConcurrent = m_settings.maxConcurrent();
    config.preserveHost = m_settings.preserveHost();
    config.wsBuffer = m_settings.wsBuffer();

    if (m_settings.demo()) {
        config.discoverSocketPath = false; // the built-in simulator's URL names its path
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
        if (!missing.isEmpty()) {
            *error = QStringLiteral("missing %1; try --demo for a first run without a server, or --help")
                         .arg(missing.join(QStringLiteral(" and ")));
            *exitCode = ExitBadConfig;
            return false;
        }
    }

    const std::optional<ServiceAccountKey> key =
        ServiceAccountKey::find(m_settings, QProcessEnvironment::systemEnvironment(), error);
    if (!key) {
        *exitCode = ExitBadConfig;
        return false;
    }
    if (!m_settings.demo() && !openTokenStore(!key->isEmpty(), error)) {
        *exitCode = ExitBadConfig;
        return false;
    }
    m_tunnel = m_manager->addTunnel(config, m_tokenSink.get());
    // --demo has its own token and service account from the simulator; a key is for a real server.
    if (m_settings.demo())
        useServiceAccountKey({m_demoServiceAccount, QStringLiteral("the demo simulator")});
    else if (!key->isEmpty())
        useServiceAccountKey(*key);
    else if (key->isEmpty() && !m_headless && !m_settings.demo())
        readServiceAccountKeyFromKeychain();
    // One tunnel per process today, so every log line is about it.
    logging::setDefaultTunnel(tunnelName(m_tunnel));
    // A token given later (tray, store) may be the first to name it.
    connect(m_tunnel, &Tunnel::stateChanged, this, [this] { logging::setDefaultTunnel(tunnelName(m_tunnel)); });
    new AccessLog(m_tunnel, this);
    if (!startOps(error)) {
        *exitCode = ExitBadConfig;
        return false;
    }
    connect(m_tunnel, &Tunnel::stateChanged, this, &Runner::onTunnelState);
    connect(m_tunnel, &Tunnel::tokenRefused, this, &Runner::onTokenRefused);
    if (m_settings.demo()) {
        // No store is described: the window then says, in the user's language, that tokens are
        // kept in memory only (a description would be English and would name a flag).
        m_manager->startAll();
    } else if (m_tokenStore) {
        // The tunnel starts once the store has its key (the keychain answers asynchronously).
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
            startWithBestToken(true);
        });
        connect(unlocker, &TokenStoreUnlocker::failed, this, [this](const QString &problem) {
            m_tokenStore->setUnavailable(problem);
            m_manager->setSecretStoreDescription(QStringLiteral("unavailable: ") + problem);
            startWithBestToken(false);
        });
        unlocker->start();
    } else {
        startWithBestToken(false);
    }
    return true;
}

void Runner::useServiceAccountKey(const ServiceAccountKey &key)
{
    // Answers the tunnel's "I have no usable token" from the first start on.
    if (!m_tokenSupply)
        m_tokenSupply = new TokenSupply(m_tunnel, m_tokenSink.get(), m_settings.serviceAccountPathId(), this);
    m_tokenSupply->setKey(key);
}

void Runner::readServiceAccountKeyFromKeychain()
{
    // The desktop keeps the key in the OS keychain (`telephone token key set`); a headless host,
    // whose keychain is usually locked or absent, uses a file, the environment or a credential.
    auto *keychain = new KeychainSecretStore(this);
    connect(keychain, &KeychainSecretStore::entryRead, this,
            [this, keychain](const QString &entry, const QByteArray &data, bool found) {
                keychain->deleteLater();
                if (!found)
                    return;
                const ServiceAccountKey key{QString::fromUtf8(data).trimmed(),
                                            QStringLiteral("the OS keychain (entry %1/%2)")
                                                .arg(QLatin1String(KeychainSecretStore::Service), entry)};
                if (const QString problem = ServiceAccountKey::problemWith(key.key); !problem.isEmpty()) {
                    qCWarning(lcApp).noquote() << key.origin + QStringLiteral(": ") + problem;
                    return;
                }
                useServiceAccountKey(key);
            });
    connect(keychain, &KeychainSecretStore::failed, this, [keychain](const QString &problem) {
        keychain->deleteLater();
        qCDebug(lcApp).noquote() << "no service-account key from the OS keychain:" << problem;
    });
    keychain->readEntry(QLatin1String(KeychainSecretStore::ServiceAccountEntry));
}

bool Runner::openTokenStore(bool haveServiceAccount, QString *error)
{
    auto store = std::make_unique<TokenStore>(TokenStore::fileIn(m_settings.dataDir()));
    QString problem;
    if (!store->open(&problem)) {
        // Without a token of its own a headless start has nothing to run on: stop here.
        if (m_headless && m_settings.token().isEmpty() && !haveServiceAccount) {
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

void Runner::startWithBestToken(bool storeUsable)
{
    if (m_manager->isStopping())
        return; // stopped (a signal) while the keychain was being asked
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString server = m_tunnel->displayServer();
    const QString given = m_settings.token().trimmed();
    if (!storeUsable && m_tokenStore)
        qCWarning(lcApp).noquote() << "tokens cannot be stored or read:"
                                   << m_tokenStore->load(server, {}, now).error
                                   << "- the tunnel runs on the given token, and a restart will need a new one";

    std::optional<TokenCandidate> givenCandidate;
    if (!given.isEmpty()) {
        const JwtDecodeResult decoded = decodeJwt(given);
        if (!decoded.claims) {
            // A stored token must not stand in for a mistyped one: the tunnel says what is wrong.
            m_manager->startAll();
            return;
        }
        givenCandidate = TokenCandidate{given, *decoded.claims, TokenSource::Given};
    }
    TokenStore::Loaded stored;
    if (storeUsable) {
        stored = m_tokenStore->load(server, {}, now);
        // Skipped rows are said out loud: an older token is then used knowingly, never silently.
        for (const QString &problem : std::as_const(stored.problems))
            qCWarning(lcApp).noquote() << problem;
        if (!stored.error.isEmpty())
            qCWarning(lcApp).noquote() << stored.error;
    }
    const TokenChoice choice = chooseStartToken(givenCandidate, stored.tokens, now);
    for (const QString &note : choice.notes)
        qCInfo(lcApp).noquote() << note;

    if (!choice.chosen && given.isEmpty()) {
        if (m_headless && !(m_tokenSupply && m_tokenSupply->canSupply())) {
            logging::printFatal(lcApp().categoryName(),
                                QStringLiteral("missing --token (or TELEPHONE_TOKEN), and no unexpired token for %1 "
                                               "is stored in %2; try --demo for a first run without a server, or --help")
                                    .arg(server, TokenStore::fileIn(m_settings.dataDir())));
            stop(ExitBadConfig);
            return;
        }
        m_manager->startAll(); // the tray asks for a token
        return;
    }
    if (choice.chosen && choice.chosen->source == TokenSource::Given && storeUsable
        && !choice.chosen->claims.isExpiredAt(now)) {
        QString problem;
        if (!m_tokenStore->save(server, choice.chosen->token, choice.chosen->claims, TokenSource::Given, &problem))
            qCWarning(lcApp).noquote() << "the given token could not be stored (" + problem
                                              + "); the tunnel uses it, but a restart will need it again";
    }
    if (choice.chosen && choice.chosen->token != given) {
        QString problem;
        if (!m_tunnel->setToken(choice.chosen->token, &problem))
            qCWarning(lcApp).noquote() << "the stored token cannot be used:" << problem;
    }
    m_manager->startAll();
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

void Runner::onTunnelState()
{
    switch (m_tunnel->state()) {
    case Tunnel::State::Connected:
        if (m_simulator && !m_announcedDemo) {
            m_announcedDemo = true;
            // stderr on purpose, in GUI mode too: the newcomer started us from a terminal.
            const QUrl publicUrl = m_tunnel->publicUrl();
            QUrl wsUrl = publicUrl;
            wsUrl.setScheme(publicUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
            wsUrl.setPath(publicUrl.path() + QStringLiteral("echo"));
            if (m_settings.logFormat() == QLatin1String("json")) {
                // Every stderr line is a JSON object in this format: the banner is a log record.
                qCInfo(lcApp).noquote() << "Telephone demo is running; try: curl" << publicUrl.toString()
                                        << "and: websocat" << wsUrl.toString();
            } else {
                fprintf(stderr,
                        "\nTelephone demo is running. Try:\n\n    curl %s\n    websocat %s\n\nPress Ctrl+C to stop.\n\n",
                        qPrintable(publicUrl.toString()), qPrintable(wsUrl.toString()));
                fflush(stderr);
            }
        }
        break;
    case Tunnel::State::AuthFailed:
        // A token that was never sent is not the server's refusal (onTokenRefused decides); a
        // service account can still bring a token, unless the server refused its key.
        if (m_headless && m_settings.exitOnAuthFailure() && !tokenNeverSent()
            && !(m_tokenSupply && m_tokenSupply->canSupply()))
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

bool Runner::tokenNeverSent() const
{
    return m_tunnel->connectAttempts() == 0;
}

void Runner::onTokenRefused(const QString &reason)
{
    // Headless, nothing hands a running Telephone another token: the token store is read once, at
    // the start, and there is no tray to paste one into. A token that cannot even be sent
    // (malformed, expired) would leave it waiting forever; under systemd, exit code 2 also stops
    // the restart loop, which could not help. A service account is the exception: it can vend one.
    if (!m_headless || !tokenNeverSent() || (m_tokenSupply && m_tokenSupply->canSupply()))
        return;
    fprintf(stderr, "telephone: %s; running headless, nothing else can supply a token: give a usable --token (or "
                    "TELEPHONE_TOKEN)\n",
            qPrintable(logging::redact(reason)));
    fflush(stderr);
    // Queued: this can happen inside start(), before the event loop that finished() ends is running.
    QMetaObject::invokeMethod(this, [this] { stop(ExitBadConfig); }, Qt::QueuedConnection);
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
