#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace telephone {

/// Tells the tunnels when waiting out a backoff would be wrong: the network came back, or the
/// machine woke from sleep (when sockets that look open are usually dead). Two OS sources feed
/// the same two slots — QNetworkInformation reachability, and logind's PrepareForSleep(false) on
/// the system bus — plus a wall-clock-versus-monotonic jump check for systems without either.
/// Tests drive the same slots. Lives on the engine's thread.
class NetworkWatcher : public QObject
{
    Q_OBJECT

public:
    explicit NetworkWatcher(QObject *parent = nullptr);

    /// Connects the OS sources (call once; safe when none is available).
    void watchOperatingSystem();
    /// The wall-clock jump check, every `interval`; a jump larger than `threshold` beyond the
    /// monotonic time that passed means the machine was suspended.
    void startSleepDetection(std::chrono::milliseconds interval = std::chrono::seconds(5),
                             std::chrono::milliseconds threshold = std::chrono::seconds(10));

    /// Pure rule, for tests: did the wall clock run ahead of the monotonic clock by more than
    /// `thresholdMs` (suspend stops the monotonic clock on Linux, not the wall clock)?
    static bool looksLikeResume(qint64 wallDeltaMs, qint64 monotonicDeltaMs, qint64 thresholdMs);

public slots:
    /// The OS says the network is reachable again.
    void notifyNetworkReachable();
    /// The OS says the machine resumed from sleep.
    void notifyResumed();

signals:
    void networkReturned();
    void resumedFromSleep();

private slots:
    void onLoginManagerPrepareForSleep(bool sleeping);

private:
    void onReachabilityChanged();
    void checkClockJump();

    QTimer m_sleepTimer;
    QElapsedTimer m_monotonic;
    qint64 m_lastWallMs = 0;
    qint64 m_lastMonotonicMs = 0;
    qint64 m_thresholdMs = 10000;
    bool m_wasOnline = true;
};

} // namespace telephone
