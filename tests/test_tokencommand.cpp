// The real `telephone` binary and its token store: `telephone token ...` sub-commands and their exit
// codes, a restart that must pick the refreshed token over the older one on the command line,
// import of a database in the Go client's format (built here with OpenSSL from the documented
// format, independently of Telephone's code), and the key file used — and said so — when no
// keychain answers.

#include "sim/plugboardsimulator.h"
#include "sim/tokenminter.h"

#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <csignal>

using namespace telephone;

namespace {

QProcessEnvironment cleanEnvironment(const QString &dataDir = QString())
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys) {
        if (key.startsWith(QLatin1String("TELEPHONE_")) || key == QLatin1String("SECRET_KEY_BASE"))
            env.remove(key);
    }
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    if (!dataDir.isEmpty())
        env.insert(QStringLiteral("TELEPHONE_DATA_DIR"), dataDir);
    // Never the developer's real config file.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dataDir.isEmpty() ? QDir::tempPath() : dataDir);
    return env;
}

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Keeps this process's event loop turning (a simulator may live here) while the binary runs.
Run run(const QStringList &args, const QProcessEnvironment &env, const QByteArray &input = QByteArray(),
        int timeoutMs = 20000)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(TELEPHONE_BINARY), args);
    if (!process.waitForStarted())
        return {};
    process.write(input);
    process.closeWriteChannel();
    QDeadlineTimer deadline(timeoutMs);
    while (process.state() != QProcess::NotRunning && !deadline.hasExpired())
        QTest::qWait(20);
    Run result;
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out\n";
    } else {
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    result.out = process.readAllStandardOutput();
    result.err += process.readAllStandardError();
    return result;
}

QString unsignedToken(const QJsonObject &claims)
{
    return sim::TokenMinter().mint(claims);
}

// The Go client's format, written from its description: PBKDF2-SHA256(SECRET_KEY_BASE,
// "telephone-token-encryption-v1", 100000) → AES-256-GCM, base64(nonce ‖ ciphertext ‖ tag).
QString goEncrypt(const QByteArray &secretKeyBase, const QByteArray &plaintext)
{
    unsigned char key[32];
    const QByteArray salt("telephone-token-encryption-v1");
    PKCS5_PBKDF2_HMAC(secretKeyBase.constData(), int(secretKeyBase.size()),
                      reinterpret_cast<const unsigned char *>(salt.constData()), int(salt.size()), 100000, EVP_sha256(),
                      32, key);
    unsigned char nonce[12];
    RAND_bytes(nonce, 12);
    QByteArray out(reinterpret_cast<const char *>(nonce), 12);
    QByteArray cipher(plaintext.size() + 16, '\0');
    auto *cipherBytes = reinterpret_cast<unsigned char *>(cipher.data());
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, nonce);
    EVP_EncryptUpdate(ctx, cipherBytes, &len, reinterpret_cast<const unsigned char *>(plaintext.constData()),
                      int(plaintext.size()));
    EVP_EncryptFinal_ex(ctx, cipherBytes + len, &len);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, cipherBytes + plaintext.size());
    EVP_CIPHER_CTX_free(ctx);
    return QString::fromLatin1((out + cipher).toBase64());
}

void writeGoDatabase(const QString &file, const QByteArray &secretKeyBase, const QStringList &tokens)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("go"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, encrypted_token TEXT "
                                      "NOT NULL, expires_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, created_at "
                                      "DATETIME DEFAULT CURRENT_TIMESTAMP)")));
        QVERIFY(q.exec(QStringLiteral("CREATE INDEX idx_tokens_updated_at ON tokens(updated_at DESC)")));
        for (const QString &token : tokens) {
            q.prepare(QStringLiteral("INSERT INTO tokens (encrypted_token, expires_at, updated_at) VALUES (?, ?, ?)"));
            q.addBindValue(goEncrypt(secretKeyBase, token.toUtf8()));
            q.addBindValue(QStringLiteral("2030-01-01 00:00:00+00:00"));
            q.addBindValue(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss+00:00")));
            QVERIFY(q.exec());
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("go"));
}

} // namespace

class TestTokenCommand : public QObject
{
    Q_OBJECT

private slots:
    // `token vend` gets one token with the service-account key, stores it as `vended`, prints its
    // claims and never the token or the key; refusals are exit code 2 with the server's reason.
    void vendFetchesStoresAndShowsClaims()
    {
        QTemporaryDir dir;
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/fleet"));
        const QString key = simulator.addServiceAccount(pathId);
        QProcessEnvironment env = cleanEnvironment(dir.path());
        env.insert(QStringLiteral("TELEPHONE_SERVICE_ACCOUNT_KEY"), key);
        const QStringList common{QStringLiteral("--server"), simulator.socketUrl().toString(),
                                 QStringLiteral("--secret-store"), QStringLiteral("file")};

        const Run vend = run(QStringList{QStringLiteral("token"), QStringLiteral("vend")} + common, env);
        QVERIFY2(vend.exitCode == 0, vend.err.constData());
        QVERIFY2(vend.out.contains("path_id:   " + pathId.toUtf8()), vend.out.constData());
        QVERIFY(vend.out.contains("sa_live_"));
        QVERIFY(!vend.out.contains(key.toUtf8()) && !vend.err.contains(key.toUtf8()));
        QVERIFY(!vend.out.contains("eyJ") && !vend.err.contains("eyJ"));
        QCOMPARE(simulator.tokensVended(), 1);

        const Run list = run(QStringList{QStringLiteral("token"), QStringLiteral("list")} + common, env);
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains("vended"), list.out.constData());

        // Another mount than the account's: 403, said with the allowed path id.
        const QString other = simulator.addMount(QStringLiteral("/other"));
        const Run refused = run(QStringList{QStringLiteral("token"), QStringLiteral("vend"), QStringLiteral("--path-id"),
                                            other} + common, env);
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("this service account may not serve " + other.toUtf8()), refused.err.constData());
        QVERIFY(refused.err.contains(pathId.toUtf8()));

        simulator.revokeServiceAccount(key);
        const Run revoked = run(QStringList{QStringLiteral("token"), QStringLiteral("vend")} + common, env);
        QCOMPARE(revoked.exitCode, 2);
        QVERIFY2(revoked.err.contains("service account key invalid or revoked"), revoked.err.constData());
        QVERIFY(!revoked.err.contains(key.toUtf8()));

        env.remove(QStringLiteral("TELEPHONE_SERVICE_ACCOUNT_KEY"));
        const Run noKey = run(QStringList{QStringLiteral("token"), QStringLiteral("vend")} + common, env);
        QCOMPARE(noKey.exitCode, 2);
        QVERIFY2(noKey.err.contains("no service-account key"), noKey.err.constData());
    }

    // Issue 15: --tunnel NAME takes the server, key and mount of that [tunnel.NAME] section, and
    // list/forget/paste touch only that tunnel's rows of the shared store.
    void tunnelOptionActsOnThatTunnelsRows()
    {
        QTemporaryDir dir;
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString apiPath = simulator.addMount(QStringLiteral("/api"));
        const QString webPath = simulator.addMount(QStringLiteral("/web"));
        const QString webKey = simulator.addServiceAccount(webPath);
        const QString config = dir.filePath(QStringLiteral("telephone.ini"));
        {
            QFile file(config);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QStringLiteral("server = %1\nbackend = 3000\n\n[tunnel.api]\nservice-account-path-id = %2\n\n"
                                      "[tunnel.web]\nservice-account-key = %3\nservice-account-path-id = %4\n\n[tunnel.other]\n"
                                      "server = wss://other.example\n")
                           .arg(simulator.socketUrl().toString(), apiPath, webKey, webPath)
                           .toUtf8());
            QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        }
        const QProcessEnvironment env = cleanEnvironment(dir.path());
        const auto token = [&](const QString &tunnel, const QString &command, const QByteArray &input = {}) {
            return run({QStringLiteral("token"), command, QStringLiteral("--tunnel"), tunnel, QStringLiteral("--config"),
                        config, QStringLiteral("--secret-store"), QStringLiteral("file")},
                       env, input);
        };

        // paste: stored for the tunnel's server; a token of another mount is refused, not stored.
        const QString apiToken = simulator.mintToken(apiPath, 3600);
        Run r = token(QStringLiteral("api"), QStringLiteral("paste"), apiToken.toUtf8() + '\n');
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QVERIFY2(!r.err.contains("QCommandLineParser"), r.err.constData()); // --tunnel is declared once
        QVERIFY(!r.out.contains(apiToken.section(QLatin1Char('.'), 1, 1).toUtf8()));
        r = token(QStringLiteral("api"), QStringLiteral("paste"), simulator.mintToken(webPath, 3600).toUtf8() + '\n');
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("this token is for path_id " + webPath.toUtf8() + ", but api serves " + apiPath.toUtf8()),
                 r.err.constData());
        r = token(QStringLiteral("other"), QStringLiteral("paste"), simulator.mintToken(QStringLiteral("elsewhere"), 3600).toUtf8() + '\n');
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        // vend: the section's own key and the simulator's server from [general].
        r = token(QStringLiteral("web"), QStringLiteral("vend"));
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QVERIFY2(r.out.contains("path_id:   " + webPath.toUtf8()), r.out.constData());
        QVERIFY(!r.out.contains(webKey.toUtf8()) && !r.err.contains(webKey.toUtf8()));

        // list: only that tunnel's rows; without --tunnel, all of them.
        r = token(QStringLiteral("api"), QStringLiteral("list"));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(apiPath.toUtf8()) && r.out.contains("pasted"), r.out.constData());
        QVERIFY2(!r.out.contains(webPath.toUtf8()) && !r.out.contains("other.example"), r.out.constData());
        r = token(QStringLiteral("web"), QStringLiteral("list"));
        QVERIFY2(r.out.contains(webPath.toUtf8()) && r.out.contains("vended") && !r.out.contains(apiPath.toUtf8()),
                 r.out.constData());
        r = token(QStringLiteral("other"), QStringLiteral("list"));
        QVERIFY2(r.out.contains("wss://other.example") && r.out.contains("elsewhere")
                     && !r.out.contains(apiPath.toUtf8()) && !r.out.contains(webPath.toUtf8()),
                 r.out.constData());
        r = run({QStringLiteral("token"), QStringLiteral("list")}, env);
        QVERIFY2(r.out.contains(apiPath.toUtf8()) && r.out.contains(webPath.toUtf8()) && r.out.contains("elsewhere"),
                 r.out.constData());

        // The pasted token is what that tunnel runs on at its next start.
        {
            QProcess telephone;
            telephone.setProcessEnvironment(env);
            telephone.start(QStringLiteral(TELEPHONE_BINARY),
                            {QStringLiteral("--no-gui"), QStringLiteral("--config"), config, QStringLiteral("--tunnel"),
                             QStringLiteral("api"), QStringLiteral("--secret-store"), QStringLiteral("file")});
            QByteArray err;
            connect(&telephone, &QProcess::readyReadStandardError, this, [&] { err += telephone.readAllStandardError(); });
            QTRY_VERIFY2_WITH_TIMEOUT(simulator.joinedClients(apiPath) == 1, err.constData(), 15000);
            ::kill(pid_t(telephone.processId()), SIGTERM);
            QTRY_VERIFY_WITH_TIMEOUT(telephone.state() == QProcess::NotRunning, 10000);
            err += telephone.readAllStandardError();
            QVERIFY2(err.contains("pasted"), err.constData());
        }

        // forget: that tunnel's rows, the others stay.
        r = token(QStringLiteral("api"), QStringLiteral("forget"));
        QVERIFY2(r.exitCode == 0 && r.out.contains("forgot 1 stored token(s) of tunnel api"), (r.out + r.err).constData());
        r = token(QStringLiteral("api"), QStringLiteral("list"));
        QVERIFY2(r.out.contains("no tokens of tunnel api"), r.out.constData());
        r = run({QStringLiteral("token"), QStringLiteral("list")}, env);
        QVERIFY2(r.out.contains(webPath.toUtf8()) && r.out.contains("elsewhere"), r.out.constData());

        // A name the config does not have: said, with the ones it has.
        r = token(QStringLiteral("nosuch"), QStringLiteral("list"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no tunnel of that name") && r.err.contains("api, web, other"), r.err.constData());
    }

    void inspectShowsClaimsAndExitCodes_data()
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("viaStdin");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        const QString valid = unsignedToken({{QStringLiteral("path_id"), QStringLiteral("mount-1")},
                                             {QStringLiteral("iat"), now - 60},
                                             {QStringLiteral("exp"), now + 3540},
                                             {QStringLiteral("jti"), QStringLiteral("jti-9")}});
        const QString expired = unsignedToken({{QStringLiteral("path_id"), QStringLiteral("mount-1")},
                                               {QStringLiteral("iat"), now - 7200},
                                               {QStringLiteral("exp"), now - 3600}});
        QTest::newRow("valid, argument") << valid << false << 0 << QStringLiteral("in 59 min");
        QTest::newRow("valid, stdin") << valid << true << 0 << QStringLiteral("jti-9");
        QTest::newRow("expired") << expired << false << 3 << QStringLiteral("EXPIRED");
        QTest::newRow("malformed") << QStringLiteral("not-a-jwt") << false << 2 << QStringLiteral("not a JWT");
    }

    void inspectShowsClaimsAndExitCodes()
    {
        QFETCH(QString, token);
        QFETCH(bool, viaStdin);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        QStringList args{QStringLiteral("token"), QStringLiteral("inspect")};
        if (!viaStdin)
            args << token;
        const Run r = run(args, cleanEnvironment(), viaStdin ? token.toUtf8() + '\n' : QByteArray());
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2((r.out + r.err).contains(expected.toUtf8()), (r.out + r.err).constData());
        if (exitCode != 2)
            QVERIFY(r.out.contains("mount-1"));
        // The token itself is never echoed.
        if (token.contains(QLatin1Char('.')))
            QVERIFY(!(r.out + r.err).contains(token.section(QLatin1Char('.'), 1, 1).toUtf8()));
    }

    void badUsageExitsWithCode2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{QStringLiteral("token")};
        QTest::newRow("unknown command") << QStringList{QStringLiteral("token"), QStringLiteral("steal")};
        QTest::newRow("forget without target") << QStringList{QStringLiteral("token"), QStringLiteral("forget")};
        QTest::newRow("forget both") << QStringList{QStringLiteral("token"), QStringLiteral("forget"),
                                                    QStringLiteral("--all"), QStringLiteral("--path-id"), QStringLiteral("x")};
        QTest::newRow("import without --db") << QStringList{QStringLiteral("token"), QStringLiteral("import-go")};
    }

    void badUsageExitsWithCode2()
    {
        QFETCH(QStringList, args);
        QTemporaryDir dir;
        const Run r = run(args, cleanEnvironment(dir.path()));
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
    }

    void importGoThenListThenForget()
    {
        QTemporaryDir dir;
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        const QString goDb = dir.filePath(QStringLiteral("telephone.db"));
        const QByteArray secretKeyBase = QByteArray("b511b8ef6a5ec2a14f2f822183b85f17b511b8ef6a5ec2a14f2f822183b85f17");
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString original = unsignedToken({{QStringLiteral("path_id"), QStringLiteral("go-mount")},
                                                {QStringLiteral("iat"), now - 7000},
                                                {QStringLiteral("exp"), now + 200},
                                                {QStringLiteral("jti"), QStringLiteral("go-1")}});
        const QString refreshed = unsignedToken({{QStringLiteral("path_id"), QStringLiteral("go-mount")},
                                                 {QStringLiteral("iat"), now - 100},
                                                 {QStringLiteral("exp"), now + 7100},
                                                 {QStringLiteral("jti"), QStringLiteral("go-2")}});
        const QString stale = unsignedToken({{QStringLiteral("path_id"), QStringLiteral("go-mount")},
                                             {QStringLiteral("iat"), now - 90000},
                                             {QStringLiteral("exp"), now - 80000},
                                             {QStringLiteral("jti"), QStringLiteral("go-0")}});
        writeGoDatabase(goDb, secretKeyBase, {stale, original, refreshed});
        QProcessEnvironment env = cleanEnvironment(dataDir);

        // A wrong SECRET_KEY_BASE is an error, and nothing is written.
        env.insert(QStringLiteral("SECRET_KEY_BASE"), QStringLiteral("wrong-wrong-wrong-wrong-wrong-wrong"));
        Run r = run({QStringLiteral("token"), QStringLiteral("import-go"), QStringLiteral("--db"), goDb,
                     QStringLiteral("--server"), QStringLiteral("wss://plugboard.example"), QStringLiteral("--secret-store"),
                     QStringLiteral("file")},
                    env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("SECRET_KEY_BASE"), r.err.constData());
        QVERIFY(!QFile::exists(QDir(dataDir).filePath(QStringLiteral("tokens.sqlite"))));

        // The secret read from stdin, as a pipe would give it.
        env.remove(QStringLiteral("SECRET_KEY_BASE"));
        r = run({QStringLiteral("token"), QStringLiteral("import-go"), QStringLiteral("--db"), goDb, QStringLiteral("--server"),
                 QStringLiteral("wss://plugboard.example"), QStringLiteral("--secret-store"), QStringLiteral("file")},
                env, secretKeyBase + '\n');
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("imported 2 token(s)"), (r.out + r.err).constData());
        QVERIFY2(r.err.contains("expired"), r.err.constData()); // the stale row is named, not imported

        r = run({QStringLiteral("token"), QStringLiteral("list")}, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("go-mount"), r.out.constData());
        QVERIFY(r.out.contains("wss://plugboard.example/socket/websocket"));
        QCOMPARE(r.out.count("imported"), 2);
        for (const QString &token : {original, refreshed})
            QVERIFY(!r.out.contains(token.section(QLatin1Char('.'), 1, 1).toUtf8()));

        r = run({QStringLiteral("token"), QStringLiteral("forget"), QStringLiteral("--path-id"), QStringLiteral("go-mount")},
                env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("forgot 2"));
        r = run({QStringLiteral("token"), QStringLiteral("list")}, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("no tokens are stored"));
    }

    void restartPicksTheRefreshedTokenOverTheOlderGivenOne()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/api"));
        // Issued past its half-life: the refresh is due at once, and the refreshed token's iat is
        // clearly later.
        const QString given = simulator.mintToken(pathId, 3600, QDateTime::currentSecsSinceEpoch() - 1900);
        simulator.setTokenTtlSecs(7200);
        QTemporaryDir dir;
        QProcessEnvironment env = cleanEnvironment(dir.path());
        env.insert(QStringLiteral("TELEPHONE_TOKEN"), given);
        const QStringList common{QStringLiteral("--no-gui"), QStringLiteral("--server"), simulator.socketUrl().toString(),
                                 QStringLiteral("--backend"), QStringLiteral("3000"), QStringLiteral("--secret-store"),
                                 QStringLiteral("file")};

        // First run: refresh due at once, then stop.
        QSignalSpy refreshed(&simulator, &sim::PlugboardSimulator::tokenRefreshed);
        QProcess first;
        first.setProcessEnvironment(env);
        first.start(QStringLiteral(TELEPHONE_BINARY), common);
        QVERIFY(refreshed.wait(15000));
        // Stored before use: list shows the refreshed row once the client has it.
        QTRY_VERIFY_WITH_TIMEOUT(run({QStringLiteral("token"), QStringLiteral("list")}, env).out.contains("refreshed"), 10000);
        ::kill(pid_t(first.processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(first.state() == QProcess::NotRunning, 10000);
        QCOMPARE(first.exitCode(), 0);

        // Second run with the same, now superseded, token on the command line: the server would
        // refuse it; the stored refreshed token must be the one sent.
        const int refusedBefore = simulator.upgradesRefused();
        const int joinsBefore = simulator.joins();
        QProcess second;
        second.setProcessEnvironment(env);
        second.start(QStringLiteral(TELEPHONE_BINARY), common);
        QTRY_VERIFY_WITH_TIMEOUT(simulator.joins() > joinsBefore, 15000);
        QCOMPARE(simulator.upgradesRefused(), refusedBefore);
        ::kill(pid_t(second.processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(second.state() == QProcess::NotRunning, 10000);
        const QByteArray err = QByteArray(first.readAllStandardError()) + second.readAllStandardError();
        QVERIFY2(err.contains("using the stored refreshed token"), err.constData());
        QVERIFY2(err.contains("key file"), err.constData()); // the store in use is reported
        QVERIFY2(!err.contains("eyJ"), err.constData());     // no token in any log line
    }

    void startedWithoutATokenUsesTheStoredOne()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/api"));
        QTemporaryDir dir;
        QProcessEnvironment env = cleanEnvironment(dir.path());
        const QStringList common{QStringLiteral("--no-gui"), QStringLiteral("--server"), simulator.socketUrl().toString(),
                                 QStringLiteral("--backend"), QStringLiteral("3000"), QStringLiteral("--secret-store"),
                                 QStringLiteral("file")};
        // Nothing given, nothing stored: a clear exit 2.
        Run r = run(common, env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("missing --token") && r.err.contains("no unexpired token"), r.err.constData());

        // Given once, then started with nothing.
        QProcess first;
        QProcessEnvironment withToken = env;
        withToken.insert(QStringLiteral("TELEPHONE_TOKEN"), simulator.mintToken(pathId));
        first.setProcessEnvironment(withToken);
        first.start(QStringLiteral(TELEPHONE_BINARY), common);
        QTRY_VERIFY_WITH_TIMEOUT(simulator.joinedClients(pathId) == 1, 15000);
        ::kill(pid_t(first.processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(first.state() == QProcess::NotRunning, 10000);

        QProcess second;
        second.setProcessEnvironment(env);
        second.start(QStringLiteral(TELEPHONE_BINARY), common);
        QTRY_VERIFY_WITH_TIMEOUT(simulator.joinedClients(pathId) == 1, 15000);
        ::kill(pid_t(second.processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(second.state() == QProcess::NotRunning, 10000);
        QVERIFY(second.readAllStandardError().contains("using the stored given token"));
    }

    void noKeychainMeansTheKeyFileAndSaysSo()
    {
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        const QString pathId = simulator.addMount(QStringLiteral("/api"));
        QTemporaryDir dir;
        QProcessEnvironment env = cleanEnvironment(dir.path());
        // A session bus address that leads nowhere: the keychain cannot answer.
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=") + dir.filePath(QStringLiteral("no-bus")));
        env.insert(QStringLiteral("TELEPHONE_TOKEN"), simulator.mintToken(pathId));
        const QStringList common{QStringLiteral("--no-gui"), QStringLiteral("--server"), simulator.socketUrl().toString(),
                                 QStringLiteral("--backend"), QStringLiteral("3000")};

        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(TELEPHONE_BINARY), common); // --secret-store auto (the default)
        QTRY_VERIFY_WITH_TIMEOUT(simulator.joinedClients(pathId) == 1, 20000);
        ::kill(pid_t(process.processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 10000);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("OS keychain is not available"), err.constData());
        QVERIFY2(err.contains("token-key"), err.constData());
        QVERIFY2(err.contains("next to the data"), err.constData());
        QVERIFY(QFile::exists(QDir(dir.path()).filePath(QStringLiteral("token-key"))));

        // Asked for by name, the keychain is not replaced by a file: the tunnel still runs on the
        // given token, and the log says tokens cannot be stored.
        QTemporaryDir other;
        QProcessEnvironment strict = env;
        strict.insert(QStringLiteral("TELEPHONE_DATA_DIR"), other.path());
        QProcess keychainOnly;
        keychainOnly.setProcessEnvironment(strict);
        const int joins = simulator.joins();
        keychainOnly.start(QStringLiteral(TELEPHONE_BINARY), common + QStringList{QStringLiteral("--secret-store"),
                                                                                QStringLiteral("keychain")});
        QTRY_VERIFY_WITH_TIMEOUT(simulator.joins() > joins, 20000);
        ::kill(pid_t(keychainOnly.processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(keychainOnly.state() == QProcess::NotRunning, 10000);
        const QByteArray strictErr = keychainOnly.readAllStandardError();
        QVERIFY2(strictErr.contains("no fallback to a key file"), strictErr.constData());
        QVERIFY2(strictErr.contains("a restart will need a new one"), strictErr.constData());
        QVERIFY(!QFile::exists(QDir(other.path()).filePath(QStringLiteral("token-key"))));
    }
};

QTEST_GUILESS_MAIN(TestTokenCommand)
#include "test_tokencommand.moc"
