// Entry point: decides GUI or headless before any application object exists (QApplication aborts
// without a display), reads the settings, then hands over to Runner (and the tray, with a GUI).

#include "exitcodes.h"
#include "runner.h"
#include "servicecommand.h"
#include "signalwatcher.h"
#include "tokencommand.h"

#include "config/settings.h"
#include "ops/logging.h"
#include "ui/desktopshell.h"
#include "ui/singleinstance.h"
#include "ui/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QMessageBox>
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
    if (ServiceCommand::isRequested(argc, argv))
        return ServiceCommand::run(argc, argv);
    if (TokenCommand::isRequested(argc, argv))
        return TokenCommand::run(argc, argv);

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

    // GUI: one instance per user and config file; a second launch raises the first one's window
    // and exits, before it could start a second tunnel.
    std::unique_ptr<SingleInstance> instance;
    if (!headless) {
        QGuiApplication::setDesktopFileName(QStringLiteral("telephone"));
        Translations::install(settings->language());
        instance = std::make_unique<SingleInstance>(SingleInstance::keyFor(settings->configFile(), settings->demo()));
        QString lockError;
        if (!instance->becomePrimary(&lockError)) {
            if (!lockError.isEmpty()) {
                qCWarning(lcMain).noquote() << lockError + QStringLiteral("; not guarding against a second instance");
            } else {
                qCInfo(lcMain) << "Telephone is already running: asking it to show its window";
                QObject::connect(instance.get(), &SingleInstance::activationSent, app.get(), [](bool ok, const QString &why) {
                    if (!ok)
                        fprintf(stderr, "telephone: another Telephone is running, but %s\n", qPrintable(why));
                    QCoreApplication::exit(ok ? ExitOk : ExitInternal);
                });
                instance->activatePrimary();
                return QCoreApplication::exec();
            }
        }
    }

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
        if (!headless) // started from a menu, nobody reads stderr
            QMessageBox::critical(nullptr, QObject::tr("Telephone cannot start"), error);
        return exitCode;
    }

    std::unique_ptr<DesktopShell> shell;
    if (!headless) {
        QApplication::setQuitOnLastWindowClosed(false);
        shell = std::make_unique<DesktopShell>(runner.manager(), runner.tunnel(), *settings);
        // Quit drains: requests in flight finish before the socket closes (Runner::stop).
        QObject::connect(shell.get(), &DesktopShell::quitRequested, &runner, [&runner] { runner.stop(ExitOk); });
        QObject::connect(instance.get(), &SingleInstance::activationRequested, shell.get(), &DesktopShell::showWindow);
        shell->start();
    }
    return QCoreApplication::exec();
}
