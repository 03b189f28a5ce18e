#pragma once

#include <QString>

class QCoreApplication;

namespace telephone {

class Runner;
class Settings;

/// What a desktop session adds around the common run. Implemented by the desktop module
/// (desktopmain.cpp), so that a headless process never loads Qt Gui or Widgets.
class DesktopHooks
{
public:
    virtual ~DesktopHooks() = default;
    /// After settings and logging, before the engine starts. Returns true to go on; false to
    /// leave with *exitCode (e.g. another instance was asked to show its window).
    virtual bool beforeStart(const Settings &settings, int *exitCode) = 0;
    /// Server, backend or a usable token missing: asks the user (a setup page, what is known filled in)
    /// instead of failing or opening on a token error. Returns true once
    /// both are saved in the config file, with *token what was pasted; false to leave with *exitCode.
    virtual bool firstRun(const Settings &settings, QString *token, int *exitCode) = 0;
    virtual void startFailed(const QString &error) = 0;
    virtual void started(Runner &runner, const Settings &settings) = 0;
};

/// Sets the application's identity (before anything asks QStandardPaths).
void setApplicationIdentity();

/// The common program once an application object exists: command line, settings, logging,
/// engine, signals, event loop. `hooks` is null when headless.
int runTelephone(QCoreApplication &app, bool noDisplay, DesktopHooks *hooks);

} // namespace telephone
