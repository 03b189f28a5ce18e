// The desktop module (telephone-desktop.so): the QApplication, one instance per user, translations,
// and the tray/window shell around the common run. Loaded by main() only when a GUI is wanted; it
// uses the engine and Runner from the executable, which exports them (one copy of every class, so
// that signals connected here are the ones emitted there).

#include "apprun.h"
#include "exitcodes.h"
#include "runner.h"

#include "config/settings.h"
#include "tunnel/tunnelmanager.h"
#include "ui/configwriter.h"
#include "ui/desktopshell.h"
#include "ui/firstrunpage.h"
#include "ui/singleinstance.h"
#include "ui/translations.h"

#include <QApplication>
#include <QCloseEvent>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QMessageBox>

#include <memory>

Q_LOGGING_CATEGORY(lcDesktop, "telephone.app.desktop")

namespace telephone {

namespace {

/// Tells when a top-level widget is closed by the user.
class ClosedWatcher : public QObject
{
    Q_OBJECT

signals:
    void closed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Close)
            emit closed();
        return QObject::eventFilter(watched, event);
    }
};

class Desktop : public DesktopHooks
{
public:
    bool beforeStart(const Settings &settings, int *exitCode) override
    {
        QGuiApplication::setDesktopFileName(QStringLiteral("telephone"));
        Translations::install(settings.language());
        // One instance per user and config file; a second launch raises the first one's window
        // and exits, before it could start a second tunnel.
        m_instance = std::make_unique<SingleInstance>(SingleInstance::keyFor(settings.configFile(), settings.demo()));
        QString lockError;
        if (m_instance->becomePrimary(&lockError))
            return true;
        if (!lockError.isEmpty()) {
            qCWarning(lcDesktop).noquote() << lockError + QStringLiteral("; not guarding against a second instance");
            return true;
        }
        qCInfo(lcDesktop) << "Telephone is already running: asking it to show its window";
        QObject::connect(m_instance.get(), &SingleInstance::activationSent, qApp, [](bool ok, const QString &why) {
            if (!ok)
                fprintf(stderr, "telephone: another Telephone is running, but %s\n", qPrintable(why));
            QCoreApplication::exit(ok ? ExitOk : ExitInternal);
        });
        m_instance->activatePrimary();
        *exitCode = QCoreApplication::exec();
        return false;
    }

    bool firstRun(const Settings &settings, QString *token, int *exitCode) override
    {
        ConfigWriter writer(settings.configFile());
        FirstRunPage page(&writer);
        page.setKnown(settings.serverUrl(), settings.backendUrl());
        page.resize(page.sizeHint().expandedTo(QSize(560, 0)));
        QEventLoop loop;
        bool done = false;
        QObject::connect(&page, &FirstRunPage::completed, &loop, [&](const QString &pasted) {
            *token = pasted;
            done = true;
            loop.quit();
        });
        // Closing the page ends the program: nothing was saved, nothing runs.
        ClosedWatcher closed;
        page.installEventFilter(&closed);
        QObject::connect(&closed, &ClosedWatcher::closed, &loop, &QEventLoop::quit);
        QObject::connect(m_instance.get(), &SingleInstance::activationRequested, &page, [&page] {
            page.raise();
            page.activateWindow();
        });
        page.show();
        loop.exec();
        *exitCode = ExitOk;
        return done;
    }

    void startFailed(const QString &error) override
    {
        // Started from a menu, nobody reads stderr.
        QMessageBox::critical(nullptr, QObject::tr("Telephone cannot start"), error);
    }

    void started(Runner &runner, const Settings &settings) override
    {
        QApplication::setQuitOnLastWindowClosed(false);
        // Every tunnel of the run: the tray, the window and the inspector show them all (issue 15).
        m_shell = std::make_unique<DesktopShell>(runner.manager(), runner.manager()->tunnels(), settings);
        // Quit drains: requests in flight finish before the socket closes (Runner::stop).
        QObject::connect(m_shell.get(), &DesktopShell::quitRequested, &runner, [&runner] { runner.stop(ExitOk); });
        QObject::connect(m_instance.get(), &SingleInstance::activationRequested, m_shell.get(),
                         &DesktopShell::showWindow);
        m_shell->start();
    }

private:
    std::unique_ptr<SingleInstance> m_instance;
    std::unique_ptr<DesktopShell> m_shell;
};

} // namespace

} // namespace telephone

extern "C" Q_DECL_EXPORT int telephone_desktop_main(int argc, char **argv)
{
    telephone::setApplicationIdentity();
    QApplication app(argc, argv);
    telephone::Desktop desktop;
    return telephone::runTelephone(app, false, &desktop);
}

#include "desktopmain.moc"
