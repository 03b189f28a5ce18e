#include "config/safeurl.h"
#include "config/settings.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace telephone;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(telephone::SettingSource)

namespace {

struct Outcome {
    std::optional<Settings> settings;
    QString error;
};

// A null QString means "not given" in every column below; an empty one means "given, empty".
using EnvMap = QList<QPair<QString, QString>>;

Outcome resolveWith(const QStringList &args, const EnvMap &env = {})
{
    QCommandLineParser parser;
    Settings::addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("telephone")} + args))
        return {std::nullopt, QStringLiteral("parser: ") + parser.errorText()};
    QProcessEnvironment environment;
    for (const auto &[name, value] : env)
        environment.insert(name, value);
    Outcome outcome;
    outcome.settings = Settings::resolve(parser, environment, &outcome.error);
    return outcome;
}

struct TunnelsOutcome {
    std::optional<TunnelSettingsList> list;
    QString error;
};

TunnelsOutcome resolveTunnelsWith(const QStringList &args, const QStringList &env)
{
    QCommandLineParser parser;
    Settings::addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("telephone")} + args))
        return {std::nullopt, QStringLiteral("parser: ") + parser.errorText()};
    QProcessEnvironment environment;
    for (const QString &pair : env)
        environment.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
    TunnelsOutcome outcome;
    outcome.list = Settings::resolveTunnels(parser, environment, &outcome.error);
    return outcome;
}

// Three tunnels sharing a server from [general]; line numbers matter to the error rows below.
const QByteArray kThreeTunnels = "[general]\n"                           // 1
                                 "server = wss://plugboard.example\n"    // 2
                                 "request-timeout = 20\n"                // 3
                                 "log-level = warning\n"                 // 4
                                 "\n"                                    // 5
                                 "[tunnel.api]\n"                        // 6
                                 "backend = 3000\n"                      // 7
                                 "token = eyJ.api.sig   ; the api mount\n" // 8
                                 "\n"                                    // 9
                                 "[tunnel.web]\n"                        // 10
                                 "backend = http://127.0.0.1:5173\n"     // 11
                                 "request-timeout = 5\n"                 // 12
                                 "max-concurrent = 8\n"                  // 13
                                 "\n"                                    // 14
                                 "[tunnel.hooks]\n"                      // 15
                                 "server = ws://127.0.0.1:4000\n"        // 16
                                 "backend = 9000\n";                     // 17

} // namespace

class TestSettings : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_fileCount = 0;

    QString writeIni(const QByteArray &content)
    {
        const QString path = m_dir.filePath(QStringLiteral("telephone-%1.ini").arg(++m_fileCount));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        file.write(content);
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return path;
    }

private slots:
    // Issue 11 item 5: one function strips credentials from every URL that is stored or shown.
    void urlsLoseTheirCredentials_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("shown"); ///< empty: exactly what QUrl::toString() gives
        QTest::newRow("token query") << "wss://h.example/socket/websocket?token=abc.def.ghi"
                                     << "wss://h.example/socket/websocket";
        QTest::newRow("token among others") << "wss://h.example/s?vsn=2.0.0&Token=x&a=b" << "wss://h.example/s?vsn=2.0.0&a=b";
        QTest::newRow("user and password") << "http://user:pa%3Ass@127.0.0.1:3000/base" << "http://127.0.0.1:3000/base";
        QTest::newRow("user only") << "wss://user@h.example/s" << "wss://h.example/s";
        // Without credentials, byte for byte the same: the token store keys tunnels on this text.
        QTest::newRow("plain") << "ws://127.0.0.1:4000/socket/websocket" << "";
        QTest::newRow("encoded query kept") << "wss://h.example/s?a=%2F&b=%20c&c=%C3%A9" << "";
        QTest::newRow("tokens is not token") << "wss://h.example/s?tokens=1" << "";
    }

    void urlsLoseTheirCredentials()
    {
        QFETCH(QString, url);
        QFETCH(QString, shown);
        const QUrl parsed(url);
        if (shown.isEmpty())
            shown = parsed.toString();
        QCOMPARE(displayUrl(parsed), shown);
        // Checked with Qt's own parsers as well: nothing of the credentials is left.
        const QUrl stripped = withoutCredentials(parsed);
        QVERIFY(stripped.userInfo().isEmpty());
        for (const auto &item : QUrlQuery(stripped).queryItems())
            QVERIFY(item.first.compare(QLatin1String("token"), Qt::CaseInsensitive) != 0);
        QCOMPARE(displayUrl(url), shown);
    }

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void tableHasTheDocumentedKeys()
    {
        QStringList keys;
        for (const SettingDef &d : Settings::table())
            keys << d.key;
        const QStringList expected{
            QStringLiteral("server"),           QStringLiteral("token"),          QStringLiteral("token-file"),
            QStringLiteral("backend"),
            QStringLiteral("config"),           QStringLiteral("data-dir"),       QStringLiteral("heartbeat-interval"),
            QStringLiteral("request-timeout"),  QStringLiteral("join-timeout"),   QStringLiteral("backoff-initial"),
            QStringLiteral("backoff-max"),      QStringLiteral("auth-retry-interval"),
            QStringLiteral("refresh-margin"),   QStringLiteral("log-format"),     QStringLiteral("log-level"),
            QStringLiteral("debug"),            QStringLiteral("no-gui"),         QStringLiteral("demo"),
            QStringLiteral("exit-on-auth-failure"),
            QStringLiteral("drain-timeout"),    QStringLiteral("max-response-size"), QStringLiteral("chunk-size"),
            QStringLiteral("max-concurrent"),   QStringLiteral("preserve-host"),  QStringLiteral("ws-buffer"),
            QStringLiteral("max-message-size"), QStringLiteral("secret-store"),
            QStringLiteral("service-account-key-file"), QStringLiteral("service-account-key"),
            QStringLiteral("service-account-path-id"),
            QStringLiteral("metrics-address"),  QStringLiteral("start-hidden"),   QStringLiteral("notifications"),
            QStringLiteral("icon-style"),       QStringLiteral("language"),
        };
        QCOMPARE(keys, expected);
        for (const SettingDef &d : Settings::table())
            QVERIFY2(!d.help.isEmpty(), qPrintable(d.key));
    }

    void sizes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes"); // -1: rejected
        QTest::newRow("plain") << QStringLiteral("65536") << qint64(65536);
        QTest::newRow("k") << QStringLiteral("64k") << qint64(65536);
        QTest::newRow("KiB") << QStringLiteral("64KiB") << qint64(65536);
        QTest::newRow("MiB") << QStringLiteral("1MiB") << qint64(1048576);
        QTest::newRow("M") << QStringLiteral("100M") << qint64(104857600);
        QTest::newRow("MB") << QStringLiteral("2MB") << qint64(2097152);
        QTest::newRow("G spaced") << QStringLiteral(" 2 G ") << qint64(2147483648LL);
        QTest::newRow("fraction") << QStringLiteral("1.5M") << qint64(-1);
        QTest::newRow("negative") << QStringLiteral("-1") << qint64(-1);
        QTest::newRow("word") << QStringLiteral("big") << qint64(-1);
        QTest::newRow("unit only") << QStringLiteral("M") << qint64(-1);
        QTest::newRow("overflow") << QStringLiteral("999999999999999G") << qint64(-1);
    }

    void sizes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        const auto parsed = Settings::parseSize(text);
        QCOMPARE(parsed.value_or(-1), bytes);
    }

    void forwardingDefaults()
    {
        const Outcome o = resolveWith({}, {});
        QVERIFY2(o.settings, qPrintable(o.error));
        const auto &s = o.settings;
        QCOMPARE(s->maxResponseSize(), qint64(100) * 1024 * 1024);
        QCOMPARE(s->chunkSize(), qint64(1024) * 1024);
        QCOMPARE(s->maxConcurrent(), 256);
        QCOMPARE(s->drainTimeout(), std::chrono::milliseconds(30000));
        QCOMPARE(s->preserveHost(), false);
        QCOMPARE(s->secretStore(), QStringLiteral("auto"));
        QVERIFY(s->metricsAddress().isEmpty());
        QCOMPARE(s->notifications(), true);
    }

    void everyKeyHasAnEnvironmentTwinInHelp()
    {
        const QString help = Settings::environmentHelp();
        static const QRegularExpression envShape(QStringLiteral("^TELEPHONE_[A-Z_]+$"));
        for (const SettingDef &d : Settings::table()) {
            QVERIFY2(envShape.match(d.envName()).hasMatch(), qPrintable(d.envName()));
            QVERIFY2(help.contains(d.envName()), qPrintable(d.envName()));
            QVERIFY2(help.contains(QStringLiteral("--") + d.key), qPrintable(d.key));
        }
        QCOMPARE(Settings::find(QStringLiteral("heartbeat-interval"))->envName(),
                 QStringLiteral("TELEPHONE_HEARTBEAT_INTERVAL"));
        QCOMPARE(Settings::find(QStringLiteral("exit-on-auth-failure"))->envName(),
                 QStringLiteral("TELEPHONE_EXIT_ON_AUTH_FAILURE"));
    }

    // The key may come from the environment or the config file, never from the command line (ps).
    void serviceAccountKeyIsRefusedOnTheCommandLine()
    {
        const QString key = QStringLiteral("sa_live_0123456789abcdef0123456789abcdef");
        const Outcome fromArgs = resolveWith({QStringLiteral("--service-account-key"), key});
        QVERIFY(!fromArgs.settings);
        QVERIFY2(fromArgs.error.contains(QLatin1String("TELEPHONE_SERVICE_ACCOUNT_KEY")), qPrintable(fromArgs.error));
        QVERIFY(fromArgs.error.contains(QLatin1String("(ps)")));
        QVERIFY(!fromArgs.error.contains(key));
        const Outcome fromEnv = resolveWith({}, {{QStringLiteral("TELEPHONE_SERVICE_ACCOUNT_KEY"), key}});
        QVERIFY2(fromEnv.settings, qPrintable(fromEnv.error));
        QCOMPARE(fromEnv.settings->value(QStringLiteral("service-account-key")), key);
        const Outcome malformed =
            resolveWith({}, {{QStringLiteral("TELEPHONE_SERVICE_ACCOUNT_KEY"), QStringLiteral("sa_live_ab cd")}});
        QVERIFY(!malformed.settings);
        QVERIFY2(malformed.error.contains(QLatin1String("the key is malformed")), qPrintable(malformed.error));
        QVERIFY(!malformed.error.contains(QLatin1String("ab cd")));
    }

    void everyKeyIsACommandLineOption()
    {
        QCommandLineParser parser;
        Settings::addOptions(parser);
        QStringList args{QStringLiteral("telephone")};
        for (const SettingDef &d : Settings::table()) {
            args << QStringLiteral("--") + d.key;
            if (d.kind != SettingKind::Flag)
                args << QStringLiteral("x");
        }
        QVERIFY2(parser.parse(args), qPrintable(parser.errorText()));
        for (const SettingDef &d : Settings::table())
            QVERIFY2(parser.isSet(d.key), qPrintable(d.key));
    }

    void defaults()
    {
        const Outcome o = resolveWith({});
        QVERIFY2(o.settings, qPrintable(o.error));
        const Settings &s = *o.settings;
        for (const SettingDef &d : Settings::table())
            QCOMPARE(s.source(d.key), SettingSource::Default);
        QVERIFY(s.serverUrl().isEmpty());
        QVERIFY(s.token().isEmpty());
        QVERIFY(s.backendUrl().isEmpty());
        QCOMPARE(s.configFile(), Settings::defaultConfigFile());
        QVERIFY(s.configFile().endsWith(QStringLiteral("/telephone.ini")));
        QCOMPARE(s.dataDir(), QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
        QCOMPARE(s.heartbeatInterval(), 30s);
        QCOMPARE(s.requestTimeout(), 55s);
        QCOMPARE(s.joinTimeout(), 10s);
        QCOMPARE(s.backoffInitial(), 1s);
        QCOMPARE(s.backoffMax(), 30s);
        QCOMPARE(s.authRetryInterval(), 300s);
        QCOMPARE(s.refreshMargin(), 600s);
        QCOMPARE(s.logFormat(), QStringLiteral("text"));
        QCOMPARE(s.logLevel(), QStringLiteral("info"));
        QVERIFY(!s.debug());
        QVERIFY(!s.noGui());
        QVERIFY(!s.demo());
        QVERIFY(!s.exitOnAuthFailure());
        QCOMPARE(s.sourceDescription(QStringLiteral("server")), QStringLiteral("default"));
        QVERIFY(s.warnings().isEmpty());
    }

    void precedence_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("cli");
        QTest::addColumn<QString>("env");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<SettingSource>("source");

        const QString hb = QStringLiteral("heartbeat-interval");
        const QString none;
        const auto s = [](const char *text) { return QString::fromLatin1(text); };

        QTest::newRow("default") << hb << none << none << none << s("30") << SettingSource::Default;
        QTest::newRow("file over default") << hb << none << none << s("5") << s("5") << SettingSource::ConfigFile;
        QTest::newRow("env over default") << hb << none << s("6") << none << s("6") << SettingSource::Environment;
        QTest::newRow("cli over default") << hb << s("7") << none << none << s("7") << SettingSource::CommandLine;
        QTest::newRow("env over file") << hb << none << s("6") << s("5") << s("6") << SettingSource::Environment;
        QTest::newRow("cli over file") << hb << s("7") << none << s("5") << s("7") << SettingSource::CommandLine;
        QTest::newRow("cli over env") << hb << s("7") << s("6") << none << s("7") << SettingSource::CommandLine;
        QTest::newRow("cli over all") << hb << s("7") << s("6") << s("5") << s("7") << SettingSource::CommandLine;
        QTest::newRow("empty env is not given (file)")
            << hb << none << s("") << s("5") << s("5") << SettingSource::ConfigFile;
        QTest::newRow("empty env is not given (default)")
            << hb << none << s("") << none << s("30") << SettingSource::Default;
        QTest::newRow("blank env is not given") << hb << none << s("  ") << none << s("30") << SettingSource::Default;
        QTest::newRow("empty file value is not given")
            << hb << none << none << s("") << s("30") << SettingSource::Default;

        const QString token = QStringLiteral("token");
        QTest::newRow("token: empty env falls to file")
            << token << none << s("") << s("file.token.value") << s("file.token.value") << SettingSource::ConfigFile;
        QTest::newRow("token: env over file")
            << token << none << s("env.token.value") << s("file.token.value") << s("env.token.value")
            << SettingSource::Environment;
        QTest::newRow("token: explicit empty on command line clears")
            << token << s("") << s("env.token.value") << s("file.token.value") << s("") << SettingSource::CommandLine;

        const QString server = QStringLiteral("server");
        QTest::newRow("server: env over file") << server << none << s("wss://env") << s("wss://file")
                                               << s("wss://env") << SettingSource::Environment;

        const QString noGui = QStringLiteral("no-gui");
        QTest::newRow("flag: env off over file yes")
            << noGui << none << s("off") << s("yes") << s("false") << SettingSource::Environment;
        QTest::newRow("flag: cli over env off") << noGui << s("") << s("off") << none << s("true")
                                                << SettingSource::CommandLine;
        QTest::newRow("flag: file") << noGui << none << none << s("1") << s("true") << SettingSource::ConfigFile;

        const QString format = QStringLiteral("log-format");
        QTest::newRow("choice: case folded") << format << none << s("JSON") << s("text") << s("json")
                                             << SettingSource::Environment;
    }

    void precedence()
    {
        QFETCH(QString, key);
        QFETCH(QString, cli);
        QFETCH(QString, env);
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QFETCH(SettingSource, source);

        const SettingDef *d = Settings::find(key);
        QVERIFY(d);
        QByteArray ini;
        if (!file.isNull())
            ini = key.toUtf8() + " = " + file.toUtf8() + "\n";
        const QString path = writeIni(ini);

        QStringList args{QStringLiteral("--config"), path};
        if (!cli.isNull()) {
            if (d->kind == SettingKind::Flag)
                args << QStringLiteral("--") + key;
            else
                args << QStringLiteral("--%1=%2").arg(key, cli);
        }
        EnvMap envMap;
        if (!env.isNull())
            envMap << qMakePair(d->envName(), env);

        const Outcome o = resolveWith(args, envMap);
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->value(key), expected);
        QCOMPARE(o.settings->source(key), source);
        QCOMPARE(o.settings->source(QStringLiteral("config")), SettingSource::CommandLine);
    }

    void sourceDescriptions()
    {
        const QString path = writeIni("join-timeout = 3\n");
        const Outcome o = resolveWith({QStringLiteral("--config"), path, QStringLiteral("--backoff-max=40")},
                                      {{QStringLiteral("TELEPHONE_AUTH_RETRY_INTERVAL"), QStringLiteral("90")}});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->sourceDescription(QStringLiteral("backoff-max")), QStringLiteral("command line"));
        QCOMPARE(o.settings->sourceDescription(QStringLiteral("auth-retry-interval")),
                 QStringLiteral("TELEPHONE_AUTH_RETRY_INTERVAL"));
        QCOMPARE(o.settings->sourceDescription(QStringLiteral("join-timeout")), QStringLiteral("config file ") + path);
        QCOMPARE(o.settings->sourceDescription(QStringLiteral("request-timeout")), QStringLiteral("default"));
        QCOMPARE(o.settings->joinTimeout(), 3s);
        QCOMPARE(o.settings->backoffMax(), 40s);
        QCOMPARE(o.settings->authRetryInterval(), 90s);
    }

    void parseDuration_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("ms");

        QTest::newRow("half") << QStringLiteral("0.5") << true << qint64(500);
        QTest::newRow("thirty") << QStringLiteral("30") << true << qint64(30000);
        QTest::newRow("padded") << QStringLiteral(" 2 ") << true << qint64(2000);
        QTest::newRow("millisecond") << QStringLiteral("0.001") << true << qint64(1);
        QTest::newRow("zero") << QStringLiteral("0") << true << qint64(0);
        QTest::newRow("overflow") << QStringLiteral("1e400") << false << qint64(0);
        QTest::newRow("negative") << QStringLiteral("-1") << false << qint64(0);
        QTest::newRow("word") << QStringLiteral("abc") << false << qint64(0);
        QTest::newRow("empty") << QString() << false << qint64(0);
        QTest::newRow("inf") << QStringLiteral("inf") << false << qint64(0);
        QTest::newRow("nan") << QStringLiteral("nan") << false << qint64(0);
        QTest::newRow("unit suffix") << QStringLiteral("30s") << false << qint64(0);
        QTest::newRow("comma decimal") << QStringLiteral("0,5") << false << qint64(0);
        QTest::newRow("below a millisecond") << QStringLiteral("0.0004") << false << qint64(0);
        QTest::newRow("beyond a QTimer") << QStringLiteral("1e9") << false << qint64(0);
    }

    void parseDuration()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(qint64, ms);
        const auto result = Settings::parseDuration(text);
        QCOMPARE(result.has_value(), valid);
        if (valid)
            QCOMPARE(result->count(), ms);
    }

    void durationValidation_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("error"); // empty: accepted

        QTest::newRow("heartbeat 59.9") << QStringLiteral("heartbeat-interval") << QStringLiteral("59.9") << QString();
        QTest::newRow("heartbeat 60")
            << QStringLiteral("heartbeat-interval") << QStringLiteral("60")
            << QStringLiteral("--heartbeat-interval (from TELEPHONE_HEARTBEAT_INTERVAL): \"60\" must be less than 60 "
                              "seconds");
        QTest::newRow("heartbeat 120") << QStringLiteral("heartbeat-interval") << QStringLiteral("120")
                                       << QStringLiteral("must be less than 60 seconds");
        QTest::newRow("heartbeat abc")
            << QStringLiteral("heartbeat-interval") << QStringLiteral("abc")
            << QStringLiteral("--heartbeat-interval (from TELEPHONE_HEARTBEAT_INTERVAL): \"abc\" is not a number of "
                              "seconds");
        QTest::newRow("heartbeat 0") << QStringLiteral("heartbeat-interval") << QStringLiteral("0")
                                     << QStringLiteral("\"0\" must be more than 0 seconds");
        QTest::newRow("timeout negative")
            << QStringLiteral("request-timeout") << QStringLiteral("-1")
            << QStringLiteral("--request-timeout (from TELEPHONE_REQUEST_TIMEOUT): \"-1\" is negative");
        QTest::newRow("timeout huge") << QStringLiteral("request-timeout") << QStringLiteral("1e400")
                                      << QStringLiteral("is not a number of seconds");
        QTest::newRow("auth retry 0 = never") << QStringLiteral("auth-retry-interval") << QStringLiteral("0")
                                              << QString();
        QTest::newRow("auth retry fraction") << QStringLiteral("auth-retry-interval") << QStringLiteral("0.25")
                                             << QString();
        QTest::newRow("join-timeout tiny") << QStringLiteral("join-timeout") << QStringLiteral("0.0001")
                                           << QStringLiteral("shorter than a millisecond");
        QTest::newRow("backoff-initial over max")
            << QStringLiteral("backoff-initial") << QStringLiteral("31")
            << QStringLiteral("--backoff-initial (from TELEPHONE_BACKOFF_INITIAL): \"31\" is more than --backoff-max "
                              "(30, from default)");
    }

    void durationValidation()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, error);
        const Outcome o = resolveWith({}, {{Settings::find(key)->envName(), value}});
        if (error.isEmpty()) {
            QVERIFY2(o.settings, qPrintable(o.error));
            QCOMPARE(o.settings->value(key), value);
            QCOMPARE(o.settings->source(key), SettingSource::Environment);
        } else {
            QVERIFY(!o.settings);
            QVERIFY2(o.error.contains(error), qPrintable(o.error));
        }
    }

    // Issue 11, item 11: --chunk-size 1 was accepted (a 20 MB response took 29 s and 670 MB).
    void chunkSizeHasAMinimum_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("1") << QStringLiteral("1")
                           << QStringLiteral("--chunk-size (from TELEPHONE_CHUNK_SIZE): \"1\" is smaller than the "
                                             "minimum of 16KiB (16384 bytes)");
        QTest::newRow("16383") << QStringLiteral("16383") << QStringLiteral("is smaller than the minimum of 16KiB");
        QTest::newRow("15K") << QStringLiteral("15K") << QStringLiteral("is smaller than the minimum of 16KiB");
        QTest::newRow("16K") << QStringLiteral("16K") << QString();
        QTest::newRow("16384") << QStringLiteral("16384") << QString();
    }

    void chunkSizeHasAMinimum()
    {
        QFETCH(QString, value);
        QFETCH(QString, error);
        const Outcome o = resolveWith({}, {{QStringLiteral("TELEPHONE_CHUNK_SIZE"), value}});
        if (error.isEmpty()) {
            QVERIFY2(o.settings, qPrintable(o.error));
            QCOMPARE(o.settings->chunkSize(), qint64(16384));
        } else {
            QVERIFY(!o.settings);
            QVERIFY2(o.error.contains(error), qPrintable(o.error));
        }
    }

    void durationAccessors()
    {
        const Outcome o = resolveWith({QStringLiteral("--heartbeat-interval=0.5"),
                                       QStringLiteral("--auth-retry-interval"), QStringLiteral("0")});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->heartbeatInterval(), 500ms);
        QCOMPARE(o.settings->authRetryInterval(), 0ms);
    }

    void parseBackend_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // empty: error
        QTest::addColumn<QString>("error");

        QTest::newRow("bare port") << QStringLiteral("3000") << QStringLiteral("http://127.0.0.1:3000") << QString();
        QTest::newRow("base path") << QStringLiteral("http://localhost:8080/base")
                                   << QStringLiteral("http://localhost:8080/base") << QString();
        QTest::newRow("trailing slash") << QStringLiteral("http://localhost:8080/base/")
                                        << QStringLiteral("http://localhost:8080/base") << QString();
        QTest::newRow("root slash") << QStringLiteral("http://localhost:8080/")
                                    << QStringLiteral("http://localhost:8080")
                                    << QString();
        QTest::newRow("https") << QStringLiteral("https://example.com") << QStringLiteral("https://example.com")
                               << QString();
        QTest::newRow("ipv6") << QStringLiteral("http://[::1]:3000") << QStringLiteral("http://[::1]:3000")
                              << QString();
        QTest::newRow("upper-case scheme") << QStringLiteral(" HTTP://Example.com:81 ")
                                           << QStringLiteral("http://example.com:81") << QString();
        QTest::newRow("ftp") << QStringLiteral("ftp://x") << QString()
                             << QStringLiteral("\"ftp://x\" has scheme \"ftp\"; only http:// and https://");
        QTest::newRow("ws") << QStringLiteral("ws://x") << QString() << QStringLiteral("has scheme \"ws\"");
        QTest::newRow("empty") << QString() << QString() << QStringLiteral("empty");
        QTest::newRow("port 0") << QStringLiteral("0") << QString() << QStringLiteral("not a port number");
        QTest::newRow("port too big") << QStringLiteral("70000") << QString() << QStringLiteral("not a port number");
        QTest::newRow("host:port") << QStringLiteral("localhost:3000") << QString()
                                   << QStringLiteral("did you mean http://localhost:3000?");
        QTest::newRow("bare host") << QStringLiteral("example.com") << QString() << QStringLiteral("has no scheme");
        QTest::newRow("no host") << QStringLiteral("http:///path") << QString() << QStringLiteral("has no host");
        QTest::newRow("query") << QStringLiteral("http://h/?q=1") << QString() << QStringLiteral("query");
        // Issue 11 item 5: the password is not echoed in the message.
        QTest::newRow("query, with a password") << QStringLiteral("http://user:secretpw@h/?q=1") << QString()
                                                << QStringLiteral("\"http://[redacted]@h/?q=1\" has a query");
        QTest::newRow("invalid") << QStringLiteral("http://exa mple.com") << QString()
                                 << QStringLiteral("is not a valid URL");
    }

    void parseBackend()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QFETCH(QString, error);
        QString message;
        const auto url = Settings::parseBackend(text, &message);
        if (expected.isEmpty()) {
            QVERIFY(!url);
            QVERIFY2(message.contains(error), qPrintable(message));
        } else {
            QVERIFY2(url, qPrintable(message));
            QCOMPARE(url->toString(), expected);
        }
    }

    void parseServer_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // empty: error
        QTest::addColumn<QString>("error");

        QTest::newRow("wss host") << QStringLiteral("wss://host") << QStringLiteral("wss://host/socket/websocket")
                                  << QString();
        QTest::newRow("wss host slash") << QStringLiteral("wss://host/")
                                        << QStringLiteral("wss://host/socket/websocket")
                                        << QString();
        QTest::newRow("ws with port") << QStringLiteral("ws://127.0.0.1:4000")
                                      << QStringLiteral("ws://127.0.0.1:4000/socket/websocket") << QString();
        QTest::newRow("path kept") << QStringLiteral("ws://h:4000/telephone/websocket")
                                   << QStringLiteral("ws://h:4000/telephone/websocket") << QString();
        QTest::newRow("https mapped") << QStringLiteral("https://h") << QStringLiteral("wss://h/socket/websocket")
                                      << QString();
        QTest::newRow("http mapped") << QStringLiteral("http://h:4000")
                                     << QStringLiteral("ws://h:4000/socket/websocket")
                                     << QString();
        QTest::newRow("query kept") << QStringLiteral("wss://h?x=1&y=2")
                                    << QStringLiteral("wss://h/socket/websocket?x=1&y=2")
                                    << QString();
        QTest::newRow("query and path kept") << QStringLiteral("wss://h/s/websocket?x=1")
                                             << QStringLiteral("wss://h/s/websocket?x=1") << QString();
        QTest::newRow("ftp") << QStringLiteral("ftp://h") << QString()
                             << QStringLiteral("\"ftp://h\" has scheme \"ftp\"; use wss://, ws://, https:// or "
                                               "http://");
        QTest::newRow("no scheme") << QStringLiteral("plugboard.example.com") << QString()
                                   << QStringLiteral("did you mean wss://plugboard.example.com?");
        QTest::newRow("host:port") << QStringLiteral("localhost:4000") << QString() << QStringLiteral("has no scheme");
        QTest::newRow("empty") << QString() << QString() << QStringLiteral("empty");
        QTest::newRow("fragment") << QStringLiteral("wss://h/#x") << QString() << QStringLiteral("fragment");
        QTest::newRow("no host") << QStringLiteral("wss:///socket") << QString() << QStringLiteral("no host");
    }

    void parseServer()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QFETCH(QString, error);
        QString message;
        const auto url = Settings::parseServer(text, &message);
        if (expected.isEmpty()) {
            QVERIFY(!url);
            QVERIFY2(message.contains(error), qPrintable(message));
        } else {
            QVERIFY2(url, qPrintable(message));
            QCOMPARE(url->toString(), expected);
        }
    }

    // Without a path the socket path is discovered; serverUrl() (the token store's key) is the same
    // as before discovery existed.
    void serverPathGivenOrDiscovered_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<bool>("given");
        QTest::newRow("host only") << QStringLiteral("wss://h") << false;
        QTest::newRow("host and slash") << QStringLiteral("wss://h/") << false;
        QTest::newRow("query only") << QStringLiteral("wss://h?x=1") << false;
        QTest::newRow("deployed path") << QStringLiteral("wss://h/telephone/websocket") << true;
        QTest::newRow("reference path") << QStringLiteral("wss://h/socket/websocket") << true;
    }

    void serverPathGivenOrDiscovered()
    {
        QFETCH(QString, server);
        QFETCH(bool, given);
        const Outcome o = resolveWith({QStringLiteral("--server"), server}, {});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->serverPathGiven(), given);
    }

    void parseFlag_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("expected"); // -1: invalid

        for (const char *yes : {"1", "true", "TRUE", "Yes", "on", " On "})
            QTest::newRow(yes) << QString::fromLatin1(yes) << 1;
        for (const char *no : {"0", "false", "False", "no", "NO", "off"})
            QTest::newRow(no) << QString::fromLatin1(no) << 0;
        for (const char *bad : {"", "maybe", "2", "y", "enabled"})
            QTest::newRow(bad) << QString::fromLatin1(bad) << -1;
    }

    void parseFlag()
    {
        QFETCH(QString, text);
        QFETCH(int, expected);
        const auto on = Settings::parseFlag(text);
        if (expected < 0)
            QVERIFY(!on);
        else
            QCOMPARE(on, std::optional<bool>(expected == 1));
    }

    void badValuesNameOptionSourceAndValue_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("ini");
        QTest::addColumn<QString>("envName");
        QTest::addColumn<QString>("envValue");
        QTest::addColumn<QString>("error"); // %1 = config file path

        QTest::newRow("flag from env") << QStringList() << QByteArray() << QStringLiteral("TELEPHONE_NO_GUI")
                                       << QStringLiteral("maybe")
                                       << QStringLiteral("--no-gui (from TELEPHONE_NO_GUI): \"maybe\" is not a yes/no "
                                                         "value");
        QTest::newRow("choice from file") << QStringList() << QByteArray("log-level = loud\n") << QString() << QString()
                                          << QStringLiteral("--log-level (from config file %1): \"loud\" is not one "
                                                            "of: debug, info, warning, error");
        QTest::newRow("backend from cli") << QStringList{QStringLiteral("--backend=ftp://x")} << QByteArray()
                                          << QString()
                                          << QString()
                                          << QStringLiteral("--backend (from command line): \"ftp://x\" has scheme");
        QTest::newRow("server from file") << QStringList() << QByteArray("server = gopher://h\n") << QString()
                                          << QString()
                                          << QStringLiteral("--server (from config file %1): \"gopher://h\"");
        QTest::newRow("data-dir is a file") << QStringList() << QByteArray() << QStringLiteral("TELEPHONE_DATA_DIR")
                                            << QStringLiteral("%1")
                                            << QStringLiteral("--data-dir (from TELEPHONE_DATA_DIR): \"%1\" exists and "
                                                              "is not a directory");
    }

    void badValuesNameOptionSourceAndValue()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, ini);
        QFETCH(QString, envName);
        QFETCH(QString, envValue);
        QFETCH(QString, error);
        const QString path = writeIni(ini);
        EnvMap env;
        const auto withPath = [&path](QString text) { return text.replace(QStringLiteral("%1"), path); };
        if (!envName.isEmpty())
            env << qMakePair(envName, withPath(envValue));
        const Outcome o = resolveWith(QStringList{QStringLiteral("--config"), path} + args, env);
        QVERIFY(!o.settings);
        QVERIFY2(o.error.contains(withPath(error)), qPrintable(o.error));
    }

    void errorsNeverContainTheToken_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("error");

        const QString secretWithSpace = QStringLiteral("eyJhbGciOi JIUzI1NiJ9.c2VjcmV0c2VjcmV0.sig");
        QTest::newRow("env, space") << QStringLiteral("env") << secretWithSpace
                                    << QStringLiteral("--token (from TELEPHONE_TOKEN): the token is malformed");
        QTest::newRow("cli, control char") << QStringLiteral("cli") << QStringLiteral("abc.def\x01ghi.jklmnop")
                                           << QStringLiteral("--token (from command line): the token is malformed");
        QTest::newRow("file, non-ascii") << QStringLiteral("file") << QStringLiteral("abc.défghi.jklmnop")
                                         << QStringLiteral("the token is malformed");
    }

    void errorsNeverContainTheToken()
    {
        QFETCH(QString, source);
        QFETCH(QString, token);
        QFETCH(QString, error);
        QByteArray ini;
        if (source == QLatin1String("file"))
            ini = "token = \"" + token.toUtf8() + "\"\n";
        const QString path = writeIni(ini);
        QStringList args{QStringLiteral("--config"), path};
        if (source == QLatin1String("cli"))
            args << QStringLiteral("--token") << token;
        EnvMap env;
        if (source == QLatin1String("env"))
            env << qMakePair(QStringLiteral("TELEPHONE_TOKEN"), token);

        const Outcome o = resolveWith(args, env);
        QVERIFY(!o.settings);
        QVERIFY2(o.error.contains(error), qPrintable(o.error));
        for (const QString &part : token.split(QRegularExpression(QStringLiteral("[ .\\x01]"))))
            QVERIFY2(part.size() < 4 || !o.error.contains(part), qPrintable(o.error));
    }

    void serverErrorRedactsTokenQuery()
    {
        const Outcome o = resolveWith({}, {{QStringLiteral("TELEPHONE_SERVER"),
                                            QStringLiteral("ftp://h/?vsn=2.0.0&token=SECRETSECRETSECRET")}});
        QVERIFY(!o.settings);
        QVERIFY2(!o.error.contains(QStringLiteral("SECRETSECRETSECRET")), qPrintable(o.error));
        QVERIFY2(o.error.contains(QStringLiteral("token=[redacted]")), qPrintable(o.error));
        QVERIFY2(o.error.startsWith(QStringLiteral("--server (from TELEPHONE_SERVER): ")), qPrintable(o.error));
    }

    void emptyUrlsAreNotAnError()
    {
        const Outcome o = resolveWith({QStringLiteral("--demo")}, {{QStringLiteral("TELEPHONE_SERVER"), QString()},
                                                                   {QStringLiteral("TELEPHONE_TOKEN"), QString()},
                                                                   {QStringLiteral("TELEPHONE_BACKEND"), QString()}});
        QVERIFY2(o.settings, qPrintable(o.error));
        QVERIFY(o.settings->demo());
        QVERIFY(o.settings->serverUrl().isEmpty());
        QVERIFY(o.settings->backendUrl().isEmpty());
        QVERIFY(o.settings->token().isEmpty());
    }

    void readsIniFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("telephone.ini"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("; written by hand\n"
                   "server = https://plugboard.example.com/?a=1,b=2\n"
                   "token = \"  eyJ.payload.sig  \"\n"
                   "backend = 8080\n"
                   "data-dir = state\n"
                   "heartbeat-interval = 12.5\n"
                   "log-format = json\n"
                   "exit-on-auth-failure = Yes\n"
                   "colour = blue\n"
                   "\n[ui]\n"
                   "geometry = 1\n");
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));

        const Outcome o = resolveWith({}, {{QStringLiteral("TELEPHONE_CONFIG"), path}});
        QVERIFY2(o.settings, qPrintable(o.error));
        const Settings &s = *o.settings;
        QCOMPARE(s.configFile(), path);
        QCOMPARE(s.source(QStringLiteral("config")), SettingSource::Environment);
        QCOMPARE(s.serverUrl(), QUrl(QStringLiteral("wss://plugboard.example.com/socket/websocket?a=1,b=2")));
        QCOMPARE(s.token(), QStringLiteral("eyJ.payload.sig"));
        QCOMPARE(s.backendUrl(), QUrl(QStringLiteral("http://127.0.0.1:8080")));
        QCOMPARE(s.dataDir(), QDir(dir.path()).filePath(QStringLiteral("state")));
        QCOMPARE(s.heartbeatInterval(), 12500ms);
        QCOMPARE(s.logFormat(), QStringLiteral("json"));
        QVERIFY(s.exitOnAuthFailure());
        QVERIFY(!s.noGui());
        for (const char *key : {"server", "token", "backend", "data-dir", "heartbeat-interval", "log-format"})
            QCOMPARE(s.source(QString::fromLatin1(key)), SettingSource::ConfigFile);
        QCOMPARE(s.source(QStringLiteral("no-gui")), SettingSource::Default);
        // The unknown top-level key is reported; the [ui] section belongs to someone else.
        QCOMPARE(s.warnings().size(), 1);
        QVERIFY2(s.warnings().constFirst().contains(QStringLiteral("\"colour\"")), qPrintable(s.warnings().join('\n')));
    }

    void warnsAboutReadableConfigWithToken()
    {
        const QString path = writeIni("token = abc.def.ghijkl\n");
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
        const Outcome o = resolveWith({QStringLiteral("--config"), path});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->warnings().size(), 1);
        QVERIFY(o.settings->warnings().constFirst().contains(QStringLiteral("chmod 600")));
        QVERIFY(!o.settings->warnings().constFirst().contains(QStringLiteral("abc.def.ghijkl")));
    }

    void missingConfigFile_data()
    {
        QTest::addColumn<bool>("viaEnv");
        QTest::newRow("command line") << false;
        QTest::newRow("environment") << true;
    }

    void missingConfigFile()
    {
        QFETCH(bool, viaEnv);
        const QString path = m_dir.filePath(QStringLiteral("does-not-exist.ini"));
        const Outcome o = viaEnv ? resolveWith({}, {{QStringLiteral("TELEPHONE_CONFIG"), path}})
                                 : resolveWith({QStringLiteral("--config"), path});
        QVERIFY(!o.settings);
        const QString expected = QStringLiteral("--config (from %1): \"%2\" does not exist")
                                     .arg(viaEnv ? QStringLiteral("TELEPHONE_CONFIG") : QStringLiteral("command line"),
                                          path);
        QCOMPARE(o.error, expected);
    }

    void missingDefaultConfigIsFine()
    {
        QVERIFY(!QFile::exists(Settings::defaultConfigFile()));
        const Outcome o = resolveWith({}, {{QStringLiteral("TELEPHONE_CONFIG"), QString()}});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->source(QStringLiteral("config")), SettingSource::Default);
    }

    void configFileCannotNameAnother()
    {
        const QString other = writeIni("heartbeat-interval = 5\n");
        const QString path = writeIni("config = " + other.toUtf8() + "\n");
        const Outcome o = resolveWith({QStringLiteral("--config"), path});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->configFile(), path);
        QCOMPARE(o.settings->heartbeatInterval(), 30s);
        QCOMPARE(o.settings->warnings().size(), 1);
    }

    void debugImpliesDebugLevel()
    {
        const Outcome o = resolveWith({QStringLiteral("--log-level=error")}, {{QStringLiteral("TELEPHONE_DEBUG"),
                                                                               QStringLiteral("on")}});
        QVERIFY2(o.settings, qPrintable(o.error));
        QVERIFY(o.settings->debug());
        QCOMPARE(o.settings->logLevel(), QStringLiteral("debug"));
        QCOMPARE(o.settings->value(QStringLiteral("log-level")), QStringLiteral("error"));
    }

    // Issue 15: [tunnel.NAME] sections, [general] defaults, environment twins per tunnel, --tunnel.
    void tunnelSections_data()
    {
        QTest::addColumn<QByteArray>("ini");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("env");
        QTest::addColumn<QStringList>("names");  ///< the tunnels that run, in order
        QTest::addColumn<QStringList>("values"); ///< "tunnel/key=value" (value(key))
        QTest::addColumn<QStringList>("errors"); ///< each a substring of one tunnel error, in order

        const QByteArray three = kThreeTunnels;
        QTest::newRow("no sections: the command line is tunnel default")
            << QByteArray("request-timeout = 20\n") << QStringList{"--server=ws://h", "--backend=3000"} << QStringList{}
            << QStringList{"default"} << QStringList{"default/request-timeout=20", "default/backend=3000"}
            << QStringList{};
        QTest::newRow("sections in file order, [general] as defaults")
            << three << QStringList{} << QStringList{} << QStringList{"api", "web", "hooks"}
            << QStringList{"api/server=wss://plugboard.example", "api/request-timeout=20", "api/token=eyJ.api.sig",
                           "web/request-timeout=5", "web/max-concurrent=8", "web/token=", "hooks/server=ws://127.0.0.1:4000",
                           "hooks/max-concurrent=256", "hooks/log-level=warning"}
            << QStringList{};
        QTest::newRow("environment twin beats the section")
            << three << QStringList{}
            << QStringList{"TELEPHONE_TUNNEL_WEB_REQUEST_TIMEOUT=7", "TELEPHONE_TUNNEL_API_BACKEND=3100"}
            << QStringList{"api", "web", "hooks"}
            << QStringList{"web/request-timeout=7", "api/backend=3100", "hooks/request-timeout=20"} << QStringList{};
        QTest::newRow("an empty twin counts as not set")
            << three << QStringList{} << QStringList{"TELEPHONE_TUNNEL_WEB_REQUEST_TIMEOUT="}
            << QStringList{"api", "web", "hooks"} << QStringList{"web/request-timeout=5"} << QStringList{};
        QTest::newRow("the plain variable is the command-line tunnel's, not a section's")
            << three << QStringList{} << QStringList{"TELEPHONE_REQUEST_TIMEOUT=9"} << QStringList{"api", "web", "hooks"}
            << QStringList{"api/request-timeout=20", "web/request-timeout=5"} << QStringList{};
        QTest::newRow("a name with a dash has an underscore in its twin")
            << QByteArray("[tunnel.web-hooks]\nserver = ws://h\nbackend = 1\n") << QStringList{}
            << QStringList{"TELEPHONE_TUNNEL_WEB_HOOKS_BACKEND=4000"} << QStringList{"web-hooks"}
            << QStringList{"web-hooks/backend=4000"} << QStringList{};
        QTest::newRow("a server on the command line adds tunnel default")
            << three << QStringList{"--server=ws://cli", "--backend=1"} << QStringList{}
            << QStringList{"default", "api", "web", "hooks"}
            << QStringList{"default/server=ws://cli", "default/request-timeout=20", "api/server=wss://plugboard.example"}
            << QStringList{};
        QTest::newRow("so does TELEPHONE_BACKEND")
            << three << QStringList{} << QStringList{"TELEPHONE_BACKEND=1"} << QStringList{"default", "api", "web", "hooks"}
            << QStringList{"default/backend=1"} << QStringList{};
        QTest::newRow("--tunnel selects") << three << QStringList{"--tunnel=hooks", "--tunnel=api"} << QStringList{}
                                          << QStringList{"api", "hooks"} << QStringList{} << QStringList{};
        QTest::newRow("--tunnel default with sections")
            << three << QStringList{"--tunnel=default", "--tunnel=web"} << QStringList{} << QStringList{"default", "web"}
            << QStringList{"default/server=wss://plugboard.example", "default/backend="} << QStringList{};
        QTest::newRow("a bad value: its tunnel is reported with the line, the others run")
            << three + "request-timeout = soon\n" << QStringList{} << QStringList{} << QStringList{"api", "web"}
            << QStringList{}
            << QStringList{"tunnel hooks ([tunnel.hooks] at config file %1 line 15): --request-timeout (from config "
                           "file %1 line 18): \"soon\" is not a number of seconds"};
        QTest::newRow("a bad twin is named")
            << three << QStringList{} << QStringList{"TELEPHONE_TUNNEL_API_MAX_CONCURRENT=0"}
            << QStringList{"web", "hooks"} << QStringList{}
            << QStringList{"tunnel api ([tunnel.api] at config file %1 line 6): --max-concurrent (from "
                           "TELEPHONE_TUNNEL_API_MAX_CONCURRENT): \"0\" is not a whole number"};
        QTest::newRow("no backend in the section nor in [general]")
            << QByteArray("server = ws://h\n[tunnel.a]\nbackend = 1\n[tunnel.b]\nrequest-timeout = 3\n") << QStringList{}
            << QStringList{} << QStringList{"a"} << QStringList{}
            << QStringList{"tunnel b ([tunnel.b] at config file %1 line 4): no backend; set them in the section"};
        QTest::newRow("bad section name and a reserved one")
            << QByteArray("server = ws://h\nbackend = 1\n[tunnel.a b]\n[tunnel.default]\n[tunnel.ok]\n") << QStringList{}
            << QStringList{} << QStringList{"ok"} << QStringList{}
            << QStringList{"[tunnel.a b] (config file %1 line 3): \"a b\" is not a valid tunnel name",
                           "[tunnel.default] (config file %1 line 4): the name \"default\" belongs to the command-line"};
        QTest::newRow("names differing only in case share their twins")
            << QByteArray("server = ws://h\nbackend = 1\n[tunnel.api]\n[tunnel.API]\n") << QStringList{} << QStringList{}
            << QStringList{"api"} << QStringList{}
            << QStringList{"[tunnel.API] (config file %1 line 4): another section is named \"api\""};
        QTest::newRow("a selected invalid tunnel is reported")
            << QByteArray("server = ws://h\n[tunnel.a]\nbackend = 1\n[tunnel.b]\nbackend = x:y\n") << QStringList{"--tunnel=b"}
            << QStringList{} << QStringList{} << QStringList{}
            << QStringList{"tunnel b ([tunnel.b] at config file %1 line 4): --backend (from config file %1 line 5)"};
    }

    void tunnelSections()
    {
        QFETCH(QByteArray, ini);
        QFETCH(QStringList, args);
        QFETCH(QStringList, env);
        QFETCH(QStringList, names);
        QFETCH(QStringList, values);
        QFETCH(QStringList, errors);
        const QString path = writeIni(ini);
        const TunnelsOutcome o = resolveTunnelsWith(args << QStringLiteral("--config=") + path, env);
        QVERIFY2(o.list, qPrintable(o.error));
        QStringList got;
        for (const Settings &s : o.list->tunnels)
            got << s.tunnelName();
        QCOMPARE(got, names);
        for (const QString &expected : values) {
            const QString tunnel = expected.section(QLatin1Char('/'), 0, 0);
            const QString key = expected.section(QLatin1Char('/'), 1).section(QLatin1Char('='), 0, 0);
            const QString value = expected.section(QLatin1Char('='), 1);
            const auto it = std::find_if(o.list->tunnels.cbegin(), o.list->tunnels.cend(),
                                         [&](const Settings &s) { return s.tunnelName() == tunnel; });
            QVERIFY2(it != o.list->tunnels.cend(), qPrintable(tunnel));
            QCOMPARE(it->value(key), value);
        }
        QCOMPARE(o.list->errors.size(), errors.size());
        for (int i = 0; i < errors.size(); ++i)
            QVERIFY2(o.list->errors.at(i).contains(errors.at(i).arg(path)), qPrintable(o.list->errors.at(i)));
    }

    void tunnelSectionWarnings()
    {
        const QString path = writeIni(kThreeTunnels + "log-format = json\ncolour = blue\n");
        const TunnelsOutcome o = resolveTunnelsWith({QStringLiteral("--config=") + path}, {});
        QVERIFY2(o.list, qPrintable(o.error));
        QCOMPARE(o.list->tunnels.size(), 3);
        // Process-wide keys in a section are ignored, and said so with the line.
        const QString all = o.list->warnings.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("config file %1 line 18: \"log-format\" applies to all tunnels").arg(path)),
                 qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("config file %1 line 19: unknown key \"colour\" in [tunnel.hooks]").arg(path)),
                 qPrintable(all));
        QCOMPARE(o.list->tunnels.at(2).logFormat(), QStringLiteral("text"));
        for (const Settings &s : o.list->tunnels)
            QVERIFY(s.warnings().isEmpty());
    }

    void unknownTunnelNameIsFatal()
    {
        const QString path = writeIni(kThreeTunnels);
        const TunnelsOutcome o = resolveTunnelsWith({QStringLiteral("--config=") + path, QStringLiteral("--tunnel=apx")}, {});
        QVERIFY(!o.list);
        QCOMPARE(o.error, QStringLiteral("--tunnel \"apx\": no tunnel of that name in config file %1 (configured: "
                                         "default, api, web, hooks)")
                              .arg(path));
    }

    void badProcessWideValueIsFatal()
    {
        const QString path = writeIni(kThreeTunnels);
        const TunnelsOutcome o =
            resolveTunnelsWith({QStringLiteral("--config=") + path}, {QStringLiteral("TELEPHONE_LOG_LEVEL=loud")});
        QVERIFY(!o.list);
        QVERIFY2(o.error.startsWith(QStringLiteral("--log-level (from TELEPHONE_LOG_LEVEL)")), qPrintable(o.error));
    }

    // The single-tunnel resolve() reads the top level only, as before sections existed.
    void resolveIgnoresSections()
    {
        const QString path = writeIni(kThreeTunnels);
        const Outcome o = resolveWith({QStringLiteral("--config=") + path});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->tunnelName(), QStringLiteral("default"));
        QVERIFY(o.settings->backendUrl().isEmpty());
        QCOMPARE(o.settings->requestTimeout(), 20000ms);
    }

    void tokenFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("shared");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("token"); ///< empty: an error containing `error`
        QTest::addColumn<QString>("error");
        QTest::newRow("first line, trimmed") << QByteArray("  eyJ.file.sig \nsecond\n") << false << QStringList{}
                                             << "eyJ.file.sig" << "";
        QTest::newRow("readable by others") << QByteArray("eyJ.file.sig\n") << true << QStringList{} << ""
                                            << "can be read by other users; it holds a secret: chmod 600 it";
        QTest::newRow("empty") << QByteArray("\n") << false << QStringList{} << "" << "is empty";
        QTest::newRow("malformed") << QByteArray("eyJ file\n") << false << QStringList{} << ""
                                   << "the token in \"%1\" is malformed";
        QTest::newRow("with --token") << QByteArray("eyJ.file.sig\n") << false << QStringList{"--token=eyJ.cli.sig"}
                                      << "" << "a token is also given (from command line); give one of them";
    }

    void tokenFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(bool, shared);
        QFETCH(QStringList, args);
        QFETCH(QString, token);
        QFETCH(QString, error);
        const QString file = m_dir.filePath(QStringLiteral("token-%1.jwt").arg(++m_fileCount));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                 | (shared ? QFileDevice::ReadGroup : QFileDevice::Permissions())));

        // From the command line (the default tunnel) and from a section (relative to the config file).
        const Outcome cli = resolveWith(args << QStringLiteral("--token-file=") + file);
        const QString ini = writeIni("server = ws://h\n[tunnel.a]\nbackend = 1\ntoken-file = "
                                     + QFileInfo(file).fileName().toUtf8() + "\n");
        const TunnelsOutcome section = resolveTunnelsWith({QStringLiteral("--config=") + ini}, {});
        QVERIFY2(section.list, qPrintable(section.error));
        if (!token.isEmpty()) {
            QVERIFY2(cli.settings, qPrintable(cli.error));
            QCOMPARE(cli.settings->token(), token);
            QCOMPARE(cli.settings->sourceDescription(QStringLiteral("token")), QStringLiteral("token file ") + file);
            QCOMPARE(section.list->tunnels.size(), 1);
            QCOMPARE(section.list->tunnels.constFirst().token(), token);
            return;
        }
        QVERIFY(!cli.settings);
        QVERIFY2(cli.error.startsWith(QStringLiteral("--token-file (from command line): ")), qPrintable(cli.error));
        QVERIFY2(cli.error.contains(error.arg(file)), qPrintable(cli.error));
        QVERIFY2(!cli.error.contains(QStringLiteral("eyJ")) || error.contains(QStringLiteral("also given")),
                 qPrintable(cli.error));
        if (args.isEmpty()) {
            QCOMPARE(section.list->errors.size(), 1);
            QVERIFY2(section.list->errors.constFirst().contains(QStringLiteral("--token-file (from config file %1 line 4)").arg(ini)),
                     qPrintable(section.list->errors.constFirst()));
        }
    }

    void tildeExpands()
    {
        const Outcome o = resolveWith({QStringLiteral("--data-dir=~/telephone-state")});
        QVERIFY2(o.settings, qPrintable(o.error));
        QCOMPARE(o.settings->dataDir(), QDir::homePath() + QStringLiteral("/telephone-state"));
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "test_settings.moc"
