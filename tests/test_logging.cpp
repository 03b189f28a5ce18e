#include "base/logging.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace telephone;

Q_DECLARE_METATYPE(QtMsgType)

namespace {

Q_LOGGING_CATEGORY(lcTest, "telephone.test.logging")

const QDateTime kTime(QDate(2026, 11, 22), QTime(1, 2, 3, 123), Qt::UTC);

// Points fd 2 at a file for its lifetime, so the installed handler's real output can be read back.
class StderrCapture
{
public:
    explicit StderrCapture(const QString &path)
        : m_path(path)
    {
        std::fflush(stderr);
        m_saved = ::dup(STDERR_FILENO);
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~StderrCapture() { restore(); }
    StderrCapture(const StderrCapture &) = delete;
    StderrCapture &operator=(const StderrCapture &) = delete;

    QByteArray finish()
    {
        restore();
        QFile file(m_path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return file.readAll();
    }

private:
    void restore()
    {
        if (m_saved < 0)
            return;
        std::fflush(stderr);
        ::dup2(m_saved, STDERR_FILENO);
        ::close(m_saved);
        m_saved = -1;
    }

    QString m_path;
    int m_saved = -1;
};

} // namespace

class TestLogging : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void textLine_data()
    {
        QTest::addColumn<QtMsgType>("type");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("info") << QtInfoMsg
                              << QByteArray("2026-11-22T01:02:03.123Z info  telephone.tunnel: message\n");
        QTest::newRow("debug") << QtDebugMsg
                               << QByteArray("2026-11-22T01:02:03.123Z debug telephone.tunnel: message\n");
        QTest::newRow("warning") << QtWarningMsg
                                 << QByteArray("2026-11-22T01:02:03.123Z warning telephone.tunnel: message\n");
        QTest::newRow("critical") << QtCriticalMsg
                                  << QByteArray("2026-11-22T01:02:03.123Z error telephone.tunnel: message\n");
        QTest::newRow("fatal") << QtFatalMsg
                               << QByteArray("2026-11-22T01:02:03.123Z fatal telephone.tunnel: message\n");
    }

    void textLine()
    {
        QFETCH(QtMsgType, type);
        QFETCH(QByteArray, expected);
        QCOMPARE(logging::formatLine(logging::Format::Text, kTime, type, "telephone.tunnel", QStringLiteral("message")),
                 expected);
    }

    void textLineConvertsToUtc()
    {
        const QDateTime offset = kTime.toOffsetFromUtc(3600);
        QVERIFY(logging::formatLine(logging::Format::Text, offset, QtInfoMsg, "c", QStringLiteral("m"))
                    .startsWith("2026-11-22T01:02:03.123Z "));
    }

    void textLineStaysOneLine()
    {
        const QByteArray line = logging::formatLine(logging::Format::Text, kTime, QtWarningMsg, nullptr,
                                                    QStringLiteral("first\nsecond\r\x1b[31mred\ttab ü"));
        QCOMPARE(line, QByteArray("2026-11-22T01:02:03.123Z warning default: first\\nsecond\\r\\x1b[31mred\ttab ")
                           + QStringLiteral("ü").toUtf8() + '\n');
    }

    void jsonLine_data()
    {
        QTest::addColumn<QString>("message");
        QTest::newRow("plain") << QStringLiteral("connected to wss://h/socket/websocket");
        QTest::newRow("empty") << QString();
        QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" C:\\path\\ \\\"");
        QTest::newRow("newlines") << QStringLiteral("a\nb\r\nc");
        QTest::newRow("controls") << QStringLiteral("nul-free \x01\x02\x1f\x7f tab\t");
        QTest::newRow("unicode") << QStringLiteral("ü € 😀 \u2028 end");
        QTest::newRow("json-looking") << QStringLiteral("{\"level\":\"fake\"}</script>");
    }

    void jsonLine()
    {
        QFETCH(QString, message);
        const QByteArray line =
            logging::formatLine(logging::Format::Json, kTime, QtWarningMsg, "telephone.tunnel", message);
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        QVERIFY(line.startsWith("{\"time\":"));

        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + QLatin1Char(' ') + line));
        const QJsonObject object = doc.object();
        QCOMPARE(object.size(), 4);
        QCOMPARE(object.value(QStringLiteral("time")).toString(), QStringLiteral("2026-11-22T01:02:03.123Z"));
        QCOMPARE(object.value(QStringLiteral("level")).toString(), QStringLiteral("warning"));
        QCOMPARE(object.value(QStringLiteral("category")).toString(), QStringLiteral("telephone.tunnel"));
        QCOMPARE(object.value(QStringLiteral("message")).toString(), message);
    }

    void parseFormatAndLevel()
    {
        QCOMPARE(logging::parseFormat(QStringLiteral("json")), logging::Format::Json);
        QCOMPARE(logging::parseFormat(QStringLiteral("Text")), logging::Format::Text);
        QVERIFY(!logging::parseFormat(QStringLiteral("xml")));
        QCOMPARE(logging::parseLevel(QStringLiteral("debug")), logging::Level::Debug);
        QCOMPARE(logging::parseLevel(QStringLiteral("warning")), logging::Level::Warning);
        QCOMPARE(logging::parseLevel(QStringLiteral("error")), logging::Level::Error);
        QVERIFY(!logging::parseLevel(QStringLiteral("warn")));
    }

    void redactsRegisteredSecrets()
    {
        const QString secret = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
        QCOMPARE(logging::redact(QStringLiteral("token ") + secret), QStringLiteral("token ") + secret);

        logging::addSecret(secret);
        QCOMPARE(logging::redact(QStringLiteral("a ") + secret + QStringLiteral(" b ") + secret),
                 QStringLiteral("a [redacted] b [redacted]"));

        // Counted: a second owner keeps it masked after the first lets go.
        logging::addSecret(secret);
        logging::removeSecret(secret);
        QCOMPARE(logging::redact(secret), QStringLiteral("[redacted]"));
        logging::removeSecret(secret);
        QCOMPARE(logging::redact(secret), secret);
    }

    void shortSecretsAreIgnored()
    {
        logging::addSecret(QStringLiteral("abc1234"));
        QCOMPARE(logging::redact(QStringLiteral("abc1234")), QStringLiteral("abc1234"));
        logging::removeSecret(QStringLiteral("abc1234"));
    }

    void longestSecretWins()
    {
        const QString inner = QStringLiteral("secret-inner");
        const QString outer = QStringLiteral("prefix-secret-inner-suffix");
        logging::addSecret(inner);
        logging::addSecret(outer);
        QCOMPARE(logging::redact(outer + QLatin1Char(' ') + inner), QStringLiteral("[redacted] [redacted]"));
        logging::removeSecret(inner);
        logging::removeSecret(outer);
    }

    void percentEncodedSecretIsRedacted()
    {
        const QString secret = QStringLiteral("abc+def/ghi=");
        logging::addSecret(secret);
        QCOMPARE(logging::redact(QStringLiteral("wss://h/?token=abc%2Bdef%2Fghi%3D")),
                 QStringLiteral("wss://h/?token=[redacted]"));
        logging::removeSecret(secret);
    }

    void redactUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");

        QTest::newRow("token kept in place")
            << QStringLiteral("wss://h/socket/websocket?token=eyJ.x.y&vsn=2.0.0")
            << QStringLiteral("wss://h/socket/websocket?token=[redacted]&vsn=2.0.0");
        QTest::newRow("token last") << QStringLiteral("wss://h/s?vsn=2.0.0&token=abc")
                                    << QStringLiteral("wss://h/s?vsn=2.0.0&token=[redacted]");
        QTest::newRow("no token") << QStringLiteral("wss://h/s?vsn=2.0.0") << QStringLiteral("wss://h/s?vsn=2.0.0");
        QTest::newRow("no query") << QStringLiteral("ws://127.0.0.1:4000/socket/websocket")
                                  << QStringLiteral("ws://127.0.0.1:4000/socket/websocket");
        QTest::newRow("upper-case key") << QStringLiteral("wss://h/?TOKEN=abc")
                                        << QStringLiteral("wss://h/?TOKEN=[redacted]");
        QTest::newRow("encoded value") << QStringLiteral("wss://h/?token=a%26b%3Dc&x=1")
                                       << QStringLiteral("wss://h/?token=[redacted]&x=1");
        QTest::newRow("password") << QStringLiteral("https://user:hunter22@h/")
                                  << QStringLiteral("https://user:[redacted]@h/");
    }

    void redactUrl()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        QCOMPARE(logging::redactUrl(QUrl(url)), expected);
    }

    void handlerWritesRedactedLinesToStderr()
    {
        const QString secret = QStringLiteral("handler-secret-value");
        logging::addSecret(secret);
        StderrCapture capture(m_dir.filePath(QStringLiteral("text.log")));
        logging::install(logging::Format::Text, logging::Level::Info, false);
        qCDebug(lcTest) << "below the minimum";
        qCInfo(lcTest, "token is %s", qPrintable(secret));
        qCWarning(lcTest) << "two\nlines";
        logging::uninstall();
        const QByteArray output = capture.finish();
        logging::removeSecret(secret);

        const QList<QByteArray> lines = output.split('\n');
        QCOMPARE(lines.size(), 3); // two lines and the empty rest after the final '\n'
        QVERIFY2(lines.at(0).endsWith(" info  telephone.test.logging: token is [redacted]"), lines.at(0).constData());
        QVERIFY2(lines.at(1).endsWith(" warning telephone.test.logging: two\\nlines"), lines.at(1).constData());
        QVERIFY(!output.contains(secret.toUtf8()));
        QVERIFY(!output.contains("below the minimum"));
    }

    // Issue 15: with several tunnels a text line says which one wrote it; with one, it does not.
    void textLinesNameTheTunnelOnlyWhenThereAreSeveral()
    {
        StderrCapture capture(m_dir.filePath(QStringLiteral("tunnels.log")));
        logging::install(logging::Format::Text, logging::Level::Info, false);
        logging::setDefaultTunnel(QStringLiteral("default"));
        {
            const logging::ContextScope only(QStringLiteral("default"));
            qCInfo(lcTest) << "the only tunnel";
        }
        logging::setDefaultTunnel(QString());
        {
            const logging::ContextScope api(QStringLiteral("api"));
            qCInfo(lcTest) << "from api";
            const logging::ContextScope request(QString(), QStringLiteral("req-1"));
            qCInfo(lcTest) << "a request of api";
        }
        qCInfo(lcTest) << "from no tunnel";
        logging::uninstall();
        const QList<QByteArray> lines = capture.finish().split('\n');
        QCOMPARE(lines.size(), 5);
        QVERIFY2(lines.at(0).endsWith(" telephone.test.logging: the only tunnel"), lines.at(0).constData());
        QVERIFY2(lines.at(1).endsWith(" telephone.test.logging: [api] from api"), lines.at(1).constData());
        QVERIFY2(lines.at(2).endsWith(" telephone.test.logging: [api] a request of api"), lines.at(2).constData());
        QVERIFY2(lines.at(3).endsWith(" telephone.test.logging: from no tunnel"), lines.at(3).constData());
    }

    void minimumLevelFilters()
    {
        StderrCapture capture(m_dir.filePath(QStringLiteral("level.log")));
        logging::install(logging::Format::Text, logging::Level::Error, false);
        qCInfo(lcTest) << "info";
        qCWarning(lcTest) << "warning";
        qCCritical(lcTest) << "critical";
        logging::uninstall();
        const QByteArray output = capture.finish();
        QCOMPARE(output.count('\n'), 1);
        QVERIFY(output.contains(" error telephone.test.logging: critical"));
    }

    void jsonLinesFromManyThreads()
    {
        constexpr int kThreads = 8;
        constexpr int kMessages = 200;
        StderrCapture capture(m_dir.filePath(QStringLiteral("threads.log")));
        logging::install(logging::Format::Json, logging::Level::Info, false);
        QList<QThread *> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads << QThread::create([t] {
                for (int i = 0; i < kMessages; ++i)
                    qCInfo(lcTest, "thread %d message %d \"quoted\"\n%s", t, i, "second line");
            });
            threads.last()->start();
        }
        for (QThread *thread : std::as_const(threads)) {
            QVERIFY(thread->wait(30000));
            delete thread;
        }
        logging::uninstall();
        const QByteArray output = capture.finish();

        QList<QByteArray> lines = output.split('\n');
        QCOMPARE(lines.takeLast(), QByteArray());
        QCOMPARE(lines.size(), kThreads * kMessages);
        for (const QByteArray &line : std::as_const(lines)) {
            QJsonParseError error;
            const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            QCOMPARE(object.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
            const QString message = object.value(QStringLiteral("message")).toString();
            QVERIFY(message.endsWith(QStringLiteral("\"quoted\"\nsecond line")));
        }
    }

    void debugCategoriesDefersToQtLoggingRules()
    {
        // Qt applies QT_LOGGING_RULES after setFilterRules(), so an environment rule that turns
        // telephone.* debug off (CTest sets one) must survive --debug.
        const QByteArray envRules = qgetenv("QT_LOGGING_RULES");
        const bool envDisables = envRules.contains("telephone.*.debug=false");

        logging::install(logging::Format::Text, logging::Level::Debug, true);
        QCOMPARE(lcTest().isDebugEnabled(), !envDisables);
        logging::uninstall();
        QVERIFY(lcTest().isInfoEnabled());
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "test_logging.moc"
