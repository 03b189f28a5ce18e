#pragma once

#include <QLockFile>
#include <QObject>

#include <memory>

class QLocalServer;
class QLocalSocket;

namespace telephone {

/// One GUI Telephone per user and config file. The first holds a QLockFile (stale locks of a
/// crashed run are taken over) and listens on a QLocalServer; a later launch finds the lock taken,
/// connects, asks the first to raise its window, and exits. All asynchronous: no waitFor*().
class SingleInstance : public QObject
{
    Q_OBJECT

public:
    /// `key` separates instances that may run side by side (another config file, the demo).
    explicit SingleInstance(const QString &key, QObject *parent = nullptr);
    ~SingleInstance() override;

    /// "telephone-" + a hash of the user, the config file and the demo flag.
    static QString keyFor(const QString &configFile, bool demo);

    /// Takes the lock and listens. False when another instance holds it (or *error says why the
    /// lock could not be taken at all).
    bool becomePrimary(QString *error);
    /// Secondary: asks the primary to show its window; ends in activationSent(ok).
    void activatePrimary();

    QString serverName() const { return m_key; }
    QString lockPath() const;

signals:
    /// Primary: another launch asked for the window.
    void activationRequested();
    /// Secondary: whether the primary got the message.
    void activationSent(bool ok, const QString &error);

private:
    void onNewConnection();

    QString m_key;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer *m_server = nullptr;
    QLocalSocket *m_client = nullptr;
};

} // namespace telephone
