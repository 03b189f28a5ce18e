#include "tokens/jwt.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace telephone;

namespace {

QString makeToken(const QByteArray &payloadJson)
{
    const QByteArray header = QByteArray(R"({"alg":"HS256","typ":"JWT"})")
                                  .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray payload = payloadJson.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return QString::fromLatin1(header + '.' + payload + ".c2lnbmF0dXJl");
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private slots:
    void decodesAllClaims()
    {
        const auto result = decodeJwt(makeToken(
            R"({"path_id":"3f2c","sub":"user-1","jti":"j-9","iat":1700000000,"exp":1700003600,"other":[1]})"));
        QVERIFY2(result.claims, qPrintable(result.error()));
        QCOMPARE(result.claims->pathId, QStringLiteral("3f2c"));
        QCOMPARE(result.claims->sub, QStringLiteral("user-1"));
        QCOMPARE(result.claims->jti, QStringLiteral("j-9"));
        QCOMPARE(result.claims->iat, 1700000000);
        QCOMPARE(result.claims->exp, 1700003600);
        QVERIFY(result.claims->isExpiredAt(1700003600));
        QVERIFY(!result.claims->isExpiredAt(1700003599));
        QCOMPARE(result.claims->secondsToExpiry(1700003000), 600);
    }

    void surroundingWhitespaceIsIgnored()
    {
        QVERIFY(decodeJwt(QStringLiteral("  ") + makeToken(R"({"path_id":"p"})") + QStringLiteral("\n")).claims);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("errorContains");

        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("two parts") << QStringLiteral("abc.def") << QStringLiteral("three");
        QTest::newRow("four parts") << QStringLiteral("a.b.c.d") << QStringLiteral("three");
        QTest::newRow("bad characters") << QStringLiteral("a.b+/=.c") << QStringLiteral("base64url");
        QTest::newRow("payload not json") << makeToken("not json") << QStringLiteral("JSON object");
        QTest::newRow("payload array") << makeToken("[1,2]") << QStringLiteral("JSON object");
        QTest::newRow("no path_id") << makeToken(R"({"sub":"x"})") << QStringLiteral("path_id");
        QTest::newRow("string exp") << makeToken(R"({"path_id":"p","exp":"soon"})") << QStringLiteral("\"exp\"");
        QTest::newRow("fractional iat") << makeToken(R"({"path_id":"p","iat":1.5})") << QStringLiteral("\"iat\"");
    }

    void errors()
    {
        QFETCH(QString, token);
        QFETCH(QString, errorContains);
        const auto result = decodeJwt(token);
        QVERIFY(!result.claims);
        QVERIFY2(result.error().contains(errorContains), qPrintable(result.error()));
        // An error message must never echo the token back (it would end up in a log).
        if (token.size() > 8)
            QVERIFY(!result.error().contains(token));
    }
};

QTEST_GUILESS_MAIN(TestJwt)
#include "test_jwt.moc"
