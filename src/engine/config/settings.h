#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <optional>

class QCommandLineParser;
class QProcessEnvironment;

namespace telephone {

struct TunnelSettingsList;

enum class SettingKind {
    String,
    Secret, ///< never echoed in errors, help or "where did this come from" messages
    Url,
    Path,
    Duration, ///< decimal seconds, fractions allowed
    Flag,
    Choice,
    Size,  ///< bytes: 1048576, 1MiB, 100M, 64k (K/M/G are powers of 1024)
    Count, ///< a whole number above 0
};

/// One row of the settings table: the single source for the command line, the environment twin,
/// the INI key and the help text.
struct SettingDef {
    QString key; ///< command-line name (without "--") and INI key
    SettingKind kind = SettingKind::String;
    QString defaultValue;
    QString valueName; ///< placeholder shown by --help; empty for flags
    QString help;
    QStringList choices; ///< allowed values for SettingKind::Choice, lower case
    /// Set per tunnel (a `[tunnel.NAME]` key, `TELEPHONE_TUNNEL_<NAME>_<KEY>`); the others apply
    /// to the whole process.
    bool perTunnel = false;

    /// `TELEPHONE_` + the key upper-cased with '-' turned into '_'.
    QString envName() const;
    /// `TELEPHONE_TUNNEL_<NAME>_<KEY>`, both upper-cased with '-' turned into '_'.
    QString tunnelEnvName(const QString &tunnel) const;
};


enum class SettingSource { Default, ConfigFile, Environment, CommandLine };

/// The resolved, validated configuration: command line > environment > config file > defaults.
///
/// A plain value type: resolve() reads everything once at start-up (on the main thread, after the
/// application and organisation names are set, because the defaults come from QStandardPaths) and
/// the result can then be copied to and read from any thread. Writes no files.
class Settings
{
public:
    static const QList<SettingDef> &table();
    /// nullptr for a key that is not in the table.
    static const SettingDef *find(const QString &key);

    /// Adds every table key as a long option. --help and --version are the caller's
    /// (QCommandLineParser::addHelpOption / addVersionOption).
    static void addOptions(QCommandLineParser &parser);

    /// Layers the sources and validates every value. Returns std::nullopt and sets *error (one
    /// user-readable sentence naming the option, where it came from and the bad value) on bad
    /// configuration. An empty server, token or backend is not an error here: the caller decides
    /// whether it needs them (--demo needs none; the tray can ask for a token later).
    /// `parser` must have been given addOptions() and then parse()d or process()ed.
    static std::optional<Settings> resolve(const QCommandLineParser &parser, const QProcessEnvironment &env,
                                           QString *error);
    /// Every configured tunnel (issue 15): the `[tunnel.NAME]` sections of the config file, each
    /// layered as TELEPHONE_TUNNEL_<NAME>_<KEY> > its section > `[general]` (top-level keys) >
    /// defaults, and the tunnel "default" from the single-tunnel command line (resolve()), present
    /// when there are no sections or when --server, --backend or --demo are given on the command
    /// line or in the environment. --tunnel NAME (repeatable) keeps only the named ones.
    /// std::nullopt with *error when nothing can run: a bad process-wide value, an unknown
    /// --tunnel name. An invalid tunnel only adds to TunnelSettingsList::errors.
    static std::optional<TunnelSettingsList> resolveTunnels(const QCommandLineParser &parser,
                                                            const QProcessEnvironment &env, QString *error);
    /// The tunnel's name: "default" for the command-line tunnel, else NAME of `[tunnel.NAME]`.
    QString tunnelName() const { return m_tunnelName; }
    static QString defaultTunnelName() { return QStringLiteral("default"); }
    /// What keeps `name` from naming a `[tunnel.NAME]` section beside `otherNames` (the one rule for
    /// the config reader, the config writer and the tunnel editor).
    enum class TunnelNameProblem {
        None,
        Invalid,  ///< not 1 to 64 letters, digits, '-' and '_': the name is part of environment variable names
        Reserved, ///< "default" in any case: the command-line tunnel's
        Taken,    ///< another tunnel has it, ignoring case (the environment twins upper-case it)
    };
    static TunnelNameProblem tunnelNameProblem(const QString &name, const QStringList &otherNames);

    /// The effective value as text (flags are "true"/"false", choices lower case, config and
    /// data-dir the resolved absolute paths). For "token" this is the secret itself: do not log it.
    QString value(const QString &key) const;
    SettingSource source(const QString &key) const;
    /// Where a value came from, for messages: "command line", "TELEPHONE_SERVER",
    /// "config file /home/u/.config/telephone/telephone.ini" or "default".
    QString sourceDescription(const QString &key) const;
    /// Non-fatal findings the caller should log once logging is set up (unknown keys in the config
    /// file, a config file holding the token that others can read).
    QStringList warnings() const { return m_warnings; }

    /// ws:// or wss:// with /socket/websocket when no path was given; the user's query is kept.
    /// Empty when no server was configured. vsn and token are the connection's business.
    QUrl serverUrl() const { return m_serverUrl; }
    /// The user's server URL named a socket path; without one, /socket/websocket stands in
    /// serverUrl() (the tunnel's identity) and the real path is discovered.
    bool serverPathGiven() const { return m_serverPathGiven; }
    QString token() const { return value(QStringLiteral("token")); }
    /// http:// or https://, no trailing slash on the base path. Empty when not configured.
    QUrl backendUrl() const { return m_backendUrl; }
    /// The INI file that was (or would have been) read; it may not exist when it is the default.
    QString configFile() const { return value(QStringLiteral("config")); }
    QString dataDir() const { return value(QStringLiteral("data-dir")); }

    std::chrono::milliseconds heartbeatInterval() const { return duration(QStringLiteral("heartbeat-interval")); }
    std::chrono::milliseconds requestTimeout() const { return duration(QStringLiteral("request-timeout")); }
    std::chrono::milliseconds joinTimeout() const { return duration(QStringLiteral("join-timeout")); }
    std::chrono::milliseconds backoffInitial() const { return duration(QStringLiteral("backoff-initial")); }
    std::chrono::milliseconds backoffMax() const { return duration(QStringLiteral("backoff-max")); }
    /// Zero means: after an auth failure, never retry with the same token.
    std::chrono::milliseconds authRetryInterval() const { return duration(QStringLiteral("auth-retry-interval")); }
    std::chrono::milliseconds refreshMargin() const { return duration(QStringLiteral("refresh-margin")); }

    QString logFormat() const { return value(QStringLiteral("log-format")); }
    /// "debug" whenever debug() is set, whatever log-level says.
    QString logLevel() const;
    bool debug() const { return flag(QStringLiteral("debug")); }
    bool noGui() const { return flag(QStringLiteral("no-gui")); }
    bool demo() const { return flag(QStringLiteral("demo")); }
    bool exitOnAuthFailure() const { return flag(QStringLiteral("exit-on-auth-failure")); }

    // Forwarding
    std::chrono::milliseconds drainTimeout() const { return duration(QStringLiteral("drain-timeout")); }
    qint64 maxResponseSize() const { return number(QStringLiteral("max-response-size")); }
    qint64 chunkSize() const { return number(QStringLiteral("chunk-size")); }
    int maxConcurrent() const { return int(number(QStringLiteral("max-concurrent"))); }
    bool preserveHost() const { return flag(QStringLiteral("preserve-host")); }
    qint64 wsBuffer() const { return number(QStringLiteral("ws-buffer")); }
    qint64 maxMessageSize() const { return number(QStringLiteral("max-message-size")); }

    // Tokens: "auto", "keychain", "file" or "env"
    QString secretStore() const { return value(QStringLiteral("secret-store")); }
    /// The mount a service account's tokens are asked for; empty: the previous token's, else the account's.
    QString serviceAccountPathId() const { return value(QStringLiteral("service-account-path-id")); }

    // Operations: empty when the endpoints are off
    QString metricsAddress() const { return value(QStringLiteral("metrics-address")); }

    // Desktop
    bool startHidden() const { return flag(QStringLiteral("start-hidden")); }
    bool notifications() const { return value(QStringLiteral("notifications")) == QLatin1String("on"); }
    /// "auto", "colour", "light" or "dark"
    QString iconStyle() const { return value(QStringLiteral("icon-style")); }
    /// A locale name such as "de"; empty follows the system.
    QString language() const { return value(QStringLiteral("language")); }

    /// "1MiB", "100M", "65536" → bytes (K/M/G and KiB/MiB/GiB are powers of 1024).
    static std::optional<qint64> parseSize(const QString &text);

    /// Decimal seconds ("30", "0.5") rounded to whole milliseconds. Rejects text that is not a
    /// number, negative, non-finite or longer than a QTimer can wait (INT_MAX ms, ~24.8 days).
    /// Zero is accepted here; resolve() rejects it for every key but auth-retry-interval.
    static std::optional<std::chrono::milliseconds> parseDuration(const QString &text);
    /// "3000" → http://127.0.0.1:3000; otherwise an http(s) URL with a host and an optional base
    /// path (trailing slashes dropped). No query or fragment. *error says why on failure.
    static std::optional<QUrl> parseBackend(const QString &text, QString *error);
    /// http(s) → ws(s); an empty path becomes /socket/websocket; the query is kept. *error says
    /// why on failure and never repeats a token= query value.
    static std::optional<QUrl> parseServer(const QString &text, QString *error);
    /// 1/0, true/false, yes/no, on/off, any case.
    static std::optional<bool> parseFlag(const QString &text);

    /// Lines for the end of --help: every environment twin and the default config file.
    static QString environmentHelp();
    /// QStandardPaths AppConfigLocation + "/telephone.ini".
    static QString defaultConfigFile();

private:
    struct Entry {
        QString value;
        SettingSource source = SettingSource::Default;
        QString label; ///< where from, for messages; empty: the usual one for the source
    };
    struct IniContent;

    Settings() = default;
    static bool locateConfigFile(const QCommandLineParser &parser, const QProcessEnvironment &env, Settings *s,
                                 QString *error);
    static bool readConfigFile(const QString &configFile, IniContent *ini, QString *error);
    /// Layers one tunnel's values and validates them; the tunnel is the command-line one when
    /// `section` is null.
    static std::optional<Settings> resolveOne(const Settings &located, const QCommandLineParser &parser,
                                              const QProcessEnvironment &env, const IniContent &ini,
                                              const QString &sectionName, QString *error);
    bool validate(QString *error);
    bool readTokenFile(QString *error);
    std::chrono::milliseconds duration(const QString &key) const;
    bool flag(const QString &key) const;
    qint64 number(const QString &key) const;

    QHash<QString, Entry> m_entries;
    QHash<QString, std::chrono::milliseconds> m_durations;
    QHash<QString, qint64> m_numbers; ///< Size and Count values
    QUrl m_serverUrl;
    bool m_serverPathGiven = false;
    QUrl m_backendUrl;
    QStringList m_warnings;
    QString m_tunnelName = defaultTunnelName();
};

/// Every tunnel the configuration names, resolved: the valid ones ready to run and, for each invalid
/// one, a message naming it and the config-file line. One bad tunnel does not stop the others.
struct TunnelSettingsList {
    QList<Settings> tunnels; ///< in config-file order; the command-line tunnel "default" first
    QStringList errors;
    QStringList warnings; ///< every Settings::warnings() of the run, once (the tunnels' own are empty)
};

} // namespace telephone
