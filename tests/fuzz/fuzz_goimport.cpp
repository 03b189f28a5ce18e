// The Go-format token import (tokens/goimport): GoImport::read on a hostile database never
// crashes, accounts for every row (imported or named in `problems`), imports only decodable,
// unexpired tokens, and never puts SECRET_KEY_BASE or a token into a message.
//
// Input: byte 0 picks the mode.
//   even: a well-formed Go database is written with rows built from the rest: each row's
//         encrypted_token is base64(AES-256-GCM under the right key) of fuzz bytes (raw, or wrapped
//         as a JWT whose payload they are), or raw fuzz text, or NULL.
//   odd:  the rest is written as the database file itself.
// Each read() derives the key with PBKDF2 (100,000 iterations; ~0.5 s under ASan, whose malloc
// OpenSSL's per-iteration allocations go through). The target is linked with
// -Wl,--wrap=PKCS5_PBKDF2_HMAC and memoises that pure function below, so the real code path runs
// but the derivation for the fixed SECRET_KEY_BASE is computed once.
#include "fuzzcheck.h"
#include "tokens/crypto.h"
#include "tokens/goimport.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QVariant>

#include <fuzzer/FuzzedDataProvider.h>

#include <openssl/evp.h>

#include <cstdint>
#include <cstring>
#include <string>

using namespace telephone;

// PBKDF2 is a pure function of its arguments: remember the last result (see the comment above).
extern "C" int __real_PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen,
                                       int iter, const EVP_MD *digest, int keylen, unsigned char *out);
extern "C" int __wrap_PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen,
                                       int iter, const EVP_MD *digest, int keylen, unsigned char *out)
{
    static QByteArray lastArgs;
    static QByteArray lastOut;
    QByteArray args = QByteArray(pass, passlen) + '\0' + QByteArray(reinterpret_cast<const char *>(salt), saltlen)
                      + '\0' + QByteArray::number(iter) + '\0' + QByteArray(EVP_MD_get0_name(digest)) + '\0'
                      + QByteArray::number(keylen);
    if (args != lastArgs) {
        QByteArray result(keylen, '\0');
        if (__real_PKCS5_PBKDF2_HMAC(pass, passlen, salt, saltlen, iter, digest, keylen,
                                     reinterpret_cast<unsigned char *>(result.data()))
            != 1)
            return 0;
        lastArgs = args;
        lastOut = result;
    }
    std::memcpy(out, lastOut.constData(), size_t(keylen));
    return 1;
}

namespace {

const QByteArray SecretKeyBase = "fuzz-secret-key-base-4b2d1e8f0a6c9d3e7f5a1b2c3d4e5f60718293a4b5c6d7e8f";
const qint64 Now = 1700000000;

QTemporaryDir *tempDir()
{
    static QTemporaryDir *dir = [] {
        auto *d = new QTemporaryDir(QDir::tempPath() + QStringLiteral("/telephone-fuzz-goimport-XXXXXX"));
        FUZZ_CHECK(d->isValid());
        return d;
    }();
    return dir;
}

const QByteArray &key()
{
    static const QByteArray k = [] {
        QString error;
        const QByteArray derived = GoImport::deriveKey(SecretKeyBase, &error);
        FUZZ_CHECK(derived.size() == crypto::KeySize);
        return derived;
    }();
    return k;
}

QByteArray fuzzBytes(FuzzedDataProvider &p, size_t maxLength)
{
    const std::string s = p.ConsumeRandomLengthString(maxLength);
    return QByteArray(s.data(), qsizetype(s.size()));
}

// Returns the number of rows written.
int writeDatabase(const QString &path, FuzzedDataProvider &p, QList<QByteArray> *plaintexts)
{
    const QString connection = QStringLiteral("fuzz-writer");
    int rows = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        FUZZ_CHECK(db.open());
        QSqlQuery q(db);
        // No fsync per statement: the file only has to exist until read() has seen it.
        FUZZ_CHECK(q.exec(QStringLiteral("PRAGMA synchronous = OFF")));
        FUZZ_CHECK(q.exec(QStringLiteral("PRAGMA journal_mode = MEMORY")));
        FUZZ_CHECK(q.exec(QStringLiteral("CREATE TABLE tokens (id INTEGER PRIMARY KEY, encrypted_token TEXT, "
                                         "expires_at DATETIME, updated_at DATETIME, created_at DATETIME)")));
        const int n = p.ConsumeIntegralInRange(0, 4);
        for (int i = 0; i < n; ++i) {
            QVariant value;
            switch (p.ConsumeIntegralInRange(0, 5)) {
            case 0: value = QVariant(); break; // NULL
            case 1: value = QString::fromUtf8(fuzzBytes(p, 64)); break;
            case 2: { // sealed bytes as they are
                const QByteArray plain = fuzzBytes(p, 96);
                QString error;
                const auto sealed = crypto::seal(key(), plain, QByteArray(), &error);
                FUZZ_CHECK(sealed);
                plaintexts->append(plain);
                value = QString::fromLatin1(sealed->toBase64());
                break;
            }
            default: { // sealed JWT whose payload is fuzz bytes
                const QByteArray payload = fuzzBytes(p, 96);
                const QByteArray jwt = "eyJhbGciOiJIUzI1NiJ9."
                                       + payload.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
                                       + ".c2lnbmF0dXJl";
                QString error;
                const auto sealed = crypto::seal(key(), jwt, QByteArray(), &error);
                FUZZ_CHECK(sealed);
                plaintexts->append(jwt);
                value = QString::fromLatin1(sealed->toBase64());
            }
            }
            q.prepare(QStringLiteral("INSERT INTO tokens (id, encrypted_token) VALUES (?, ?)"));
            q.addBindValue(i + 1);
            q.addBindValue(value);
            FUZZ_CHECK(q.exec());
            ++rows;
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return rows;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzzsupport::ensureApplication();
    (void)key();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static quint64 counter = 0;
    const QString path = tempDir()->filePath(QStringLiteral("go-%1.db").arg(++counter));
    QList<QByteArray> plaintexts;
    int rows = -1;
    if (data[0] % 2 == 0) {
        FuzzedDataProvider p(data + 1, size - 1);
        rows = writeDatabase(path, p, &plaintexts);
    } else {
        QFile file(path);
        FUZZ_CHECK(file.open(QIODevice::WriteOnly));
        file.write(reinterpret_cast<const char *>(data + 1), qint64(size - 1));
    }

    const GoImport::Result result = GoImport::read(path, SecretKeyBase, Now);
    QFile::remove(path);

    if (rows >= 0 && result.error.isEmpty())
        FUZZ_CHECK(result.rows == rows);
    FUZZ_CHECK(result.tokens.size() + result.problems.size() == result.rows);
    for (const TokenCandidate &candidate : result.tokens) {
        FUZZ_CHECK(candidate.source == TokenSource::Imported);
        const JwtDecodeResult decoded = decodeJwt(candidate.token);
        FUZZ_CHECK(decoded.claims);
        FUZZ_CHECK(!decoded.claims->isExpiredAt(Now));
        FUZZ_CHECK(decoded.claims->pathId == candidate.claims.pathId);
    }
    QStringList messages = result.problems;
    messages << result.error;
    for (const QString &message : std::as_const(messages)) {
        FUZZ_CHECK(!message.contains(QString::fromLatin1(SecretKeyBase)));
        for (const QByteArray &plain : std::as_const(plaintexts)) {
            if (plain.contains('.') && plain.size() >= 12)
                FUZZ_CHECK(!message.contains(QString::fromUtf8(plain)));
        }
    }
    return 0;
}
