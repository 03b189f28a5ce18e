#include "protocol/frame.h"

#include <QJsonArray>
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

    void everyErrorHasAName()
    {
        for (int e = int(FrameError::None); e <= int(FrameError::BadPayload); ++e)
            QVERIFY(QByteArray(frameErrorName(FrameError(e))) != "unknown");
    }
};

QTEST_GUILESS_MAIN(TestFrame)
#include "test_frame.moc"
