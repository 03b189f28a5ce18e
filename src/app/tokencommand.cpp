#include "tokencommand.h"

#include "config/safeurl.h"
#include "config/settings.h"
#include "tokens/goimport.h"
#include "tokens/jwt.h"
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
    "  forget --path-id ID | --all   delete stored tokens of one mount, or all of them\n"
    "  import-go --db FILE           import the Go client's token database (asks for its SECRET_KEY_BASE,\n"
    "                                or reads it from $SECRET_KEY_BASE); needs --server\n"
    "\n"
    "Options of the main program apply where they matter: --data-dir, --server, --secret-store, --config.\n"
    "Exit codes: 0 done (inspect: valid token); 1 the store could not be read or written, or the import\n"
    "failed; 2 bad usage, malformed token or missing configuration; 3 inspect: the token has expired.\n";

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
    if (command != QLatin1String("list") && command != QLatin1String("forget") && command != QLatin1String("import-go")) {
        print(stderr, QStringLiteral("telephone token: unknown command '%1'").arg(command));
        fputs(UsageText, stderr);
        return Exit::Usage;
    }
    if (!rest.isEmpty()) {
        print(stderr, QStringLiteral("telephone token %1: unexpected argument '%2'").arg(command, rest.first()));
        return Exit::Usage;
    }
    QString error;
    const std::optional<Settings> settings = Settings::resolve(parser, env, &error);
    if (!settings) {
        print(stderr, QStringLiteral("telephone token: %1").arg(error));
        return Exit::Usage;
    }
    if (command == QLatin1String("list"))
        return list(*settings);
    if (command == QLatin1String("forget")) {
        const bool all = parser.isSet(allOption);
        const QString pathId = parser.value(pathIdOption);
        if (all == !pathId.isEmpty()) {
            print(stderr, QStringLiteral("telephone token forget: give either --path-id ID or --all"));
            return Exit::Usage;
        }
        return forget(*settings, pathId, all);
    }
    if (!parser.isSet(dbOption)) {
        print(stderr, QStringLiteral("telephone token import-go: give the Go client's database with --db FILE "
                                     "(its TOKEN_DB_PATH, ./telephone.db by default)"));
        return Exit::Usage;
    }
    return importGo(*settings, parser.value(dbOption), env);
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
        print(stderr, QStringLiteral("telephone token inspect: %1").arg(decoded.error));
        return Exit::Usage;
    }
    const JwtClaims &c = *decoded.claims;
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
    print(stdout, lines.join(QLatin1Char('\n')));
    return expired ? Exit::Expired : Exit::Ok;
}

int TokenCommand::list(const Settings &settings)
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
    const std::optional<QList<StoredToken>> rows = store.list(&error);
    if (!rows) {
        print(stderr, QStringLiteral("telephone token list: %1").arg(error));
        return Exit::Failed;
    }
    if (rows->isEmpty()) {
        print(stdout, QStringLiteral("no tokens are stored in %1").arg(file));
        return Exit::Ok;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QStringList lines{QStringLiteral("tokens stored in %1 (key: %2)")
                          .arg(file, store.keyOrigin().isEmpty() ? QStringLiteral("not set yet") : store.keyOrigin())};
    QString tunnel;
    for (const StoredToken &row : *rows) {
        const QString thisTunnel = row.server + QLatin1Char(' ') + row.pathId;
        if (thisTunnel != tunnel) {
            tunnel = thisTunnel;
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

int TokenCommand::forget(const Settings &settings, const QString &pathId, bool all)
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
    const int removed = store.forget(all ? QString() : pathId, &error);
    if (removed < 0) {
        print(stderr, QStringLiteral("telephone token forget: %1").arg(error));
        return Exit::Failed;
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
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    termios saved {};
    if (terminal) {
        fputs("SECRET_KEY_BASE of the Go client (not shown): ", stderr);
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
    if (!store.open(&error)) {
        print(stderr, QStringLiteral("telephone token import-go: %1").arg(error));
        return Exit::Failed;
    }
    // The keychain answers asynchronously; this process has nothing else to do meanwhile.
    TokenStoreUnlocker unlocker(&store, settings.secretStore(), settings.dataDir(), env);
    QEventLoop loop;
    bool unlocked = false;
    QObject::connect(&unlocker, &TokenStoreUnlocker::notice, &loop,
                     [](const QString &message, bool) { print(stderr, QStringLiteral("telephone: ") + message); });
    QObject::connect(&unlocker, &TokenStoreUnlocker::unlocked, &loop, [&] {
        unlocked = true;
        loop.quit();
    });
    QObject::connect(&unlocker, &TokenStoreUnlocker::failed, &loop, [&](const QString &problem) {
        error = problem;
        loop.quit();
    });
    unlocker.start();
    loop.exec();
    if (!unlocked) {
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
