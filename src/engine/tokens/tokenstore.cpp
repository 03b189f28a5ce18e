#include "tokens/tokenstore.h"

#include "config/safeurl.h"
#include "tokens/crypto.h"
#include "base/privatefiles.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>
#include <QVariant>

#include <atomic>

Q_LOGGING_CATEGORY(lcTokenStore, "telephone.tokens.store")

namespace telephone {

namespace {

const QByteArray KeyCheckPlaintext = QByteArrayLiteral("telephone token store key check v1");
const QByteArray KeyCheckAad = QByteArrayLiteral("telephone-key-check-v1");

// The tokens table as each schema version has it; only the sources a row may name differ.
QString tokensTable(const QString &name, const QString &sources)
{
    return QStringLiteral("CREATE TABLE %1 ("
                          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                          " server TEXT NOT NULL,"
                          " path_id TEXT NOT NULL,"
                          " ciphertext BLOB NOT NULL,"
                          " iat INTEGER NOT NULL,"
                          " exp INTEGER NOT NULL,"
                          " jti TEXT NOT NULL,"
                          " stored_at INTEGER NOT NULL,"
                          " source TEXT NOT NULL CHECK (source IN (%2)),"
                          // One token per row: the same token given at every start is stored once.
                          " UNIQUE (server, path_id, jti, iat, exp))")
        .arg(name, sources);
}

// Migration N takes the schema from version N to N + 1. Never edit a released step: add one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        {
            QStringLiteral("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"),
            tokensTable(QStringLiteral("tokens"), QStringLiteral("'given', 'pasted', 'refreshed', 'imported'")),
            QStringLiteral("CREATE INDEX tokens_newest ON tokens (server, path_id, iat DESC)"),
            QStringLiteral("CREATE INDEX tokens_expiry ON tokens (exp)"),
        },
        {
            // Version 2: tokens vended to a service account (issue 16). SQLite cannot change a CHECK
            // constraint in place, so the table is copied.
            tokensTable(QStringLiteral("tokens_v2"),
                        QStringLiteral("'given', 'pasted', 'refreshed', 'imported', 'vended'")),
            QStringLiteral("INSERT INTO tokens_v2 (id, server, path_id, ciphertext, iat, exp, jti, stored_at, source) "
                           "SELECT id, server, path_id, ciphertext, iat, exp, jti, stored_at, source FROM tokens"),
            QStringLiteral("DROP TABLE tokens"),
            QStringLiteral("ALTER TABLE tokens_v2 RENAME TO tokens"),
            QStringLiteral("CREATE INDEX tokens_newest ON tokens (server, path_id, iat DESC)"),
            QStringLiteral("CREATE INDEX tokens_expiry ON tokens (exp)"),
        },
    };
    return steps;
}

std::atomic<quint64> g_storeCounter{0};

QString formatTime(qint64 secs)
{
    return secs > 0 ? QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate) : QStringLiteral("?");
}

} // namespace

QString tokenSourceName(TokenSource source)
{
    switch (source) {
    case TokenSource::Given:
        return QStringLiteral("given");
    case TokenSource::Pasted:
        return QStringLiteral("pasted");
    case TokenSource::Refreshed:
        return QStringLiteral("refreshed");
    case TokenSource::Imported:
        return QStringLiteral("imported");
    case TokenSource::Vended:
        return QStringLiteral("vended");
    }
    return {};
}

std::optional<TokenSource> parseTokenSource(const QString &name)
{
    for (TokenSource source : {TokenSource::Given, TokenSource::Pasted, TokenSource::Refreshed, TokenSource::Imported,
                               TokenSource::Vended}) {
        if (tokenSourceName(source) == name)
            return source;
    }
    return std::nullopt;
}

TokenStore::TokenStore(const QString &file, Mode mode)
    : m_file(QFileInfo(file).absoluteFilePath())
    , m_mode(mode)
    , m_connectionPrefix(QStringLiteral("telephone.tokens.%1.").arg(++g_storeCounter))
{
}

TokenStore::~TokenStore()
{
    crypto::wipe(m_key);
    QMutexLocker locker(&m_connectionsMutex);
    for (const QString &name : std::as_const(m_connections)) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

QString TokenStore::fileIn(const QString &dataDir)
{
    return QDir(dataDir).filePath(QLatin1String(DefaultFileName));
}

QByteArray TokenStore::associatedData(const QString &server, const QString &pathId)
{
    // Lengths first, so that no two (server, path) pairs produce the same bytes.
    const QByteArray s = server.toUtf8();
    const QByteArray p = pathId.toUtf8();
    return QByteArrayLiteral("telephone-token-v1:") + QByteArray::number(s.size()) + ':' + s + ':'
        + QByteArray::number(p.size()) + ':' + p;
}

QString TokenStore::sqlError(const QString &what, const QString &detail) const
{
    return QStringLiteral("%1 the token store %2: %3").arg(what, m_file, detail);
}

QSqlDatabase TokenStore::database(QString *error) const
{
    // One connection per thread, made in that thread: QSqlDatabase may not cross threads.
    const QString name = m_connectionPrefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
    }
    QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                    : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    {
        QMutexLocker locker(&m_connectionsMutex);
        m_connections.insert(name);
    }
    db.setDatabaseName(m_file);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    if (m_mode == Mode::ReadOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    db.setConnectOptions(options);
    if (!db.open()) {
        *error = sqlError(QStringLiteral("cannot open"), db.lastError().text());
        return QSqlDatabase();
    }
    QSqlQuery query(db);
    if (m_mode == Mode::ReadWrite) {
        // WAL lets `telephone token list` read while the running client writes. Some file systems
        // (network mounts) cannot do it; SQLite then keeps its rollback journal, which still works.
        if (query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) && query.next()
            && query.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            qCWarning(lcTokenStore).noquote() << "the token store" << m_file << "cannot use WAL here; journal mode is"
                                              << query.value(0).toString();
        query.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    }
    return db;
}

bool TokenStore::open(QString *error)
{
    const QFileInfo info(m_file);
    if (m_mode == Mode::ReadOnly) {
        if (!info.exists()) {
            *error = QStringLiteral("there is no token store at %1").arg(m_file);
            return false;
        }
    } else {
        QString warning;
        if (!privatefiles::ensureDirectory(info.absolutePath(), error, &warning)
            || !privatefiles::ensureFile(m_file, error))
            return false;
        if (!warning.isEmpty())
            qCWarning(lcTokenStore).noquote() << warning;
        if (privatefiles::isShared(m_file))
            qCWarning(lcTokenStore).noquote() << "the token store" << m_file
                                              << "can be read by other users; `chmod 600` it";
    }
    QSqlDatabase db = database(error);
    if (!db.isOpen())
        return false;
    if (!migrate(db, error))
        return false;

    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT name, value FROM meta"))) {
        // A read-only open of a brand-new file: nothing stored yet.
        if (m_mode == Mode::ReadOnly) {
            m_opened = true;
            return true;
        }
        *error = sqlError(QStringLiteral("cannot read"), query.lastError().text());
        return false;
    }
    while (query.next()) {
        const QString name = query.value(0).toString();
        if (name == QLatin1String("installation_id"))
            m_installationId = query.value(1).toString();
        else if (name == QLatin1String("key_check"))
            m_keyCheck = QByteArray::fromBase64(query.value(1).toString().toLatin1());
        else if (name == QLatin1String("key_origin"))
            m_keyOrigin = query.value(1).toString();
        else if (name == QLatin1String("key_kind"))
            m_keyKind = query.value(1).toString();
    }
    m_hasKeyCheck = !m_keyCheck.isEmpty();
    if (m_installationId.isEmpty() && m_mode == Mode::ReadWrite) {
        m_installationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT INTO meta (name, value) VALUES ('installation_id', ?)"));
        insert.addBindValue(m_installationId);
        if (!insert.exec()) {
            *error = sqlError(QStringLiteral("cannot write to"), insert.lastError().text());
            return false;
        }
    }
    m_opened = true;
    return true;
}

bool TokenStore::migrate(QSqlDatabase &db, QString *error)
{
    QSqlQuery query(db);
    int version = 0;
    // sqlite_master is readable in any mode; a file that is not SQLite fails here.
    if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"))
        || !query.next()) {
        *error = sqlError(QStringLiteral("cannot read"), query.lastError().text()
                                                             + QStringLiteral(" (is it a Telephone token store?)"));
        return false;
    }
    if (query.value(0).toInt() == 1) {
        if (!query.exec(QStringLiteral("SELECT version FROM schema_version")) || !query.next()) {
            *error = sqlError(QStringLiteral("cannot read the schema version of"), query.lastError().text());
            return false;
        }
        version = query.value(0).toInt();
    }
    const int latest = int(migrations().size());
    if (version > latest) {
        *error = QStringLiteral("the token store %1 was written by a newer Telephone (schema version %2; this one reads "
                                "up to %3). It was left untouched: upgrade Telephone, or start this one with another "
                                "--data-dir")
                     .arg(m_file)
                     .arg(version)
                     .arg(latest);
        return false;
    }
    if (version == latest || m_mode == Mode::ReadOnly)
        return true; // a read-only caller reads what is there (an empty file has nothing to read)

    if (!db.transaction()) {
        *error = sqlError(QStringLiteral("cannot write to"), db.lastError().text());
        return false;
    }
    const auto rollback = [&](const QString &detail) {
        db.rollback();
        *error = sqlError(QStringLiteral("cannot upgrade"), detail);
        return false;
    };
    if (version == 0) {
        if (!query.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
            || !query.exec(QStringLiteral("DELETE FROM schema_version"))
            || !query.exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (0)")))
            return rollback(query.lastError().text());
    }
    for (int step = version; step < latest; ++step) {
        for (const QString &statement : migrations().at(step)) {
            if (!query.exec(statement))
                return rollback(query.lastError().text());
        }
        qCInfo(lcTokenStore).noquote() << "token store" << m_file << "upgraded to schema version" << step + 1;
    }
    query.prepare(QStringLiteral("UPDATE schema_version SET version = ?"));
    query.addBindValue(latest);
    if (!query.exec())
        return rollback(query.lastError().text());
    if (!db.commit())
        return rollback(db.lastError().text());
    return true;
}

bool TokenStore::unlock(const QByteArray &key, const QString &kind, const QString &origin, QString *error)
{
    if (!m_opened) {
        *error = unavailable();
        return false;
    }
    if (m_hasKeyCheck) {
        QString detail;
        std::optional<QByteArray> check = crypto::open(key, m_keyCheck, KeyCheckAad, &detail);
        if (!check || *check != KeyCheckPlaintext) {
            *error = QStringLiteral("the token store %1 was encrypted with another key than the one in %2 (it was "
                                    "created with: %3), so its tokens cannot be read. Start with the secret store and "
                                    "key it was made with (--secret-store), or empty it with `telephone token forget "
                                    "--all` (you will need a new token)")
                         .arg(m_file, origin, m_keyOrigin.isEmpty() ? QStringLiteral("unknown") : m_keyOrigin);
            m_unavailable = *error;
            return false;
        }
    } else if (m_mode == Mode::ReadWrite) {
        const std::optional<QByteArray> check = crypto::seal(key, KeyCheckPlaintext, KeyCheckAad, error);
        if (!check)
            return false;
        QSqlDatabase db = database(error);
        if (!db.isOpen())
            return false;
        QSqlQuery query(db);
        query.prepare(QStringLiteral("INSERT OR REPLACE INTO meta (name, value) VALUES ('key_check', ?), "
                                     "('key_kind', ?), ('key_origin', ?)"));
        query.addBindValue(QString::fromLatin1(check->toBase64()));
        query.addBindValue(kind);
        query.addBindValue(origin);
        if (!query.exec()) {
            *error = sqlError(QStringLiteral("cannot write to"), query.lastError().text());
            return false;
        }
        m_keyCheck = *check;
        m_keyKind = kind;
        m_keyOrigin = origin;
        m_hasKeyCheck = true;
    }
    m_key = key;
    m_unavailable.clear();
    return true;
}

QString TokenStore::unavailable() const
{
    if (!m_unavailable.isEmpty())
        return m_unavailable;
    if (!m_opened)
        return QStringLiteral("the token store %1 is not open").arg(m_file);
    return QStringLiteral("the token store %1 is locked: its key was not loaded").arg(m_file);
}

bool TokenStore::storeToken(const QString &serverKey, const QString &token, const JwtClaims &claims, QString *error)
{
    return save(serverKey, token, claims, TokenSource::Refreshed, error);
}

bool TokenStore::storePastedToken(const QString &serverKey, const QString &token, const JwtClaims &claims,
                                  QString *error)
{
    return save(serverKey, token, claims, TokenSource::Pasted, error);
}

bool TokenStore::storeVendedToken(const QString &serverKey, const QString &token, const JwtClaims &claims,
                                  QString *error)
{
    return save(serverKey, token, claims, TokenSource::Vended, error);
}

bool TokenStore::save(const QString &serverUrl, const QString &token, const JwtClaims &claims, TokenSource source,
                      QString *error)
{
    // Whoever calls, no token or password lands in the clear in the server column.
    const QString server = displayUrl(serverUrl);
    if (!m_opened || m_key.isEmpty() || !m_unavailable.isEmpty()) {
        *error = unavailable();
        return false;
    }
    QByteArray plaintext = token.toUtf8();
    const std::optional<QByteArray> sealed = crypto::seal(m_key, plaintext, associatedData(server, claims.pathId), error);
    crypto::wipe(plaintext);
    if (!sealed)
        return false;
    QSqlDatabase db = database(error);
    if (!db.isOpen())
        return false;
    if (!db.transaction()) {
        *error = sqlError(QStringLiteral("cannot write to"), db.lastError().text());
        return false;
    }
    QSqlQuery query(db);
    const auto rollback = [&](const QString &detail) {
        db.rollback();
        *error = sqlError(QStringLiteral("cannot write to"), detail);
        return false;
    };
    query.prepare(QStringLiteral("INSERT OR IGNORE INTO tokens (server, path_id, ciphertext, iat, exp, jti, stored_at, "
                                 "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(server);
    query.addBindValue(claims.pathId);
    query.addBindValue(*sealed);
    query.addBindValue(claims.iat);
    query.addBindValue(claims.exp);
    query.addBindValue(claims.jti);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    query.addBindValue(tokenSourceName(source));
    if (!query.exec())
        return rollback(query.lastError().text());

    query.prepare(QStringLiteral("DELETE FROM tokens WHERE exp > 0 AND exp <= ?"));
    query.addBindValue(QDateTime::currentSecsSinceEpoch());
    if (!query.exec())
        return rollback(query.lastError().text());
    query.prepare(QStringLiteral("DELETE FROM tokens WHERE server = ? AND path_id = ? AND id NOT IN (SELECT id FROM "
                                 "tokens WHERE server = ? AND path_id = ? ORDER BY iat DESC, id DESC LIMIT ?)"));
    query.addBindValue(server);
    query.addBindValue(claims.pathId);
    query.addBindValue(server);
    query.addBindValue(claims.pathId);
    query.addBindValue(KeepPerTunnel);
    if (!query.exec())
        return rollback(query.lastError().text());
    if (!db.commit())
        return rollback(db.lastError().text());
    return true;
}

TokenStore::Loaded TokenStore::load(const QString &server, const QString &pathId, qint64 nowSecs) const
{
    Loaded loaded;
    if (!m_opened || m_key.isEmpty() || !m_unavailable.isEmpty()) {
        loaded.error = unavailable();
        return loaded;
    }
    QSqlDatabase db = database(&loaded.error);
    if (!db.isOpen())
        return loaded;
    QSqlQuery query(db);
    // The server is matched here, not in SQL: rows written before credentials were stripped from
    // server URLs hold a token or password in that column; they still belong to their tunnel (and
    // decrypt, their associated data is the text as stored).
    query.prepare(QStringLiteral("SELECT id, server, path_id, ciphertext, iat, exp, jti, stored_at, source FROM tokens "
                                 "WHERE (? = '' OR path_id = ?) "
                                 "ORDER BY iat DESC, id DESC"));
    // A null QString binds as NULL, and NULL = '' is not true: bind real empty strings for "any".
    const QString anyPath = pathId.isEmpty() ? QStringLiteral("") : pathId;
    query.addBindValue(anyPath);
    query.addBindValue(anyPath);
    if (!query.exec()) {
        loaded.error = sqlError(QStringLiteral("cannot read"), query.lastError().text());
        return loaded;
    }
    while (query.next()) {
        StoredToken row;
        row.id = query.value(0).toLongLong();
        const QString storedServer = query.value(1).toString();
        row.server = displayUrl(storedServer);
        if (!server.isEmpty() && row.server != server)
            continue;
        row.pathId = query.value(2).toString();
        const QByteArray sealed = query.value(3).toByteArray();
        row.iat = query.value(4).toLongLong();
        row.exp = query.value(5).toLongLong();
        row.jti = query.value(6).toString();
        row.storedAt = QDateTime::fromMSecsSinceEpoch(query.value(7).toLongLong(), Qt::UTC);
        row.source = parseTokenSource(query.value(8).toString()).value_or(TokenSource::Given);
        if (row.exp > 0 && row.exp <= nowSecs)
            continue; // expired: never sent; the next write deletes it
        const QString what = QStringLiteral("the stored token #%1 (mount %2, issued %3) in %4")
                                 .arg(row.id)
                                 .arg(row.pathId, formatTime(row.iat), m_file);
        const QString remedy = QStringLiteral("it was skipped; `telephone token forget --path-id %1` removes it")
                                   .arg(row.pathId);
        QString detail;
        std::optional<QByteArray> plaintext = crypto::open(m_key, sealed, associatedData(storedServer, row.pathId), &detail);
        if (!plaintext) {
            // The key check passed, so the key is right: the row itself was damaged or moved.
            loaded.problems << QStringLiteral("%1 cannot be decrypted: it is corrupted or was moved from another "
                                              "tunnel; %2")
                                   .arg(what, remedy);
            continue;
        }
        row.token = QString::fromUtf8(*plaintext);
        crypto::wipe(*plaintext);
        const JwtDecodeResult decoded = decodeJwt(row.token);
        if (!decoded.claims || decoded.claims->pathId != row.pathId || decoded.claims->iat != row.iat
            || decoded.claims->exp != row.exp) {
            loaded.problems << QStringLiteral("%1 does not match the claims recorded beside it; %2").arg(what, remedy);
            continue;
        }
        loaded.tokens << row;
    }
    return loaded;
}

std::optional<QList<StoredToken>> TokenStore::list(QString *error) const
{
    if (!m_opened) {
        *error = unavailable();
        return std::nullopt;
    }
    QSqlDatabase db = database(error);
    if (!db.isOpen())
        return std::nullopt;
    QSqlQuery query(db);
    QList<StoredToken> rows;
    if (!query.exec(QStringLiteral("SELECT id, server, path_id, iat, exp, jti, stored_at, source FROM tokens "
                                   "ORDER BY server, path_id, iat DESC, id DESC"))) {
        // A read-only open of a file no client has written yet has no table: nothing stored.
        if (m_mode == Mode::ReadOnly && !m_hasKeyCheck && m_installationId.isEmpty())
            return rows;
        *error = sqlError(QStringLiteral("cannot read"), query.lastError().text());
        return std::nullopt;
    }
    while (query.next()) {
        StoredToken row;
        row.id = query.value(0).toLongLong();
        row.server = displayUrl(query.value(1).toString());
        row.pathId = query.value(2).toString();
        row.iat = query.value(3).toLongLong();
        row.exp = query.value(4).toLongLong();
        row.jti = query.value(5).toString();
        row.storedAt = QDateTime::fromMSecsSinceEpoch(query.value(6).toLongLong(), Qt::UTC);
        row.source = parseTokenSource(query.value(7).toString()).value_or(TokenSource::Given);
        rows << row;
    }
    return rows;
}

int TokenStore::forget(const QString &pathId, QString *error)
{
    return forget(QString(), pathId, error);
}

int TokenStore::forget(const QString &server, const QString &pathId, QString *error)
{
    if (!m_opened) {
        *error = unavailable();
        return -1;
    }
    QSqlDatabase db = database(error);
    if (!db.isOpen())
        return -1;
    if (!db.transaction()) {
        *error = sqlError(QStringLiteral("cannot write to"), db.lastError().text());
        return -1;
    }
    const bool everything = server.isEmpty() && pathId.isEmpty();
    QStringList conditions;
    if (!server.isEmpty())
        conditions << QStringLiteral("server = ?");
    if (!pathId.isEmpty())
        conditions << QStringLiteral("path_id = ?");
    QSqlQuery query(db);
    query.prepare(everything ? QStringLiteral("DELETE FROM tokens")
                             : QStringLiteral("DELETE FROM tokens WHERE ") + conditions.join(QStringLiteral(" AND ")));
    if (!server.isEmpty())
        query.addBindValue(server);
    if (!pathId.isEmpty())
        query.addBindValue(pathId);
    if (!query.exec()) {
        *error = sqlError(QStringLiteral("cannot write to"), query.lastError().text());
        db.rollback();
        return -1;
    }
    const int removed = query.numRowsAffected();
    // Forgetting everything also forgets which key it was: the next start adopts the key it finds.
    if (everything && !query.exec(QStringLiteral("DELETE FROM meta WHERE name IN ('key_check', 'key_kind', 'key_origin')"))) {
        *error = sqlError(QStringLiteral("cannot write to"), query.lastError().text());
        db.rollback();
        return -1;
    }
    if (!db.commit()) {
        *error = sqlError(QStringLiteral("cannot write to"), db.lastError().text());
        return -1;
    }
    if (everything) {
        m_keyCheck.clear();
        m_keyKind.clear();
        m_keyOrigin.clear();
        m_hasKeyCheck = false;
    }
    return removed;
}

} // namespace telephone
