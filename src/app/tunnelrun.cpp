#include "tunnelrun.h"

#include "exitcodes.h"
#include "base/logging.h"
#include "tokens/keychainsecretstore.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokenstore.h"
#include "tokens/tokensink.h"
#include "tunnel/tokensupply.h"
#include "tunnel/tunnelmanager.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <utility>

Q_LOGGING_CATEGORY(lcRun, "telephone.app.runner")

namespace telephone {

TunnelRun::TunnelRun(const Settings &settings, const TunnelConfig &config, bool headless, TunnelManager *manager,
                     TokenSink *sink, TokenStore *store, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_manager(manager)
    , m_headless(headless)
    , m_tunnel(manager->addTunnel(config, sink))
    , m_sink(sink)
    , m_store(store)
{
    // The name in logs, /metrics and /health (ops/tunnelobserver: tunnelName()).
    m_tunnel->setObjectName(settings.tunnelName());
    connect(m_tunnel, &Tunnel::stateChanged, this, &TunnelRun::onTunnelState);
    connect(m_tunnel, &Tunnel::tokenRefused, this, &TunnelRun::onTokenRefused);
}

void TunnelRun::useServiceAccountKey(const ServiceAccountKey &key)
{
    // Answers the tunnel's "I have no usable token" from the first start on.
    if (!m_tokenSupply)
        m_tokenSupply = new TokenSupply(m_tunnel, m_sink, m_settings.serviceAccountPathId(), this);
    m_tokenSupply->setKey(key);
}

void TunnelRun::shareServer(const QString &mountsFile)
{
    m_mounts.emplace(mountsFile);
}

void TunnelRun::readServiceAccountKeyFromKeychain()
{
    // The desktop keeps the key in the OS keychain (`telephone token key set`), one entry per
    // tunnel; a headless host, whose keychain is usually locked or absent, rather uses a file, the
    // environment or a credential.
    auto *keychain = new KeychainSecretStore(this);
    m_readingKeychain = true;
    connect(keychain, &KeychainSecretStore::entryRead, this,
            [this, keychain](const QString &entry, const QByteArray &data, bool found) {
                keychain->deleteLater();
                if (found) {
                    const ServiceAccountKey key = ServiceAccountKey::fromKeychain(entry, data);
                    if (const QString problem = ServiceAccountKey::problemWith(key.key); !problem.isEmpty())
                        qCWarning(lcRun).noquote() << key.origin + QStringLiteral(": ") + problem;
                    else
                        useServiceAccountKey(key);
                }
                keychainReadEnded();
            });
    connect(keychain, &KeychainSecretStore::failed, this, [this, keychain](const QString &problem) {
        keychain->deleteLater();
        qCDebug(lcRun).noquote() << "no service-account key from the OS keychain:" << problem;
        keychainReadEnded();
    });
    keychain->readEntry(ServiceAccountKey::keychainEntry(name()));
}

void TunnelRun::keychainReadEnded()
{
    m_readingKeychain = false;
    if (m_manager->isStopping())
        return; // stopped (a signal) while the keychain was being asked
    if (const std::optional<WaitingStart> waiting = std::exchange(m_startWaiting, std::nullopt))
        startWith(waiting->choice, waiting->storeUsable);
}

void TunnelRun::startWithBestToken(bool storeUsable)
{
    const logging::ContextScope scope(name());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString server = m_tunnel->displayServer();
    const QString given = m_settings.token().trimmed();
    if (!storeUsable && m_store)
        qCWarning(lcRun).noquote() << "tokens cannot be stored or read:" << m_store->load(server, {}, now).error
                                   << "- the tunnel runs on the given token, and a restart will need a new one";

    std::optional<TokenCandidate> givenCandidate;
    if (!given.isEmpty()) {
        const JwtDecodeResult decoded = decodeJwt(given);
        if (!decoded.claims) {
            // A stored token must not stand in for a mistyped one: the tunnel says what is wrong.
            m_tunnel->start();
            return;
        }
        givenCandidate = TokenCandidate{given, *decoded.claims, TokenSource::Given};
    }
    TokenStore::Loaded stored;
    if (storeUsable) {
        // A tunnel whose service account is bound to a mount takes only that mount's tokens, and one
        // sharing its server with another tunnel those of the mount it joined last: the server's
        // newest could be another tunnel's (issue 15: several tunnels, one server, one store).
        QString mount = m_settings.serviceAccountPathId();
        if (mount.isEmpty() && m_mounts && !givenCandidate) {
            mount = m_mounts->recall(name(), server);
            if (!mount.isEmpty())
                qCInfo(lcRun).noquote() << "another tunnel uses" << server << "- this one takes the stored tokens of"
                                        << mount << ", the mount it joined last";
        }
        stored = m_store->load(server, mount, now);
        // Skipped rows are said out loud: an older token is then used knowingly, never silently.
        for (const QString &problem : std::as_const(stored.problems))
            qCWarning(lcRun).noquote() << problem;
        if (!stored.error.isEmpty())
            qCWarning(lcRun).noquote() << stored.error;
    }
    const TokenChoice choice = chooseStartToken(givenCandidate, stored.tokens, now);
    for (const QString &note : choice.notes)
        qCInfo(lcRun).noquote() << note;

    // With a usable token the tunnel starts now: a locked or slow keychain must not hold it up.
    // Without one, only a service-account key can bring a token, and headless a tunnel with none
    // gives up unless a key can supply one: the keychain's answer must be known first.
    const bool usable = choice.chosen && !choice.chosen->claims.isExpiredAt(now);
    if (!usable && m_readingKeychain) {
        m_startWaiting = WaitingStart{choice, storeUsable};
        return;
    }
    startWith(choice, storeUsable);
}

void TunnelRun::startWith(const TokenChoice &choice, bool storeUsable)
{
    const logging::ContextScope scope(name());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString server = m_tunnel->displayServer();
    const QString given = m_settings.token().trimmed();
    if (!choice.chosen && given.isEmpty()) {
        if (m_headless && !canBeSupplied()) {
            const QString tokenOption = m_settings.tunnelName() == Settings::defaultTunnelName()
                ? QStringLiteral("--token (or TELEPHONE_TOKEN)")
                : QStringLiteral("token or token-file in [tunnel.%1] (or %2)")
                      .arg(name(), Settings::find(QStringLiteral("token"))->tunnelEnvName(name()));
            logging::printFatal(lcRun().categoryName(),
                                QStringLiteral("%1missing %2, and no unexpired token for %3 is stored in %4; try "
                                               "--demo for a first run without a server, or --help")
                                    .arg(m_settings.tunnelName() == Settings::defaultTunnelName()
                                             ? QString()
                                             : QStringLiteral("tunnel %1: ").arg(name()),
                                         tokenOption, server, TokenStore::fileIn(m_settings.dataDir())));
            giveUp(ExitBadConfig);
            return;
        }
        m_tunnel->start(); // the tray asks for a token
        return;
    }
    if (choice.chosen && choice.chosen->source == TokenSource::Given && storeUsable
        && !choice.chosen->claims.isExpiredAt(now)) {
        QString problem;
        if (!m_store->save(server, choice.chosen->token, choice.chosen->claims, TokenSource::Given, &problem))
            qCWarning(lcRun).noquote() << "the given token could not be stored (" + problem
                                              + "); the tunnel uses it, but a restart will need it again";
    }
    if (choice.chosen && choice.chosen->token != given) {
        QString problem;
        if (!m_tunnel->setToken(choice.chosen->token, &problem))
            qCWarning(lcRun).noquote() << "the stored token cannot be used:" << problem;
    }
    m_tunnel->start();
}

void TunnelRun::onTunnelState()
{
    switch (m_tunnel->state()) {
    case Tunnel::State::Connected:
        if (m_mounts) {
            const QString server = m_tunnel->displayServer();
            const QString mount = m_tunnel->claims().pathId;
            QString problem;
            if (m_mounts->recall(name(), server) != mount && !m_mounts->remember(name(), server, mount, &problem))
                qCWarning(lcRun).noquote() << problem << "- after a restart this tunnel may take another's stored token";
        }
        break;
    case Tunnel::State::AuthFailed:
        // A token that was never sent is not the server's refusal (onTokenRefused decides); a
        // service account can still bring a token, unless the server refused its key.
        if (m_headless && m_settings.exitOnAuthFailure() && !tokenNeverSent() && !canBeSupplied())
            giveUp(ExitAuthFailure);
        break;
    case Tunnel::State::ConfigError:
        // Retrying cannot help; under systemd, exit code 2 stops the restart loop (RestartPreventExitStatus).
        if (m_headless)
            giveUp(ExitBadConfig);
        break;
    default:
        break;
    }
}

bool TunnelRun::tokenNeverSent() const
{
    return m_tunnel->connectAttempts() == 0;
}

bool TunnelRun::canBeSupplied() const
{
    return m_tokenSupply && m_tokenSupply->canSupply();
}

void TunnelRun::onTokenRefused(const QString &reason)
{
    // Headless, nothing hands a running Telephone another token: the token store is read once, at
    // the start, and there is no tray to paste one into. A token that cannot even be sent
    // (malformed, expired) would leave it waiting forever; under systemd, exit code 2 also stops
    // the restart loop, which could not help. A service account is the exception: it can vend one.
    if (!m_headless || !tokenNeverSent() || canBeSupplied())
        return;
    const bool isDefault = name() == Settings::defaultTunnelName();
    fprintf(stderr, "telephone: %s%s; running headless, nothing else can supply a token: give a usable %s\n",
            isDefault ? "" : qPrintable(QStringLiteral("tunnel %1: ").arg(name())), qPrintable(logging::redact(reason)),
            isDefault ? "--token (or TELEPHONE_TOKEN)" : "token or token-file in its section");
    fflush(stderr);
    // Queued: this can happen inside start(), before the event loop that ends the run is running.
    QMetaObject::invokeMethod(this, [this] { giveUp(ExitBadConfig); }, Qt::QueuedConnection);
}

void TunnelRun::giveUp(int exitCode)
{
    if (m_gaveUp)
        return;
    m_gaveUp = true;
    emit gaveUp(exitCode);
}

} // namespace telephone
