#include "servicecommand.h"

#include "exitcodes.h"

#include "config/settings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace telephone {

namespace {

// systemctl answers quickly or not at all (no user manager): do not hang the terminal.
constexpr int SystemctlTimeoutMs = 30000;

void say(const QString &text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

void complain(const QString &text)
{
    std::fprintf(stderr, "telephone service: %s\n", qPrintable(text));
}

QString unitTemplate()
{
    QFile file(QStringLiteral(":/telephone/packaging/telephone.service.in"));
    if (!file.open(QIODevice::ReadOnly))
        return {}; // a build without the resource: run() reports it
    return QString::fromUtf8(file.readAll());
}

} // namespace

bool ServiceCommand::isRequested(int argc, char **argv)
{
    return argc > 1 && std::strcmp(argv[1], "service") == 0;
}

QString ServiceCommand::quoteArgument(const QString &argument)
{
    QString escaped = argument;
    escaped.replace(QLatin1Char('%'), QLatin1String("%%")).replace(QLatin1Char('$'), QLatin1String("$$"));
    const bool plain = !escaped.isEmpty()
        && std::none_of(escaped.cbegin(), escaped.cend(), [](QChar c) {
               return c.isSpace() || c == QLatin1Char('"') || c == QLatin1Char('\'') || c == QLatin1Char('\\')
                   || c == QLatin1Char(';');
           });
    if (plain)
        return escaped;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString ServiceCommand::unitText(const QString &executable, const QString &configFile)
{
    QString text = unitTemplate();
    text.replace(QLatin1String("@TELEPHONE_EXEC@"), quoteArgument(executable));
    text.replace(QLatin1String("@TELEPHONE_ARGS@"), QStringLiteral(" --config ") + quoteArgument(configFile));
    return text;
}

QString ServiceCommand::unitPath()
{
    // $XDG_CONFIG_HOME/systemd/user is where `systemctl --user` looks for units the user wrote.
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/systemd/user/") + QLatin1String(UnitName);
}

int ServiceCommand::run(int argc, char **argv)
{
    // The same identity as the program proper, so that the default configuration file is the same.
    QCoreApplication::setApplicationName(QStringLiteral("telephone"));
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication app(argc, argv);
    return run(QCoreApplication::arguments());
}

int ServiceCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs Telephone as a systemd user service.\n\n"
                       "  install    write the unit (this binary, --no-gui, the configuration file), enable and start it\n"
                       "  uninstall  stop, disable and remove it\n"
                       "  status     where the unit is and what systemd says about it\n\n"
                       "The token is not part of the unit: store it first (telephone token ...)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("install, uninstall or status"));
    const QCommandLineOption configOption(QStringLiteral("config"),
                                          QStringLiteral("Configuration file the service reads (default: "
                                                         "TELEPHONE_CONFIG, else %1).")
                                              .arg(Settings::defaultConfigFile()),
                                          QStringLiteral("file"));
    const QCommandLineOption noSystemctlOption(QStringLiteral("no-systemctl"),
                                               QStringLiteral("Only write or remove the unit file; print the "
                                                              "systemctl commands instead of running them."));
    const QCommandLineOption printOption(QStringLiteral("print"),
                                         QStringLiteral("install: print the unit instead of writing it."));
    parser.addOptions({configOption, noSystemctlOption, printOption});

    // Drop "service" so that the action is the first positional argument.
    QStringList args = arguments;
    if (args.size() > 1)
        args.removeAt(1);
    if (!parser.parse(args)) {
        complain(parser.errorText());
        return ExitBadConfig;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        say(parser.helpText().replace(QLatin1String("[options] action"), QLatin1String("service [options] action")));
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        complain(QStringLiteral("say install, uninstall or status (telephone service --help)"));
        return ExitBadConfig;
    }
    if (unitTemplate().isEmpty()) {
        complain(QStringLiteral("this build has no unit template (resource missing)"));
        return ExitInternal;
    }

    const bool useSystemctl = !parser.isSet(noSystemctlOption);
    const QString action = positional.constFirst();
    if (action == QLatin1String("install")) {
        QString configFile = parser.value(configOption);
        if (configFile.isEmpty())
            configFile = qEnvironmentVariable("TELEPHONE_CONFIG");
        if (configFile.isEmpty())
            configFile = Settings::defaultConfigFile();
        return install(QFileInfo(configFile).absoluteFilePath(), useSystemctl, parser.isSet(printOption));
    }
    if (action == QLatin1String("uninstall"))
        return uninstall(useSystemctl);
    if (action == QLatin1String("status"))
        return status(useSystemctl);
    complain(QStringLiteral("unknown action '%1': say install, uninstall or status").arg(action));
    return ExitBadConfig;
}

bool ServiceCommand::checkConfiguration(const QString &configFile, QString *problem, QStringList *warnings)
{
    if (!QFileInfo(configFile).isFile()) {
        *problem = QStringLiteral("the configuration file %1 does not exist; write server= and backend= there "
                                  "first (see README, 'Command line and configuration')")
                       .arg(configFile);
        return false;
    }
    // Resolve it as the service will: this file alone, none of this shell's TELEPHONE_* variables.
    QCommandLineParser parser;
    Settings::addOptions(parser);
    parser.parse({QStringLiteral("telephone"), QStringLiteral("--config"), configFile});
    // One unit runs every tunnel of the file (issue 15); an invalid one would be skipped, so say so.
    const std::optional<TunnelSettingsList> tunnels = Settings::resolveTunnels(parser, QProcessEnvironment(), problem);
    if (!tunnels)
        return false;
    if (tunnels->tunnels.isEmpty()) {
        *problem = QStringLiteral("%1 has no tunnel that can start: %2").arg(configFile, tunnels->errors.join(QStringLiteral("; ")));
        return false;
    }
    const Settings &first = tunnels->tunnels.constFirst();
    QStringList missing;
    if (first.tunnelName() == Settings::defaultTunnelName()) {
        if (first.serverUrl().isEmpty() && !first.demo())
            missing << QStringLiteral("server");
        if (first.backendUrl().isEmpty() && !first.demo())
            missing << QStringLiteral("backend");
    }
    if (!missing.isEmpty()) {
        *problem = QStringLiteral("%1 sets no %2; the service would exit at once")
                       .arg(configFile, missing.join(QStringLiteral(" and ")));
        return false;
    }
    *warnings = tunnels->warnings;
    for (const QString &error : tunnels->errors)
        *warnings << error + QStringLiteral(" - the service runs without this tunnel");
    for (const Settings &tunnel : tunnels->tunnels) {
        if (tunnel.source(QStringLiteral("token")) == SettingSource::ConfigFile && tunnel.value(QStringLiteral("token-file")).isEmpty())
            *warnings << QStringLiteral("%1 holds the token%2 in plain text; the encrypted store or token-file is "
                                        "safer (telephone token ...), then remove token= from the file")
                             .arg(configFile, tunnels->tunnels.size() > 1
                                                  ? QStringLiteral(" of tunnel %1").arg(tunnel.tunnelName())
                                                  : QString());
    }
    return true;
}

int ServiceCommand::install(const QString &configFile, bool useSystemctl, bool printOnly)
{
    QString problem;
    QStringList warnings;
    if (!checkConfiguration(configFile, &problem, &warnings)) {
        complain(problem);
        return ExitBadConfig;
    }
    for (const QString &warning : std::as_const(warnings))
        complain(QStringLiteral("warning: ") + warning);

    const QString text = unitText(QCoreApplication::applicationFilePath(), configFile);
    if (printOnly) {
        std::fprintf(stdout, "%s", qPrintable(text));
        return ExitOk;
    }

    const QString path = unitPath();
    if (!QDir().mkpath(QFileInfo(path).path())) {
        complain(QStringLiteral("could not create %1").arg(QFileInfo(path).path()));
        return ExitInternal;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        complain(QStringLiteral("could not write %1: %2").arg(path, file.errorString()));
        return ExitInternal;
    }
    say(QStringLiteral("wrote %1 (runs %2 --no-gui --config %3)")
            .arg(path, QCoreApplication::applicationFilePath(), configFile));

    if (!useSystemctl) {
        say(QStringLiteral("to start it: systemctl --user daemon-reload && systemctl --user enable --now %1")
                .arg(QLatin1String(UnitName)));
        return ExitOk;
    }
    if (!systemctl({QStringLiteral("daemon-reload")}, &problem)
        || !systemctl({QStringLiteral("enable"), QStringLiteral("--now"), QLatin1String(UnitName)}, &problem)) {
        complain(QStringLiteral("the unit is written but not running: %1").arg(problem));
        return ExitInternal;
    }
    say(QStringLiteral("enabled and started %1; logs: journalctl --user -u %2 -f")
            .arg(QLatin1String(UnitName), QStringLiteral("telephone")));
    return ExitOk;
}

int ServiceCommand::uninstall(bool useSystemctl)
{
    const QString path = unitPath();
    QString problem;
    // Stop it before the file goes, or systemd keeps a running service whose unit vanished.
    if (useSystemctl && QFileInfo::exists(path)
        && !systemctl({QStringLiteral("disable"), QStringLiteral("--now"), QLatin1String(UnitName)}, &problem)) {
        complain(QStringLiteral("could not stop and disable the service, so its unit stays: %1").arg(problem));
        return ExitInternal;
    }
    if (!QFileInfo::exists(path)) {
        say(QStringLiteral("%1 is not installed (no %2)").arg(QLatin1String(UnitName), path));
        return ExitOk;
    }
    if (!QFile::remove(path)) {
        complain(QStringLiteral("could not remove %1").arg(path));
        return ExitInternal;
    }
    say(QStringLiteral("removed %1").arg(path));
    if (useSystemctl && !systemctl({QStringLiteral("daemon-reload")}, &problem)) {
        complain(problem);
        return ExitInternal;
    }
    return ExitOk;
}

int ServiceCommand::status(bool useSystemctl)
{
    const QString path = unitPath();
    if (!QFileInfo::exists(path)) {
        say(QStringLiteral("%1 is not installed (no %2); telephone service install sets it up")
                .arg(QLatin1String(UnitName), path));
        return ExitInternal;
    }
    QFile file(path);
    QString execLine;
    if (file.open(QIODevice::ReadOnly)) {
        for (const QString &line : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("ExecStart=")))
                execLine = line;
        }
    }
    say(QStringLiteral("installed: %1\n%2").arg(path, execLine));
    if (!useSystemctl)
        return ExitOk;
    QString problem;
    // systemctl's own report goes straight to the terminal; it exits 3 when the unit is not running.
    const bool active = systemctl({QStringLiteral("status"), QStringLiteral("--no-pager"), QLatin1String(UnitName)},
                                  &problem, true);
    if (!active)
        complain(problem);
    return active ? ExitOk : ExitInternal;
}

bool ServiceCommand::systemctl(const QStringList &arguments, QString *problem, bool passOutput)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("systemctl"));
    const QString shown = QStringLiteral("systemctl --user ") + arguments.join(QLatin1Char(' '));
    if (program.isEmpty()) {
        *problem = QStringLiteral("systemctl not found (is this a systemd system?); run '%1' yourself").arg(shown);
        return false;
    }
    QProcess process;
    if (passOutput)
        process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start(program, QStringList{QStringLiteral("--user")} + arguments);
    if (!process.waitForFinished(SystemctlTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        *problem = QStringLiteral("'%1' did not finish: %2").arg(shown, process.errorString());
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString said = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
        *problem = said.isEmpty() || passOutput
            ? QStringLiteral("'%1' exited with %2").arg(shown).arg(process.exitCode())
            : QStringLiteral("'%1' failed: %2").arg(shown, said);
        return false;
    }
    return true;
}

} // namespace telephone
