#pragma once

#include "tokens/tokensink.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

class QSqlDatabase;

namespace telephone {

/// Where a stored token came from. Stored as these words.
enum class TokenSource { Given, Pasted, Refreshed, Imported, Vended };
QString tokenSourceName(TokenSource source);
std::optional<TokenSource> parseTokenSource(const QString &name);

/// One row of the store. `token` is empty in listings (list()), which never decrypt.
struct StoredToken {
    qint64 id = 0;
    QString server; ///< the server URL as the tunnel shows it (never holds a token)
    QString pathId;
    QString token;
    qint64 iat = 0;
    qint64 exp = 0; ///< 0: the token names no expiry
    QString jti;
    QDateTime storedAt;
    TokenSource source = TokenSource::Given;
};

/// Tokens encrypted at rest in SQLite (QtSql, QSQLITE): per tunnel (server URL + path_id) the
/// newest few tokens with their iat, exp, jti, when and from where they were stored. Each token is
/// sealed with AES-256-GCM under the data key, a fresh 96-bit nonce per write, and the tunnel's
/// identity as associated data, so a row copied onto another tunnel does not decrypt.
///
/// The file is created 0600 in a 0700 directory; WAL with a busy timeout; a schema_version table
/// with migrations; a `meta` table holds the installation id (which names the keychain entry) and a
/// key check, so that a wrong key is told apart from a corrupted row.
///
/// Never holds a QSqlDatabase: each thread that uses the store gets its own named connection,
/// opened in that thread. Usable from any thread, one call at a time per thread.
class TokenStore : public TokenSink
{
public:
    static constexpr int SchemaVersion = 2;
    static constexpr int KeepPerTunnel = 3;
    static constexpr const char *DefaultFileName = "tokens.sqlite";

    enum class Mode {
        ReadWrite,
        /// Lists and reads, never writes (telephone token list/inspect). SQLite refuses any write,
        /// exactly as it does on a read-only disk.
        ReadOnly,
    };

    explicit TokenStore(const QString &file, Mode mode = Mode::ReadWrite);
    ~TokenStore() override;
    TokenStore(const TokenStore &) = delete;
    TokenStore &operator=(const TokenStore &) = delete;

    /// `<dataDir>/tokens.sqlite`.
    static QString fileIn(const QString &dataDir);

    /// Creates the directory (0700) and file (0600) if needed, applies migrations, creates the
    /// installation id. Errors name the file and say what to do; the file is never changed then.
    bool open(QString *error);
    QString fileName() const { return m_file; }
    /// A random id made on first open; names this installation's key in the keychain.
    QString installationId() const { return m_installationId; }
    /// True once a key has been used with this store (its key check exists): then a missing key
    /// must not be replaced by a fresh one silently.
    bool hasKey() const { return m_hasKeyCheck; }
    /// Which secret store held the key the store was created with: its kind ("keychain", "file",
    /// "env") and description, for choosing the store again and for messages.
    QString keyKind() const { return m_keyKind; }
    QString keyOrigin() const { return m_keyOrigin; }

    /// Checks `key` against the key check; a store without one adopts this key (`kind` and `origin`
    /// say where it lives). A wrong key gives an error naming the file and what to do.
    bool unlock(const QByteArray &key, const QString &kind, const QString &origin, QString *error);
    /// Why the store cannot be used (set when open() or unlock() failed); stores then fail with it.
    void setUnavailable(const QString &reason) { m_unavailable = reason; }

    /// TokenSink: a refreshed token.
    bool storeToken(const QString &serverKey, const QString &token, const JwtClaims &claims, QString *error) override;
    bool storePastedToken(const QString &serverKey, const QString &token, const JwtClaims &claims,
                          QString *error) override;
    bool storeVendedToken(const QString &serverKey, const QString &token, const JwtClaims &claims,
                          QString *error) override;
    /// Stores one token (a duplicate of a stored one is ignored), then deletes expired rows and all
    /// but the newest KeepPerTunnel of that tunnel, in one transaction.
    bool save(const QString &server, const QString &token, const JwtClaims &claims, TokenSource source, QString *error);

    struct Loaded {
        QList<StoredToken> tokens; ///< decrypted, unexpired, newest iat first
        QStringList problems;      ///< rows that were skipped, each naming the file and what to do
        QString error;             ///< the store could not be read at all
    };
    /// Empty `server` / `pathId` match any.
    Loaded load(const QString &server, const QString &pathId, qint64 nowSecs) const;
    /// Every row without decrypting (no key needed); std::nullopt with *error on failure.
    std::optional<QList<StoredToken>> list(QString *error) const;
    /// Deletes the rows of `pathId`, or every row and the key check when `pathId` is empty.
    /// Returns the number of rows deleted, -1 on failure.
    int forget(const QString &pathId, QString *error);
    /// Deletes the rows of one tunnel: those of `server` (as stored) and, when not empty, `pathId`.
    /// Both empty: as forget(QString()), everything and the key check.
    int forget(const QString &server, const QString &pathId, QString *error);

    /// The associated data sealed with each token: binds the ciphertext to its tunnel.
    static QByteArray associatedData(const QString &server, const QString &pathId);

private:
    QSqlDatabase database(QString *error) const;
    bool migrate(QSqlDatabase &db, QString *error);
    QString unavailable() const;
    QString sqlError(const QString &what, const QString &detail) const;

    QString m_file;
    Mode m_mode;
    QString m_connectionPrefix;
    QString m_installationId;
    QString m_keyKind;
    QString m_keyOrigin;
    QString m_unavailable;
    QByteArray m_keyCheck;
    QByteArray m_key;
    bool m_opened = false;
    bool m_hasKeyCheck = false;
    mutable QMutex m_connectionsMutex;
    mutable QSet<QString> m_connections;
};

} // namespace telephone
