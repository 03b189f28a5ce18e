// plugboard-sim: the Plugboard simulator and an echo backend as a program of their own, for the
// screenshot script's several-tunnel window (a `telephone --demo` serves one mount only).
//
//   plugboard-sim --out DIR --mount api --mount web [--revoked web]
//
// Writes DIR/server (the socket URL for `server =`), DIR/http (where /call/<mount>/... is served),
// DIR/backend (the echo backend) and a token per mount in DIR/<mount>.jwt (0600), the --revoked
// ones revoked at once; then DIR/ready. Runs until SIGTERM or SIGINT. Listens on 127.0.0.1 only.

#include "base/privatefiles.h"
#include "sim/echobackend.h"
#include "sim/plugboardsimulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {

int signalPipe[2];

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}

bool writeFile(const QString &path, const QByteArray &text, bool secret)
{
    QString error;
    if (secret) // 0600 from the first byte on (the engine's own rule for secrets)
        return telephone::privatefiles::writeFile(path, text + '\n', &error);
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text + '\n') == text.size() + 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The Plugboard simulator and an echo backend, for screenshots"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write the URLs and tokens."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("mount"), QStringLiteral("A mount to serve (repeat)."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("revoked"), QStringLiteral("A mount whose token is revoked."), QStringLiteral("name")});
    parser.process(app);
    const QDir out(parser.value(QStringLiteral("out")));
    if (!parser.isSet(QStringLiteral("out")) || !out.exists() || !parser.isSet(QStringLiteral("mount"))) {
        fprintf(stderr, "plugboard-sim: --out DIR (an existing directory) and at least one --mount are needed\n");
        return 2;
    }

    telephone::sim::PlugboardSimulator simulator;
    telephone::sim::EchoBackend backend;
    if (!simulator.listen() || !backend.listen()) {
        fprintf(stderr, "plugboard-sim: cannot listen on 127.0.0.1\n");
        return 1;
    }
    bool written = writeFile(out.filePath(QStringLiteral("server")), simulator.socketUrl().toString().toUtf8(), false)
        && writeFile(out.filePath(QStringLiteral("http")), simulator.httpUrl().toString().toUtf8(), false)
        && writeFile(out.filePath(QStringLiteral("backend")), backend.url().toString().toUtf8(), false);
    const QStringList revoked = parser.values(QStringLiteral("revoked"));
    for (const QString &mount : parser.values(QStringLiteral("mount"))) {
        const QString token = simulator.mintToken(simulator.addMount(QLatin1Char('/') + mount), 8 * 3600);
        if (revoked.contains(mount))
            simulator.revokeToken(simulator.jtiOf(token));
        written = written && writeFile(out.filePath(mount + QStringLiteral(".jwt")), token.toUtf8(), true);
    }
    if (!written || !writeFile(out.filePath(QStringLiteral("ready")), "ready", false)) {
        fprintf(stderr, "plugboard-sim: cannot write to %s\n", qPrintable(out.path()));
        return 1;
    }

    // Quit on SIGTERM/SIGINT through the event loop (a handler may only write to a pipe).
    if (::pipe(signalPipe) != 0)
        return 1;
    QSocketNotifier notifier(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    return app.exec();
}
