// The start-up rule for picking a token, table-driven: latest iat wins per path, ties go to the
// given token, expired tokens lose to any unexpired one, a given token names the path. And the
// desktop's question before a start: is there a token to run on, or does the setup page ask?

#include "tokens/tokenchooser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace telephone;

namespace {

constexpr qint64 Now = 1'800'000'000;

StoredToken stored(const QString &path, qint64 iat, qint64 exp, TokenSource source = TokenSource::Refreshed)
{
    StoredToken row;
    row.pathId = path;
    row.iat = iat;
    row.exp = exp;
    row.token = QStringLiteral("stored-%1-%2").arg(path).arg(iat);
    row.source = source;
    return row;
}

StoredToken storedFor(const QString &server, qint64 exp, TokenSource source)
{
    StoredToken row = stored(QStringLiteral("p"), Now - 100, exp, source);
    row.server = server;
    return row;
}

// A JWT as the server issues it (the client never checks the signature).
QString jwt(qint64 exp)
{
    const QJsonObject claims{{QStringLiteral("path_id"), QStringLiteral("p")},
                             {QStringLiteral("iat"), Now - 100},
                             {QStringLiteral("exp"), exp}};
    const auto part = [](const QByteArray &json) {
        return json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    return QString::fromLatin1(part(R"({"alg":"HS256","typ":"JWT"})") + '.'
                               + part(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + ".c2ln");
}

} // namespace

Q_DECLARE_METATYPE(QList<StoredToken>)

class TestTokenChooser : public QObject
{
    Q_OBJECT

private slots:
    void choose_data()
    {
        QTest::addColumn<QString>("givenPath"); // empty: no token given
        QTest::addColumn<qint64>("givenIat");
        QTest::addColumn<qint64>("givenExp");
        QTest::addColumn<QList<StoredToken>>("rows");
        QTest::addColumn<QString>("expected"); // "given", a stored token, or "" for none

        QTest::newRow("only given") << "p" << Now - 10 << Now + 100 << QList<StoredToken>{} << "given";
        QTest::newRow("stored refreshed is newer") << "p" << Now - 100 << Now + 100
                                                   << QList<StoredToken>{stored("p", Now - 10, Now + 3600)} << "stored-p-" + QString::number(Now - 10);
        QTest::newRow("given is newer") << "p" << Now - 5 << Now + 100
                                        << QList<StoredToken>{stored("p", Now - 10, Now + 3600)} << "given";
        QTest::newRow("tie goes to given") << "p" << Now - 10 << Now + 100
                                           << QList<StoredToken>{stored("p", Now - 10, Now + 3600)} << "given";
        QTest::newRow("given expired, stored valid") << "p" << Now - 7200 << Now - 1
                                                     << QList<StoredToken>{stored("p", Now - 8000, Now + 60)}
                                                     << "stored-p-" + QString::number(Now - 8000);
        QTest::newRow("given expired, nothing stored: handed on to be refused")
            << "p" << Now - 7200 << Now - 1 << QList<StoredToken>{} << "given";
        QTest::newRow("given for another path wins") << "q" << Now - 100 << Now + 100
                                                     << QList<StoredToken>{stored("p", Now - 1, Now + 3600)} << "given";
        QTest::newRow("nothing given: newest stored of any path")
            << "" << qint64(0) << qint64(0)
            << QList<StoredToken>{stored("p", Now - 50, Now + 3600), stored("q", Now - 20, Now + 3600)}
            << "stored-q-" + QString::number(Now - 20);
        QTest::newRow("nothing given: expired stored never chosen")
            << "" << qint64(0) << qint64(0) << QList<StoredToken>{stored("p", Now - 50, Now)} << "";
    }

    void choose()
    {
        QFETCH(QString, givenPath);
        QFETCH(qint64, givenIat);
        QFETCH(qint64, givenExp);
        QFETCH(QList<StoredToken>, rows);
        QFETCH(QString, expected);
        std::optional<TokenCandidate> given;
        if (!givenPath.isEmpty()) {
            JwtClaims claims;
            claims.pathId = givenPath;
            claims.iat = givenIat;
            claims.exp = givenExp;
            given = TokenCandidate{QStringLiteral("given"), claims, TokenSource::Given};
        }
        const TokenChoice choice = chooseStartToken(given, rows, Now);
        QCOMPARE(choice.chosen ? choice.chosen->token : QString(), expected);
        for (const QString &note : choice.notes)
            QVERIFY(!note.contains(QLatin1String("stored-"))); // notes never carry a token
    }

    void tokenAvailableAtStart_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QList<StoredToken>>("rows");
        QTest::addColumn<bool>("available");
        const QString server = QStringLiteral("wss://plug.example");
        const QString other = QStringLiteral("wss://other.example");
        QTest::newRow("nothing") << QString() << QList<StoredToken>{} << false;
        QTest::newRow("given, usable") << jwt(Now + 3600) << QList<StoredToken>{} << true;
        QTest::newRow("given, expired") << jwt(Now - 1) << QList<StoredToken>{} << false;
        QTest::newRow("given, malformed") << QStringLiteral("not-a-token") << QList<StoredToken>{} << false;
        QTest::newRow("stored, unexpired")
            << QString() << QList<StoredToken>{storedFor(server, Now + 60, TokenSource::Pasted)} << true;
        QTest::newRow("stored, no expiry")
            << QString() << QList<StoredToken>{storedFor(server, 0, TokenSource::Given)} << true;
        QTest::newRow("stored, expired")
            << QString() << QList<StoredToken>{storedFor(server, Now - 1, TokenSource::Refreshed)} << false;
        QTest::newRow("stored for another server")
            << QString() << QList<StoredToken>{storedFor(other, Now + 60, TokenSource::Pasted)} << false;
        QTest::newRow("vended before, expired (the key vends the next)")
            << QString() << QList<StoredToken>{storedFor(server, Now - 1, TokenSource::Vended)} << true;
    }

    void tokenAvailableAtStart()
    {
        QFETCH(QString, given);
        QFETCH(QList<StoredToken>, rows);
        QFETCH(bool, available);
        QCOMPARE(telephone::tokenAvailableAtStart(given, rows, QStringLiteral("wss://plug.example"), Now), available);
    }
};

QTEST_GUILESS_MAIN(TestTokenChooser)
#include "test_tokenchooser.moc"
