// The three places the data key can live, for real: a key file, a key derived from the
// environment, and the OS keychain through QtKeychain against a real Secret Service
// (gnome-keyring-daemon in the dbus-run-session that scripts/test starts). Plus the choice between
// them that TokenStoreUnlocker makes.

#include "tokens/crypto.h"
#include "tokens/envsecretstore.h"
#include "tokens/filesecretstore.h"
#include "tokens/keychainsecretstore.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokenstore.h"
#include "tokens/tokenstoreunlocker.h"

#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"
#include "support/cleanenvironment.h"
#include "support/keychainprobe.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <qt6keychain/keychain.h>

#include <signal.h>
#include <sys/stat.h>

using namespace telephone;
using namespace std::chrono_literals;

namespace {

int mode(const QString &path)
{
    struct stat st {};
    ::stat(QFile::encodeName(path).constData(), &st);
    return int(st.st_mode & 07777);
}

struct KeyResult {
    bool ok = false;
    QByteArray key;
    bool created = false;
    QString error;
};

KeyResult fetch(SecretStore &store, const QString &name, bool create, int timeoutMs = 20000)
{
    QSignalSpy ready(&store, &SecretStore::keyReady);
    QSignalSpy failed(&store, &SecretStore::failed);
    store.fetchKey(name, create);
    // Always asynchronous: nothing has been emitted when fetchKey returns.
    if (!ready.isEmpty() || !failed.isEmpty())
        return {false, {}, false, QStringLiteral("answered synchronously")};
    QDeadlineTimer deadline(timeoutMs);
    while (ready.isEmpty() && failed.isEmpty() && !deadline.hasExpired())
        QTest::qWait(10);
    if (!ready.isEmpty())
        return {true, ready.first().at(0).toByteArray(), ready.first().at(1).toBool(), {}};
    if (failed.isEmpty())
        return {false, {}, false, QStringLiteral("no answer within %1 ms").arg(timeoutMs)};
    return {false, {}, false, failed.first().first().toString()};
}

// `telephone ARGS` with `input` on stdin: its exit code and what it printed.
std::pair<int, QByteArray> runTelephone(const QStringList &args, const QByteArray &input,
                                        const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(TELEPHONE_BINARY), args);
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    return {p.exitCode(), p.readAllStandardOutput() + p.readAllStandardError()};
}

QByteArray keychainEntry(const QString &entry, bool *found)
{
    KeychainSecretStore store;
    store.setRetryDelay(0ms);
    QSignalSpy read(&store, &KeychainSecretStore::entryRead);
    store.readEntry(entry);
    read.wait(15000);
    *found = !read.isEmpty() && read.first().at(2).toBool();
    return read.isEmpty() ? QByteArray() : read.first().at(1).toByteArray();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

    bool m_keychain = false;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_keychain = keychainprobe::keychainAvailable();
    }

    // --- key file ---

    void fileStoreCreatesAPrivateKeyOnceAndReusesIt()
    {
        QTemporaryDir tmp;
        const QString dataDir = tmp.filePath(QStringLiteral("state"));
        FileSecretStore store(dataDir, QString());
        QVERIFY(store.description().contains(store.keyFile()));
        const KeyResult first = fetch(store, QStringLiteral("x"), true);
        QVERIFY2(first.ok, qPrintable(first.error));
        QVERIFY(first.created);
        QCOMPARE(first.key.size(), crypto::KeySize);
        QCOMPARE(mode(dataDir), 0700);
        QCOMPARE(mode(store.keyFile()), 0600);
        const KeyResult second = fetch(store, QStringLiteral("x"), true);
        QVERIFY(second.ok);
        QVERIFY(!second.created);
        QCOMPARE(second.key, first.key);
    }

    void fileStoreRefusesASharedOrDamagedKey()
    {
        QTemporaryDir tmp;
        FileSecretStore store(tmp.path(), QString());
        QVERIFY(fetch(store, QString(), true).ok);
        QVERIFY(QFile::setPermissions(store.keyFile(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        KeyResult shared = fetch(store, QString(), true);
        QVERIFY(!shared.ok);
        QVERIFY2(shared.error.contains(QLatin1String("chmod 600")), qPrintable(shared.error));
        QVERIFY(shared.error.contains(store.keyFile()));

        QFile f(store.keyFile());
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("not a key\n");
        f.close();
        QVERIFY(QFile::setPermissions(store.keyFile(), QFile::ReadOwner | QFile::WriteOwner));
        KeyResult damaged = fetch(store, QString(), true);
        QVERIFY(!damaged.ok);
        QVERIFY2(damaged.error.contains(QLatin1String("64 hex digits")), qPrintable(damaged.error));
        // A missing key is not made up when the caller says one must exist.
        QVERIFY(QFile::remove(store.keyFile()));
        KeyResult missing = fetch(store, QString(), false);
        QVERIFY(!missing.ok);
        QVERIFY(!QFile::exists(store.keyFile()));
    }

    void fileStoreUsesTheSystemdCredential()
    {
        QTemporaryDir tmp;
        const QString credentials = tmp.filePath(QStringLiteral("creds"));
        QVERIFY(QDir().mkpath(credentials));
        const QByteArray hex = QByteArray(64, 'a');
        QFile f(QDir(credentials).filePath(QStringLiteral("token-key")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(hex + '\n');
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner));
        FileSecretStore store(tmp.filePath(QStringLiteral("data")), credentials);
        QVERIFY(store.isSystemdCredential());
        QVERIFY(store.description().contains(QLatin1String("systemd credential")));
        const KeyResult key = fetch(store, QString(), true);
        QVERIFY2(key.ok, qPrintable(key.error));
        QCOMPARE(key.key, QByteArray::fromHex(hex));
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("data/token-key")))); // nothing beside the data
        // Without the credential file the data directory is used (and said so by description()).
        FileSecretStore fallback(tmp.filePath(QStringLiteral("data")), tmp.filePath(QStringLiteral("empty")));
        QVERIFY(!fallback.isSystemdCredential());
    }

    // --- environment ---

    void envStoreDerivesAStableKeyWithARandomSalt()
    {
        QTemporaryDir tmp;
        const QByteArray secret = QByteArray(64, 'z');
        EnvSecretStore store(tmp.path(), secret);
        const KeyResult first = fetch(store, QString(), true);
        QVERIFY2(first.ok, qPrintable(first.error));
        QVERIFY(first.created);
        QCOMPARE(mode(store.saltFile()), 0600);
        // The key is PBKDF2 of the secret over the stored salt, with the documented 600,000 rounds.
        QFile saltFile(store.saltFile());
        QVERIFY(saltFile.open(QIODevice::ReadOnly));
        const QByteArray salt = QByteArray::fromHex(saltFile.readAll().trimmed());
        QCOMPARE(salt.size(), 16);
        QString error;
        QCOMPARE(first.key, *crypto::pbkdf2Sha256(secret, salt, 600000, 32, &error));
        const KeyResult again = fetch(store, QString(), true);
        QCOMPARE(again.key, first.key);
        QVERIFY(!again.created);
        // Another installation with the same secret gets another salt, so another key.
        QTemporaryDir other;
        EnvSecretStore otherStore(other.path(), secret);
        QVERIFY(fetch(otherStore, QString(), true).key != first.key);
    }

    void envStoreExplainsAMissingOrWeakSecret_data()
    {
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("message");
        QTest::newRow("unset") << QByteArray() << QStringLiteral("not set");
        QTest::newRow("short") << QByteArray("hunter2") << QStringLiteral("too short");
    }

    void envStoreExplainsAMissingOrWeakSecret()
    {
        QFETCH(QByteArray, secret);
        QFETCH(QString, message);
        QTemporaryDir tmp;
        EnvSecretStore store(tmp.path(), secret);
        const KeyResult result = fetch(store, QString(), true);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(message), qPrintable(result.error));
        QVERIFY(result.error.contains(QLatin1String("TELEPHONE_SECRET_KEY_BASE")));
        if (!secret.isEmpty())
            QVERIFY(!result.error.contains(QString::fromLatin1(secret)));
    }

    // --- OS keychain (real Secret Service) ---

    void keychainProbeWritesReadsAndDeletes()
    {
        REQUIRE_KEYCHAIN();
        KeychainSecretStore store;
        QSignalSpy probed(&store, &KeychainSecretStore::probeFinished);
        store.probe();
        QVERIFY(probed.isEmpty());
        QVERIFY(probed.wait(15000));
        QVERIFY2(probed.first().at(0).toBool(), qPrintable(probed.first().at(1).toString()));
    }

    void keychainCreatesKeepsAndDeletesAKey()
    {
        REQUIRE_KEYCHAIN();
        const QString installation = QUuid::createUuid().toString(QUuid::WithoutBraces);
        KeychainSecretStore store;
        store.setRetryDelay(50ms);
        const KeyResult missing = fetch(store, installation, false);
        QVERIFY(!missing.ok);
        QVERIFY2(missing.error.contains(QLatin1String("no key for this installation")), qPrintable(missing.error));
        const KeyResult created = fetch(store, installation, true);
        QVERIFY2(created.ok, qPrintable(created.error));
        QVERIFY(created.created);
        QCOMPARE(created.key.size(), crypto::KeySize);
        // A second object (another start of the program) reads the same key back.
        KeychainSecretStore again;
        const KeyResult read = fetch(again, installation, true);
        QVERIFY2(read.ok, qPrintable(read.error));
        QVERIFY(!read.created);
        QCOMPARE(read.key, created.key);

        QSignalSpy deleted(&again, &KeychainSecretStore::keyDeleted);
        again.deleteKey(installation);
        QVERIFY(deleted.wait(15000));
        QVERIFY(!fetch(again, installation, false).ok);
    }

    void autoChoosesTheKeychainWhenItAnswers()
    {
        REQUIRE_KEYCHAIN();
        QTemporaryDir tmp;
        TokenStore store(TokenStore::fileIn(tmp.path()));
        QString error;
        QVERIFY(store.open(&error));
        TokenStoreUnlocker unlocker(&store, QStringLiteral("auto"), tmp.path(), QProcessEnvironment::systemEnvironment());
        QSignalSpy unlocked(&unlocker, &TokenStoreUnlocker::unlocked);
        QSignalSpy failed(&unlocker, &TokenStoreUnlocker::failed);
        QSignalSpy notices(&unlocker, &TokenStoreUnlocker::notice);
        unlocker.start();
        QTRY_VERIFY_WITH_TIMEOUT(!unlocked.isEmpty() || !failed.isEmpty(), 20000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(unlocked.first().first().toString().contains(QLatin1String("OS keychain")));
        QVERIFY(notices.isEmpty()); // nothing to warn about
        QVERIFY(!QFile::exists(QDir(tmp.path()).filePath(QStringLiteral("token-key")))); // no key beside the data
        QCOMPARE(store.keyKind(), QStringLiteral("keychain"));
        // Clean up the entry this installation made.
        KeychainSecretStore keychain;
        QSignalSpy deleted(&keychain, &KeychainSecretStore::keyDeleted);
        keychain.deleteKey(store.installationId());
        QVERIFY(deleted.wait(15000));
    }

    // --- the choice ---

    void aStoreKeepsTheSecretStoreItWasMadeWith()
    {
        // Made with a key file; with auto, the file is used again without asking the keychain, which
        // may have appeared since (a new keychain key would make the stored tokens unreadable).
        QTemporaryDir tmp;
        QString error;
        {
            TokenStore store(TokenStore::fileIn(tmp.path()));
            QVERIFY(store.open(&error));
            TokenStoreUnlocker unlocker(&store, QStringLiteral("file"), tmp.path(), QProcessEnvironment());
            QSignalSpy unlocked(&unlocker, &TokenStoreUnlocker::unlocked);
            QSignalSpy notices(&unlocker, &TokenStoreUnlocker::notice);
            unlocker.start();
            QVERIFY(unlocked.wait(5000));
            QCOMPARE(notices.size(), 1); // "the key is in the key file ..., next to the data"
            QVERIFY(notices.first().first().toString().contains(QLatin1String("next to the data")));
        }
        TokenStore store(TokenStore::fileIn(tmp.path()));
        QVERIFY(store.open(&error));
        QCOMPARE(store.keyKind(), QStringLiteral("file"));
        TokenStoreUnlocker unlocker(&store, QStringLiteral("auto"), tmp.path(), QProcessEnvironment());
        QSignalSpy unlocked(&unlocker, &TokenStoreUnlocker::unlocked);
        QSignalSpy notices(&unlocker, &TokenStoreUnlocker::notice);
        unlocker.start();
        QVERIFY(unlocked.wait(5000));
        QVERIFY(unlocked.first().first().toString().contains(QLatin1String("key file")));
        QCOMPARE(notices.size(), 1);
        QCOMPARE(notices.first().at(1).toBool(), true); // a warning: the key sits next to the data
    }

    void aMissingKeyIsNotReplacedSilently()
    {
        QTemporaryDir tmp;
        QString error;
        {
            TokenStore store(TokenStore::fileIn(tmp.path()));
            QVERIFY(store.open(&error));
            TokenStoreUnlocker unlocker(&store, QStringLiteral("file"), tmp.path(), QProcessEnvironment());
            QSignalSpy unlocked(&unlocker, &TokenStoreUnlocker::unlocked);
            unlocker.start();
            QVERIFY(unlocked.wait(5000));
        }
        QVERIFY(QFile::remove(QDir(tmp.path()).filePath(QStringLiteral("token-key"))));
        TokenStore store(TokenStore::fileIn(tmp.path()));
        QVERIFY(store.open(&error));
        TokenStoreUnlocker unlocker(&store, QStringLiteral("file"), tmp.path(), QProcessEnvironment());
        QSignalSpy failed(&unlocker, &TokenStoreUnlocker::failed);
        unlocker.start();
        QVERIFY(failed.wait(5000));
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(store.fileName()), qPrintable(message));
        QVERIFY(message.contains(QLatin1String("does not exist")));
        QVERIFY(!QFile::exists(QDir(tmp.path()).filePath(QStringLiteral("token-key"))));
    }

    void wrongEnvSecretIsAWrongKey()
    {
        QTemporaryDir tmp;
        QString error;
        QProcessEnvironment env;
        env.insert(QStringLiteral("TELEPHONE_SECRET_KEY_BASE"), QString(40, u'a'));
        {
            TokenStore store(TokenStore::fileIn(tmp.path()));
            QVERIFY(store.open(&error));
            TokenStoreUnlocker unlocker(&store, QStringLiteral("env"), tmp.path(), env);
            QSignalSpy unlocked(&unlocker, &TokenStoreUnlocker::unlocked);
            unlocker.start();
            QVERIFY(unlocked.wait(5000));
        }
        env.insert(QStringLiteral("TELEPHONE_SECRET_KEY_BASE"), QString(40, u'b'));
        TokenStore store(TokenStore::fileIn(tmp.path()));
        QVERIFY(store.open(&error));
        TokenStoreUnlocker unlocker(&store, QStringLiteral("env"), tmp.path(), env);
        QSignalSpy failed(&unlocker, &TokenStoreUnlocker::failed);
        unlocker.start();
        QVERIFY(failed.wait(5000));
        QVERIFY2(failed.first().first().toString().contains(QLatin1String("another key")),
                 qPrintable(failed.first().first().toString()));
    }

    // The service-account key (issue 16) through `telephone token key set` into the real Secret
    // Service, read back by QtKeychain directly (not through our wrapper) and by the wrapper the
    // desktop app uses; `token key forget` removes it.
    void serviceAccountKeyRoundTripsThroughTheKeychain()
    {
        REQUIRE_KEYCHAIN();
        const QString entry = QLatin1String(KeychainSecretStore::ServiceAccountEntry);
        const QByteArray key = "sa_live_" + QUuid::createUuid().toByteArray(QUuid::Id128);
        const auto telephone = [](const QStringList &args, const QByteArray &input) { return runTelephone(args, input); };
        const auto [setCode, setOut] = telephone({QStringLiteral("token"), QStringLiteral("key"), QStringLiteral("set")},
                                                 key + "\n");
        QVERIFY2(setCode == 0, setOut.constData());
        QVERIFY(setOut.contains("sa_live_"));
        QVERIFY(!setOut.contains(key));

        auto *job = new QKeychain::ReadPasswordJob(QLatin1String(KeychainSecretStore::Service));
        job->setKey(entry);
        QSignalSpy jobDone(job, &QKeychain::Job::finished);
        job->start();
        QVERIFY(jobDone.wait(15000));
        QCOMPARE(job->error(), QKeychain::NoError);
        QCOMPARE(job->binaryData(), key);

        KeychainSecretStore store;
        store.setRetryDelay(0ms);
        QSignalSpy read(&store, &KeychainSecretStore::entryRead);
        store.readEntry(entry);
        QVERIFY(read.wait(15000));
        QCOMPARE(read.first().at(1).toByteArray(), key);
        QVERIFY(read.first().at(2).toBool());

        const auto [forgetCode, forgetOut] =
            telephone({QStringLiteral("token"), QStringLiteral("key"), QStringLiteral("forget")}, {});
        QVERIFY2(forgetCode == 0, forgetOut.constData());
        read.clear();
        store.readEntry(entry);
        QVERIFY(read.wait(15000));
        QVERIFY(!read.first().at(2).toBool());

        const auto [badCode, badOut] = telephone({QStringLiteral("token"), QStringLiteral("key"), QStringLiteral("set")},
                                                 "eyJhbGciOiJIUzI1NiJ9.e30.sig\n");
        QCOMPARE(badCode, 2);
        QVERIFY2(badOut.contains("not a service-account key"), badOut.constData());
    }
    // Several tunnels (issue 15), one key each: `token key set|forget --tunnel NAME` acts on that
    // tunnel's own entry only; without --tunnel it is the default tunnel's, the entry from before.
    void eachTunnelHasItsOwnServiceAccountKeyEntry()
    {
        REQUIRE_KEYCHAIN();
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("telephone.ini"));
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("server = wss://plugboard.example\n\n[tunnel.api]\nbackend = 3000\n\n[tunnel.web]\nbackend = 3001\n");
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        const auto key = [] { return "sa_live_" + QUuid::createUuid().toByteArray(QUuid::Id128); };
        const QByteArray apiKey = key(), webKey = key(), defaultKey = key();
        const auto keyCommand = [&config](const QString &action, const QStringList &tunnel, const QByteArray &input) {
            return runTelephone(QStringList{QStringLiteral("token"), QStringLiteral("key"), action,
                                            QStringLiteral("--config"), config} + tunnel, input);
        };
        const QStringList api{QStringLiteral("--tunnel"), QStringLiteral("api")};
        const QStringList web{QStringLiteral("--tunnel"), QStringLiteral("web")};
        for (const auto &[tunnel, secret] : {std::pair{api, apiKey}, std::pair{web, webKey}, std::pair{QStringList(), defaultKey}}) {
            const auto [code, out] = keyCommand(QStringLiteral("set"), tunnel, secret + "\n");
            QVERIFY2(code == 0, out.constData());
            QVERIFY(!out.contains(secret));
            QVERIFY2(out.contains(tunnel.isEmpty() ? "tunnel default" : qPrintable(QStringLiteral("tunnel ") + tunnel.last())),
                     out.constData());
        }
        const QString defaultEntry = QLatin1String(KeychainSecretStore::ServiceAccountEntry);
        const QString apiEntry = ServiceAccountKey::keychainEntry(QStringLiteral("api"));
        const QString webEntry = ServiceAccountKey::keychainEntry(QStringLiteral("web"));
        QCOMPARE(ServiceAccountKey::keychainEntry(QStringLiteral("default")), defaultEntry);
        bool found = false;
        QCOMPARE(keychainEntry(apiEntry, &found), apiKey);
        QCOMPARE(keychainEntry(webEntry, &found), webKey);
        QCOMPARE(keychainEntry(defaultEntry, &found), defaultKey);

        const auto [forgetCode, forgetOut] = keyCommand(QStringLiteral("forget"), api, {});
        QVERIFY2(forgetCode == 0, forgetOut.constData());
        keychainEntry(apiEntry, &found);
        QVERIFY(!found);
        QCOMPARE(keychainEntry(webEntry, &found), webKey);
        QVERIFY(found);
        QCOMPARE(keychainEntry(defaultEntry, &found), defaultKey);
        QVERIFY(found);

        // A tunnel that is not configured: said, nothing stored under a name nothing reads.
        const auto [typoCode, typoOut] =
            keyCommand(QStringLiteral("set"), {QStringLiteral("--tunnel"), QStringLiteral("apj")}, key() + "\n");
        QCOMPARE(typoCode, 2);
        QVERIFY2(typoOut.contains("no tunnel of that name"), typoOut.constData());
        keychainEntry(ServiceAccountKey::keychainEntry(QStringLiteral("apj")), &found);
        QVERIFY(!found);

        for (const QStringList &tunnel : {web, QStringList()})
            QCOMPARE(keyCommand(QStringLiteral("forget"), tunnel, {}).first, 0);
        keychainEntry(webEntry, &found);
        QVERIFY(!found);
        keychainEntry(defaultEntry, &found);
        QVERIFY(!found);
    }

    // A headless run of a [tunnel.api] section whose only key is in the keychain (entry of its
    // own): it vends a token from the simulator's endpoint and joins; the key is in no log line.
    void headlessTunnelVendsWithItsKeychainKey()
    {
        REQUIRE_KEYCHAIN();
        QTemporaryDir home;
        sim::PlugboardSimulator simulator;
        QVERIFY(simulator.listen());
        sim::EchoBackend backend;
        QVERIFY(backend.listen(QHostAddress::LocalHost, 0));
        const QString pathId = simulator.addMount(QStringLiteral("/api"));
        const QString key = simulator.addServiceAccount(pathId);
        QStringList vended;
        connect(&simulator, &sim::PlugboardSimulator::vendRequested, this,
                [&vended](int status) { vended << QString::number(status); });
        const QString config = home.filePath(QStringLiteral("telephone.ini"));
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("server = " + simulator.socketUrl().toString().toUtf8() + "\n\n[tunnel.api]\nbackend = "
                    + backend.url().toString().toUtf8() + "\n");
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        const QProcessEnvironment env = cleanEnvironment(home.path());
        const auto [setCode, setOut] =
            runTelephone({QStringLiteral("token"), QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("--tunnel"),
                          QStringLiteral("api"), QStringLiteral("--config"), config},
                         key.toUtf8() + "\n", env);
        QVERIFY2(setCode == 0, setOut.constData());

        const QString errLog = home.filePath(QStringLiteral("stderr.log"));
        QProcess telephone;
        telephone.setProcessEnvironment(env);
        telephone.setStandardOutputFile(QProcess::nullDevice());
        telephone.setStandardErrorFile(errLog);
        telephone.start(QStringLiteral(TELEPHONE_BINARY),
                        {QStringLiteral("--no-gui"), QStringLiteral("--debug"), QStringLiteral("--config"), config,
                         QStringLiteral("--data-dir"), home.filePath(QStringLiteral("data"))});
        QVERIFY(telephone.waitForStarted(10000));
        const auto running = [&telephone] { return telephone.state() == QProcess::Running; };
        QTRY_VERIFY2_WITH_TIMEOUT(simulator.joinedClients(pathId) == 1 || !running(), readAll(errLog).constData(), 30000);
        QVERIFY2(running(), readAll(errLog).constData());
        QCOMPARE(vended, QStringList{QStringLiteral("201")});
        ::kill(pid_t(telephone.processId()), SIGTERM);
        QVERIFY(telephone.waitForFinished(15000));
        const QByteArray log = readAll(errLog);
        QVERIFY2(log.contains("service-account-key.api"), log.constData()); // where the key came from
        QVERIFY(!log.contains(key.toUtf8()));
        QVERIFY(!log.contains(key.mid(8, 8).toUtf8()));

        // `token vend --tunnel api` finds the same key in the same entry (waited for without
        // blocking: the simulator answers from this thread).
        QProcess vend;
        vend.setProcessEnvironment(env);
        vend.start(QStringLiteral(TELEPHONE_BINARY),
                   {QStringLiteral("token"), QStringLiteral("vend"), QStringLiteral("--tunnel"), QStringLiteral("api"),
                    QStringLiteral("--config"), config, QStringLiteral("--data-dir"), home.filePath(QStringLiteral("data"))});
        QTRY_VERIFY_WITH_TIMEOUT(vend.state() == QProcess::NotRunning, 30000);
        const QByteArray vendOut = vend.readAllStandardOutput() + vend.readAllStandardError();
        QVERIFY2(vend.exitCode() == 0, vendOut.constData());
        QVERIFY2(vendOut.contains(pathId.toUtf8()), vendOut.constData());
        QVERIFY(!vendOut.contains(key.toUtf8()));
        QCOMPARE(vended.size(), 2);
        QCOMPARE(runTelephone({QStringLiteral("token"), QStringLiteral("key"), QStringLiteral("forget"),
                               QStringLiteral("--tunnel"), QStringLiteral("api"), QStringLiteral("--config"), config},
                              {}, env)
                     .first,
                 0);
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "test_secretstore.moc"
