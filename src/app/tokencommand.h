#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

class QCommandLineParser;

namespace telephone {

class Settings;
class TokenStore;
struct JwtClaims;
struct ServiceAccountKey;
struct StoredToken;

/// `telephone token inspect|list|forget|paste|import-go|vend|key [--tunnel NAME]`: look at a token, and at what the encrypted
/// store holds, from a shell. Never prints a token. A short command-line tool run from main()
/// before any GUI decision; it may wait in a local event loop (for the keychain) because nothing
/// else runs in this process.
///
/// Exit codes: 0 done (inspect: the token is well formed and unexpired); 1 the store could not be
/// read or written, or the import failed; 2 bad usage, a malformed token or missing configuration;
/// 3 inspect: the token has expired.
class TokenCommand
{
public:
    enum Exit : int { Ok = 0, Failed = 1, Usage = 2, Expired = 3 };

    /// True when argv asks for this command (`telephone token ...`).
    static bool isRequested(int argc, char **argv);
    /// Creates the QCoreApplication and runs the command; returns the exit code.
    static int run(int argc, char **argv);
    /// `arguments` start with argv[0] and "token".
    static int run(const QStringList &arguments, const QProcessEnvironment &env);

    /// "in 5 min", "3 h ago", ... for expiry and issue times.
    static QString relative(qint64 secs, qint64 nowSecs);

private:
    /// The stored tokens that are one tunnel's (`--tunnel NAME`): its server and, when known, its mount.
    struct TunnelRows {
        QString name;
        QString server; ///< as the store keeps it (displayUrl)
        QString pathId; ///< empty: unknown until the server names it, so every row of the server
        static TunnelRows of(const Settings &settings);
        QString describe() const;
        bool contains(const StoredToken &row) const;
    };
    /// The one tunnel named by --tunnel, resolved as the main program resolves it.
    static std::optional<Settings> tunnelSettings(const QCommandLineParser &parser, const QProcessEnvironment &env,
                                                  QString *error);
    static int inspect(const QString &argument);
    static int list(const Settings &settings, const std::optional<TunnelRows> &tunnel);
    /// With `tunnel`: its rows of `pathId` (all of its server's when empty); else of `pathId` or all.
    static int forget(const Settings &settings, const QString &pathId, bool all,
                      const std::optional<TunnelRows> &tunnel);
    /// `token paste`: a token from stdin into the store, for the tunnel's server (source "pasted").
    static int paste(const Settings &settings, const std::optional<TunnelRows> &tunnel,
                     const QProcessEnvironment &env);
    static int importGo(const Settings &settings, const QString &dbFile, const QProcessEnvironment &env);
    static QByteArray readSecretKeyBase(const QProcessEnvironment &env);
    /// One line from stdin, not echoed when it is a terminal (after `prompt` on stderr).
    static QByteArray readHiddenLine(const char *prompt);
    /// `token key set|forget [--tunnel NAME]`: the tunnel's service-account key in the OS keychain.
    static int keychainKey(const QString &action, const QString &tunnel);
    /// The tunnel's key from its OS keychain entry; empty when there is none or no keychain answers.
    static ServiceAccountKey keyFromKeychain(const QString &tunnel);
    /// `token vend`: one token from the server's token vending with the service-account key.
    static int vend(const Settings &settings, const QString &pathId, const QProcessEnvironment &env);
    /// Opens the store and unlocks it with its secret store (waiting for the keychain).
    static bool openUnlocked(TokenStore *store, const Settings &settings, const QProcessEnvironment &env,
                             QString *error);
    /// The claims as `inspect` prints them.
    static QString describeClaims(const JwtClaims &claims);
};

} // namespace telephone
