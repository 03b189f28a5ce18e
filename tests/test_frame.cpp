#include "protocol/frame.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace telephone;

class TestFrame : public QObject
{
    Q_OBJECT

private slots:
    void decode_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("joinRef");
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("event");

        QTest::newRow("reply") << QByteArray(R"([null,"1","telephone:p","phx_reply",{"status":"ok"}])")
                               << int(FrameError::None) << QString() << QStringLiteral("1")
                               << QStringLiteral("phx_reply");
        QTest::newRow("join") << QByteArray(R"(["1","1","telephone:p","phx_join",{}])") << int(FrameError::None)
                              << QStringLiteral("1") << QStringLiteral("1") << QStringLiteral("phx_join");
        QTest::newRow("push without refs") << QByteArray(R"([null,null,"t","proxy_req",{}])")
                                           << int(FrameError::None) << QString() << QString()
                                           << QStringLiteral("proxy_req");
        QTest::newRow("integer refs") << QByteArray(R"([3,4,"t","e",{}])") << int(FrameError::None)
                                      << QStringLiteral("3") << QStringLiteral("4") << QStringLiteral("e");
        QTest::newRow("fractional ref") << QByteArray(R"([null,1.5,"t","e",{}])") << int(FrameError::BadRef)
                                        << QString() << QString() << QString();
        QTest::newRow("object ref") << QByteArray(R"([{},null,"t","e",{}])") << int(FrameError::BadRef)
                                    << QString() << QString() << QString();
        QTest::newRow("not json") << QByteArray("[null,") << int(FrameError::NotJson) << QString() << QString()
                                  << QString();
        QTest::newRow("empty") << QByteArray() << int(FrameError::NotJson) << QString() << QString() << QString();
        QTest::newRow("object") << QByteArray(R"({"event":"x"})") << int(FrameError::NotArray) << QString()
                                << QString() << QString();
        QTest::newRow("four elements") << QByteArray(R"([null,null,"t","e"])") << int(FrameError::WrongArity)
                                       << QString() << QString() << QString();
        QTest::newRow("six elements") << QByteArray(R"([null,null,"t","e",{},1])") << int(FrameError::WrongArity)
                                      << QString() << QString() << QString();
        QTest::newRow("numeric topic") << QByteArray(R"([null,null,5,"e",{}])") << int(FrameError::BadTopic)
                                       << QString() << QString() << QString();
        QTest::newRow("empty topic") << QByteArray(R"([null,null,"","e",{}])") << int(FrameError::BadTopic)
                                     << QString() << QString() << QString();
        QTest::newRow("null event") << QByteArray(R"([null,null,"t",null,{}])") << int(FrameError::BadEvent)
                                    << QString() << QString() << QString();
        QTest::newRow("array payload") << QByteArray(R"([null,null,"t","e",[]])") << int(FrameError::BadPayload)
                                       << QString() << QString() << QString();
        QTest::newRow("string payload") << QByteArray(R"([null,null,"t","e","x"])")
                                        << int(FrameError::BadPayload) << QString() << QString() << QString();
    }

    void decode()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, error);
        QFETCH(QString, joinRef);
        QFETCH(QString, ref);
        QFETCH(QString, event);

        const DecodedFrame decoded = decodeFrame(text);
        QCOMPARE(int(decoded.error), error);
        QCOMPARE(decoded.frame.has_value(), error == int(FrameError::None));
        if (decoded.frame) {
            QCOMPARE(decoded.frame->joinRef, joinRef);
            QCOMPARE(decoded.frame->joinRef.isNull(), joinRef.isNull());
            QCOMPARE(decoded.frame->ref, ref);
            QCOMPARE(decoded.frame->ref.isNull(), ref.isNull());
            QCOMPARE(decoded.frame->event, event);
        }
    }

    void encodeUsesNullForMissingRefs()
    {
        Frame frame;
        frame.topic = QStringLiteral("telephone:abc");
        frame.event = QStringLiteral("heartbeat");
        frame.ref = QStringLiteral("7");
        frame.payload = QJsonObject{{QStringLiteral("ts"), 12}};
        QCOMPARE(encodeFrame(frame), QByteArray(R"([null,"7","telephone:abc","heartbeat",{"ts":12}])"));
    }

    void roundTripKeepsEverything()
    {
        Frame frame{QStringLiteral("3"), QStringLiteral("9"), QStringLiteral("telephone:x"), QStringLiteral("proxy_res"),
                    QJsonObject{{QStringLiteral("body"), QStringLiteral("caf\u00e9 \"\\\n\u0001")},
                                {QStringLiteral("headers"), QJsonObject{{QStringLiteral("a"), QStringLiteral("b")}}}}};
        const DecodedFrame decoded = decodeFrame(encodeFrame(frame));
        QVERIFY(decoded.frame);
        QCOMPARE(decoded.frame->joinRef, frame.joinRef);
        QCOMPARE(decoded.frame->ref, frame.ref);
        QCOMPARE(decoded.frame->topic, frame.topic);
        QCOMPARE(decoded.frame->event, frame.event);
        QCOMPARE(decoded.frame->payload, frame.payload);
    }

    // The request path takes a proxy_req's body as bytes (FrameBody::ProxyReqBodyAsBytes): checked
    // against QJsonDocument, which reads the same text independently, escapes and repeats included.
    void proxyReqBodyAsBytesAgreesWithQJsonDocument_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("lifted");
        // Plain literals, not raw strings: moc does not read raw strings holding quotes and backslashes.
        auto req = [](const char *payload) {
            return QByteArray("[null,\"2\",\"t\",\"proxy_req\",") + payload + ']';
        };
        QTest::newRow("plain") << req("{\"request_id\":\"r\",\"body\":\"hello\"}") << true;
        QTest::newRow("escapes and UTF-8")
            << req("{\"body\":\"a\\n\\\"b\\\"\\\\ \\u00e9 \\ud83d\\ude00 caf\xc3\xa9\\t\",\"x\":1}") << true;
        QTest::newRow("empty") << req("{\"body\":\"\"}") << true;
        QTest::newRow("repeated: last string wins") << req("{\"body\":1,\"body\":\"second\"}") << true;
        QTest::newRow("repeated: last non-string wins") << req("{\"body\":\"first\",\"body\":7}") << false;
        QTest::newRow("not a string") << req("{\"body\":{\"a\":\"b\"}}") << false;
        QTest::newRow("nested body stays") << req("{\"h\":{\"body\":\"x\"}}") << false;
        QTest::newRow("other event keeps it")
            << QByteArray("[null,\"2\",\"t\",\"ws_frame\",{\"body\":\"x\\ny\"}]") << false;
    }

    void proxyReqBodyAsBytesAgreesWithQJsonDocument()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, lifted);
        const QJsonArray reference = QJsonDocument::fromJson(text).array();
        QCOMPARE(reference.size(), 5);
        const QJsonObject referencePayload = reference.at(4).toObject();

        const DecodedFrame decoded = decodeFrame(text, FrameBody::ProxyReqBodyAsBytes);
        QVERIFY(decoded.frame);
        QCOMPARE(decoded.frame->proxyReqBody.has_value(), lifted);
        QJsonObject payload = decoded.frame->payload;
        if (lifted) {
            QVERIFY(!payload.contains(QLatin1String("body")));
            QCOMPARE(*decoded.frame->proxyReqBody, referencePayload.value(QLatin1String("body")).toString().toUtf8());
            payload.insert(QLatin1String("body"), QString::fromUtf8(*decoded.frame->proxyReqBody));
        }
        QCOMPARE(payload, referencePayload);
        // The default decoding keeps everything in the payload.
        const DecodedFrame plain = decodeFrame(text);
        QVERIFY(plain.frame);
        QVERIFY(!plain.frame->proxyReqBody);
        QCOMPARE(plain.frame->payload, referencePayload);
    }

    void everyErrorHasAName()
    {
        for (int e = int(FrameError::None); e <= int(FrameError::BadPayload); ++e)
            QVERIFY(QByteArray(frameErrorName(FrameError(e))) != "unknown");
    }
};

QTEST_GUILESS_MAIN(TestFrame)
#include "test_frame.moc"
