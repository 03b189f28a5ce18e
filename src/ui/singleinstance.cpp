#include "ui/singleinstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTimer>

Q_LOGGING_CATEGORY(lcInstance, "telephone.ui.singleinstance")

namespace telephone {

namespace {

const QByteArray ActivateMessage = QByteArrayLiteral("activate\n");
constexpr int ActivationTimeoutMs = 3000;

QString userName()
{
    QString name = qEnvironmentVariable("USER");
    if (name.isEmpty())
        name = QDir::homePath();
    return name;
}

} // namespace

SingleInstance::SingleInstance(const QString &key, QObject *parent)
    : QObject(parent)
    , m_key(key)
{
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::keyFor(const QString &configFile, bool demo)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(userName().toUtf8());
    hash.addData(QByteArrayLiteral("\n"));
    hash.addData(QFileInfo(configFile).absoluteFilePath().toUtf8());
    hash.addData(demo ? QByteArrayLiteral("\ndemo") : QByteArrayLiteral("\n"));
    return QStringLiteral("telephone-") + QString::fromLatin1(hash.result().toHex().left(16));
}

QString SingleInstance::lockPath() const
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty())
        dir = QDir::tempPath();
    return QDir(dir).filePath(m_key + QStringLiteral(".lock"));
}

bool SingleInstance::becomePrimary(QString *error)
{
    QDir().mkpath(QFileInfo(lockPath()).absolutePath());
    m_lock = std::make_unique<QLockFile>(lockPath());
    // A lock whose process is gone is stale at once; a live holder is never waited for.
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        if (m_lock->error() == QLockFile::LockFailedError)
            return false;
        *error = tr("cannot create the lock file %1").arg(lockPath());
        return false;
    }
    // We hold the lock, so a socket file left by a crashed run is ours to remove.
    QLocalServer::removeServer(m_key);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_key))
        qCWarning(lcInstance).noquote() << "cannot listen for other launches:" << m_server->errorString();
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
    return true;
}

void SingleInstance::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            while (socket->canReadLine()) {
                if (socket->readLine() == ActivateMessage)
                    emit activationRequested();
            }
            socket->disconnectFromServer();
        });
        // A client that connects and says nothing is dropped after a while.
        QTimer::singleShot(ActivationTimeoutMs, socket, [socket] { socket->abort(); });
    }
}

void SingleInstance::activatePrimary()
{
    m_client = new QLocalSocket(this);
    auto *timeout = new QTimer(this);
    timeout->setSingleShot(true);
    // Reported through the event loop, never from inside activatePrimary(): QLocalSocket may fail
    // synchronously, before the caller is in exec() where QCoreApplication::exit() works.
    const auto report = [this](bool ok, const QString &error) {
        QMetaObject::invokeMethod(this, [this, ok, error] { emit activationSent(ok, error); }, Qt::QueuedConnection);
    };
    connect(timeout, &QTimer::timeout, this, [this, report] {
        m_client->abort();
        report(false, tr("the running Telephone did not answer"));
    });
    connect(m_client, &QLocalSocket::connected, this, [this] { m_client->write(ActivateMessage); });
    connect(m_client, &QLocalSocket::bytesWritten, this, [this, timeout, report] {
        if (m_client->bytesToWrite() > 0 || !timeout->isActive())
            return;
        timeout->stop();
        m_client->disconnectFromServer();
        report(true, QString());
    });
    connect(m_client, &QLocalSocket::errorOccurred, this, [this, timeout, report](QLocalSocket::LocalSocketError) {
        if (!timeout->isActive())
            return;
        timeout->stop();
        report(false, m_client->errorString());
    });
    timeout->start(ActivationTimeoutMs);
    m_client->connectToServer(m_key);
}

} // namespace telephone
