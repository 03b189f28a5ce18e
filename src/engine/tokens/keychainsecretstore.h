#pragma once

#include "protocol/problem.h"
#include "tokens/secretstore.h"

#include <QTimer>

#include <chrono>
#include <functional>

namespace QKeychain {
class Job;
}

namespace telephone {

/// The key in the OS keychain through QtKeychain (Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows): service "telephone", one entry per installation
/// ("token-key-<installation id>").
///
/// QtKeychain's jobs are asynchronous and this class never waits in a nested event loop. A failed
/// call is tried once more after a delay, as Nextcloud does on Linux: right after login the Secret
/// Service may not be unlocked yet. An operation that gets no answer at all within the timeout
/// (a keychain waiting for an unlock prompt nobody sees) fails instead of hanging the start.
/// One operation at a time. Lives on the thread that created it.
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT

public:
    static constexpr const char *Service = "telephone";

    explicit KeychainSecretStore(QObject *parent = nullptr);

    Kind kind() const override { return Kind::Keychain; }
    QString description() const override;
    void fetchKey(const QString &name, bool create) override;

    /// Writes, reads back and deletes a throw-away entry: the only sure sign that the keychain works
    /// (a Secret Service can be reachable yet locked, or have no default collection). Ends in
    /// probeFinished().
    void probe();
    /// Removes the entry `name`; ends in keyDeleted() or failed(). A missing entry counts as removed.
    void deleteKey(const QString &name);

    /// Other secrets of this service under their own entry names (the service-account keys: the
    /// default tunnel's in ServiceAccountEntry, the others' as ServiceAccountKey::keychainEntry
    /// names them). readEntry ends in entryRead() (found or not) or failed(); writeEntry in
    /// entryWritten() or failed(); deleteEntry in keyDeleted() or failed().
    void readEntry(const QString &entry);
    void writeEntry(const QString &entry, const QByteArray &data);
    void deleteEntry(const QString &entry);
    static constexpr const char *ServiceAccountEntry = "service-account-key";

    void setRetryDelay(std::chrono::milliseconds delay) { m_retryTimer.setInterval(delay); }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeoutTimer.setInterval(timeout); }

    /// The keychain entry for an installation.
    static QString entryName(const QString &installation);

    /// Why the latest failed() came, as a code: the window says it in the user's language, while
    /// failed() carries the English text for logs and the command line.
    const Problem &lastProblem() const { return m_lastProblem; }

signals:
    void probeFinished(bool ok, const QString &error);
    void keyDeleted();
    void entryRead(const QString &entry, const QByteArray &data, bool found);
    void entryWritten(const QString &entry);

private:
    using Done = std::function<void(int error, const QString &errorString, const QByteArray &data)>;
    enum class Step { Read, Write, Delete };

    void begin(const std::function<void()> &operation);
    void run(Step step, const QString &key, const QByteArray &data, const Done &done);
    void startJob(QKeychain::Job *job, Step step, const Done &done);
    void finish();
    void fail(const Problem &problem);
    void reportFailure(const Problem &problem);
    bool retryOnce();
    /// Takes the store for one operation that reports errors through failed(); false (and failed()
    /// after the call returns) while another operation runs.
    bool claim();
    static bool hasNoSessionBus();

    QTimer m_retryTimer;   ///< the one retry after a failure
    QTimer m_timeoutTimer; ///< an operation that never answers
    std::function<void()> m_attempt; ///< the current operation, from its first step (for the retry)
    std::function<void(const Problem &)> m_onFail;
    Problem m_lastProblem;
    QString m_probeStep; ///< which step of probe() runs, for its English failure text
    quint64 m_generation = 0; ///< answers of an abandoned attempt are ignored
    bool m_retried = false;
    bool m_busy = false;
};

} // namespace telephone
