// The encrypted token store on a real SQLite file in a temporary directory: round trip, file modes,
// no plaintext on disk, wrong key, corrupted and swapped rows, schema versions, pruning, and a
// read-only database under a live tunnel.

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "sim/tokenminter.h"
#include "tokens/crypto.h"
#include "tokens/tokenstore.h"
#include "tunnel/tunnel.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

const QString Server = QStringLiteral("wss://plugboard.example/socket/websocket");

QString mint(const QString &pathId, qint64 iat, qint64 exp, const QString &jti)
{
    return sim::TokenMinter().mint({{QStringLiteral("path_id"), pathId},
                                    {QStringLiteral("iat"), iat},
                                    {QStringLiteral("exp"), exp},
                                    {QStringLiteral("jti"), jti},
                                    {QStringLiteral("sub"), QStringLiteral("user")}});
}

JwtClaims claimsOf(const QString &token)
{
    return *decodeJwt(token).claims;
}

QByteArray newKey()
{
    QString error;
    return *crypto::randomBytes(crypto::KeySize, &error);
}

int mode(const QString &path)
{
    struct stat st {};
    ::stat(QFile::encodeName(path).constData(), &st);
    return int(st.st_mode & 07777);
}

QByteArray allBytes(const QString &dbFile)
{
    QByteArray bytes;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile f(dbFile + suffix);
        if (f.open(QIODevice::ReadOnly))
            bytes += f.readAll();
    }
    return bytes;
}

// Raw SQL on the file, as an attacker or a disk error would change it.
void rawExec(const QString &file, const QString &sql)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
}

void flipCiphertextBit(const QString &file, const QString &jti)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("flip"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT ciphertext FROM tokens WHERE jti = ?"));
        q.addBindValue(jti);
        QVERIFY(q.exec() && q.next());
        QByteArray blob = q.value(0).toByteArray();
        blob[20] = char(blob[20] ^ 0x10);
        q.prepare(QStringLiteral("UPDATE tokens SET ciphertext = ? WHERE jti = ?"));
        q.addBindValue(blob);
        q.addBindValue(jti);
        QVERIFY(q.exec());
        QCOMPARE(q.numRowsAffected(), 1);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("flip"));
}

QByteArray fileBytes(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct OpenStore {
    QTemporaryDir dir;
    QString file;
    QByteArray key = newKey();
    std::unique_ptr<TokenStore> store;

    OpenStore()
        : file(dir.filePath(QStringLiteral("data/tokens.sqlite")))
    {
        reopen();
    }
    void reopen(TokenStore::Mode mode = TokenStore::Mode::ReadWrite)
    {
        store.reset();
        store = std::make_unique<TokenStore>(file, mode);
        QString error;
        if (!store->open(&error) || !store->unlock(key, QStringLiteral("file"), QStringLiteral("key file test"), &error))
            qFatal("store: %s", qPrintable(error));
    }
};

} // namespace

class TestTokenStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void roundTripAcrossReopen()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString older = mint(QStringLiteral("p1"), now - 100, now + 3600, QStringLiteral("a"));
        const QString newer = mint(QStringLiteral("p1"), now - 10, now + 3600, QStringLiteral("b"));
        QString error;
        QVERIFY2(s.store->save(Server, older, claimsOf(older), TokenSource::Given, &error), qPrintable(error));
        QVERIFY2(s.store->storeToken(Server, newer, claimsOf(newer), &error), qPrintable(error));
        s.reopen();
        const TokenStore::Loaded loaded = s.store->load(Server, QStringLiteral("p1"), now);
        QVERIFY2(loaded.problems.isEmpty(), qPrintable(loaded.problems.join('\n')));
        QCOMPARE(loaded.tokens.size(), 2);
        QCOMPARE(loaded.tokens.at(0).token, newer); // newest iat first
        QCOMPARE(loaded.tokens.at(0).source, TokenSource::Refreshed);
        QCOMPARE(loaded.tokens.at(0).jti, QStringLiteral("b"));
        QCOMPARE(loaded.tokens.at(1).token, older);
        QCOMPARE(loaded.tokens.at(1).source, TokenSource::Given);
        QVERIFY(loaded.tokens.at(0).storedAt.isValid());
        // Another server's tokens are another tunnel.
        QVERIFY(s.store->load(QStringLiteral("wss://other"), QString(), now).tokens.isEmpty());
    }

    // Issue 11 item 5: a token in the server URL (?token=...) was stored in clear in the server
    // column and printed by `token list`.
    void credentialsInTheServerUrlAreNotStored()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token = mint(QStringLiteral("p1"), now, now + 3600, QStringLiteral("a"));
        QString error;
        QVERIFY2(s.store->save(Server + QStringLiteral("?token=SECRETINURL"), token, claimsOf(token), TokenSource::Given,
                               &error),
                 qPrintable(error));
        const auto rows = s.store->list(&error);
        QVERIFY2(rows && rows->size() == 1, qPrintable(error));
        QCOMPARE(rows->first().server, Server);
        QCOMPARE(s.store->load(Server, QStringLiteral("p1"), now).tokens.size(), 1);
        s.reopen();
        QVERIFY(!allBytes(s.file).contains("SECRETINURL"));
    }

    // Rows written before credentials were stripped still belong to their tunnel and decrypt (their
    // associated data is the server text as it was stored); listings show them stripped.
    void rowsStoredWithCredentialsStillLoad()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token = mint(QStringLiteral("p1"), now, now + 3600, QStringLiteral("a"));
        const QString legacyServer = Server + QStringLiteral("?token=OLDSECRET");
        QString error;
        const auto sealed = crypto::seal(s.key, token.toUtf8(), TokenStore::associatedData(legacyServer, QStringLiteral("p1")),
                                         &error);
        QVERIFY2(sealed, qPrintable(error));
        rawExec(s.file, QStringLiteral("INSERT INTO tokens (server, path_id, ciphertext, iat, exp, jti, stored_at, source) "
                                       "VALUES ('%1', 'p1', X'%2', %3, %4, 'a', %5, 'given')")
                            .arg(legacyServer, QString::fromLatin1(sealed->toHex()))
                            .arg(now)
                            .arg(now + 3600)
                            .arg(now * 1000));
        const TokenStore::Loaded loaded = s.store->load(Server, QStringLiteral("p1"), now);
        QVERIFY2(loaded.problems.isEmpty(), qPrintable(loaded.problems.join('\n')));
        QCOMPARE(loaded.tokens.size(), 1);
        QCOMPARE(loaded.tokens.first().token, token);
        QCOMPARE(loaded.tokens.first().server, Server);
        const auto rows = s.store->list(&error);
        QVERIFY(rows && rows->size() == 1);
        QCOMPARE(rows->first().server, Server);
    }

    void filesArePrivate()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token = mint(QStringLiteral("p1"), now, now + 3600, QStringLiteral("a"));
        QString error;
        QVERIFY(s.store->save(Server, token, claimsOf(token), TokenSource::Given, &error));
        QCOMPARE(mode(QFileInfo(s.file).absolutePath()), 0700);
        QCOMPARE(mode(s.file), 0600);
        // SQLite gives its WAL and shared-memory files the database file's mode.
        QVERIFY(QFile::exists(s.file + QStringLiteral("-wal")));
        QCOMPARE(mode(s.file + QStringLiteral("-wal")), 0600);
        QCOMPARE(mode(s.file + QStringLiteral("-shm")), 0600);
    }

    void noPlaintextTokenOnDisk()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token = mint(QStringLiteral("p1"), now, now + 3600, QStringLiteral("jti-1"));
        QString error;
        QVERIFY(s.store->save(Server, token, claimsOf(token), TokenSource::Pasted, &error));
        const QByteArray bytes = allBytes(s.file);
        QVERIFY(bytes.size() > 0);
        const QList<QByteArray> parts = token.toLatin1().split('.');
        QVERIFY(!bytes.contains(token.toLatin1()));
        QVERIFY(!bytes.contains(parts.at(1))); // the claims part
        QVERIFY(!bytes.contains(parts.at(2))); // the signature
        QVERIFY(!bytes.contains(s.key));       // nor the key
        // The claims kept in clear for listing are there (a sanity check that we read the right file).
        QVERIFY(bytes.contains("jti-1"));
    }

    void wrongKeyIsReportedAndNothingIsRead()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token = mint(QStringLiteral("p1"), now, now + 3600, QStringLiteral("a"));
        QString error;
        QVERIFY(s.store->save(Server, token, claimsOf(token), TokenSource::Given, &error));
        TokenStore other(s.file);
        QVERIFY(other.open(&error));
        QVERIFY(other.hasKey());
        QVERIFY(!other.unlock(newKey(), QStringLiteral("keychain"), QStringLiteral("OS keychain"), &error));
        QVERIFY2(error.contains(s.file), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("another key")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("token forget --all")), qPrintable(error));
        QVERIFY(!error.contains(token));
        // Locked: it neither reads nor writes, and says why.
        QVERIFY(!other.load(Server, QString(), now).error.isEmpty());
        QVERIFY(!other.save(Server, token, claimsOf(token), TokenSource::Given, &error));
        QVERIFY(error.contains(QLatin1String("another key")));
        // The original key still reads the untouched row.
        s.reopen();
        QCOMPARE(s.store->load(Server, QString(), now).tokens.size(), 1);
    }

    void corruptedRowIsReportedAndSkipped()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString older = mint(QStringLiteral("p1"), now - 100, now + 3600, QStringLiteral("old"));
        const QString newer = mint(QStringLiteral("p1"), now - 10, now + 3600, QStringLiteral("new"));
        QString error;
        QVERIFY(s.store->save(Server, older, claimsOf(older), TokenSource::Given, &error));
        QVERIFY(s.store->save(Server, newer, claimsOf(newer), TokenSource::Refreshed, &error));
        s.store.reset();
        // Flip one bit in the middle of the newest row's ciphertext, as a bad sector would.
        flipCiphertextBit(s.file, QStringLiteral("new"));
        s.reopen();
        const TokenStore::Loaded loaded = s.store->load(Server, QStringLiteral("p1"), now);
        QCOMPARE(loaded.problems.size(), 1);
        QVERIFY2(loaded.problems.first().contains(s.file), qPrintable(loaded.problems.first()));
        QVERIFY(loaded.problems.first().contains(QLatin1String("corrupted")));
        QVERIFY(loaded.problems.first().contains(QLatin1String("forget --path-id p1")));
        // The damaged row is skipped, not passed off as good; the older one is what is left.
        QCOMPARE(loaded.tokens.size(), 1);
        QCOMPARE(loaded.tokens.first().token, older);
        // And the damaged row is still there for the user to see (list) until they forget it.
        QCOMPARE(s.store->list(&error)->size(), 2);
    }

    void rowMovedToAnotherTunnelDoesNotDecrypt()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString a = mint(QStringLiteral("path-a"), now, now + 3600, QStringLiteral("a"));
        const QString b = mint(QStringLiteral("path-b"), now, now + 3600, QStringLiteral("b"));
        QString error;
        QVERIFY(s.store->save(Server, a, claimsOf(a), TokenSource::Given, &error));
        QVERIFY(s.store->save(Server, b, claimsOf(b), TokenSource::Given, &error));
        s.store.reset();
        // Give path-b's row path-a's ciphertext: same key, wrong associated data.
        rawExec(s.file, QStringLiteral("UPDATE tokens SET ciphertext = (SELECT ciphertext FROM tokens WHERE "
                                       "path_id = 'path-a') WHERE path_id = 'path-b'"));
        s.reopen();
        const TokenStore::Loaded loaded = s.store->load(Server, QStringLiteral("path-b"), now);
        QVERIFY(loaded.tokens.isEmpty());
        QCOMPARE(loaded.problems.size(), 1);
        QVERIFY(loaded.problems.first().contains(QLatin1String("moved from another tunnel")));
        // Moving the row to another server is caught the same way.
        s.store.reset();
        rawExec(s.file, QStringLiteral("UPDATE tokens SET server = 'wss://evil.example' WHERE path_id = 'path-a'"));
        s.reopen();
        const TokenStore::Loaded moved = s.store->load(QStringLiteral("wss://evil.example"), QString(), now);
        QVERIFY(moved.tokens.isEmpty());
        QCOMPARE(moved.problems.size(), 1);
    }

    void rowWithForgedClaimsIsRejected()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token = mint(QStringLiteral("p1"), now - 50, now + 3600, QStringLiteral("a"));
        QString error;
        QVERIFY(s.store->save(Server, token, claimsOf(token), TokenSource::Given, &error));
        s.store.reset();
        // Raising iat in the clear column would make an old token win the start-up choice.
        rawExec(s.file, QStringLiteral("UPDATE tokens SET iat = iat + 1000"));
        s.reopen();
        const TokenStore::Loaded loaded = s.store->load(Server, QString(), now);
        QVERIFY(loaded.tokens.isEmpty());
        QCOMPARE(loaded.problems.size(), 1);
        QVERIFY(loaded.problems.first().contains(QLatin1String("does not match")));
    }

    void newerSchemaIsRefusedAndLeftAlone()
    {
        OpenStore s;
        s.store.reset();
        rawExec(s.file, QStringLiteral("UPDATE schema_version SET version = 99"));
        const QByteArray before = fileBytes(s.file);
        TokenStore store(s.file);
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(s.file), qPrintable(error));
        QVERIFY(error.contains(QLatin1String("newer Telephone")));
        QVERIFY(error.contains(QLatin1String("99")));
        QCOMPARE(fileBytes(s.file), before);
        QString storeError;
        QVERIFY(!store.save(Server, mint(QStringLiteral("p"), 1, 0, QString()), claimsOf(mint(QStringLiteral("p"), 1, 0, QString())),
                            TokenSource::Given, &storeError));
    }

    // A store written by the previous version (schema 1, whose CHECK knows no 'vended') is upgraded
    // in place: its tokens still decrypt, and vended tokens can be stored.
    void schemaOneIsUpgradedForVendedTokens()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString given = mint(QStringLiteral("p1"), now - 10, now + 3600, QStringLiteral("g"));
        QString error;
        QVERIFY2(s.store->save(Server, given, claimsOf(given), TokenSource::Given, &error), qPrintable(error));
        s.store.reset();
        // Back to what schema 1 looked like, rows kept.
        rawExec(s.file, QStringLiteral("CREATE TABLE tokens_v1 (id INTEGER PRIMARY KEY AUTOINCREMENT, server TEXT NOT "
                                       "NULL, path_id TEXT NOT NULL, ciphertext BLOB NOT NULL, iat INTEGER NOT NULL, "
                                       "exp INTEGER NOT NULL, jti TEXT NOT NULL, stored_at INTEGER NOT NULL, source "
                                       "TEXT NOT NULL CHECK (source IN ('given', 'pasted', 'refreshed', 'imported')), "
                                       "UNIQUE (server, path_id, jti, iat, exp))"));
        rawExec(s.file, QStringLiteral("INSERT INTO tokens_v1 SELECT * FROM tokens"));
        rawExec(s.file, QStringLiteral("DROP TABLE tokens"));
        rawExec(s.file, QStringLiteral("ALTER TABLE tokens_v1 RENAME TO tokens"));
        rawExec(s.file, QStringLiteral("UPDATE schema_version SET version = 1"));

        s.reopen();
        const QString vended = mint(QStringLiteral("p1"), now, now + 3600, QStringLiteral("v"));
        QVERIFY2(s.store->storeVendedToken(Server, vended, claimsOf(vended), &error), qPrintable(error));
        const TokenStore::Loaded loaded = s.store->load(Server, QStringLiteral("p1"), now);
        QVERIFY2(loaded.problems.isEmpty(), qPrintable(loaded.problems.join('\n')));
        QCOMPARE(loaded.tokens.size(), 2);
        QCOMPARE(loaded.tokens.at(0).token, vended);
        QCOMPARE(loaded.tokens.at(0).source, TokenSource::Vended);
        QCOMPARE(loaded.tokens.at(1).token, given);
        QCOMPARE(loaded.tokens.at(1).source, TokenSource::Given);
    }

    void freshFileGetsCurrentSchema()
    {
        OpenStore s;
        s.store.reset();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(s.file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT version FROM schema_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), TokenStore::SchemaVersion);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

    void notASqliteFileIsReported()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("tokens.sqlite"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        TokenStore store(file);
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(file), qPrintable(error));
    }

    void keepsNewestFewDropsExpiredAndDuplicates()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QString error;
        QStringList tokens;
        for (int i = 0; i < 5; ++i) {
            tokens << mint(QStringLiteral("p1"), now - 100 + i, now + 3600, QStringLiteral("t%1").arg(i));
            QVERIFY(s.store->save(Server, tokens.last(), claimsOf(tokens.last()), TokenSource::Refreshed, &error));
        }
        // The same token again (given at every start) is stored once.
        QVERIFY(s.store->save(Server, tokens.last(), claimsOf(tokens.last()), TokenSource::Given, &error));
        // Another tunnel is pruned on its own.
        const QString other = mint(QStringLiteral("p2"), now - 500, now + 3600, QStringLiteral("o"));
        QVERIFY(s.store->save(Server, other, claimsOf(other), TokenSource::Given, &error));
        std::optional<QList<StoredToken>> rows = s.store->list(&error);
        QVERIFY(rows);
        QCOMPARE(rows->size(), TokenStore::KeepPerTunnel + 1);
        QStringList jtis;
        for (const StoredToken &row : *rows)
            jtis << row.jti;
        QCOMPARE(jtis, (QStringList{QStringLiteral("t4"), QStringLiteral("t3"), QStringLiteral("t2"), QStringLiteral("o")}));
        QCOMPARE(rows->first().source, TokenSource::Refreshed); // the duplicate did not overwrite it
        for (const StoredToken &row : *rows)
            QVERIFY(row.token.isEmpty()); // listing never decrypts

        // An expired row is never returned and is deleted by the next write.
        s.store.reset();
        rawExec(s.file, QStringLiteral("UPDATE tokens SET exp = %1 WHERE jti = 'o'").arg(now - 1));
        s.reopen();
        QVERIFY(s.store->load(Server, QStringLiteral("p2"), now).tokens.isEmpty());
        QVERIFY(s.store->load(Server, QStringLiteral("p2"), now).problems.isEmpty());
        const QString fresh = mint(QStringLiteral("p3"), now, now + 60, QStringLiteral("f"));
        QVERIFY(s.store->save(Server, fresh, claimsOf(fresh), TokenSource::Pasted, &error));
        rows = s.store->list(&error);
        for (const StoredToken &row : *rows)
            QVERIFY(row.jti != QLatin1String("o"));
    }

    void forgetOnePathOrAll()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QString error;
        for (const QString &path : {QStringLiteral("p1"), QStringLiteral("p2")}) {
            const QString t = mint(path, now, now + 3600, path);
            QVERIFY(s.store->save(Server, t, claimsOf(t), TokenSource::Given, &error));
        }
        QCOMPARE(s.store->forget(QStringLiteral("p1"), &error), 1);
        QCOMPARE(s.store->list(&error)->size(), 1);
        QCOMPARE(s.store->forget(QString(), &error), 1);
        QVERIFY(!s.store->hasKey());
        // After forgetting everything a new key is adopted.
        TokenStore again(s.file);
        QVERIFY(again.open(&error));
        QVERIFY(again.unlock(newKey(), QStringLiteral("file"), QStringLiteral("new key"), &error));
    }

    // Issue 15: `token forget --tunnel NAME` deletes one tunnel's rows: its server, and its mount when known.
    void forgetOneTunnelKeepsTheKeyAndTheOthers()
    {
        OpenStore s;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString other = QStringLiteral("wss://other.example/socket/websocket");
        QString error;
        for (const QString &server : {Server, other}) {
            for (const QString &path : {QStringLiteral("p1"), QStringLiteral("p2")}) {
                const QString t = mint(path, now, now + 3600, server + path);
                QVERIFY2(s.store->save(server, t, claimsOf(t), TokenSource::Pasted, &error), qPrintable(error));
            }
        }
        QCOMPARE(s.store->forget(other, QStringLiteral("p1"), &error), 1);
        QCOMPARE(s.store->list(&error)->size(), 3);
        QCOMPARE(s.store->forget(other, QString(), &error), 1);
        const QList<StoredToken> rows = *s.store->list(&error);
        QCOMPARE(rows.size(), 2);
        for (const StoredToken &row : rows)
            QCOMPARE(row.server, Server);
        QVERIFY(s.store->hasKey());
    }

    void readOnlyDatabaseKeepsTheTunnelRunning()
    {
        // Tests run as root in CI, where chmod 0400 does not stop writes. Opening the database with
        // SQLITE_OPEN_READONLY makes SQLite refuse every write with SQLITE_READONLY, the same error a
        // read-only mount or a file without write permission gives; the path through the store and
        // the tunnel is the one a real read-only disk takes.
        OpenStore s;
        s.reopen(TokenStore::Mode::ReadOnly);

        sim::PlugboardSimulator simulator;
        sim::EchoBackend backend;
        QVERIFY(simulator.listen());
        QVERIFY(backend.listen(QHostAddress::LocalHost, 0));
        const QString pathId = simulator.addMount(QStringLiteral("/demo"));
        simulator.setTokenTtlSecs(7200);
        TunnelConfig config;
        config.server = simulator.socketUrl();
        // Past its half-life: the refresh is due at once.
        config.token = simulator.mintToken(pathId, 3600, QDateTime::currentSecsSinceEpoch() - 1900);
        config.backend = backend.url();
        config.backoffInitial = 20ms;
        Tunnel tunnel(config, s.store.get());
        QSignalSpy storeFailed(&tunnel, &Tunnel::tokenStoreFailed);
        QSignalSpy refreshed(&tunnel, &Tunnel::tokenRefreshed);
        // The user is told, in the log the UI and journald show, that a restart needs a new token.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("restart will need a new token")));
        tunnel.start();
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(storeFailed.count(), 1);
        const QString reason = storeFailed.first().first().toString();
        QVERIFY2(reason.contains(s.file), qPrintable(reason));
        QVERIFY2(reason.contains(QLatin1String("readonly")), qPrintable(reason));
        QVERIFY(!reason.contains(refreshed.first().first().toString()));
        QCOMPARE(tunnel.state(), Tunnel::State::Connected);

        // Still serving, on the in-memory refreshed token, also after a reconnect.
        QNetworkAccessManager nam;
        simulator.kickAll();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::Reconnecting, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::Connected, 5000);
        QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(simulator.httpUrl().toString() + QStringLiteral("/call/demo/x"))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(5000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
        QString error;
        QVERIFY(s.store->list(&error)->isEmpty()); // nothing was written
    }
};

QTEST_GUILESS_MAIN(TestTokenStore)
#include "test_tokenstore.moc"
