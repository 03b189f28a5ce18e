#pragma once

// Whether the tests can use a real Secret Service, for every test that touches the OS keychain.

#include "tokens/keychainsecretstore.h"

#include <QSignalSpy>
#include <QTest>

#include <chrono>

namespace keychainprobe {

using namespace std::chrono_literals;

// scripts/test runs the tests under a real Secret Service and sets this, so the keychain tests
// cannot silently skip in CI; a developer without one sees them skipped, not passed.
inline bool keychainRequired()
{
    return qEnvironmentVariable("TELEPHONE_TEST_KEYCHAIN") == QLatin1String("required");
}

inline bool keychainAvailable()
{
    telephone::KeychainSecretStore store;
    store.setRetryDelay(0ms);
    store.setTimeout(10s);
    QSignalSpy probed(&store, &telephone::KeychainSecretStore::probeFinished);
    store.probe();
    if (!probed.wait(15000))
        return false;
    if (!probed.first().at(0).toBool())
        qWarning("keychain probe failed: %s", qPrintable(probed.first().at(1).toString()));
    return probed.first().at(0).toBool();
}

} // namespace keychainprobe

// In a test class with a `bool m_keychain` set from keychainAvailable().
#define REQUIRE_KEYCHAIN()                                                                                \
    do {                                                                                                  \
        if (!m_keychain) {                                                                                \
            if (keychainprobe::keychainRequired())                                                        \
                QFAIL("TELEPHONE_TEST_KEYCHAIN=required, but no Secret Service answered the probe");    \
            QSKIP("no Secret Service here; scripts/test provides one (dbus-run-session + gnome-keyring-daemon)"); \
        }                                                                                                 \
    } while (false)
