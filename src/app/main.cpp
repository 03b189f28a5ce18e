// Entry point: decides GUI or headless before any application object exists (QApplication aborts
// without a display); headless runs here, the desktop through the module (desktopmain.cpp). Both
// then share runTelephone: settings, logging, Runner, the event loop.

#include "exitcodes.h"
#include "runner.h"
#include "servicecommand.h"
#include "signalwatcher.h"
#include "tokencommand.h"
#include "tunnelscommand.h"

#include "apprun.h"
#include "config/safeurl.h"
#include "config/settings.h"
#include "base/logging.h"
#include "tokens/serviceaccountkey.h"
#include "tokens/tokenchooser.h"
#include "tokens/tokenstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QLibrary>
#include <QLoggingCategory>
#include <QProcessEnvironment>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace telephone;

Q_LOGGING_CATEGORY(lcMain, "telephone.app.main")

namespace {

bool argvHas(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], flag) == 0)
            return true;
    }
    return false;
}

bool envFlag(const char *name)
{
    const QByteArray value = qgetenv(name).toLower();
    return value == "1" || value == "true" || value == "yes" || value == "on";
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

} // namespace

void telephone::setApplicationIdentity()
{
    // Before anything asks QStandardPaths: ~/.config/telephone, ~/.local/share/telephone.
    QCoreApplication::setApplicationName(QStringLiteral("telephone"));
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setApplicationVersion(QStringLiteral(TELEPHONE_VERSION));
}

namespace {

// The desktop asks (a setup page) for what a run cannot do without: a server, a backend, or a
// usable token. Stored tokens are listed without decrypting, so no keychain is asked here.
bool needsSetup(const telephone::Settings &settings, const QProcessEnvironment &environment)
{
    using namespace telephone;
    if (settings.demo())
        return false;
    if (settings.serverUrl().isEmpty() || settings.backendUrl().isEmpty())
        return true;
    QString problem;
    const std::optional<ServiceAccountKey> key = ServiceAccountKey::find(settings, environment, &problem);
    if (!key || !key->isEmpty() || !settings.serviceAccountPathId().isEmpty())
        return false; // a service account supplies tokens (a broken key is reported by the run)
    QList<StoredToken> listed;
    TokenStore store(TokenStore::fileIn(settings.dataDir()), TokenStore::Mode::ReadOnly);
    if (store.open(&problem))
        listed = store.list(&problem).value_or(QList<StoredToken>());
    return !tokenAvailableAtStart(settings.token(), listed, displayUrl(settings.serverUrl()),
                                  QDateTime::currentSecsSinceEpoch());
}

QString helpEpilogue()
{
    return QStringLiteral("\n") + Settings::environmentHelp()
        + QStringLiteral("\nExit codes: 0 clean stop; 1 internal error; 2 bad configuration (including a server that "
                         "refuses it, e.g. path_id_mismatch); 3 token refused (with --exit-on-auth-failure).\n");
}

// The desktop part lives in a module loaded only when a GUI is wanted: a headless process then
// never maps Qt Gui, Widgets and their X11/GL/font libraries (about 7 MiB of resident memory).
int runDesktop(int argc, char **argv)
{
    const QString exeDir = QFileInfo(QString::fromLocal8Bit(argv[0])).absolutePath();
    const QStringList candidates{
        qEnvironmentVariable("TELEPHONE_DESKTOP_MODULE"),
        exeDir + QStringLiteral("/telephone-desktop.so"), // build tree
        exeDir + QStringLiteral("/../" TELEPHONE_LIBDIR "/telephone/telephone-desktop.so"), // installed
    };
    QStringList tried;
    for (const QString &path : candidates) {
        if (path.isEmpty() || !QFileInfo::exists(path))
            continue;
        tried << path;
        QLibrary module(path);
        using Entry = int (*)(int, char **);
        if (auto entry = reinterpret_cast<Entry>(module.resolve("telephone_desktop_main")))
            return entry(argc, argv);
        fprintf(stderr, "telephone: cannot load the desktop module %s: %s\n", qPrintable(path),
                qPrintable(module.errorString()));
    }
    fprintf(stderr, "telephone: the desktop module (telephone-desktop.so) is %s; running headless\n",
            tried.isEmpty() ? "not installed" : "unusable");
    setApplicationIdentity();
    QCoreApplication app(argc, argv);
    return runTelephone(app, false, nullptr);
}

// The log format asked for on the command line or in TELEPHONE_LOG_FORMAT, known before the
// settings resolve, so that an error in the options or the config file is already written in it
// (a log collector reading JSON must not meet a plain-text line). The config file's own value is
// not read here: that file may be the very thing that is broken.
logging::Format requestedLogFormat(const QStringList &arguments)
{
    QString value = qEnvironmentVariable("TELEPHONE_LOG_FORMAT");
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--log-format") && i + 1 < arguments.size())
            value = arguments.at(i + 1);
        else if (argument.startsWith(QLatin1String("--log-format=")))
            value = argument.mid(int(std::strlen("--log-format=")));
    }
    return logging::parseFormat(value).value_or(logging::Format::Text);
}

} // namespace

int main(int argc, char **argv)
{
    // Sub-commands (telephone token ..., telephone service ...) are dispatched here, before the GUI
    // decision: they are short command-line tools and never need a display.
    if (ServiceCommand::isRequested(argc, argv))
        return ServiceCommand::run(argc, argv);
    if (TokenCommand::isRequested(argc, argv))
        return TokenCommand::run(argc, argv);
    if (TunnelsCommand::isRequested(argc, argv))
        return TunnelsCommand::run(argc, argv);

    const bool infoOnly = argvHas(argc, argv, "--help") || argvHas(argc, argv, "-h") || argvHas(argc, argv, "--version")
        || argvHas(argc, argv, "-v");
    bool headless = infoOnly || argvHas(argc, argv, "--no-gui") || envFlag("TELEPHONE_NO_GUI");
    bool noDisplay = false;
    if (!headless && !hasDisplay()) {
        headless = true;
        noDisplay = true;
    }

    if (headless) {
        setApplicationIdentity();
        QCoreApplication app(argc, argv);
        return runTelephone(app, noDisplay, nullptr);
    }
    return runDesktop(argc, argv);
}

int telephone::runTelephone(QCoreApplication &app, bool noDisplay, DesktopHooks *hooks)
{
    setApplicationIdentity();
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Telephone connects a local port to a Plugboard reverse proxy.\n"
                       "Example: telephone --server wss://plugboard.example --backend 3000 --token eyJ...\n"
                       "First run without a server: telephone --demo"));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    Settings::addOptions(parser);
    logging::install(requestedLogFormat(QCoreApplication::arguments()), logging::Level::Info, false);
    if (!parser.parse(QCoreApplication::arguments())) {
        QString problem = parser.errorText(); // "Unknown option 'x'."
        if (problem.endsWith(QLatin1Char('.')))
            problem.chop(1);
        logging::printFatal(lcMain().categoryName(), problem + QStringLiteral("; try 'telephone --help'"));
        return ExitBadConfig;
    }
    if (parser.isSet(helpOption)) {
        fprintf(stdout, "%s%s", qPrintable(parser.helpText()), qPrintable(helpEpilogue()));
        return ExitOk;
    }
    if (parser.isSet(versionOption)) {
        fprintf(stdout, "telephone %s\n", TELEPHONE_VERSION);
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty()) {
        logging::printFatal(lcMain().categoryName(),
                            QStringLiteral("unexpected argument '%1'; try 'telephone --help'")
                                .arg(parser.positionalArguments().constFirst()));
        return ExitBadConfig;
    }

    QString error;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    std::optional<TunnelSettingsList> tunnels = Settings::resolveTunnels(parser, environment, &error);
    if (!tunnels) {
        logging::printFatal(lcMain().categoryName(), error);
        return ExitBadConfig;
    }
    if (tunnels->tunnels.isEmpty()) {
        // Every configured tunnel is invalid: nothing to run.
        for (const QString &problem : std::as_const(tunnels->errors))
            logging::printFatal(lcMain().categoryName(), problem);
        return ExitBadConfig;
    }
    std::optional<Settings> settings = tunnels->tunnels.constFirst();
    logging::install(logging::parseFormat(settings->logFormat()).value_or(logging::Format::Text),
                     logging::parseLevel(settings->logLevel()).value_or(logging::Level::Info), settings->debug());
    for (const Settings &tunnel : std::as_const(tunnels->tunnels))
        logging::addSecret(tunnel.token());
    for (const QString &warning : std::as_const(tunnels->warnings))
        qCWarning(lcMain).noquote() << warning;
    // An invalid tunnel does not stop the others (issue 15).
    for (const QString &problem : std::as_const(tunnels->errors))
        qCCritical(lcMain).noquote() << problem << "- this tunnel does not start";
    if (noDisplay)
        qCInfo(lcMain) << "no display found (DISPLAY and WAYLAND_DISPLAY are unset): running headless";

    if (hooks) {
        int exitCode = ExitOk;
        if (!hooks->beforeStart(*settings, &exitCode))
            return exitCode;
        // Started from a menu with nothing configured, or with no usable token: a setup page (what
        // is known filled in), never an error about flags. Headless runs keep the error (Runner::start).
        // Several tunnels come from a config file that someone wrote: no setup page for them.
        if (tunnels->tunnels.size() == 1 && settings->tunnelName() == Settings::defaultTunnelName()
            && needsSetup(*settings, environment)) {
            qCInfo(lcMain) << "opening the setup page: a server, a backend or a usable token is not configured yet";
            QString token;
            if (!hooks->firstRun(*settings, &token, &exitCode))
                return exitCode;
            // Read again: the page wrote server and backend into the config file. The pasted token
            // is handed on as a given one, so that Runner stores it encrypted like any other.
            if (!token.isEmpty())
                environment.insert(QStringLiteral("TELEPHONE_TOKEN"), token);
            settings = Settings::resolve(parser, environment, &error);
            if (!settings) {
                logging::printFatal(lcMain().categoryName(), error);
                hooks->startFailed(error);
                return ExitBadConfig;
            }
            logging::addSecret(settings->token());
            tunnels->tunnels = {*settings};
        }
    }

    Runner runner(tunnels->tunnels, hooks == nullptr);
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::stopRequested, &runner, [&runner](int signalNumber) {
        qCInfo(lcMain) << "signal" << signalNumber << "received; stopping (send it again to exit at once)";
        runner.stop(ExitOk);
    });
    QObject::connect(&runner, &Runner::finished, &app, [](int code) { QCoreApplication::exit(code); });

    int exitCode = ExitOk;
    if (!runner.start(&error, &exitCode)) {
        logging::printFatal(lcMain().categoryName(), error);
        if (hooks)
            hooks->startFailed(error);
        return exitCode;
    }
    if (hooks)
        hooks->started(runner, *settings);
    return QCoreApplication::exec();
}
