#include "config/settings.h"

#include "base/privatefiles.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>
#include <climits>
#include <limits>
#include <cmath>
#include <utility>

namespace telephone {

using std::chrono::milliseconds;

namespace {

const QString kServer = QStringLiteral("server");
const QString kToken = QStringLiteral("token");
const QString kBackend = QStringLiteral("backend");
const QString kConfig = QStringLiteral("config");
const QString kDataDir = QStringLiteral("data-dir");
const QString kHeartbeat = QStringLiteral("heartbeat-interval");
const QString kAuthRetry = QStringLiteral("auth-retry-interval");
const QString kBackoffInitial = QStringLiteral("backoff-initial");
const QString kBackoffMax = QStringLiteral("backoff-max");
const QString kServiceAccountKey = QStringLiteral("service-account-key");
const QString kTokenFile = QStringLiteral("token-file");
const QString kTunnelOption = QStringLiteral("tunnel");
const QString kTunnelPrefix = QStringLiteral("tunnel.");

// The server closes a socket that has been silent for 60 s, so a heartbeat at or above that
// guarantees a disconnect.
constexpr milliseconds kServerIdleLimit{60000};
// Smaller response chunks only add JSON overhead and time (--chunk-size 1: 20 MB took 29 s, 670 MB).
constexpr qint64 kMinChunkSize = 16 * 1024;

SettingDef def(const char *key, SettingKind kind, const char *defaultValue, const char *valueName, const char *help,
               QStringList choices = {})
{
    return SettingDef{QString::fromLatin1(key), kind, QString::fromLatin1(defaultValue),
                      QString::fromLatin1(valueName), QString::fromUtf8(help), std::move(choices)};
}

SettingDef duration(const char *key, const char *defaultValue, const char *help)
{
    return def(key, SettingKind::Duration, defaultValue, "seconds", help);
}

SettingDef flag(const char *key, const char *help)
{
    return def(key, SettingKind::Flag, "false", "", help);
}

// The keys a [tunnel.NAME] section may set; the rest apply to the whole process.
const QStringList kPerTunnelKeys{
    QStringLiteral("server"), QStringLiteral("token"), QStringLiteral("token-file"), QStringLiteral("backend"),
    QStringLiteral("heartbeat-interval"), QStringLiteral("request-timeout"), QStringLiteral("join-timeout"),
    QStringLiteral("backoff-initial"), QStringLiteral("backoff-max"), QStringLiteral("auth-retry-interval"),
    QStringLiteral("refresh-margin"), QStringLiteral("drain-timeout"), QStringLiteral("max-response-size"),
    QStringLiteral("chunk-size"), QStringLiteral("max-concurrent"), QStringLiteral("preserve-host"),
    QStringLiteral("service-account-key-file"), QStringLiteral("service-account-key"),
    QStringLiteral("service-account-path-id"), QStringLiteral("ws-buffer"), QStringLiteral("max-message-size"),
};

QList<SettingDef> buildTable();

QList<SettingDef> markPerTunnel(QList<SettingDef> defs)
{
    for (SettingDef &d : defs)
        d.perTunnel = kPerTunnelKeys.contains(d.key);
    return defs;
}

QList<SettingDef> buildTable()
{
    return {
        def("server", SettingKind::Url, "", "url",
            "Plugboard server URL: wss://host, ws://127.0.0.1:4000 or a full URL with a path. Without a path, "
            "/socket/websocket is tried, then /telephone/websocket on HTTP 404 (the path that answered is "
            "remembered per server in the data directory); http:// and https:// are taken as ws:// and wss://. "
            "A query is kept."),
        def("token", SettingKind::Secret, "", "jwt",
            "Access token (JWT) for the Plugboard path. Other users can read command-line arguments (ps), so "
            "prefer TELEPHONE_TOKEN or the config file. An empty value means no token was given."),
        def("token-file", SettingKind::Path, "", "file",
            "File (0600) whose first line is the access token; the way to keep a token out of the command line "
            "and the config file. Cannot be combined with --token."),
        def("backend", SettingKind::Url, "", "url|port",
            "Local backend that receives the proxied requests: http://127.0.0.1:3000, https://host/base-path, or "
            "a bare port (3000 means http://127.0.0.1:3000)."),
        def("config", SettingKind::Path, "", "file",
            "INI file to read settings from; keys are the option names, outside any section. Default: "
            "telephone.ini in the per-user config directory (it need not exist). A file named here must exist."),
        def("data-dir", SettingKind::Path, "", "dir",
            "Directory for Telephone's state (request log, token store). Default: the per-user data directory."),
        duration("heartbeat-interval", "30",
                 "Seconds between heartbeats to the server (fractions allowed). Must be below 60: the server "
                 "drops clients that stay silent for 60 seconds."),
        duration("request-timeout", "55",
                 "Seconds the local backend has to answer one proxied request before it is answered with an error."),
        duration("join-timeout", "10",
                 "Seconds to wait for the server to accept the channel join before reconnecting."),
        duration("backoff-initial", "1",
                 "Seconds to wait before reconnecting; the wait doubles after each failed attempt up to "
                 "--backoff-max (+-25 % jitter). A connection that was healthy (joined, heartbeat answered) "
                 "starts the wait over when it ends."),
        duration("backoff-max", "30", "Longest wait between reconnect attempts, in seconds."),
        duration("auth-retry-interval", "300",
                 "After the server refuses the token, retry with it no more often than every this many seconds; "
                 "0 means never: wait for a new token."),
        duration("refresh-margin", "600",
                 "Ignored, kept so that existing configurations still start: the token is refreshed at half its "
                 "lifetime, which for tokens of 20 minutes or more is at least 10 minutes before it expires."),
        def("log-format", SettingKind::Choice, "text", "text|json",
            "Format of the log lines on stderr: text, or json (one JSON object per line).",
            {QStringLiteral("text"), QStringLiteral("json")}),
        def("log-level", SettingKind::Choice, "info", "level", "Lowest level logged: debug, info, warning or error.",
            {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("error")}),
        flag("debug",
             "Same as --log-level debug, and turns on debug output of every telephone.* category "
             "(QT_LOGGING_RULES still has the last word)."),
        flag("no-gui", "Run headless: no tray icon or windows; logs go to stderr."),
        flag("demo",
             "Start the built-in Plugboard simulator and connect to it; needs no server, token or backend."),
        flag("exit-on-auth-failure",
             "Headless: exit with code 3 when the server refuses the token instead of waiting for a new one."),
        // Forwarding
        duration("drain-timeout", "30",
                 "On stop, seconds requests in flight get to finish (new ones are refused with 503) before "
                 "they are abandoned."),
        def("max-response-size", SettingKind::Size, "100MiB", "bytes",
            "Largest backend response passed through; a larger one is answered 502 naming the limit. "
            "Accepts K, M, G suffixes (powers of 1024)."),
        def("chunk-size", SettingKind::Size, "1MiB", "bytes",
            "Response bodies larger than this go to the server as several chunks of at most this size "
            "(at least 16KiB: smaller chunks only cost time and memory)."),
        def("max-concurrent", SettingKind::Count, "256", "n",
            "Most requests forwarded at once; beyond it requests are answered 503 at once."),
        flag("preserve-host",
             "Send the Host header the caller used to the backend instead of the backend's own host."),
        def("ws-buffer", SettingKind::Size, "4MiB", "bytes",
            "Most bytes one proxied WebSocket may hold waiting, each way (unsent to a slow backend, or "
            "from the backend and not yet taken by the connection to the server, where reading the "
            "backend pauses at half of it); past it the connection is closed with 1009."),
        def("max-message-size", SettingKind::Size, "256MiB", "bytes",
            "Largest message the server may send on the tunnel's WebSocket (a request with its body, "
            "escaped or base64); a larger one closes the connection with 1009 and the tunnel reconnects. "
            "Memory grows with the bytes that arrive, never with the length a frame header announces."),
        // Tokens
        def("secret-store", SettingKind::Choice, "auto", "auto|keychain|file|env",
            "Where the key that encrypts stored tokens lives: the OS keychain, a key file (0600) in the data "
            "directory or $CREDENTIALS_DIRECTORY, or derived from TELEPHONE_SECRET_KEY_BASE. auto: the "
            "keychain when it answers, else the file; the choice is always reported.",
            {QStringLiteral("auto"), QStringLiteral("keychain"), QStringLiteral("file"), QStringLiteral("env")}),
        // Service accounts (issue 16)
        def("service-account-key-file", SettingKind::String, "", "file",
            "File (0600) holding a Plugboard service-account key (sa_live_...): when the tunnel has no usable "
            "token, Telephone asks the server's token vending for one. Under systemd, LoadCredential="
            "service-account-key:FILE is read from $CREDENTIALS_DIRECTORY without this option."),
        def("service-account-key", SettingKind::Secret, "", "key",
            "The service-account key itself, from TELEPHONE_SERVICE_ACCOUNT_KEY or the config file only: on "
            "the command line other users would see it (ps), so it is refused there."),
        def("service-account-path-id", SettingKind::String, "", "id",
            "Mount (path_id) to ask the service account's tokens for. Default: the previous token's, else the "
            "one the account is bound to."),
        // Operations
        def("metrics-address", SettingKind::String, "", "host:port",
            "Serve /live, /ready, /health and /metrics on this address (a bare port binds 127.0.0.1). "
            "Off when empty."),
        // Desktop
        flag("start-hidden", "With the GUI: start in the tray without showing the window."),
        def("notifications", SettingKind::Choice, "on", "on|off",
            "With the GUI: desktop notifications for lost connections, token expiry and refusals.",
            {QStringLiteral("on"), QStringLiteral("off")}),
        def("icon-style", SettingKind::Choice, "auto", "auto|colour|light|dark",
            "With the GUI: tray icon style; auto picks by the palette's lightness.",
            {QStringLiteral("auto"), QStringLiteral("colour"), QStringLiteral("light"), QStringLiteral("dark")}),
        def("language", SettingKind::String, "", "locale",
            "With the GUI: user interface language such as de or en; empty follows the system."),
    };
}

QString fileLabel(const QString &configFile)
{
    return QStringLiteral("config file %1").arg(QDir::toNativeSeparators(configFile));
}

bool isPrintableAscii(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f)
            return false;
    }
    return true;
}

/// Where each section and key of an INI file starts, for messages: QSettings does not say.
struct IniLines {
    QHash<QString, int> sections; ///< section name → line of its header
    QHash<QString, int> keys;     ///< section + '\n' + key → line (top-level keys: empty section)
};

IniLines scanIniLines(const QString &path)
{
    IniLines lines;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return lines;
    QString section;
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.startsWith(QLatin1Char('['))) {
            section = line.mid(1, line.indexOf(QLatin1Char(']')) - 1).trimmed();
            // As QSettings does: [general] is the top level.
            if (section.compare(QLatin1String("general"), Qt::CaseInsensitive) == 0)
                section.clear();
            if (!lines.sections.contains(section))
                lines.sections.insert(section, number);
            continue;
        }
        if (line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('#')))
            continue;
        const int equals = line.indexOf(QLatin1Char('='));
        const QString key = section + QLatin1Char('\n') + line.left(equals).trimmed();
        if (equals > 0 && !lines.keys.contains(key))
            lines.keys.insert(key, number);
    }
    return lines;
}

QString labelFor(SettingSource source, const SettingDef &def, const QString &configFile)
{
    switch (source) {
    case SettingSource::CommandLine:
        return QStringLiteral("command line");
    case SettingSource::Environment:
        return def.envName();
    case SettingSource::ConfigFile:
        return fileLabel(configFile);
    case SettingSource::Default:
        break;
    }
    return QStringLiteral("default");
}

// Long values (a pasted certificate, say) would bury the message.
QString quoted(const QString &text)
{
    constexpr int kMax = 120;
    QString shown = text.size() > kMax ? text.left(kMax) + QStringLiteral("…") : text;
    return QLatin1Char('"') + shown + QLatin1Char('"');
}

// Works on raw text, not QUrl, so that even a URL that does not parse never echoes its token or
// password in an error message (config/safeurl does the same for parsed URLs).
QString redactTokenQuery(const QString &text)
{
    static const QRegularExpression tokenParam(QStringLiteral("((?:^|[?&;])token=)[^&#;]*"),
                                               QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression userInfo(QStringLiteral("^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/?#@]*@"));
    QString out = text;
    out.replace(tokenParam, QStringLiteral("\\1[redacted]"));
    out.replace(userInfo, QStringLiteral("\\1[redacted]@"));
    return out;
}

enum class DurationCheck { Ok, NotANumber, Negative, TooShort, TooLong };

DurationCheck checkDuration(const QString &text, milliseconds *out)
{
    bool ok = false;
    // The C locale, so "0.5" means the same under every LANG.
    const double seconds = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok || std::isnan(seconds))
        return DurationCheck::NotANumber;
    if (seconds < 0)
        return DurationCheck::Negative;
    if (std::isinf(seconds))
        return DurationCheck::TooLong;
    const double ms = std::round(seconds * 1000.0);
    // Every duration ends up in a QTimer, whose interval is an int of milliseconds.
    if (ms > static_cast<double>(INT_MAX))
        return DurationCheck::TooLong;
    if (seconds > 0 && ms < 1)
        return DurationCheck::TooShort;
    *out = milliseconds(static_cast<qint64>(ms));
    return DurationCheck::Ok;
}

// "~" is not expanded by systemd's Environment= nor by an INI file, and users write it anyway.
QString expandPath(const QString &text, const QString &baseDir)
{
    QString path = text.trimmed();
    if (path == QLatin1String("~"))
        path = QDir::homePath();
    else if (path.startsWith(QLatin1String("~/")))
        path = QDir::homePath() + path.mid(1);
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(path));
}

bool isSchemeLess(const QUrl &url)
{
    // "localhost:3000" parses as scheme "localhost" with path "3000"; "example.com" as a relative path.
    return url.scheme().isEmpty() || url.host().isEmpty();
}

QString schemeHint(const QString &text, const char *scheme)
{
    return QStringLiteral("%1 has no scheme; did you mean %2://%3?")
        .arg(quoted(text), QLatin1String(scheme), text.trimmed());
}

QString iniText(const QVariant &value)
{
    // QSettings splits unquoted values at commas into a list; the user meant one string.
    if (value.userType() == QMetaType::QStringList)
        return value.toStringList().join(QLatin1Char(','));
    return value.toString();
}

} // namespace

QString SettingDef::envName() const
{
    return QStringLiteral("TELEPHONE_") + key.toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

QString SettingDef::tunnelEnvName(const QString &tunnel) const
{
    return QStringLiteral("TELEPHONE_TUNNEL_%1_%2")
        .arg(tunnel.toUpper().replace(QLatin1Char('-'), QLatin1Char('_')),
             key.toUpper().replace(QLatin1Char('-'), QLatin1Char('_')));
}

const QList<SettingDef> &Settings::table()
{
    static const QList<SettingDef> defs = markPerTunnel(buildTable());
    return defs;
}

const SettingDef *Settings::find(const QString &key)
{
    for (const SettingDef &d : table()) {
        if (d.key == key)
            return &d;
    }
    return nullptr;
}

void Settings::addOptions(QCommandLineParser &parser)
{
    for (const SettingDef &d : table()) {
        QString help = d.help;
        if (d.kind != SettingKind::Flag && !d.defaultValue.isEmpty())
            help += QStringLiteral(" Default: %1.").arg(d.defaultValue);
        if (d.kind == SettingKind::Flag)
            parser.addOption(QCommandLineOption(d.key, help));
        else
            parser.addOption(QCommandLineOption(d.key, help, d.valueName));
    }
    parser.addOption(QCommandLineOption(
        kTunnelOption,
        QStringLiteral("Run only this tunnel of the config file (a [tunnel.NAME] section, or \"default\" for the "
                       "one from the command line); repeat it for several. Default: every configured tunnel. "
                       "`telephone token ... --tunnel NAME` acts on that tunnel's stored tokens."),
        QStringLiteral("name")));
}

QString Settings::defaultConfigFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/telephone.ini");
}

QString Settings::environmentHelp()
{
    int width = 0;
    for (const SettingDef &d : table())
        width = std::max(width, int(d.envName().size()));

    QString text = QStringLiteral(
        "Environment:\n"
        "  Every option has an environment twin. Precedence: command line, then environment, then the\n"
        "  config file, then the default. An empty variable counts as not set. Flags take\n"
        "  1/0, true/false, yes/no or on/off.\n");
    for (const SettingDef &d : table())
        text += QStringLiteral("  %1  --%2\n").arg(d.envName().leftJustified(width), d.key);
    text += QStringLiteral(
        "  Per tunnel of the config file ([tunnel.NAME]): TELEPHONE_TUNNEL_<NAME>_<OPTION>, e.g.\n"
        "  TELEPHONE_TUNNEL_API_BACKEND; it comes before the section, which comes before [general].\n");
    text += QStringLiteral("\nConfig file (default): %1\n").arg(QDir::toNativeSeparators(defaultConfigFile()));
    return text;
}

std::optional<milliseconds> Settings::parseDuration(const QString &text)
{
    milliseconds ms{0};
    if (checkDuration(text, &ms) != DurationCheck::Ok)
        return std::nullopt;
    return ms;
}

std::optional<bool> Settings::parseFlag(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("1") || t == QLatin1String("true") || t == QLatin1String("yes") || t == QLatin1String("on"))
        return true;
    if (t == QLatin1String("0") || t == QLatin1String("false") || t == QLatin1String("no") || t == QLatin1String("off"))
        return false;
    return std::nullopt;
}

std::optional<QUrl> Settings::parseBackend(const QString &text, QString *error)
{
    const QString t = text.trimmed();
    const QString shown = redactTokenQuery(t);
    if (t.isEmpty()) {
        *error = QStringLiteral("the backend URL is empty");
        return std::nullopt;
    }

    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    if (digits.match(t).hasMatch()) {
        bool ok = false;
        const int port = t.toInt(&ok);
        if (!ok || port < 1 || port > 65535) {
            *error = QStringLiteral("%1 is not a port number (1-65535)").arg(quoted(shown));
            return std::nullopt;
        }
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(port);
        return url;
    }

    QUrl url(t, QUrl::StrictMode);
    if (!url.isValid()) {
        *error = QStringLiteral("%1 is not a valid URL").arg(quoted(shown));
        return std::nullopt;
    }
    const QString scheme = url.scheme();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        if (isSchemeLess(url))
            *error = schemeHint(shown, "http");
        else
            *error = QStringLiteral("%1 has scheme \"%2\"; only http:// and https:// backends are supported")
                         .arg(quoted(shown), scheme);
        return std::nullopt;
    }
    if (url.host().isEmpty()) {
        *error = QStringLiteral("%1 has no host").arg(quoted(shown));
        return std::nullopt;
    }
    if (url.hasQuery() || url.hasFragment()) {
        *error = QStringLiteral("%1 has a query or fragment; give only scheme, host, port and an optional base path")
                     .arg(quoted(shown));
        return std::nullopt;
    }
    // The request path is appended to the base path, so "/base/" would make "//".
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path);
    return url;
}

std::optional<QUrl> Settings::parseServer(const QString &text, QString *error)
{
    const QString t = text.trimmed();
    const QString shown = redactTokenQuery(t);
    if (t.isEmpty()) {
        *error = QStringLiteral("the server URL is empty");
        return std::nullopt;
    }

    QUrl url(t, QUrl::StrictMode);
    if (!url.isValid()) {
        *error = QStringLiteral("%1 is not a valid URL").arg(quoted(shown));
        return std::nullopt;
    }
    const QString scheme = url.scheme();
    if (scheme == QLatin1String("http")) {
        url.setScheme(QStringLiteral("ws"));
    } else if (scheme == QLatin1String("https")) {
        url.setScheme(QStringLiteral("wss"));
    } else if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")) {
        if (isSchemeLess(url))
            *error = schemeHint(shown, "wss");
        else
            *error = QStringLiteral("%1 has scheme \"%2\"; use wss://, ws://, https:// or http://")
                         .arg(quoted(shown), scheme);
        return std::nullopt;
    }
    if (url.host().isEmpty()) {
        *error = QStringLiteral("%1 has no host").arg(quoted(shown));
        return std::nullopt;
    }
    if (url.hasFragment()) {
        *error = QStringLiteral("%1 has a fragment (#...), which a WebSocket URL cannot carry").arg(quoted(shown));
        return std::nullopt;
    }
    if (url.path().isEmpty() || url.path() == QLatin1String("/"))
        url.setPath(QStringLiteral("/socket/websocket"));
    return url;
}

struct Settings::IniContent {
    struct Value {
        QString text;
        int line = 0;
    };
    struct Section {
        QString name;
        int line = 0;
        QHash<QString, Value> values;
        QString problem; ///< non-empty: the section cannot be used
    };
    QHash<QString, Value> general; ///< top-level and [general] keys: defaults for every tunnel
    QList<Section> tunnels;        ///< the [tunnel.NAME] sections in file order
    QStringList warnings;

    const Section *section(const QString &name) const
    {
        for (const Section &section : tunnels) {
            if (section.name == name)
                return &section;
        }
        return nullptr;
    }
};

Settings::TunnelNameProblem Settings::tunnelNameProblem(const QString &name, const QStringList &otherNames)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    if (!pattern.match(name).hasMatch())
        return TunnelNameProblem::Invalid;
    if (name.compare(defaultTunnelName(), Qt::CaseInsensitive) == 0)
        return TunnelNameProblem::Reserved;
    if (otherNames.contains(name, Qt::CaseInsensitive))
        return TunnelNameProblem::Taken;
    return TunnelNameProblem::None;
}

bool Settings::locateConfigFile(const QCommandLineParser &parser, const QProcessEnvironment &env, Settings *out,
                                QString *error)
{
    Settings &s = *out;
    // The config file has to be found before anything can be read from it, so it is resolved from
    // the command line and environment only; a config file cannot name another one.
    const SettingDef &configDef = *find(kConfig);
    {
        Entry entry;
        if (parser.isSet(kConfig)) {
            entry = {parser.value(kConfig), SettingSource::CommandLine, QString()};
        } else if (const QString e = env.value(configDef.envName()); !e.trimmed().isEmpty()) {
            entry = {e, SettingSource::Environment, QString()};
        }
        const bool explicitFile = entry.source != SettingSource::Default;
        if (explicitFile) {
            if (entry.value.trimmed().isEmpty()) {
                *error = QStringLiteral("--config (from command line): the file name is empty");
                return false;
            }
            entry.value = expandPath(entry.value, QDir::currentPath());
        } else {
            entry.value = defaultConfigFile();
        }
        const QString where = labelFor(entry.source, configDef, entry.value);
        const QFileInfo info(entry.value);
        if (explicitFile && !info.exists()) {
            *error = QStringLiteral("--config (from %1): %2 does not exist").arg(where, quoted(entry.value));
            return false;
        }
        if (info.exists() && !info.isFile()) {
            *error = QStringLiteral("--config (from %1): %2 is not a file").arg(where, quoted(entry.value));
            return false;
        }
        if (info.exists() && !info.isReadable()) {
            *error = QStringLiteral("--config (from %1): %2 cannot be read").arg(where, quoted(entry.value));
            return false;
        }
        s.m_entries.insert(kConfig, entry);
    }
    return true;
}

bool Settings::readConfigFile(const QString &configFile, IniContent *out, QString *error)
{
    if (!QFileInfo::exists(configFile))
        return true;
    const QString configLabel = fileLabel(configFile);
    QSettings ini(configFile, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError) {
        *error = QStringLiteral("%1 is not a valid INI file").arg(configLabel);
        return false;
    }
    const IniLines lines = scanIniLines(configFile);

    // Top-level keys (QSettings reads [general] as the top level) are settings and the defaults of
    // every tunnel; [tunnel.NAME] sections are tunnels; other sections are left to others (a UI
    // could keep its state under [ui]).
    const QStringList keys = ini.childKeys();
    for (const QString &key : keys) {
        const SettingDef *d = find(key);
        if (!d) {
            out->warnings << QStringLiteral("%1: unknown key \"%2\" ignored").arg(configLabel, key);
        } else if (d->key == kConfig) {
            out->warnings << QStringLiteral("%1: \"config\" cannot be set in a config file; ignored").arg(configLabel);
        } else {
            out->general.insert(key, {iniText(ini.value(key)), lines.keys.value(QString() + QLatin1Char('\n') + key)});
        }
    }

    // From the text, not QSettings: it does not list a section without keys.
    QStringList groups = lines.sections.keys();
    std::sort(groups.begin(), groups.end(), [&lines](const QString &a, const QString &b) {
        return lines.sections.value(a) < lines.sections.value(b);
    });
    for (const QString &group : groups) {
        if (!group.startsWith(kTunnelPrefix))
            continue;
        IniContent::Section section;
        section.name = group.mid(kTunnelPrefix.size());
        section.line = lines.sections.value(group);
        const QString where = QStringLiteral("%1 line %2").arg(configLabel).arg(section.line);
        QStringList earlierNames;
        for (const IniContent::Section &other : std::as_const(out->tunnels))
            earlierNames << other.name;
        switch (tunnelNameProblem(section.name, earlierNames)) {
        case TunnelNameProblem::None: break;
        case TunnelNameProblem::Invalid:
            section.problem = QStringLiteral("[%1] (%2): \"%3\" is not a valid tunnel name (letters, digits, - and _)")
                                  .arg(group, where, section.name);
            break;
        case TunnelNameProblem::Reserved:
            section.problem = QStringLiteral("[%1] (%2): the name \"%3\" belongs to the command-line tunnel; "
                                             "choose another")
                                  .arg(group, where, section.name);
            break;
        case TunnelNameProblem::Taken: {
            const auto earlier = std::find_if(earlierNames.cbegin(), earlierNames.cend(), [&](const QString &name) {
                return name.compare(section.name, Qt::CaseInsensitive) == 0;
            });
            section.problem = QStringLiteral("[%1] (%2): another section is named \"%3\" (names must differ in "
                                             "more than case)")
                                  .arg(group, where, *earlier);
            break;
        }
        }
        ini.beginGroup(group);
        const QStringList sectionKeys = ini.childKeys();
        for (const QString &key : sectionKeys) {
            const SettingDef *d = find(key);
            const int line = lines.keys.value(group + QLatin1Char('\n') + key);
            const QString keyWhere = QStringLiteral("%1 line %2").arg(configLabel).arg(line);
            if (!d)
                out->warnings << QStringLiteral("%1: unknown key \"%2\" in [%3] ignored").arg(keyWhere, key, group);
            else if (!d->perTunnel)
                out->warnings << QStringLiteral("%1: \"%2\" applies to all tunnels and is ignored in [%3]; put it "
                                                "in [general]")
                                     .arg(keyWhere, key, group);
            else
                section.values.insert(key, {iniText(ini.value(key)), line});
        }
        ini.endGroup();
        out->tunnels << section;
    }
    return true;
}

std::optional<Settings> Settings::resolve(const QCommandLineParser &parser, const QProcessEnvironment &env,
                                          QString *error)
{
    Settings located;
    IniContent ini;
    if (!locateConfigFile(parser, env, &located, error) || !readConfigFile(located.configFile(), &ini, error))
        return std::nullopt;
    std::optional<Settings> s = resolveOne(located, parser, env, ini, QString(), error);
    if (s)
        s->m_warnings = ini.warnings + s->m_warnings;
    return s;
}

std::optional<TunnelSettingsList> Settings::resolveTunnels(const QCommandLineParser &parser,
                                                           const QProcessEnvironment &env, QString *error)
{
    Settings located;
    IniContent ini;
    if (!locateConfigFile(parser, env, &located, error) || !readConfigFile(located.configFile(), &ini, error))
        return std::nullopt;
    // The command-line tunnel carries the process-wide values: a bad one stops everything.
    std::optional<Settings> base = resolveOne(located, parser, env, ini, QString(), error);
    if (!base)
        return std::nullopt;
    base->m_warnings = ini.warnings + base->m_warnings;

    const QString configLabel = fileLabel(located.configFile());
    QStringList selected = parser.isSet(kTunnelOption) ? parser.values(kTunnelOption) : QStringList();
    selected.removeDuplicates();
    for (const QString &name : std::as_const(selected)) {
        if (name != defaultTunnelName() && !ini.section(name)) {
            QStringList known{defaultTunnelName()};
            for (const IniContent::Section &section : std::as_const(ini.tunnels))
                known << section.name;
            *error = QStringLiteral("--tunnel %1: no tunnel of that name in %2 (configured: %3)")
                         .arg(quoted(name), configLabel, known.join(QStringLiteral(", ")));
            return std::nullopt;
        }
    }

    TunnelSettingsList list;
    auto wanted = [&](const QString &name) { return selected.isEmpty() || selected.contains(name); };
    // Sections make the command-line tunnel optional: it runs when the command line or the
    // environment gives it a server or a backend (or --demo), as a single-tunnel start always did.
    const auto givenOutsideTheFile = [&](const QString &key) {
        return base->source(key) == SettingSource::CommandLine || base->source(key) == SettingSource::Environment;
    };
    const bool defaultConfigured =
        ini.tunnels.isEmpty() || givenOutsideTheFile(kServer) || givenOutsideTheFile(kBackend) || base->demo();
    if (selected.isEmpty() ? defaultConfigured : selected.contains(defaultTunnelName()))
        list.tunnels << *base;

    for (const IniContent::Section &section : std::as_const(ini.tunnels)) {
        if (!wanted(section.name))
            continue;
        if (!section.problem.isEmpty()) {
            list.errors << section.problem;
            continue;
        }
        const QString where = QStringLiteral("tunnel %1 ([tunnel.%1] at %2 line %3)")
                                  .arg(section.name, configLabel)
                                  .arg(section.line);
        QString problem;
        std::optional<Settings> tunnel = resolveOne(located, parser, env, ini, section.name, &problem);
        if (!tunnel) {
            list.errors << QStringLiteral("%1: %2").arg(where, problem);
            continue;
        }
        QStringList missing;
        if (tunnel->serverUrl().isEmpty())
            missing << QStringLiteral("no server");
        if (tunnel->backendUrl().isEmpty())
            missing << QStringLiteral("no backend");
        if (!missing.isEmpty()) {
            list.errors << QStringLiteral("%1: %2; set them in the section or in [general]")
                               .arg(where, missing.join(QStringLiteral(" and ")));
            continue;
        }
        base->m_warnings += tunnel->m_warnings;
        list.tunnels << *tunnel;
    }
    list.warnings = base->m_warnings;
    for (Settings &tunnel : list.tunnels)
        tunnel.m_warnings.clear();
    return list;
}

std::optional<Settings> Settings::resolveOne(const Settings &located, const QCommandLineParser &parser,
                                             const QProcessEnvironment &env, const IniContent &ini,
                                             const QString &sectionName, QString *error)
{
    Settings s = located;
    const IniContent::Section *section = sectionName.isEmpty() ? nullptr : ini.section(sectionName);
    if (section)
        s.m_tunnelName = section->name;
    const QString configLabel = fileLabel(s.configFile());

    // Layering. Empty environment and file values count as absent (systemd's `Environment=X=` and a
    // blanked-out INI line both mean "not set"); an explicit empty on the command line overrides.
    // A [tunnel.NAME] section's own keys have no command line: its environment twins come first.
    for (const SettingDef &d : table()) {
        if (d.key == kConfig)
            continue;
        Entry entry{d.defaultValue, SettingSource::Default, QString()};
        const IniContent::Value general = ini.general.value(d.key);
        if (section && d.perTunnel) {
            const QString envName = d.tunnelEnvName(section->name);
            const IniContent::Value own = section->values.value(d.key);
            if (const QString e = env.value(envName); !e.trimmed().isEmpty())
                entry = {e, SettingSource::Environment, envName};
            else if (!own.text.trimmed().isEmpty())
                entry = {own.text, SettingSource::ConfigFile,
                         QStringLiteral("%1 line %2").arg(configLabel).arg(own.line)};
            else if (!general.text.trimmed().isEmpty())
                entry = {general.text, SettingSource::ConfigFile, QString()};
        } else if (parser.isSet(d.key)) {
            entry = {d.kind == SettingKind::Flag ? QStringLiteral("true") : parser.value(d.key),
                     SettingSource::CommandLine, QString()};
        } else if (const QString e = env.value(d.envName()); !e.trimmed().isEmpty()) {
            entry = {e, SettingSource::Environment, QString()};
        } else if (!general.text.trimmed().isEmpty()) {
            entry = {general.text, SettingSource::ConfigFile, QString()};
        }
        s.m_entries.insert(d.key, entry);
    }
    if (!s.validate(error))
        return std::nullopt;
    return s;
}

bool Settings::validate(QString *error)
{
    Settings &s = *this;
    const QString configPath = configFile();
    const QString configLabel = fileLabel(configPath);
    // Validation, in table order so that the first error reported is stable.
    for (const SettingDef &d : table()) {
        if (d.key == kConfig)
            continue;
        Entry &entry = s.m_entries[d.key];
        const QString prefix =
            QStringLiteral("--%1 (from %2): ").arg(d.key, s.sourceDescription(d.key));
        const QString text = entry.value.trimmed();
        auto fail = [&](const QString &message) {
            *error = prefix + message;
            return false;
        };

        switch (d.kind) {
        case SettingKind::String:
            entry.value = text;
            break;
        case SettingKind::Secret: {
            entry.value = text;
            if (d.key == kServiceAccountKey && entry.source == SettingSource::CommandLine)
                return fail(QStringLiteral("a service-account key on the command line can be read by every user of "
                                           "this machine (ps); use %1, --service-account-key-file or the config "
                                           "file")
                                .arg(d.envName()));
            // It travels in a URL query and an HTTP header; anything else is a paste accident.
            // The value itself never appears in the message.
            if (!isPrintableAscii(text))
                return fail(QStringLiteral("the %1 is malformed (it may contain only printable ASCII "
                                           "characters, no spaces)")
                                .arg(d.key == kToken ? QStringLiteral("token") : QStringLiteral("key")));
            break;
        }
        case SettingKind::Url: {
            entry.value = text;
            if (text.isEmpty())
                break;
            QString reason;
            if (d.key == kServer) {
                const auto url = parseServer(text, &reason);
                if (!url)
                    return fail(reason);
                s.m_serverUrl = *url;
                const QString givenPath = QUrl(text.trimmed()).path();
                s.m_serverPathGiven = !givenPath.isEmpty() && givenPath != QLatin1String("/");
            } else {
                const auto url = parseBackend(text, &reason);
                if (!url)
                    return fail(reason);
                s.m_backendUrl = *url;
            }
            break;
        }
        case SettingKind::Path: {
            if (text.isEmpty() && entry.source != SettingSource::Default)
                return fail(QStringLiteral("the path is empty"));
            if (text.isEmpty()) {
                entry.value = d.key == kDataDir ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                                                : QString();
                break;
            }
            // A relative path in the config file is meant relative to that file.
            const QString base = entry.source == SettingSource::ConfigFile ? QFileInfo(configPath).absolutePath()
                                                                            : QDir::currentPath();
            entry.value = expandPath(text, base);
            const QFileInfo info(entry.value);
            if (d.key == kDataDir && info.exists() && !info.isDir())
                return fail(QStringLiteral("%1 exists and is not a directory").arg(quoted(entry.value)));
            break;
        }
        case SettingKind::Duration: {
            milliseconds ms{0};
            const bool allowZero = d.key == kAuthRetry;
            switch (checkDuration(text, &ms)) {
            case DurationCheck::Ok:
                break;
            case DurationCheck::NotANumber:
                return fail(QStringLiteral("%1 is not a number of seconds").arg(quoted(entry.value)));
            case DurationCheck::Negative:
                return fail(QStringLiteral("%1 is negative; give a number of seconds%2")
                                .arg(quoted(text), allowZero ? QStringLiteral(" (0 = never)") : QString()));
            case DurationCheck::TooShort:
                return fail(QStringLiteral("%1 is shorter than a millisecond").arg(quoted(text)));
            case DurationCheck::TooLong:
                return fail(
                    QStringLiteral("%1 is too long (at most %2 seconds)").arg(quoted(text)).arg(INT_MAX / 1000));
            }
            if (ms.count() == 0 && !allowZero)
                return fail(QStringLiteral("%1 must be more than 0 seconds").arg(quoted(text)));
            if (d.key == kHeartbeat && ms >= kServerIdleLimit)
                return fail(QStringLiteral("%1 must be less than 60 seconds: the server drops clients that send no "
                                           "heartbeat for 60 s")
                                .arg(quoted(text)));
            entry.value = text;
            s.m_durations.insert(d.key, ms);
            break;
        }
        case SettingKind::Flag: {
            const auto on = parseFlag(text);
            if (!on)
                return fail(QStringLiteral("%1 is not a yes/no value (use 1/0, true/false, yes/no or on/off)")
                                .arg(quoted(entry.value)));
            entry.value = *on ? QStringLiteral("true") : QStringLiteral("false");
            break;
        }
        case SettingKind::Size: {
            const auto bytes = parseSize(text);
            if (!bytes || *bytes <= 0)
                return fail(QStringLiteral("%1 is not a size in bytes (e.g. 1048576, 512K, 1MiB, 2G)")
                                .arg(quoted(entry.value)));
            if (d.key == QLatin1String("chunk-size") && *bytes < kMinChunkSize)
                return fail(QStringLiteral("%1 is smaller than the minimum of 16KiB (16384 bytes)")
                                .arg(quoted(entry.value)));
            entry.value = text;
            s.m_numbers.insert(d.key, *bytes);
            break;
        }
        case SettingKind::Count: {
            bool ok = false;
            const qint64 n = text.toLongLong(&ok);
            if (!ok || n <= 0 || n > 1000000)
                return fail(QStringLiteral("%1 is not a whole number from 1 to 1000000").arg(quoted(entry.value)));
            entry.value = text;
            s.m_numbers.insert(d.key, n);
            break;
        }
        case SettingKind::Choice: {
            const QString lower = text.toLower();
            if (!d.choices.contains(lower))
                return fail(QStringLiteral("%1 is not one of: %2")
                                .arg(quoted(entry.value), d.choices.join(QStringLiteral(", "))));
            entry.value = lower;
            break;
        }
        }
    }

    if (s.backoffInitial() > s.backoffMax()) {
        *error = QStringLiteral("--backoff-initial (from %1): %2 is more than --backoff-max (%3, from %4)")
                     .arg(s.sourceDescription(kBackoffInitial), quoted(s.value(kBackoffInitial)),
                          s.value(kBackoffMax), s.sourceDescription(kBackoffMax));
        return false;
    }

    const bool configShared = QFileInfo(configPath).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther);
    for (const auto &[key, what] : {std::pair{kToken, "token"}, std::pair{kServiceAccountKey, "service-account key"}}) {
        if (configShared && s.source(key) == SettingSource::ConfigFile)
            s.m_warnings << QStringLiteral("%1 holds the %2 and other users can read it; chmod 600 it")
                                .arg(configLabel, QLatin1String(what));
    }

    return readTokenFile(error);
}

bool Settings::readTokenFile(QString *error)
{
    const QString file = value(kTokenFile);
    if (file.isEmpty())
        return true;
    const QString prefix = QStringLiteral("--token-file (from %1): ").arg(sourceDescription(kTokenFile));
    if (!token().isEmpty()) {
        *error = prefix + QStringLiteral("a token is also given (from %1); give one of them").arg(sourceDescription(kToken));
        return false;
    }
    if (!QFileInfo(file).isFile()) {
        *error = prefix + QStringLiteral("%1 does not exist or is not a file").arg(quoted(file));
        return false;
    }
    if (privatefiles::isShared(file)) {
        *error = prefix + QStringLiteral("%1 can be read by other users; it holds a secret: chmod 600 it").arg(quoted(file));
        return false;
    }
    QString readError;
    const std::optional<QByteArray> data = privatefiles::readFile(file, &readError);
    if (!data) {
        *error = prefix + readError;
        return false;
    }
    const qsizetype newline = data->indexOf('\n');
    const QString token = QString::fromUtf8(newline < 0 ? *data : data->left(newline)).trimmed();
    if (token.isEmpty()) {
        *error = prefix + QStringLiteral("%1 is empty").arg(quoted(file));
        return false;
    }
    if (!isPrintableAscii(token)) {
        *error = prefix + QStringLiteral("the token in %1 is malformed (it may contain only printable ASCII "
                                         "characters, no spaces)")
                              .arg(quoted(file));
        return false;
    }
    m_entries.insert(kToken, {token, source(kTokenFile), QStringLiteral("token file %1").arg(file)});
    return true;
}

std::optional<qint64> Settings::parseSize(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(\\d{1,15})\\s*([kKmMgG]?)(i?[bB])?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    qint64 value = match.captured(1).toLongLong();
    const QString unit = match.captured(2).toLower();
    const int shift = unit == QLatin1String("k") ? 10 : unit == QLatin1String("m") ? 20 : unit == QLatin1String("g") ? 30 : 0;
    if (value > (std::numeric_limits<qint64>::max() >> shift))
        return std::nullopt;
    return value << shift;
}

qint64 Settings::number(const QString &key) const
{
    Q_ASSERT_X(m_numbers.contains(key), "Settings::number", "not a Size or Count key");
    return m_numbers.value(key);
}

QString Settings::value(const QString &key) const
{
    Q_ASSERT_X(find(key), "Settings::value", "key not in the table");
    return m_entries.value(key).value;
}

SettingSource Settings::source(const QString &key) const
{
    Q_ASSERT_X(find(key), "Settings::source", "key not in the table");
    return m_entries.value(key).source;
}

QString Settings::sourceDescription(const QString &key) const
{
    const SettingDef *d = find(key);
    if (!d)
        return QString();
    if (const QString label = m_entries.value(key).label; !label.isEmpty())
        return label;
    return labelFor(source(key), *d, configFile());
}

QString Settings::logLevel() const
{
    return debug() ? QStringLiteral("debug") : value(QStringLiteral("log-level"));
}

milliseconds Settings::duration(const QString &key) const
{
    Q_ASSERT_X(m_durations.contains(key), "Settings::duration", "not a duration key");
    return m_durations.value(key);
}

bool Settings::flag(const QString &key) const
{
    return value(key) == QLatin1String("true");
}

} // namespace telephone
