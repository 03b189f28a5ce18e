// `telephone service install|uninstall|status`, run as the real binary in a scratch home: the unit
// it writes passes `systemd-analyze verify`, holds no token, survives awkward paths; bad
// configurations are refused; and the systemctl calls it makes (seen through a recording systemctl
// first on PATH, since a test machine has no user manager to enable units in) and their failures.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

class Home
{
public:
    Home()
    {
        m_env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : m_env.keys()) {
            if (key.startsWith(QLatin1String("TELEPHONE_")))
                m_env.remove(key);
        }
        m_env.insert(QStringLiteral("HOME"), m_dir.path());
        m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.path() + QStringLiteral("/config"));
    }

    QString path() const { return m_dir.path(); }
    QString unitPath() const { return m_dir.path() + QStringLiteral("/config/systemd/user/telephone.service"); }
    QString defaultConfig() const { return m_dir.path() + QStringLiteral("/config/telephone/telephone.ini"); }

    void writeFile(const QString &path, const QByteArray &content, bool executable = false)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        if (executable)
            file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
    }

    /// A `systemctl` first on PATH that appends its arguments to calls.log and exits with `status`.
    void fakeSystemctl(int status, const QByteArray &stderrText = {})
    {
        const QString bin = m_dir.path() + QStringLiteral("/bin");
        writeFile(bin + QStringLiteral("/systemctl"),
                  "#!/bin/sh\necho \"$*\" >> '" + QFile::encodeName(bin) + "/calls.log'\n"
                      + (stderrText.isEmpty() ? QByteArray() : "echo '" + stderrText + "' >&2\n") + "exit "
                      + QByteArray::number(status) + "\n",
                  true);
        m_env.insert(QStringLiteral("PATH"), bin + QLatin1Char(':') + qEnvironmentVariable("PATH"));
    }

    QStringList systemctlCalls() const
    {
        QFile file(m_dir.path() + QStringLiteral("/bin/calls.log"));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

    Run telephone(const QStringList &args) const
    {
        QProcess process;
        process.setProcessEnvironment(m_env);
        process.start(QStringLiteral(TELEPHONE_BINARY), QStringList{QStringLiteral("service")} + args);
        Run run;
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            return run;
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

private:
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
};

const QByteArray kToken = "eyJhbGciOiJIUzI1NiJ9.eyJwYXRoX2lkIjoicCJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw";

QString readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// systemd's own check of the unit file: syntax, known keys, an executable ExecStart.
void verifyWithSystemd(const QString &unitPath)
{
    const QString analyze = QStandardPaths::findExecutable(QStringLiteral("systemd-analyze"));
    QVERIFY2(!analyze.isEmpty(), "systemd-analyze is missing (package systemd, scripts/deps.txt)");
    QProcess process;
    process.start(analyze, {QStringLiteral("verify"), unitPath});
    QVERIFY(process.waitForFinished(30000));
    const QString said = QString::fromUtf8(process.readAllStandardError() + process.readAllStandardOutput());
    QVERIFY2(process.exitCode() == 0, qPrintable(said));
    // Warnings about the unit itself are prefixed with its name; other noise (no bus) is not ours.
    QVERIFY2(!said.contains(QStringLiteral("telephone.service:")), qPrintable(said));
}

} // namespace

class TestService : public QObject
{
    Q_OBJECT

private slots:
    void installWritesAUnitSystemdAccepts()
    {
        Home home;
        home.writeFile(home.defaultConfig(), "server=ws://127.0.0.1:4000\nbackend=3000\ntoken=" + kToken + "\n");
        QFile::setPermissions(home.defaultConfig(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const Run run = home.telephone({QStringLiteral("install"), QStringLiteral("--no-systemctl")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString unit = readAll(home.unitPath());
        QVERIFY(unit.contains(QStringLiteral("ExecStart=") + QStringLiteral(TELEPHONE_BINARY) + QStringLiteral(" --no-gui --config ")
                              + home.defaultConfig() + QLatin1Char('\n')));
        QVERIFY(unit.contains(QStringLiteral("WantedBy=default.target")));
        QVERIFY(!unit.contains(QString::fromLatin1(kToken.split('.').at(2))));
        QVERIFY(!unit.contains(QStringLiteral("@TELEPHONE_"))); // every placeholder filled in
        // The token in the file is worth a warning: the encrypted store is the place for it.
        QVERIFY2(run.err.contains(QStringLiteral("plain text")), qPrintable(run.err));
        QVERIFY(!run.err.contains(QString::fromLatin1(kToken)));
        QVERIFY(run.out.contains(QStringLiteral("systemctl --user enable --now telephone.service")));
        verifyWithSystemd(home.unitPath());
    }

    void awkwardPathsAreQuotedForSystemd()
    {
        Home home;
        const QString config = home.path() + QStringLiteral("/my configs/100% \"real\" $HOME.ini");
        home.writeFile(config, "server=ws://127.0.0.1:4000\nbackend=3000\n");
        const Run run = home.telephone({QStringLiteral("install"), QStringLiteral("--no-systemctl"),
                                        QStringLiteral("--config"), config});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString unit = readAll(home.unitPath());
        QVERIFY2(unit.contains(QStringLiteral("\"") + home.path() + QStringLiteral("/my configs/100%% \\\"real\\\" $$HOME.ini\"")),
                 qPrintable(unit));
        verifyWithSystemd(home.unitPath());
    }

    void printShowsTheUnitWithoutWritingIt()
    {
        Home home;
        home.writeFile(home.defaultConfig(), "server=ws://127.0.0.1:4000\nbackend=3000\n");
        const Run run = home.telephone({QStringLiteral("install"), QStringLiteral("--print")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.startsWith(QStringLiteral("# Telephone as a systemd user service")));
        QVERIFY(!QFile::exists(home.unitPath()));
    }

    void refusesWhatTheServiceCouldNotRun_data()
    {
        QTest::addColumn<QByteArray>("config"); // empty: no file at all
        QTest::addColumn<QString>("message");
        QTest::newRow("no config file") << QByteArray() << QStringLiteral("does not exist");
        QTest::newRow("no backend") << QByteArray("server=ws://127.0.0.1:4000\n") << QStringLiteral("no backend");
        QTest::newRow("bad value") << QByteArray("server=ws://127.0.0.1:4000\nbackend=ftp://x\n") << QStringLiteral("backend");
        QTest::newRow("every tunnel invalid")
            << QByteArray("server=ws://127.0.0.1:4000\n[tunnel.api]\nbackend=ftp://x\n[tunnel.web]\n")
            << QStringLiteral("has no tunnel that can start: tunnel api ([tunnel.api] at config file");
    }

    // Issue 15: one unit runs every tunnel of the file; one that would be skipped is named.
    void installsAConfigOfSections()
    {
        Home home;
        home.writeFile(home.defaultConfig(), "server=ws://127.0.0.1:4000\n[tunnel.api]\nbackend=3000\n"
                                             "[tunnel.web]\nbackend=5173\n[tunnel.bad]\nbackend=ftp://x\n");
        const Run run = home.telephone({QStringLiteral("install"), QStringLiteral("--no-systemctl")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(QFile::exists(home.unitPath()));
        QVERIFY2(run.err.contains(QStringLiteral("warning: tunnel bad ([tunnel.bad] at config file"))
                     && run.err.contains(QStringLiteral("- the service runs without this tunnel")),
                 qPrintable(run.err));
        QVERIFY2(!run.err.contains(QStringLiteral("tunnel api (")), qPrintable(run.err));
    }

    void refusesWhatTheServiceCouldNotRun()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, message);
        Home home;
        if (!config.isEmpty())
            home.writeFile(home.defaultConfig(), config);
        const Run run = home.telephone({QStringLiteral("install"), QStringLiteral("--no-systemctl")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QVERIFY(!QFile::exists(home.unitPath()));
    }

    void installAndUninstallDriveSystemctl()
    {
        Home home;
        home.writeFile(home.defaultConfig(), "server=ws://127.0.0.1:4000\nbackend=3000\n");
        home.fakeSystemctl(0);
        Run run = home.telephone({QStringLiteral("install")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(QFile::exists(home.unitPath()));
        QCOMPARE(home.systemctlCalls(),
                 (QStringList{QStringLiteral("--user daemon-reload"), QStringLiteral("--user enable --now telephone.service")}));

        run = home.telephone({QStringLiteral("status")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(home.unitPath()));
        QCOMPARE(home.systemctlCalls().constLast(), QStringLiteral("--user status --no-pager telephone.service"));

        run = home.telephone({QStringLiteral("uninstall")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(!QFile::exists(home.unitPath()));
        QCOMPARE(home.systemctlCalls().mid(3),
                 (QStringList{QStringLiteral("--user disable --now telephone.service"), QStringLiteral("--user daemon-reload")}));

        run = home.telephone({QStringLiteral("status")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.contains(QStringLiteral("not installed")));
    }

    void aFailingSystemctlIsReported()
    {
        Home home;
        home.writeFile(home.defaultConfig(), "server=ws://127.0.0.1:4000\nbackend=3000\n");
        home.fakeSystemctl(1, "Failed to connect to bus: No medium found");
        const Run run = home.telephone({QStringLiteral("install")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("Failed to connect to bus")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("not running")), qPrintable(run.err));
    }

    void unknownActionIsUsageError()
    {
        Home home;
        QCOMPARE(home.telephone({QStringLiteral("restart")}).exitCode, 2);
        QCOMPARE(home.telephone({}).exitCode, 2);
        const Run help = home.telephone({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("uninstall")));
    }
};

QTEST_GUILESS_MAIN(TestService)
#include "test_service.moc"
