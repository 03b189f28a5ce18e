#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

/// The few cryptographic primitives Telephone needs, on OpenSSL's EVP interface. Pure functions,
/// callable from any thread. Errors are human-readable and never contain key or plaintext bytes.
namespace telephone::crypto {

constexpr int KeySize = 32;   ///< AES-256
constexpr int NonceSize = 12; ///< 96 bits, the size GCM is specified for
constexpr int TagSize = 16;

/// `count` bytes from OpenSSL's CSPRNG; std::nullopt (and *error) if it could not be seeded.
std::optional<QByteArray> randomBytes(int count, QString *error);

/// AES-256-GCM with a fresh random nonce: returns nonce ‖ ciphertext ‖ tag. `aad` is authenticated
/// but not encrypted: decryption with any other aad fails.
std::optional<QByteArray> seal(const QByteArray &key, const QByteArray &plaintext, const QByteArray &aad,
                               QString *error);

/// Reverses seal(). Fails (std::nullopt) when the key or aad differ or a single bit was changed.
std::optional<QByteArray> open(const QByteArray &key, const QByteArray &sealed, const QByteArray &aad,
                               QString *error);

/// PBKDF2-HMAC-SHA256.
std::optional<QByteArray> pbkdf2Sha256(const QByteArray &password, const QByteArray &salt, int iterations,
                                       int length, QString *error);

/// Overwrites the bytes before the buffer is released (keys should not linger in freed memory).
void wipe(QByteArray &bytes);

} // namespace telephone::crypto
