// The proxy_res writer: what it writes must decode (as the server would) to exactly the input.
// Frames are read back with QJsonDocument (support/qtframereader.h), never with the engine's parser.

#include "base/utf8.h"
#include "proxy/responsewriter.h"
#include "support/qtframereader.h"
#include "support/wholeresponseframe.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QStringDecoder>
#include <QTest>

using namespace telephone;

namespace {

QJsonObject payloadOf(const QByteArray &frameText)
{
    const std::optional<Frame> frame = readFrameWithQt(frameText);
    if (!frame)
        qFatal("writer produced an invalid frame: %s", frameText.left(200).constData());
    return frame->payload;
}

// Reassembles the body the way Plugboard does: body, or the chunks in order; base64 decoded.
QByteArray bodyOf(const QJsonObject &payload)
{
    const bool base64 = payload.value(QLatin1String("body_encoding")).toString() == QLatin1String("base64");
    auto decode = [base64](const QString &text) {
        return base64 ? QByteArray::fromBase64(text.toLatin1()) : text.toUtf8();
    };
    if (!payload.value(QLatin1String("chunked")).toBool())
        return decode(payload.value(QLatin1String("body")).toString());
    QByteArray body;
    for (const QJsonValue &chunk : payload.value(QLatin1String("chunks")).toArray())
        body += decode(chunk.toString());
    return body;
}

} // namespace

class TestResponseWriter : public QObject
{
    Q_OBJECT

private slots:
    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("hello") << true;
        QTest::newRow("empty") << QByteArray() << true;
        QTest::newRow("two-byte") << QByteArray("caf\xc3\xa9") << true;
        QTest::newRow("three-byte") << QByteArray("\xe6\x97\xa5") << true;
        QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << true;
        QTest::newRow("lone continuation") << QByteArray("\x80") << false;
        QTest::newRow("truncated") << QByteArray("\xe6\x97") << false;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("ff byte") << QByteArray("ab\xff") << false;
        QTest::newRow("NUL is valid") << QByteArray("a\0b", 3) << true;
        QTest::newRow("late error after ascii run") << QByteArray("0123456789abcdef\xff") << false;
    }

    void utf8Validation()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(isValidUtf8(bytes), valid);
    }

    // A close reason (123 bytes at most) cut from longer text stays valid UTF-8 and as long as it
    // can be; checked with Qt's own decoder, not ours.
    void utf8PrefixEndsOnACharacter()
    {
        const QString sources[] = {QString(200, QChar(0x00e4)), QString(100, QChar(0x20ac)),
                                   QString::fromUtf8("x\xf0\x9f\x98\x80").repeated(40), QString(300, QLatin1Char('a'))};
        for (const QString &source : sources) {
            const QByteArray utf8 = source.toUtf8();
            for (qint64 limit = 1; limit <= 130; ++limit) {
                const QByteArray prefix = utf8Prefix(utf8, limit);
                QVERIFY(prefix.size() <= limit);
                QVERIFY(utf8.startsWith(prefix));
                QStringDecoder decoder(QStringDecoder::Utf8);
                const QString decoded = decoder.decode(prefix);
                QVERIFY2(!decoder.hasError(), prefix.toHex().constData());
                // Longest: one more character would not fit.
                const qsizetype next = decoded.size() + (source.at(decoded.size()).isHighSurrogate() ? 2 : 1);
                QVERIFY(source.left(next).toUtf8().size() > limit);
            }
        }
    }

    void escapesEverythingJsonNeeds()
    {
        QByteArray body;
        for (int c = 0; c < 0x80; ++c)
            body.append(char(c));
        body += "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80"; // é, U+2028, 😀
        ProxyResponse response{QStringLiteral("r"), 200, {{"Content-Type", "text/plain"}}, body, false};
        const QByteArray frame = writeProxyResponseFrame(QStringLiteral("1"), QStringLiteral("7"),
                                                         QStringLiteral("telephone:p"), response, {});
        const std::optional<Frame> decoded = readFrameWithQt(frame);
        QVERIFY(decoded);
        QCOMPARE(decoded->joinRef, QStringLiteral("1"));
        QCOMPARE(decoded->ref, QStringLiteral("7"));
        QCOMPARE(decoded->event, QStringLiteral("proxy_res"));
        QCOMPARE(bodyOf(decoded->payload), body);
        QCOMPARE(decoded->payload.value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(decoded->payload.value(QLatin1String("request_id")).toString(), QStringLiteral("r"));
        QCOMPARE(decoded->payload.value(QLatin1String("chunked")).toBool(), false);
        QCOMPARE(decoded->payload.value(QLatin1String("headers")).toObject().value(QLatin1String("content-type")),
                 QStringLiteral("text/plain"));
    }

    void chunksNeverSplitUtf8_data()
    {
        QTest::addColumn<int>("chunkSize");
        for (int size : {1, 2, 3, 4, 5, 7, 64, 1000})
            QTest::newRow(qPrintable(QString::number(size))) << size;
    }

    void chunksNeverSplitUtf8()
    {
        QFETCH(int, chunkSize);
        QByteArray body;
        const QByteArray pieces[] = {"a", "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\"", "\\", "\n"};
        QRandomGenerator rng(42);
        while (body.size() < 5000)
            body += pieces[rng.bounded(int(std::size(pieces)))];
        ProxyResponse response{QStringLiteral("r"), 200, {{"content-length", "5000"}}, body, false};
        ResponseWriterOptions options;
        options.chunkSize = chunkSize;
        ResponseWriterStats stats;
        const QJsonObject payload = payloadOf(
            writeProxyResponseFrame({}, QStringLiteral("1"), QStringLiteral("t"), response, options, &stats));
        QVERIFY(payload.value(QLatin1String("chunked")).toBool());
        QCOMPARE(bodyOf(payload), body);
        QVERIFY(stats.chunks >= body.size() / std::max(chunkSize, 4));
        for (const QJsonValue &chunk : payload.value(QLatin1String("chunks")).toArray()) {
            const QByteArray bytes = chunk.toString().toUtf8();
            QVERIFY(isValidUtf8(bytes)); // each chunk stands on its own
            QVERIFY(bytes.size() <= std::max(chunkSize, 4));
        }
        // A chunked response is framed by the server: no Content-Length may contradict it.
        QVERIFY(!payload.value(QLatin1String("headers")).toObject().contains(QLatin1String("content-length")));
    }

    void binaryRoundTripWithBase64()
    {
        QByteArray body(3 * 1024 * 1024 + 17, Qt::Uninitialized);
        QRandomGenerator rng(7);
        for (char &c : body)
            c = char(rng.bounded(256));
        ProxyResponse response{QStringLiteral("r"), 200, {}, body, true};
        ResponseWriterOptions options; // 1 MiB chunks
        const QJsonObject payload =
            payloadOf(writeProxyResponseFrame({}, QStringLiteral("1"), QStringLiteral("t"), response, options));
        QCOMPARE(payload.value(QLatin1String("body_encoding")).toString(), QStringLiteral("base64"));
        QCOMPARE(payload.value(QLatin1String("chunks")).toArray().size(), 4);
        QCOMPARE(bodyOf(payload), body);
    }

    void headersAreJoinedExceptSetCookie()
    {
        ProxyResponse response{QStringLiteral("r"), 302,
                               {{"Location", "/next"}, {"Vary", "Accept"}, {"vary", "Cookie"},
                                {"Set-Cookie", "a=1; Path=/"}, {"set-cookie", "b=2"}},
                               {}, false};
        ResponseWriterStats stats;
        QJsonObject headers = payloadOf(writeProxyResponseFrame({}, QStringLiteral("1"), QStringLiteral("t"), response,
                                                                {}, &stats))
                                  .value(QLatin1String("headers"))
                                  .toObject();
        QCOMPARE(headers.value(QLatin1String("location")).toString(), QStringLiteral("/next"));
        QCOMPARE(headers.value(QLatin1String("vary")).toString(), QStringLiteral("Accept, Cookie"));
        QCOMPARE(headers.value(QLatin1String("set-cookie")).toString(), QStringLiteral("a=1; Path=/"));
        QCOMPARE(stats.droppedSetCookies, 1);

        ResponseWriterOptions multi;
        multi.multiValueHeaders = true;
        headers = payloadOf(writeProxyResponseFrame({}, QStringLiteral("1"), QStringLiteral("t"), response, multi, &stats))
                      .value(QLatin1String("headers"))
                      .toObject();
        QCOMPARE(headers.value(QLatin1String("set-cookie")).toArray(),
                 (QJsonArray{QStringLiteral("a=1; Path=/"), QStringLiteral("b=2")}));
        QCOMPARE(stats.droppedSetCookies, 0);
    }

    // Found by fuzz_responsewriter: with a header that is not UTF-8 (a run of continuation bytes),
    // "take one character whole" took the whole run into one piece. The forwarder answers such
    // headers 502 before a frame is made, but the writer's pieces stay bounded whatever it is given.
    void streamedPiecesStayBoundedForNonUtf8Headers()
    {
        const ProxyResponse response{QStringLiteral("r"), 200, {{"x-a", QByteArray(40, '\xb7')}}, "body", false};
        const QByteArray whole = writeProxyResponseFrame({}, QStringLiteral("1"), QStringLiteral("t"), response, {});
        ProxyResponseFrame streamed({}, QStringLiteral("1"), QStringLiteral("t"), response, {});
        QByteArray joined;
        while (!streamed.atEnd()) {
            const QByteArray piece = streamed.next(1);
            QVERIFY(!piece.isEmpty());
            QVERIFY2(piece.size() <= 4 + 2, piece.toHex().constData());
            joined += piece;
        }
        QCOMPARE(joined, whole);
    }
};

QTEST_GUILESS_MAIN(TestResponseWriter)
#include "test_responsewriter.moc"
