#include "tunnel/networkwatcher.h"

#include <QDBusConnection>
#include <QLoggingCategory>
#include <QNetworkInformation>

Q_LOGGING_CATEGORY(lcNetwork, "telephone.tunnel.network")

namespace telephone {

NetworkWatcher::NetworkWatcher(QObject *parent)
    : QObject(parent)
{
    m_sleepTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_sleepTimer, &QTimer::timeout, this, &NetworkWatcher::checkClockJump);
}

void NetworkWatcher::watchOperatingSystem()
{
    if (QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        QNetworkInformation *info = QNetworkInformation::instance();
        m_wasOnline = info->reachability() == QNetworkInformation::Reachability::Online
            || info->reachability() == QNetworkInformation::Reachability::Unknown;
        connect(info, &QNetworkInformation::reachabilityChanged, this, &NetworkWatcher::onReachabilityChanged);
        qCDebug(lcNetwork).noquote() << "watching network reachability through" << info->backendName();
    } else {
        qCDebug(lcNetwork) << "no network-information backend; relying on backoff and heartbeats";
    }
    // logind announces sleep and wake on the system bus; absent in containers, which is fine.
    QDBusConnection bus = QDBusConnection::systemBus();
    if (bus.isConnected()
        && bus.connect(QStringLiteral("org.freedesktop.login1"), QStringLiteral("/org/freedesktop/login1"),
                       QStringLiteral("org.freedesktop.login1.Manager"), QStringLiteral("PrepareForSleep"), this,
                       SLOT(onLoginManagerPrepareForSleep(bool)))) {
        qCDebug(lcNetwork) << "watching logind for sleep and wake";
    }
}

void NetworkWatcher::startSleepDetection(std::chrono::milliseconds interval, std::chrono::milliseconds threshold)
{
    m_thresholdMs = threshold.count();
    m_monotonic.start();
    m_lastMonotonicMs = 0;
    m_lastWallMs = QDateTime::currentMSecsSinceEpoch();
    m_sleepTimer.start(interval);
}

bool NetworkWatcher::looksLikeResume(qint64 wallDeltaMs, qint64 monotonicDeltaMs, qint64 thresholdMs)
{
    return wallDeltaMs - monotonicDeltaMs > thresholdMs;
}

void NetworkWatcher::checkClockJump()
{
    const qint64 wall = QDateTime::currentMSecsSinceEpoch();
    const qint64 mono = m_monotonic.elapsed();
    const bool resumed = looksLikeResume(wall - m_lastWallMs, mono - m_lastMonotonicMs, m_thresholdMs);
    m_lastWallMs = wall;
    m_lastMonotonicMs = mono;
    if (resumed)
        notifyResumed();
}

void NetworkWatcher::onReachabilityChanged()
{
    const auto reachability = QNetworkInformation::instance()->reachability();
    const bool online = reachability == QNetworkInformation::Reachability::Online;
    if (online && !m_wasOnline)
        notifyNetworkReachable();
    m_wasOnline = online;
}

void NetworkWatcher::onLoginManagerPrepareForSleep(bool sleeping)
{
    if (!sleeping)
        notifyResumed();
}

void NetworkWatcher::notifyNetworkReachable()
{
    qCInfo(lcNetwork) << "the network is back: reconnecting now instead of waiting out the backoff";
    emit networkReturned();
}

void NetworkWatcher::notifyResumed()
{
    qCInfo(lcNetwork) << "resumed from sleep: checking the connection now";
    emit resumedFromSleep();
}

} // namespace telephone
