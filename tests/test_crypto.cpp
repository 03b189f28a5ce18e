// The OpenSSL primitives against published test vectors, and the properties the token store relies
// on: a fresh nonce per seal, and nothing decrypts with another key, other associated data or a
// changed byte.

#include "tokens/crypto.h"

#include <QElapsedTimer>
#include <QTest>

using namespace telephone;

class TestCrypto : public QObject
{
    Q_OBJECT

private slots:
    void pbkdf2MatchesRfc7914Vectors_data()
    {
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<QByteArray>("salt");
        QTest::addColumn<int>("iterations");
        QTest::addColumn<QByteArray>("expected");
        // RFC 7914 section 11 (PBKDF2-HMAC-SHA256).
        QTest::newRow("passwd/salt/1") << QByteArray("passwd") << QByteArray("salt") << 1
                                       << QByteArray::fromHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                                                              "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        QTest::newRow("Password/NaCl/80000") << QByteArray("Password") << QByteArray("NaCl") << 80000
                                             << QByteArray::fromHex("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                                                                    "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    }

    void pbkdf2MatchesRfc7914Vectors()
    {
        QFETCH(QByteArray, password);
        QFETCH(QByteArray, salt);
        QFETCH(int, iterations);
        QFETCH(QByteArray, expected);
        QString error;
        const auto derived = crypto::pbkdf2Sha256(password, salt, iterations, int(expected.size()), &error);
        QVERIFY2(derived, qPrintable(error));
        QCOMPARE(derived->toHex(), expected.toHex());
    }

    void aesGcmMatchesNistVector()
    {
        // NIST GCM test case 14: 256-bit zero key, zero IV, one zero block.
        const QByteArray key(32, '\0');
        const QByteArray sealed = QByteArray(12, '\0')
            + QByteArray::fromHex("cea7403d4d606b6e074ec5d3baf39d18") // ciphertext
            + QByteArray::fromHex("d0d1c8a799996bf0265b98b5d48ab919"); // tag
        QString error;
        const auto plain = crypto::open(key, sealed, QByteArray(), &error);
        QVERIFY2(plain, qPrintable(error));
        QCOMPARE(*plain, QByteArray(16, '\0'));
    }

    void sealOpenRoundTripWithFreshNonces()
    {
        QString error;
        const QByteArray key = *crypto::randomBytes(crypto::KeySize, &error);
        const QByteArray secret("eyJhbGciOiJIUzI1NiJ9.payload.signature");
        const auto a = crypto::seal(key, secret, "aad", &error);
        const auto b = crypto::seal(key, secret, "aad", &error);
        QVERIFY(a && b);
        QCOMPARE(a->size(), crypto::NonceSize + secret.size() + crypto::TagSize);
        QVERIFY2(a->left(crypto::NonceSize) != b->left(crypto::NonceSize), "a nonce was reused");
        QVERIFY(!a->contains(secret));
        QCOMPARE(*crypto::open(key, *a, "aad", &error), secret);
        QCOMPARE(*crypto::open(key, *b, "aad", &error), secret);
    }

    void nothingElseOpens_data()
    {
        QTest::addColumn<QString>("change");
        QTest::newRow("other key") << QStringLiteral("key");
        QTest::newRow("other associated data") << QStringLiteral("aad");
        QTest::newRow("flipped ciphertext bit") << QStringLiteral("cipher");
        QTest::newRow("flipped tag bit") << QStringLiteral("tag");
        QTest::newRow("flipped nonce bit") << QStringLiteral("nonce");
        QTest::newRow("truncated") << QStringLiteral("truncate");
    }

    void nothingElseOpens()
    {
        QFETCH(QString, change);
        QString error;
        QByteArray key = *crypto::randomBytes(crypto::KeySize, &error);
        QByteArray aad("server\npath-a");
        QByteArray sealed = *crypto::seal(key, "a token", aad, &error);
        if (change == QLatin1String("key"))
            key[0] = char(key[0] ^ 1);
        else if (change == QLatin1String("aad"))
            aad = "server\npath-b";
        else if (change == QLatin1String("cipher"))
            sealed[crypto::NonceSize] = char(sealed[crypto::NonceSize] ^ 1);
        else if (change == QLatin1String("tag"))
            sealed[sealed.size() - 1] = char(sealed[sealed.size() - 1] ^ 1);
        else if (change == QLatin1String("nonce"))
            sealed[0] = char(sealed[0] ^ 1);
        else
            sealed.chop(crypto::TagSize + 1);
        error.clear();
        QVERIFY(!crypto::open(key, sealed, aad, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!error.contains(QLatin1String("a token")));
    }

    void wrongKeySizeIsAnError()
    {
        QString error;
        QVERIFY(!crypto::seal(QByteArray(16, 'k'), "x", {}, &error));
        QVERIFY(error.contains(QLatin1String("16 bytes")));
    }

    void envKeyDerivationCost()
    {
        // Measured, not asserted against a bound (machines differ): the figure goes in the log.
        QString error;
        QElapsedTimer timer;
        timer.start();
        const auto key = crypto::pbkdf2Sha256(QByteArray(64, 'x'), QByteArray(16, 's'), 600000, 32, &error);
        QVERIFY(key);
        qInfo("PBKDF2-HMAC-SHA256, 600000 iterations: %lld ms", timer.elapsed());
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "test_crypto.moc"
