// The request-target encoder (issue 11, item 2) and the dot-segment rule (item 6). The encoder is
// checked against Python's urllib.parse.quote (tests/data/percent_encode_oracle.py), never against
// itself.

#include "proxy/requesttarget.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>

using namespace telephone;

namespace {

struct Case {
    QByteArray raw;
    TargetPart part;
};

/// Encodes every case with the Python oracle in one run.
QList<QByteArray> encodeWithPython(const QList<Case> &cases, QString *error)
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        *error = QStringLiteral("python3 is not installed (scripts/deps.txt lists it)");
        return {};
    }
    QProcess process;
    process.start(python, {QStringLiteral(TELEPHONE_TEST_DATA "/percent_encode_oracle.py")});
    if (!process.waitForStarted()) {
        *error = process.errorString();
        return {};
    }
    QByteArray input;
    for (const Case &c : cases)
        input += (c.part == TargetPart::Path ? "P " : "Q ") + c.raw.toHex() + '\n';
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        *error = QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    QList<QByteArray> out;
    QByteArray output = process.readAllStandardOutput();
    if (output.endsWith('\n'))
        output.chop(1);
    for (const QByteArray &line : output.split('\n'))
        out.append(QByteArray::fromHex(line)); // an empty line is an empty result
    return out;
}

QByteArray randomText(QRandomGenerator &rng)
{
    // Mostly printable ASCII with '%' and hex digits common, so that escapes valid and not meet.
    static const QByteArray alphabet = "%%%%%0123456789abcdefABCDEF/?#.;= \"<>\\^`{|}~[]@:!$&'()*+,-_";
    QByteArray text(int(rng.bounded(0, 24)), Qt::Uninitialized);
    for (char &c : text) {
        const quint32 pick = rng.bounded(10);
        c = pick < 7 ? alphabet.at(int(rng.bounded(int(alphabet.size())))) : char(rng.bounded(256));
    }
    return text;
}

} // namespace

class TestRequestTarget : public QObject
{
    Q_OBJECT

private slots:
    // The cases the deployed server produces by decoding what callers sent (issue 11, item 2).
    void decodedPathsAreEncodedAgain_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("space") << QByteArray("/report 2024.pdf") << QByteArray("/report%202024.pdf");
        QTest::newRow("raw UTF-8") << QByteArray("/caf\xc3\xa9") << QByteArray("/caf%C3%A9");
        QTest::newRow("#") << QByteArray("/a#b") << QByteArray("/a%23b");
        QTest::newRow("? in the path") << QByteArray("/a?b") << QByteArray("/a%3Fb");
        QTest::newRow("lone %") << QByteArray("/100%") << QByteArray("/100%25");
        QTest::newRow("% and one hex digit") << QByteArray("/%4") << QByteArray("/%254");
        QTest::newRow("CR LF") << QByteArray("/a\r\nX: 1") << QByteArray("/a%0D%0AX:%201");
        QTest::newRow("DEL and NUL") << QByteArray("/\x7f\0", 3) << QByteArray("/%7F%00");
        QTest::newRow("already valid stays") << QByteArray("/a%2Fb/%C3%A9;x=1@y:z!$&'()*+,=[]~")
                                             << QByteArray("/a%2Fb/%C3%A9;x=1@y:z!$&'()*+,=[]~");
        QTest::newRow("lower-case escapes stay") << QByteArray("/%c3%a9") << QByteArray("/%c3%a9");
    }

    void decodedPathsAreEncodedAgain()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, expected);
        QCOMPARE(percentEncodeTarget(raw, TargetPart::Path), expected);
    }

    void queryKeepsQuestionMarks()
    {
        QCOMPARE(percentEncodeTarget("a=?&b=c d#e", TargetPart::Query), QByteArray("a=?&b=c%20d%23e"));
        QCOMPARE(percentEncodeTarget("next=/x?y=1", TargetPart::Query), QByteArray("next=/x?y=1"));
    }

    // 20,000 random inputs and every single byte, both parts: byte-for-byte what Python gives.
    void agreesWithPythonQuote()
    {
        QList<Case> cases;
        for (int b = 0; b < 256; ++b) {
            cases.append({QByteArray(1, char(b)), TargetPart::Path});
            cases.append({QByteArray(1, char(b)), TargetPart::Query});
            cases.append({"/%" + QByteArray(1, char(b)) + "0", TargetPart::Path});
        }
        QRandomGenerator rng(11);
        for (int i = 0; i < 20000; ++i)
            cases.append({randomText(rng), i % 2 ? TargetPart::Query : TargetPart::Path});
        QString error;
        const QList<QByteArray> expected = encodeWithPython(cases, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(expected.size(), cases.size());
        for (qsizetype i = 0; i < cases.size(); ++i) {
            const QByteArray got = percentEncodeTarget(cases.at(i).raw, cases.at(i).part);
            if (got != expected.at(i))
                QFAIL(qPrintable(QStringLiteral("%1 %2: encoded %3, Python %4")
                                     .arg(cases.at(i).part == TargetPart::Path ? "path" : "query",
                                          QString::fromLatin1(cases.at(i).raw.toHex()), QString::fromLatin1(got),
                                          QString::fromLatin1(expected.at(i)))));
        }
    }

    void dotSegments_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<bool>("dot");
        QTest::newRow("..") << QByteArray("/../admin/secret") << true;
        QTest::newRow("inner ..") << QByteArray("/a/../../admin") << true;
        QTest::newRow("trailing ..") << QByteArray("/a/..") << true;
        QTest::newRow(".") << QByteArray("/./x") << true;
        QTest::newRow("%2e%2e") << QByteArray("/%2e%2e/admin") << true;
        QTest::newRow("%2E.") << QByteArray("/%2E./admin") << true;
        QTest::newRow(".%2e") << QByteArray("/.%2e/admin") << true;
        QTest::newRow("..%2f") << QByteArray("/..%2fadmin") << true;
        QTest::newRow("backslash") << QByteArray("/a\\..\\admin") << true;
        QTest::newRow("%5c") << QByteArray("/a%5c..%5cadmin") << true;
        QTest::newRow("..;param (Tomcat)") << QByteArray("/..;x=1/admin") << true;
        QTest::newRow("plain") << QByteArray("/a/b/c") << false;
        QTest::newRow("dots in names") << QByteArray("/a..b/.well-known/...") << false;
        QTest::newRow("file.ext") << QByteArray("/report.pdf") << false;
        QTest::newRow("double-encoded stays text") << QByteArray("/%252e%252e/x") << false;
    }

    void dotSegments()
    {
        QFETCH(QByteArray, path);
        QFETCH(bool, dot);
        QCOMPARE(hasDotSegment(path), dot);
    }
};

QTEST_GUILESS_MAIN(TestRequestTarget)
#include "test_requesttarget.moc"
