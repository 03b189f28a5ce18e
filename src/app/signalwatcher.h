#pragma once

#include <QObject>

class QSocketNotifier;

namespace telephone {

/// Turns SIGINT / SIGTERM into a Qt signal on the main thread through a self-pipe, the one
/// async-signal-safe way to reach the event loop. A second signal while stopping exits at once.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void stopRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace telephone
