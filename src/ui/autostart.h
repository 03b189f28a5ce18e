#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace telephone {

/// "Start at login": an XDG autostart entry (~/.config/autostart/telephone.desktop, honouring
/// $XDG_CONFIG_HOME) that desktop sessions run at login. Written atomically (QSaveFile).
class Autostart
{
    Q_DECLARE_TR_FUNCTIONS(telephone::Autostart)

public:
    /// `program` is the executable to start, `arguments` what it needs (e.g. --config FILE).
    Autostart(const QString &program, const QStringList &arguments = {});

    static QString entryPath();
    /// An entry exists and is not switched off (Hidden=true / X-GNOME-Autostart-enabled=false).
    bool isEnabled() const;
    bool setEnabled(bool enabled, QString *error);
    /// The .desktop text written for the entry.
    QString entryText() const;
    /// The Exec line's quoting (desktop entry spec): arguments with reserved characters in double
    /// quotes, with ", `, $ and \ escaped, and every \ doubled again as the file is a string.
    static QString execQuote(const QString &argument);

private:
    QString m_program;
    QStringList m_arguments;
};

} // namespace telephone
