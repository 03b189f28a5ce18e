#pragma once
// Shared by the libFuzzer targets: an invariant check that stays on in every build type (a failed
// check is a crash to libFuzzer, which then saves the input), and a QCoreApplication for the targets
// that need one (QStandardPaths, QSettings, SQL plugins).
#include <QCoreApplication>
#include <QString>

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace fuzzsupport {

inline void ensureApplication()
{
    if (QCoreApplication::instance())
        return;
    static int argc = 1;
    static char name[] = "telephone-fuzz";
    static char *argv[] = {name, nullptr};
    // Deliberately never deleted: it lives for the whole fuzzing process.
    new QCoreApplication(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("telephone"));
    QCoreApplication::setOrganizationName(QString());
}

} // namespace fuzzsupport
