#include "tokens/keychainsecretstore.h"

#include "tokens/crypto.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcKeychain, "telephone.tokens.keychain")

namespace telephone {

using namespace std::chrono_literals;

namespace {

// QtKeychain's own words (English) stay in the log; the code is what the window says.
Problem describe(int error, const QString &errorString)
{
    using Kind = Problem::Kind;
    switch (error) {
    case QKeychain::AccessDenied: return {Kind::KeychainAccessDenied, {errorString}};
    case QKeychain::NoBackendAvailable: return {Kind::KeychainUnavailable, {errorString}};
    case QKeychain::NotImplemented: return {Kind::KeychainUnsupported, {errorString}};
    default: return {Kind::KeychainFailed, {errorString}};
    }
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject *parent)
    : SecretStore(parent)
{
    m_retryTimer.setSingleShot(true);
    m_retryTimer.setInterval(2s);
    m_timeoutTimer.setSingleShot(true);
    m_timeoutTimer.setInterval(30s);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        m_timeoutTimer.start();
        m_attempt();
    });
    connect(&m_timeoutTimer, &QTimer::timeout, this, [this] {
        fail({Problem::Kind::KeychainTimeout, {QString::number(m_timeoutTimer.interval() / 1000.0)}});
    });
}

QString KeychainSecretStore::description() const
{
#if defined(Q_OS_MACOS)
    return QStringLiteral("OS keychain (macOS Keychain)");
#elif defined(Q_OS_WIN)
    return QStringLiteral("OS keychain (Windows Credential Manager)");
#else
    return QStringLiteral("OS keychain (Secret Service)");
#endif
}

QString KeychainSecretStore::entryName(const QString &installation)
{
    return QStringLiteral("token-key-") + installation;
}

bool KeychainSecretStore::hasNoSessionBus()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    // Without a session bus every job would fail slowly (and be retried); say why at once.
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return false;
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return runtimeDir.isEmpty() || !QFileInfo::exists(QDir(runtimeDir).filePath(QStringLiteral("bus")));
#else
    return false;
#endif
}

void KeychainSecretStore::begin(const std::function<void()> &operation)
{
    ++m_generation;
    m_busy = true;
    m_retried = false;
    m_attempt = operation;
    if (hasNoSessionBus()) {
        m_retried = true; // nothing will change in two seconds
        QMetaObject::invokeMethod(this, [this] { fail({Problem::Kind::KeychainNoSessionBus}); }, Qt::QueuedConnection);
        return;
    }
    m_timeoutTimer.start();
    m_attempt(); // QtKeychain's start() is queued: answers come after we return
}

void KeychainSecretStore::run(Step step, const QString &key, const QByteArray &data, const Done &done)
{
    const QString service = QLatin1String(Service);
    // Jobs have no parent: a store destroyed while its job waits for the Secret Service (a
    // settings window closed at once) must not destroy the job, whose libsecret callback would
    // then run on freed memory. The job deletes itself once answered (autoDelete); the connection
    // in startJob ends with this store.
    QKeychain::Job *job = nullptr;
    switch (step) {
    case Step::Read:
        job = new QKeychain::ReadPasswordJob(service);
        break;
    case Step::Write: {
        auto *write = new QKeychain::WritePasswordJob(service);
        write->setBinaryData(data);
        job = write;
        break;
    }
    case Step::Delete:
        job = new QKeychain::DeletePasswordJob(service);
        break;
    }
    job->setKey(key);
    job->setAutoDelete(true);
    // Never the plaintext QSettings fallback: a key stored there would be a key file nobody chose.
    job->setInsecureFallback(false);
    startJob(job, step, done);
}

void KeychainSecretStore::startJob(QKeychain::Job *job, Step step, const Done &done)
{
    const quint64 generation = m_generation;
    connect(job, &QKeychain::Job::finished, this, [this, generation, step, done](QKeychain::Job *finished) {
        if (generation != m_generation || !m_busy)
            return; // timed out or retried meanwhile
        QByteArray data;
        if (step == Step::Read && finished->error() == QKeychain::NoError)
            data = static_cast<QKeychain::ReadPasswordJob *>(finished)->binaryData();
        done(finished->error(), finished->errorString(), data);
    });
    job->start();
}

void KeychainSecretStore::finish()
{
    ++m_generation;
    m_busy = false;
    m_timeoutTimer.stop();
    m_retryTimer.stop();
}

void KeychainSecretStore::fail(const Problem &problem)
{
    if (!m_busy)
        return;
    if (retryOnce()) {
        qCInfo(lcKeychain).noquote() << "the OS keychain did not work (" + problem.englishText()
                + "); trying once more in" << m_retryTimer.interval() / 1000.0 << "s";
        return;
    }
    finish();
    m_onFail(problem);
}

bool KeychainSecretStore::retryOnce()
{
    if (m_retried)
        return false;
    m_retried = true;
    ++m_generation;
    m_timeoutTimer.stop();
    m_retryTimer.start();
    return true;
}

void KeychainSecretStore::fetchKey(const QString &name, bool create)
{
    if (!claim())
        return;
    const QString entry = entryName(name);
    begin([this, entry, create] {
        run(Step::Read, entry, {}, [this, entry, create](int error, const QString &errorString, const QByteArray &data) {
            if (error == QKeychain::NoError) {
                finish();
                if (data.size() != crypto::KeySize)
                    emit failed(QStringLiteral("the keychain entry %1/%2 does not hold a %3-byte key")
                                    .arg(QLatin1String(Service), entry)
                                    .arg(crypto::KeySize));
                else
                    emit keyReady(data, false);
                return;
            }
            if (error != QKeychain::EntryNotFound) {
                fail(describe(error, errorString));
                return;
            }
            if (!create) {
                finish();
                emit failed(QStringLiteral("the OS keychain has no key for this installation (entry %1/%2)")
                                .arg(QLatin1String(Service), entry));
                return;
            }
            QString randomError;
            const std::optional<QByteArray> key = crypto::randomBytes(crypto::KeySize, &randomError);
            if (!key) {
                finish();
                emit failed(randomError);
                return;
            }
            run(Step::Write, entry, *key, [this, key](int writeError, const QString &writeErrorString, const QByteArray &) {
                if (writeError != QKeychain::NoError) {
                    fail(describe(writeError, writeErrorString));
                    return;
                }
                finish();
                emit keyReady(*key, true);
            });
        });
    });
}

void KeychainSecretStore::probe()
{
    if (m_busy) {
        QMetaObject::invokeMethod(
            this, [this] { emit probeFinished(false, Problem(Problem::Kind::KeychainBusy).englishText()); },
            Qt::QueuedConnection);
        return;
    }
    m_probeStep.clear();
    m_onFail = [this](const Problem &problem) { emit probeFinished(false, m_probeStep + problem.englishText()); };
    begin([this] {
        QString error;
        const std::optional<QByteArray> value = crypto::randomBytes(16, &error);
        if (!value) {
            finish();
            emit probeFinished(false, error);
            return;
        }
        const QString entry = QStringLiteral("probe-") + QString::fromLatin1(value->left(4).toHex());
        m_probeStep = QStringLiteral("writing failed: ");
        run(Step::Write, entry, *value, [this, entry, value](int e1, const QString &s1, const QByteArray &) {
            if (e1 != QKeychain::NoError) {
                fail(describe(e1, s1));
                return;
            }
            m_probeStep = QStringLiteral("reading back failed: ");
            run(Step::Read, entry, {}, [this, entry, value](int e2, const QString &s2, const QByteArray &data) {
                if (e2 != QKeychain::NoError || data != *value) {
                    if (e2 == QKeychain::NoError)
                        m_probeStep.clear();
                    fail(e2 != QKeychain::NoError ? describe(e2, s2)
                                                  : Problem(Problem::Kind::KeychainFailed,
                                                            {QStringLiteral("it gave back something else than was written")}));
                    return;
                }
                m_probeStep = QStringLiteral("deleting failed: ");
                run(Step::Delete, entry, {}, [this](int e3, const QString &s3, const QByteArray &) {
                    if (e3 != QKeychain::NoError) {
                        fail(describe(e3, s3));
                        return;
                    }
                    finish();
                    emit probeFinished(true, QString());
                });
            });
        });
    });
}

void KeychainSecretStore::deleteKey(const QString &name)
{
    deleteEntry(entryName(name));
}

bool KeychainSecretStore::claim()
{
    if (m_busy) {
        QMetaObject::invokeMethod(this, [this] { reportFailure({Problem::Kind::KeychainBusy}); }, Qt::QueuedConnection);
        return false;
    }
    m_lastProblem = {};
    m_onFail = [this](const Problem &problem) { reportFailure(problem); };
    return true;
}

void KeychainSecretStore::reportFailure(const Problem &problem)
{
    m_lastProblem = problem;
    emit failed(QStringLiteral("the OS keychain: ") + problem.englishText());
}

void KeychainSecretStore::deleteEntry(const QString &entry)
{
    if (!claim())
        return;
    begin([this, entry] {
        run(Step::Delete, entry, {}, [this](int error, const QString &errorString, const QByteArray &) {
            if (error != QKeychain::NoError && error != QKeychain::EntryNotFound) {
                fail(describe(error, errorString));
                return;
            }
            finish();
            emit keyDeleted();
        });
    });
}

void KeychainSecretStore::readEntry(const QString &entry)
{
    if (!claim())
        return;
    begin([this, entry] {
        run(Step::Read, entry, {}, [this, entry](int error, const QString &errorString, const QByteArray &data) {
            if (error != QKeychain::NoError && error != QKeychain::EntryNotFound) {
                fail(describe(error, errorString));
                return;
            }
            finish();
            emit entryRead(entry, data, error == QKeychain::NoError);
        });
    });
}

void KeychainSecretStore::writeEntry(const QString &entry, const QByteArray &data)
{
    if (!claim())
        return;
    begin([this, entry, data] {
        run(Step::Write, entry, data, [this, entry](int error, const QString &errorString, const QByteArray &) {
            if (error != QKeychain::NoError) {
                fail(describe(error, errorString));
                return;
            }
            finish();
            emit entryWritten(entry);
        });
    });
}

} // namespace telephone
