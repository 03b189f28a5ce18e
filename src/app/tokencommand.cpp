#include "tokencommand.h"

#include "config/safeurl.h"
#include "config/settings.h"
#include "tokens/goimport.h"
#include "tokens/jwt.h"
#include "tokens/keychainsecretstore.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokenvendor.h"
#include "tokens/tokenstore.h"
#include "tokens/tokenstoreunlocker.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>
#include <cstring>
#include <termios.h>
#include <unistd.h>

namespace telephone {

namespace {

const char *const UsageText =
    "Usage: telephone token COMMAND [OPTIONS]\n"
    "\n"
    "  inspect [JWT]                 show a token's claims (reads stdin without JWT); never prints the token\n"
    "  list                          stored tokens per tunnel: path, expiry, source (never the token)\n"
    "  forget --path-id ID | --all   delete stored tokens of one mount, or all of them; with --tunnel NAME\n"
    "                                alone, that tunnel's\n"
    "  paste                         store a token read from stdin (not echoed) for the tunnel's server; a\n"
    "                                running Telephone uses it from its next start; needs --server or --tunnel\n"
    "  import-go --db FILE           import the Go client's token database (asks for its SECRET_KEY_BASE,\n"
    "                                or reads it from $SECRET_KEY_BASE); needs --server or --tunnel\n"
    "  vend [--path-id ID]           get a token from the server's token vending with the service-account\n"
    "                                key (file, environment, credential, else the tunnel's keychain entry),\n"
    "                                store it and show its claims (never the token); needs --server or\n"
    "                                --tunnel; ID is the mount to ask for (default: the tunnel's\n"
    "                                service-account-path-id, else the account's own)\n"
    "  key set | key forget          keep the tunnel's service-account key in the OS keychain (set reads it\n"
    "                                from stdin, not echoed), or remove it; each tunnel has its own entry\n"
    "\n"
    "--tunnel NAME: act on one tunnel of the config file ([tunnel.NAME], or \"default\" for the command\n"
    "line's): its server, its key and its mount (the path_id of its token or service-account-path-id);\n"
    "list and forget then touch only that tunnel's stored tokens.\n"
    "Options of the main program apply where they matter: --data-dir, --server, --secret-store, --config.\n"
    "Exit codes: 0 done (inspect: valid token); 1 the store could not be read or written, or the import\n"
    "or vending failed; 2 bad usage, malformed token or missing configuration, or the server refused the\n"
    "service-account key or mount; 3 inspect: the token has expired.\n";

void print(FILE *stream, const QString &text)
{
    fputs(qPrintable(text), stream);
    fputc('\n', stream);
    fflush(stream);
}

QString iso(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

bool TokenCommand::isRequested(int argc, char **argv)
{
    return argc >= 2 && std::strcmp(argv[1], "token") == 0;
}

int TokenCommand::run(int argc, char **argv)
{
    // Before QStandardPaths is asked for the data directory, as main() does.
    QCoreApplication::setApplicationName(QStringLiteral("telephone"));
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication app(argc, argv);
    return run(QCoreApplication::arguments(), QProcessEnvironment::systemEnvironment());
}

QString TokenCommand::relative(qint64 secs, qint64 nowSecs)
{
    const qint64 delta = secs - nowSecs;
    const qint64 magnitude = delta < 0 ? -delta : delta;
    QString amount;
    if (magnitude < 120)
        amount = QStringLiteral("%1 s").arg(magnitude);
    else if (magnitude < 2 * 3600)
        amount = QStringLiteral("%1 min").arg(magnitude / 60);
    else if (magnitude < 2 * 86400)
        amount = QStringLiteral("%1 h").arg(magnitude / 3600);
    else
        amount = QStringLiteral("%1 days").arg(magnitude / 86400);
    return delta < 0 ? amount + QStringLiteral(" ago") : QStringLiteral("in ") + amount;
}

int TokenCommand::run(const QStringList &arguments, const QProcessEnvironment &env)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show help."));
    const QCommandLineOption pathIdOption(QStringLiteral("path-id"), QStringLiteral("Mount (path_id) to forget."),
                                          QStringLiteral("id"));
    const QCommandLineOption allOption(QStringLiteral("all"), QStringLiteral("Forget every stored token."));
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("The Go client's token database."),
                                      QStringLiteral("file"));
    parser.addOption(helpOption);
    parser.addOption(pathIdOption);
    parser.addOption(allOption);
    parser.addOption(dbOption);
    // --tunnel NAME comes with the main program's options (Settings::addOptions).
    Settings::addOptions(parser);
    if (!parser.parse(arguments)) {
        print(stderr, QStringLiteral("telephone token: %1").arg(parser.errorText()));
        fputs(UsageText, stderr);
        return Exit::Usage;
    }
    const QStringList positional = parser.positionalArguments(); // "token", command, ...
    if (parser.isSet(helpOption) || positional.size() < 2) {
        fputs(UsageText, parser.isSet(helpOption) ? stdout : stderr);
        return parser.isSet(helpOption) ? Exit::Ok : Exit::Usage;
    }
    const QString command = positional.at(1);
    const QStringList rest = positional.mid(2);
    if (command == QLatin1String("inspect")) {
        if (rest.size() > 1) {
            print(stderr, QStringLiteral("telephone token inspect: give one token, or none to read it from stdin"));
            return Exit::Usage;
        }
        return inspect(rest.value(0));
    }
    if (command == QLatin1String("key")) {
        if (rest.size() != 1) {
            print(stderr, QStringLiteral("telephone token key: give set (reads the key from stdin) or forget"));
            return Exit::Usage;
        }
        // Each tunnel has its own entry; without --tunnel, the default tunnel's (the one from before).
        // A named tunnel must be configured: a typo would otherwise store a key nothing reads.
        const QStringList tunnels = parser.values(QStringLiteral("tunnel"));
        const QString tunnel = tunnels.value(0, Settings::defaultTunnelName());
        QString error;
        if ((tunnel != Settings::defaultTunnelName() || tunnels.size() > 1) && !tunnelSettings(parser, env, &error)) {
            print(stderr, QStringLiteral("telephone token key: %1").arg(error));
            return Exit::Usage;
        }
        return keychainKey(rest.first(), tunnel);
    }
    if (command != QLatin1String("list") && command != QLatin1String("forget") && command != QLatin1String("import-go")
        && command != QLatin1String("vend") && command != QLatin1String("paste")) {
        print(stderr, QStringLiteral("telephone token: unknown command '%1'").arg(command));
        fputs(UsageText, stderr);
        return Exit::Usage;
    }
    if (!rest.isEmpty()) {
        print(stderr, QStringLiteral("telephone token %1: unexpected argument '%2'").arg(command, rest.first()));
        return Exit::Usage;
    }
    QString error;
    const bool oneTunnel = parser.isSet(QStringLiteral("tunnel"));
    const std::optional<Settings> settings =
        oneTunnel ? tunnelSettings(parser, env, &error) : Settings::resolve(parser, env, &error);
    if (!settings) {
        print(stderr, QStringLiteral("telephone token: %1").arg(error));
        return Exit::Usage;
    }
    const std::optional<TunnelRows> rows = oneTunnel ? std::optional(TunnelRows::of(*settings)) : std::nullopt;
    if (command == QLatin1String("list"))
        return list(*settings, rows);
    if (command == QLatin1String("vend"))
        return vend(*settings, parser.value(pathIdOption), env);
    if (command == QLatin1String("paste"))
        return paste(*settings, rows, env);
    if (command == QLatin1String("forget")) {
        const bool all = parser.isSet(allOption);
        const QString pathId = parser.value(pathIdOption);
        if (all && rows) {
            print(stderr, QStringLiteral("telephone token forget: --all forgets the tokens of every tunnel; leave out "
                                         "--tunnel, or give --tunnel alone for that tunnel's"));
            return Exit::Usage;
        }
        if (rows)
            return forget(*settings, pathId.isEmpty() ? rows->pathId : pathId, false, rows);
        if (all == !pathId.isEmpty()) {
            print(stderr, QStringLiteral("telephone token forget: give either --path-id ID or --all (or --tunnel NAME)"));
            return Exit::Usage;
        }
        return forget(*settings, pathId, all, std::nullopt);
    }
    if (!parser.isSet(dbOption)) {
        print(stderr, QStringLiteral("telephone token import-go: give the Go client's database with --db FILE "
                                     "(its TOKEN_DB_PATH, ./telephone.db by default)"));
        return Exit::Usage;
    }
    return importGo(*settings, parser.value(dbOption), env);
}

QString TokenCommand::describeClaims(const JwtClaims &c)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QStringList lines;
    lines << QStringLiteral("path_id:   %1").arg(c.pathId);
    if (!c.sub.isEmpty())
        lines << QStringLiteral("subject:   %1").arg(c.sub);
    if (!c.jti.isEmpty())
        lines << QStringLiteral("token id:  %1").arg(c.jti);
    lines << (c.iat > 0 ? QStringLiteral("issued:    %1 (%2)").arg(iso(c.iat), relative(c.iat, now))
                        : QStringLiteral("issued:    (no iat claim)"));
    if (c.hasExpiry()) {
        lines << QStringLiteral("expires:   %1 (%2)").arg(iso(c.exp), relative(c.exp, now));
        if (c.iat > 0)
            lines << QStringLiteral("lifetime:  %1 s; Telephone refreshes it at half-life").arg(c.exp - c.iat);
    } else {
        lines << QStringLiteral("expires:   never (no exp claim)");
    }
    const bool expired = c.isExpiredAt(now);
    lines << QStringLiteral("status:    %1").arg(expired ? QStringLiteral("EXPIRED - get a new token for this mount")
                                                         : QStringLiteral("not expired"));
    lines << QStringLiteral("(the signature is the server's to check; it is not verified here)");
    return lines.join(QLatin1Char('\n'));
}

int TokenCommand::inspect(const QString &argument)
{
    QString token = argument;
    if (token.isEmpty()) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            print(stderr, QStringLiteral("telephone token inspect: cannot read stdin"));
            return Exit::Failed;
        }
        token = QString::fromUtf8(in.readAll()).trimmed();
    }
    const JwtDecodeResult decoded = decodeJwt(token);
    if (!decoded.claims) {
        print(stderr, QStringLiteral("telephone token inspect: %1").arg(decoded.error()));
        return Exit::Usage;
    }
    const bool expired = decoded.claims->isExpiredAt(QDateTime::currentSecsSinceEpoch());
    print(stdout, describeClaims(*decoded.claims));
    return expired ? Exit::Expired : Exit::Ok;
}

TokenCommand::TunnelRows TokenCommand::TunnelRows::of(const Settings &settings)
{
    // The mount: the given token's path_id, else the one the service account is asked for; the
    // tunnel learns it from the server otherwise, so then all of the server's rows are its.
    const JwtDecodeResult given = decodeJwt(settings.token());
    return {settings.tunnelName(), displayUrl(settings.serverUrl()),
            given.claims ? given.claims->pathId : settings.serviceAccountPathId()};
}

QString TokenCommand::TunnelRows::describe() const
{
    return pathId.isEmpty() ? QStringLiteral("tunnel %1 (%2)").arg(name, server)
                            : QStringLiteral("tunnel %1 (%2, path_id %3)").arg(name, server, pathId);
}

bool TokenCommand::TunnelRows::contains(const StoredToken &row) const
{
    return row.server == server && (pathId.isEmpty() || row.pathId == pathId);
}

std::optional<Settings> TokenCommand::tunnelSettings(const QCommandLineParser &parser, const QProcessEnvironment &env,
                                                     QString *error)
{
    const QStringList names = parser.values(QStringLiteral("tunnel"));
    if (names.size() != 1) {
        *error = QStringLiteral("give one --tunnel NAME (a token command acts on one tunnel)");
        return std::nullopt;
    }
    const std::optional<TunnelSettingsList> all = Settings::resolveTunnels(parser, env, error);
    if (!all)
        return std::nullopt;
    for (const Settings &tunnel : all->tunnels) {
        if (tunnel.tunnelName() == names.first()) {
            if (tunnel.serverUrl().isEmpty()) {
                *error = QStringLiteral("tunnel %1 has no server").arg(names.first());
                return std::nullopt;
            }
            return tunnel;
        }
    }
    // The section exists but is invalid: its error names it and the line.
    *error = all->errors.isEmpty() ? QStringLiteral("tunnel %1 is not configured").arg(names.first())
                                   : all->errors.join(QStringLiteral("; "));
    return std::nullopt;
}

int TokenCommand::list(const Settings &settings, const std::optional<TunnelRows> &tunnel)
{
    const QString file = TokenStore::fileIn(settings.dataDir());
    if (!QFileInfo::exists(file)) {
        print(stdout, QStringLiteral("no tokens are stored (there is no token store at %1)").arg(file));
        return Exit::Ok;
    }
    // Read-only: listing must work beside a running client and never change the file.
    TokenStore store(file, TokenStore::Mode::ReadOnly);
    QString error;
    if (!store.open(&error)) {
        print(stderr, QStringLiteral("telephone token list: %1").arg(error));
        return Exit::Failed;
    }
    std::optional<QList<StoredToken>> rows = store.list(&error);
    if (!rows) {
        print(stderr, QStringLiteral("telephone token list: %1").arg(error));
        return Exit::Failed;
    }
    if (tunnel)
        rows->removeIf([&tunnel](const StoredToken &row) { return !tunnel->contains(row); });
    if (rows->isEmpty()) {
        print(stdout, tunnel ? QStringLiteral("no tokens of %1 are stored in %2").arg(tunnel->describe(), file)
                             : QStringLiteral("no tokens are stored in %1").arg(file));
        return Exit::Ok;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QStringList lines{QStringLiteral("tokens stored in %1 (key: %2)")
                          .arg(file, store.keyOrigin().isEmpty() ? QStringLiteral("not set yet") : store.keyOrigin())};
    QString group;
    for (const StoredToken &row : *rows) {
        const QString thisGroup = row.server + QLatin1Char(' ') + row.pathId;
        if (thisGroup != group) {
            group = thisGroup;
            lines << QString() << QStringLiteral("%1  path_id %2").arg(row.server, row.pathId);
        }
        const QString expiry = row.exp <= 0 ? QStringLiteral("never expires")
            : row.exp <= now               ? QStringLiteral("EXPIRED %1 (%2)").arg(iso(row.exp), relative(row.exp, now))
                                           : QStringLiteral("expires %1 (%2)").arg(iso(row.exp), relative(row.exp, now));
        lines << QStringLiteral("  #%1  issued %2  %3  %4, stored %5")
                     .arg(row.id)
                     .arg(iso(row.iat), expiry, tokenSourceName(row.source),
                          row.storedAt.toString(Qt::ISODate));
    }
    print(stdout, lines.join(QLatin1Char('\n')));
    return Exit::Ok;
}

int TokenCommand::forget(const Settings &settings, const QString &pathId, bool all,
                         const std::optional<TunnelRows> &tunnel)
{
    const QString file = TokenStore::fileIn(settings.dataDir());
    if (!QFileInfo::exists(file)) {
        print(stdout, QStringLiteral("nothing to forget: there is no token store at %1").arg(file));
        return Exit::Ok;
    }
    TokenStore store(file);
    QString error;
    if (!store.open(&error)) {
        print(stderr, QStringLiteral("telephone token forget: %1").arg(error));
        return Exit::Failed;
    }
    const int removed =
        tunnel ? store.forget(tunnel->server, pathId, &error) : store.forget(all ? QString() : pathId, &error);
    if (removed < 0) {
        print(stderr, QStringLiteral("telephone token forget: %1").arg(error));
        return Exit::Failed;
    }
    if (tunnel) {
        const TunnelRows forgotten{tunnel->name, tunnel->server, pathId};
        print(stdout, QStringLiteral("forgot %1 stored token(s) of %2").arg(removed).arg(forgotten.describe()));
        return Exit::Ok;
    }
    print(stdout, all ? QStringLiteral("forgot %1 stored token(s) and the key check of %2").arg(removed).arg(file)
                      : QStringLiteral("forgot %1 stored token(s) for path_id %2").arg(removed).arg(pathId));
    return Exit::Ok;
}

QByteArray TokenCommand::readSecretKeyBase(const QProcessEnvironment &env)
{
    // The Go client's own variable name, so a shell that ran it can run this as is.
    const QString fromEnv = env.value(QStringLiteral("SECRET_KEY_BASE"));
    if (!fromEnv.isEmpty())
        return fromEnv.toUtf8();
    return readHiddenLine("SECRET_KEY_BASE of the Go client (not shown): ");
}

QByteArray TokenCommand::readHiddenLine(const char *prompt)
{
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    termios saved {};
    if (terminal) {
        fputs(prompt, stderr);
        fflush(stderr);
        ::tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    QByteArray line;
    char buffer[512];
    while (fgets(buffer, sizeof buffer, stdin)) {
        line += buffer;
        if (line.endsWith('\n'))
            break;
    }
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    return line.trimmed();
}

int TokenCommand::keychainKey(const QString &action, const QString &tunnel)
{
    const QString entry = ServiceAccountKey::keychainEntry(tunnel);
    const QString where = ServiceAccountKey::keychainOrigin(entry);
    QString key;
    if (action == QLatin1String("set")) {
        key = QString::fromUtf8(readHiddenLine("service-account key (not shown): "));
        if (const QString problem = ServiceAccountKey::problemWith(key); !problem.isEmpty()) {
            print(stderr, QStringLiteral("telephone token key set: %1").arg(problem));
            return Exit::Usage;
        }
    } else if (action != QLatin1String("forget")) {
        print(stderr, QStringLiteral("telephone token key: give set (reads the key from stdin) or forget"));
        return Exit::Usage;
    }
    KeychainSecretStore keychain;
    QEventLoop loop;
    QString error;
    QObject::connect(&keychain, &KeychainSecretStore::entryWritten, &loop, &QEventLoop::quit);
    QObject::connect(&keychain, &KeychainSecretStore::keyDeleted, &loop, &QEventLoop::quit);
    QObject::connect(&keychain, &KeychainSecretStore::failed, &loop, [&](const QString &problem) {
        error = problem;
        loop.quit();
    });
    if (key.isEmpty())
        keychain.deleteEntry(entry);
    else
        keychain.writeEntry(entry, key.toUtf8());
    loop.exec();
    if (!error.isEmpty()) {
        print(stderr, QStringLiteral("telephone token key %1: %2").arg(action, error));
        return Exit::Failed;
    }
    print(stdout, key.isEmpty() ? QStringLiteral("removed tunnel %1's service-account key from %2").arg(tunnel, where)
                                : QStringLiteral("stored tunnel %1's service-account key %2 in %3; Telephone uses it "
                                                 "from its next start")
                                      .arg(tunnel, ServiceAccountKey::shown(key), where));
    return Exit::Ok;
}

ServiceAccountKey TokenCommand::keyFromKeychain(const QString &tunnel)
{
    const QString entry = ServiceAccountKey::keychainEntry(tunnel);
    KeychainSecretStore keychain;
    QEventLoop loop;
    ServiceAccountKey key;
    QObject::connect(&keychain, &KeychainSecretStore::entryRead, &loop,
                     [&](const QString &, const QByteArray &data, bool found) {
                         if (found)
                             key = ServiceAccountKey::fromKeychain(entry, data);
                         loop.quit();
                     });
    // An unavailable keychain is like an empty one here: the message lists every other source.
    QObject::connect(&keychain, &KeychainSecretStore::failed, &loop, &QEventLoop::quit);
    keychain.readEntry(entry);
    loop.exec();
    return key;
}

bool TokenCommand::openUnlocked(TokenStore *store, const Settings &settings, const QProcessEnvironment &env,
                                QString *error)
{
    if (!store->open(error))
        return false;
    // The keychain answers asynchronously; this process has nothing else to do meanwhile.
    TokenStoreUnlocker unlocker(store, settings.secretStore(), settings.dataDir(), env);
    QEventLoop loop;
    bool unlocked = false;
    QObject::connect(&unlocker, &TokenStoreUnlocker::notice, &loop,
                     [](const QString &message, bool) { print(stderr, QStringLiteral("telephone: ") + message); });
    QObject::connect(&unlocker, &TokenStoreUnlocker::unlocked, &loop, [&] {
        unlocked = true;
        loop.quit();
    });
    QObject::connect(&unlocker, &TokenStoreUnlocker::failed, &loop, [&](const QString &problem) {
        *error = problem;
        loop.quit();
    });
    unlocker.start();
    loop.exec();
    return unlocked;
}

int TokenCommand::paste(const Settings &settings, const std::optional<TunnelRows> &tunnel,
                        const QProcessEnvironment &env)
{
    const auto fail = [](int code, const QString &message) {
        print(stderr, QStringLiteral("telephone token paste: ") + message);
        return code;
    };
    if (settings.serverUrl().isEmpty())
        return fail(Exit::Usage, QStringLiteral("give --server or --tunnel NAME: a token is stored for its server"));
    const QString token = QString::fromUtf8(readHiddenLine("token (not shown): "));
    const JwtDecodeResult decoded = decodeJwt(token);
    if (!decoded.claims)
        return fail(Exit::Usage, decoded.error());
    if (decoded.claims->isExpiredAt(QDateTime::currentSecsSinceEpoch()))
        return fail(Exit::Usage, QStringLiteral("this token expired at %1; get a new one for path_id %2")
                                     .arg(iso(decoded.claims->exp), decoded.claims->pathId));
    // A token for another mount would be used by the wrong tunnel at its next start.
    if (tunnel && !tunnel->pathId.isEmpty() && decoded.claims->pathId != tunnel->pathId)
        return fail(Exit::Usage, QStringLiteral("this token is for path_id %1, but %2 serves %3")
                                     .arg(decoded.claims->pathId, tunnel->name, tunnel->pathId));
    TokenStore store(TokenStore::fileIn(settings.dataDir()));
    QString error;
    if (!openUnlocked(&store, settings, env, &error))
        return fail(Exit::Failed, error);
    const QString server = displayUrl(settings.serverUrl());
    if (!store.save(server, token, *decoded.claims, TokenSource::Pasted, &error))
        return fail(Exit::Failed, error);
    print(stdout, QStringLiteral("stored the token for path_id %1 in %2 for %3; a running Telephone uses it from its "
                                 "next start:\n%4")
                      .arg(decoded.claims->pathId, store.fileName(), server, describeClaims(*decoded.claims)));
    return Exit::Ok;
}

int TokenCommand::vend(const Settings &settings, const QString &pathId, const QProcessEnvironment &env)
{
    const auto fail = [](int code, const QString &message) {
        print(stderr, QStringLiteral("telephone token vend: ") + message);
        return code;
    };
    if (settings.serverUrl().isEmpty())
        return fail(Exit::Usage, QStringLiteral("give --server (or TELEPHONE_SERVER) or --tunnel NAME: tokens are "
                                                "vended by the server"));
    QString error;
    const std::optional<ServiceAccountKey> key = ServiceAccountKey::find(settings, env, &error);
    if (!key)
        return fail(Exit::Usage, error);
    // Last, as at a start: the tunnel's own entry in the OS keychain (`token key set`).
    const ServiceAccountKey chosen = key->isEmpty() ? keyFromKeychain(settings.tunnelName()) : *key;
    if (chosen.isEmpty())
        return fail(Exit::Usage, QStringLiteral("no service-account key: give --service-account-key-file FILE, set "
                                                "TELEPHONE_SERVICE_ACCOUNT_KEY, run under systemd with "
                                                "LoadCredential=service-account-key:FILE, or store one with "
                                                "`telephone token key set%1`")
                                     .arg(settings.tunnelName() == Settings::defaultTunnelName()
                                              ? QString()
                                              : QStringLiteral(" --tunnel ") + settings.tunnelName()));
    if (const QString problem = ServiceAccountKey::problemWith(chosen.key); !problem.isEmpty())
        return fail(Exit::Usage, chosen.origin + QStringLiteral(": ") + problem);
    VendRequest request;
    request.server = settings.serverUrl();
    request.key = chosen.key;
    request.pathId = pathId.isEmpty() ? settings.serviceAccountPathId() : pathId;
    request.instanceId = TokenVendor::instanceIdFor(request.pathId);
    request.description = TokenVendor::defaultDescription();
    TokenVendor vendor;
    QEventLoop loop;
    VendResult result;
    QObject::connect(&vendor, &TokenVendor::finished, &loop, [&](const VendResult &answer) {
        result = answer;
        loop.quit();
    });
    vendor.vend(request);
    loop.exec();
    switch (result.outcome) {
    case VendResult::Outcome::Vended:
        break;
    case VendResult::Outcome::KeyRefused:
    case VendResult::Outcome::PathRefused:
        return fail(Exit::Usage, result.message);
    case VendResult::Outcome::Failed:
        return fail(Exit::Failed, result.message);
    }
    TokenStore store(TokenStore::fileIn(settings.dataDir()));
    if (!openUnlocked(&store, settings, env, &error))
        return fail(Exit::Failed, error);
    const QString server = settings.serverUrl().toString();
    if (!store.save(server, result.token, result.claims, TokenSource::Vended, &error))
        return fail(Exit::Failed, error);
    print(stdout, QStringLiteral("vended with service-account key %1 (%2) and stored in %3 for %4:\n%5")
                      .arg(ServiceAccountKey::shown(key->key), key->origin, store.fileName(), server,
                           describeClaims(result.claims)));
    return Exit::Ok;
}

int TokenCommand::importGo(const Settings &settings, const QString &dbFile, const QProcessEnvironment &env)
{
    if (settings.serverUrl().isEmpty()) {
        print(stderr, QStringLiteral("telephone token import-go: give --server (or TELEPHONE_SERVER): the Go client's "
                                     "database does not record which server its tokens are for"));
        return Exit::Usage;
    }
    const QByteArray secret = readSecretKeyBase(env);
    if (secret.isEmpty()) {
        print(stderr, QStringLiteral("telephone token import-go: no SECRET_KEY_BASE given"));
        return Exit::Usage;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const GoImport::Result imported = GoImport::read(dbFile, secret, now);
    for (const QString &problem : imported.problems)
        print(stderr, QStringLiteral("telephone token import-go: %1: %2").arg(dbFile, problem));
    if (!imported.error.isEmpty()) {
        print(stderr, QStringLiteral("telephone token import-go: %1").arg(imported.error));
        return Exit::Failed;
    }
    if (imported.tokens.isEmpty()) {
        print(stderr, QStringLiteral("telephone token import-go: %1 holds no unexpired token (%2 row(s)); nothing "
                                     "imported")
                          .arg(dbFile)
                          .arg(imported.rows));
        return Exit::Failed;
    }

    TokenStore store(TokenStore::fileIn(settings.dataDir()));
    QString error;
    if (!openUnlocked(&store, settings, env, &error)) {
        print(stderr, QStringLiteral("telephone token import-go: %1").arg(error));
        return Exit::Failed;
    }
    const QString server = displayUrl(settings.serverUrl());
    int saved = 0;
    for (const TokenCandidate &candidate : imported.tokens) {
        if (!store.save(server, candidate.token, candidate.claims, TokenSource::Imported, &error)) {
            print(stderr, QStringLiteral("telephone token import-go: %1").arg(error));
            return Exit::Failed;
        }
        ++saved;
        print(stdout, QStringLiteral("imported the token for path_id %1 (issued %2, expires %3)")
                          .arg(candidate.claims.pathId, iso(candidate.claims.iat),
                               candidate.claims.exp > 0 ? iso(candidate.claims.exp) : QStringLiteral("never")));
    }
    print(stdout, QStringLiteral("imported %1 token(s) from %2 into %3 for %4; the newest is used at the next start")
                      .arg(saved)
                      .arg(dbFile, store.fileName(), server));
    return Exit::Ok;
}

} // namespace telephone
