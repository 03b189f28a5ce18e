#pragma once

#include "protocol/problem.h"

#include <QProcessEnvironment>
#include <QByteArray>
#include <QString>

#include <optional>

namespace telephone {

class Settings;

/// A Plugboard service-account key (`sa_live_<secret>`): what it may look like, how it is shown to
/// people (its prefix only), and where a headless host keeps it. A secret like a token: the whole
/// key is never put in a message. Plain functions and a value type; callable from any thread.
struct ServiceAccountKey {
    QString key;    ///< the secret itself
    QString origin; ///< where it was found, in words ("key file /etc/telephone/sa-key"), never the key

    static constexpr const char *Prefix = "sa_live_";
    /// The file name systemd's `LoadCredential=service-account-key:...` gives it.
    static constexpr const char *CredentialName = "service-account-key";

    bool isEmpty() const { return key.isEmpty(); }

    /// "sa_live_ab…": enough to tell keys apart in the UI and logs, useless to anyone who reads it.
    static QString shown(const QString &key);
    /// Empty when `key` looks like a service-account key; otherwise why not, without repeating it.
    static QString problemWith(const QString &key);
    /// The same as a code, for the window (HumanText::problem); None when the key looks right.
    static Problem problemOf(const QString &key);

    /// The key from the first source that has one: --service-account-key-file (any layer),
    /// TELEPHONE_SERVICE_ACCOUNT_KEY (or the config file), `$CREDENTIALS_DIRECTORY/service-account-key`.
    /// std::nullopt with *error when a named source cannot be used (missing or unreadable file, a key
    /// that is malformed, a key file others can read); an empty key when no source names one (the
    /// desktop app may then look in the OS keychain).
    static std::optional<ServiceAccountKey> find(const Settings &settings, const QProcessEnvironment &env,
                                                 QString *error);
    /// The OS keychain entry (service KeychainSecretStore::Service) that keeps `tunnelName`'s key:
    /// the default tunnel keeps KeychainSecretStore::ServiceAccountEntry, the name from before there
    /// were several tunnels, so a key stored then still works; [tunnel.NAME] has its own entry,
    /// "service-account-key.NAME", so that each tunnel's account stays bound to its own mount.
    static QString keychainEntry(const QString &tunnelName);
    /// "the OS keychain (entry telephone/ENTRY)": a key's origin, for messages.
    static QString keychainOrigin(const QString &entry);
    /// The key as read from the keychain's `entry`: its data trimmed, the entry as its origin.
    static ServiceAccountKey fromKeychain(const QString &entry, const QByteArray &data);
    /// Reads a key file: the first line, trimmed. Refuses a file that group or others can read.
    static std::optional<ServiceAccountKey> readFile(const QString &file, const QString &origin, QString *error);
};

} // namespace telephone
