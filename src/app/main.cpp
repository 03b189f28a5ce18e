// Entry point: decides GUI or headless before any application object exists (QApplication aborts
// without a display), reads the settings, then hands over to Runner (and the tray, with a GUI).

#include "exitcodes.h"
#include "runner.h"
#include "signalwatcher.h"

#include "config/settings.h"
#include "ops/logging.h"
#include "ui/trayicon.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
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

void setIdentity()
{
    // Before anything asks QStandardPaths: ~/.config/telephone, ~/.local/share/telephone.
    QCoreApplication::setApplicationName(QStringLiteral("telephone"));
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setApplicationVersion(QStringLiteral(TELEPHONE_VERSION));
}

QString helpEpilogue()
{
    return QStringLiteral("\n") + Settings::environmentHelp()
        + QStringLiteral("\nExit codes: 0 clean stop; 1 internal error; 2 bad configuration (including a server that "
                         "refuses it, e.g. path_id_mismatch); 3 token refused (with --exit-on-auth-failure).\n");
}

} // namespace

int main(int argc, char **argv)
{
    // Sub-commands (telephone token ..., telephone service ...) are dispatched here, before the GUI
    // decision: they are short command-line tools and never need a display.

    const bool infoOnly = argvHas(argc, argv, "--help") || argvHas(argc, argv, "-h") || argvHas(argc, argv, "--version")
        || argvHas(argc, argv, "-v");
    bool headless = infoOnly || argvHas(argc, argv, "--no-gui") || envFlag("TELEPHONE_NO_GUI");
    bool noDisplay = false;
    if (!headless && !hasDisplay()) {
        headless = true;
        noDisplay = true;
    }

    setIdentity();
    std::unique_ptr<QCoreApplication> app;
    if (headless)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    setIdentity();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Telephone connects a local port to a Plugboard reverse proxy.\n"
                       "Example: telephone --server wss://plugboard.example --backend 3000 --token eyJ...\n"
                       "First run without a server: telephone --demo"));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    Settings::addOptions(parser);
    if (!parser.parse(QCoreApplication::arguments())) {
        fprintf(stderr, "telephone: %s\nTry 'telephone --help'.\n", qPrintable(parser.errorText()));
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
        fprintf(stderr, "telephone: unexpected argument '%s'\nTry 'telephone --help'.\n",
                qPrintable(parser.positionalArguments().constFirst()));
        return ExitBadConfig;
    }

    QString error;
    const std::optional<Settings> settings = Settings::resolve(parser, QProcessEnvironment::systemEnvironment(), &error);
    if (!settings) {
        fprintf(stderr, "telephone: %s\n", qPrintable(error));
        return ExitBadConfig;
    }
    logging::install(logging::parseFormat(settings->logFormat()).value_or(logging::Format::Text),
                     logging::parseLevel(settings->logLevel()).value_or(logging::Level::Info), settings->debug());
    logging::addSecret(settings->token());
    for (const QString &warning : settings->warnings())
        qCWarning(lcMain).noquote() << warning;
    if (noDisplay)
        qCInfo(lcMain) << "no display found (DISPLAY and WAYLAND_DISPLAY are unset): running headless";

    Runner runner(*settings, headless);
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::stopRequested, &runner, [&runner](int signalNumber) {
        qCInfo(lcMain) << "signal" << signalNumber << "received; stopping (send it again to exit at once)";
        runner.stop(ExitOk);
    });
    QObject::connect(&runner, &Runner::finished, app.get(), [](int code) { QCoreApplication::exit(code); });

    int exitCode = ExitOk;
    if (!runner.start(&error, &exitCode)) {
        fprintf(stderr, "telephone: %s\n", qPrintable(error));
        return exitCode;
    }

    std::unique_ptr<TrayIcon> tray;
    if (!headless) {
        QApplication::setQuitOnLastWindowClosed(false);
        tray = std::make_unique<TrayIcon>(runner.tunnel());
        QObject::connect(tray.get(), &TrayIcon::quitRequested, &runner, [&runner] { runner.stop(ExitOk); });
    }
    return QCoreApplication::exec();
}
