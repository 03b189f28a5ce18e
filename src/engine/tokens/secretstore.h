#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace telephone {

/// Where the 256-bit key that encrypts stored tokens lives: the OS keychain, a key file, or derived
/// from an environment variable. One interface so that the token store does not care which.
///
/// Every operation is asynchronous (the keychain answers over D-Bus) and ends in exactly one
/// keyReady() or failed(), always after fetchKey() has returned — also for the stores that could
/// answer at once — so callers handle one shape. Lives on the thread that created it.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    enum class Kind { Keychain, File, Env };
    Q_ENUM(Kind)

    using QObject::QObject;
    ~SecretStore() override;

    virtual Kind kind() const = 0;
    /// In words, for start-up messages and the UI: "OS keychain (Secret Service)", "key file
    /// /var/lib/telephone/token-key", ...
    virtual QString description() const = 0;

    /// Reads the key named `name` (one per installation); when there is none yet and `create`,
    /// stores 256 fresh random bits under it first.
    virtual void fetchKey(const QString &name, bool create) = 0;

    /// "keychain", "file" or "env": the words of --secret-store.
    static QString kindName(Kind kind);

signals:
    /// `created`: the key did not exist and was made now (so nothing stored before can be read).
    void keyReady(const QByteArray &key, bool created);
    void failed(const QString &error);

protected:
    /// Reports a result obtained synchronously, from the event loop (fetchKey promises its signal
    /// after it returns), then wipes the key copy.
    void reportLater(bool ok, QByteArray key, bool created, const QString &error);
};

} // namespace telephone
