#pragma once

#include <QString>
#include <QStringList>

namespace telephone {

/// `telephone service install|uninstall|status`: Telephone as a systemd user service. Writes the
/// unit (from packaging/systemd/telephone.service.in, built into the binary) to
/// $XDG_CONFIG_HOME/systemd/user/telephone.service so that it runs this binary headless with the
/// current configuration file, then enables and starts it with `systemctl --user`; uninstall
/// undoes that. The unit never holds the token: the service reads it from the encrypted store.
/// A short command-line tool run from main() before any GUI decision; blocking is fine here.
class ServiceCommand
{
public:
    static constexpr const char *UnitName = "telephone.service";

    /// True when argv asks for this command (`telephone service ...`).
    static bool isRequested(int argc, char **argv);
    /// Creates the QCoreApplication and runs the command; returns the exit code.
    static int run(int argc, char **argv);
    /// `arguments` are the program's, starting with argv[0] and "service". Returns the exit code:
    /// 0 done, 1 a step failed (systemctl missing or failing, a file not written), 2 bad usage or
    /// a configuration the service could not run with.
    static int run(const QStringList &arguments);

    /// The unit text for `executable` reading `configFile`; both are quoted for systemd.
    static QString unitText(const QString &executable, const QString &configFile);
    /// Where install writes the unit.
    static QString unitPath();
    /// One ExecStart= argument: quoted when needed, with systemd's specifiers (%) and variables ($)
    /// escaped so that a path is taken literally.
    static QString quoteArgument(const QString &argument);

private:
    static int install(const QString &configFile, bool useSystemctl, bool printOnly);
    static int uninstall(bool useSystemctl);
    static int status(bool useSystemctl);
    /// Runs `systemctl --user ARGS`; false with what it said on failure.
    static bool systemctl(const QStringList &arguments, QString *problem, bool passOutput = false);
    static bool checkConfiguration(const QString &configFile, QString *problem, QStringList *warnings);
};

} // namespace telephone
