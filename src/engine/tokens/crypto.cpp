#include "tokens/crypto.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace telephone::crypto {

namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

QString openSslError(const char *what)
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return QString::fromLatin1(what);
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return QStringLiteral("%1 (%2)").arg(QLatin1String(what), QLatin1String(buffer));
}

unsigned char *bytes(QByteArray &array)
{
    return reinterpret_cast<unsigned char *>(array.data());
}

const unsigned char *bytes(const QByteArray &array)
{
    return reinterpret_cast<const unsigned char *>(array.constData());
}

bool checkKey(const QByteArray &key, QString *error)
{
    if (key.size() == KeySize)
        return true;
    *error = QStringLiteral("the encryption key has %1 bytes instead of %2").arg(key.size()).arg(KeySize);
    return false;
}

} // namespace

std::optional<QByteArray> randomBytes(int count, QString *error)
{
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(bytes(out), count) != 1) {
        *error = openSslError("the system's random number generator failed");
        return std::nullopt;
    }
    return out;
}

std::optional<QByteArray> seal(const QByteArray &key, const QByteArray &plaintext, const QByteArray &aad,
                               QString *error)
{
    if (!checkKey(key, error))
        return std::nullopt;
    // A nonce must never repeat under one key; 96 random bits make that negligible for the few
    // thousand writes a token store sees in its life.
    const std::optional<QByteArray> nonce = randomBytes(NonceSize, error);
    if (!nonce)
        return std::nullopt;
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    QByteArray out = *nonce;
    out.resize(NonceSize + plaintext.size() + TagSize);
    unsigned char *cipher = bytes(out) + NonceSize;
    int len = 0;
    int total = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, NonceSize, nullptr) != 1
        || EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(*nonce)) != 1
        || (!aad.isEmpty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), int(aad.size())) != 1)
        || EVP_EncryptUpdate(ctx.get(), cipher, &len, bytes(plaintext), int(plaintext.size())) != 1) {
        *error = openSslError("encryption failed");
        return std::nullopt;
    }
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), cipher + total, &len) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, TagSize, cipher + plaintext.size()) != 1) {
        *error = openSslError("encryption failed");
        return std::nullopt;
    }
    return out;
}

std::optional<QByteArray> open(const QByteArray &key, const QByteArray &sealed, const QByteArray &aad,
                               QString *error)
{
    if (!checkKey(key, error))
        return std::nullopt;
    if (sealed.size() < NonceSize + TagSize) {
        *error = QStringLiteral("the encrypted data is too short (%1 bytes) to hold a nonce and a tag").arg(sealed.size());
        return std::nullopt;
    }
    const int cipherSize = int(sealed.size()) - NonceSize - TagSize;
    QByteArray tag = sealed.right(TagSize);
    QByteArray out(cipherSize, Qt::Uninitialized);
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, NonceSize, nullptr) != 1
        || EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(sealed)) != 1
        || (!aad.isEmpty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), int(aad.size())) != 1)
        || EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(sealed) + NonceSize, cipherSize) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, TagSize, tag.data()) != 1) {
        *error = openSslError("decryption failed");
        wipe(out);
        return std::nullopt;
    }
    const int total = len;
    if (EVP_DecryptFinal_ex(ctx.get(), bytes(out) + total, &len) != 1) {
        ERR_clear_error();
        // GCM says only "the tag does not match": a different key, different associated data and a
        // changed byte all look the same from here.
        *error = QStringLiteral("authentication failed: wrong key, or the data was changed or belongs elsewhere");
        wipe(out);
        return std::nullopt;
    }
    return out;
}

std::optional<QByteArray> pbkdf2Sha256(const QByteArray &password, const QByteArray &salt, int iterations,
                                       int length, QString *error)
{
    QByteArray out(length, Qt::Uninitialized);
    if (iterations < 1
        || PKCS5_PBKDF2_HMAC(password.constData(), int(password.size()), bytes(salt), int(salt.size()), iterations,
                             EVP_sha256(), length, bytes(out))
            != 1) {
        *error = openSslError("key derivation (PBKDF2) failed");
        return std::nullopt;
    }
    return out;
}

void wipe(QByteArray &data)
{
    if (!data.isEmpty())
        OPENSSL_cleanse(data.data(), size_t(data.size()));
    data.clear();
}

} // namespace telephone::crypto
