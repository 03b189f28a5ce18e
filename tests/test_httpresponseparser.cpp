// The backend response parser, fed whole and byte by byte.

#include "proxy/httpresponseparser.h"

#include <QBuffer>
#include <QTest>

using namespace telephone;

class TestHttpResponseParser : public QObject
{
    Q_OBJECT

private:
    static HttpResponseParser parseAll(const QByteArray &wire, bool head, bool byteByByte, qint64 max = 1 << 20)
    {
        HttpResponseParser parser(head, max);
        if (byteByByte) {
            for (qsizetype i = 0; i < wire.size() && !parser.isComplete() && !parser.hasError(); ++i)
                parser.feed(wire.constData() + i, 1);
        } else {
            parser.feed(wire.constData(), wire.size());
        }
        return parser;
    }

private slots:
    void responses_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<bool>("head");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("complete"); // before any close

        QTest::newRow("length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << 200
                                << QByteArray("hello") << true;
        QTest::newRow("chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                               "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
                                 << false << 200 << QByteArray("hello world") << true;
        QTest::newRow("204 no body") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << 204 << QByteArray()
                                     << true;
        QTest::newRow("304 ignores length") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")
                                            << false << 304 << QByteArray() << true;
        QTest::newRow("HEAD ignores length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n") << true
                                             << 200 << QByteArray() << true;
        QTest::newRow("100 continue first") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                                                          "Content-Length: 2\r\n\r\nok")
                                            << false << 201 << QByteArray("ok") << true;
        QTest::newRow("binary body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n\x00\xff\x80", 42)
                                     << false << 200 << QByteArray("\x00\xff\x80", 3) << true;
        QTest::newRow("until close") << QByteArray("HTTP/1.0 200 OK\r\n\r\nstream") << false << 200
                                     << QByteArray("stream") << false;
        QTest::newRow("empty reason") << QByteArray("HTTP/1.1 418 \r\nContent-Length: 0\r\n\r\n") << false << 418
                                      << QByteArray() << true;
        // Issue 11, item 8: bare-LF lines (RFC 9112 2.2) used to wait for "\r\n\r\n" until the timeout.
        QTest::newRow("bare LF") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi") << false << 200
                                 << QByteArray("hi") << true;
        QTest::newRow("bare LF, chunked") << QByteArray("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nhi\n0\n\n")
                                          << false << 200 << QByteArray("hi") << true;
        QTest::newRow("mixed line ends") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nhi") << false << 200
                                         << QByteArray("hi") << true;
        QTest::newRow("CL and chunked: chunked wins")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\n0\r\n\r\n")
            << false << 200 << QByteArray("hello") << true;
        QTest::newRow("chunk size with BWS before an extension")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ;x=y\r\nhello\r\n0\r\n\r\n") << false
            << 200 << QByteArray("hello") << true;
        QTest::newRow("599") << QByteArray("HTTP/1.1 599 Custom\r\nContent-Length: 0\r\n\r\n") << false << 599
                             << QByteArray() << true;
    }

    void responses()
    {
        QFETCH(QByteArray, wire);
        QFETCH(bool, head);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, complete);
        for (const bool byteByByte : {false, true}) {
            HttpResponseParser parser = parseAll(wire, head, byteByByte);
            QVERIFY2(!parser.hasError(), qPrintable(parser.error()));
            QCOMPARE(parser.isComplete(), complete);
            if (!complete)
                parser.finishOnClose();
            QVERIFY(parser.isComplete());
            QCOMPARE(parser.status(), status);
            QCOMPARE(parser.body(), body);
        }
    }

    void headersKeptAsSent()
    {
        const HttpResponseParser parser = parseAll(
            "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Odd-Case:  v  \r\nContent-Length: 0\r\n\r\n", false,
            false);
        const HeaderList expected{{"Set-Cookie", "a=1"}, {"set-cookie", "b=2"}, {"X-Odd-Case", "v"},
                                  {"Content-Length", "0"}};
        QCOMPARE(parser.headers(), expected);
        QVERIFY(parser.keepAlive());
    }

    // Issue 11, item 8: RFC 9112 6.3 — the Content-Length of a chunked response is not passed on
    // (it was, with the wrong length), and the connection is not reused.
    void contentLengthBesideChunkedIsDropped()
    {
        const HttpResponseParser parser = parseAll("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-A: 1\r\n"
                                                   "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                                                   false, false);
        QVERIFY(parser.isComplete());
        const HeaderList expected{{"X-A", "1"}, {"Transfer-Encoding", "chunked"}};
        QCOMPARE(parser.headers(), expected);
        QVERIFY(!parser.keepAlive());
    }

    // Equal Content-Length values collapse into one field (they went out as "2, 2").
    void equalContentLengthsCollapse_data()
    {
        QTest::addColumn<QByteArray>("fields");
        QTest::newRow("two fields") << QByteArray("Content-Length: 2\r\ncontent-length: 2\r\n");
        QTest::newRow("one list") << QByteArray("Content-Length: 2, 2\r\n");
    }

    void equalContentLengthsCollapse()
    {
        QFETCH(QByteArray, fields);
        const HttpResponseParser parser = parseAll("HTTP/1.1 200 OK\r\nX-A: 1\r\n" + fields + "\r\nhi", false, false);
        QVERIFY2(parser.isComplete(), qPrintable(parser.error()));
        QCOMPARE(parser.body(), QByteArray("hi"));
        const HeaderList expected{{"X-A", "1"}, {"Content-Length", "2"}};
        QCOMPARE(parser.headers(), expected);
    }

    void keepAliveRules()
    {
        QVERIFY(!parseAll("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false, false).keepAlive());
        QVERIFY(!parseAll("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false, false).keepAlive());
        QVERIFY(parseAll("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false, false)
                    .keepAlive());
    }

    void leavesTheNextResponseAlone()
    {
        const QByteArray two("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\n");
        HttpResponseParser parser;
        const qint64 used = parser.feed(two.constData(), two.size());
        QVERIFY(parser.isComplete());
        QCOMPARE(used, two.indexOf("aHTTP") + 1);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<bool>("tooLarge");
        QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << false;
        QTest::newRow("bad status") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << false;
        QTest::newRow("conflicting lengths") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                                             << false;
        QTest::newRow("negative length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << false;
        QTest::newRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << false;
        QTest::newRow("switching protocols") << QByteArray("HTTP/1.1 101 Switching\r\n\r\n") << false;
        QTest::newRow("header without colon") << QByteArray("HTTP/1.1 200 OK\r\nnonsense\r\n\r\n") << false;
        QTest::newRow("declared too large") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n") << true;
        QTest::newRow("chunked too large") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n")
                                                  + QByteArray(0x200000, 'x')
                                           << true;
        QTest::newRow("bare CR in a value") << QByteArray("HTTP/1.1 200 OK\r\nX-A: a\rInjected: 1\r\nContent-Length: 0\r\n\r\n")
                                            << false;
        QTest::newRow("NUL in a value") << QByteArray("HTTP/1.1 200 OK\r\nX-A: a") + QByteArray(1, '\0')
                                               + QByteArray("b\r\nContent-Length: 0\r\n\r\n")
                                        << false;
        QTest::newRow("huge head") << QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(70000, 'a') << false;
        // Issue 11, item 8: ambiguous framing is refused, not guessed at.
        QTest::newRow("different lengths in one list") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n") << false;
        QTest::newRow("length +5") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello") << false;
        QTest::newRow("length 0x5") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello") << false;
        QTest::newRow("length 5 5") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello") << false;
        for (const char *size : {"+5", "-5", "0x5", " 5", "5 5", "5\v", ""}) {
            QTest::addRow("chunk size '%s'", size)
                << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") + size + "\r\nhello\r\n0\r\n\r\n"
                << false;
        }
        QTest::newRow("junk after chunk data") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                             "5\r\nhello \r\n0\r\n\r\n")
                                               << false;
        QTest::newRow("status 600") << QByteArray("HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n") << false;
        QTest::newRow("status 999") << QByteArray("HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n") << false;
        QTest::newRow("status 099") << QByteArray("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n") << false;
        QTest::newRow("status +20") << QByteArray("HTTP/1.1 +20 Odd\r\nContent-Length: 0\r\n\r\n") << false;
        QTest::newRow("four-digit status") << QByteArray("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n") << false;
        QTest::newRow("TE in HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << false;
        QTest::newRow("trailing VT in a value") << QByteArray("HTTP/1.1 200 OK\r\nX-A: a\v\r\nContent-Length: 0\r\n\r\n")
                                                << false;
    }

    void errors()
    {
        QFETCH(QByteArray, wire);
        QFETCH(bool, tooLarge);
        const HttpResponseParser parser = parseAll(wire, false, false, 1 << 20);
        QVERIFY(parser.hasError());
        QVERIFY(!parser.error().isEmpty());
        QCOMPARE(parser.bodyTooLarge(), tooLarge);
    }

    void contentLengthBodyReadsStraightFromTheDevice()
    {
        HttpResponseParser parser;
        const QByteArray head("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123");
        parser.feed(head.constData(), head.size());
        QBuffer device;
        device.setData("456789EXTRA");
        QVERIFY(device.open(QIODevice::ReadOnly));
        QVERIFY(parser.readBodyFrom(&device));
        QVERIFY(parser.isComplete());
        QCOMPARE(parser.body(), QByteArray("0123456789"));
        QCOMPARE(device.readAll(), QByteArray("EXTRA")); // the next response's bytes stay unread
        QVERIFY(!HttpResponseParser().readBodyFrom(&device)); // not in a body yet
    }

    void closeMidBodyIsAnError()
    {
        HttpResponseParser parser = parseAll("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", false, false);
        parser.finishOnClose();
        QVERIFY(parser.hasError());
        QVERIFY(parser.error().contains(QLatin1String("middle")));
    }
};

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "test_httpresponseparser.moc"
