// Settings and the config file. The first byte picks the parser; the rest is its text:
//   0 parseDuration  1 parseSize  2 parseBackend  3 parseServer  4 parseFlag
//   5 Settings::resolve with the rest written as the INI file named by --config
// Each result is checked against its documented contract, and secrets never reach a message:
// parseServer is given a `token=` query value it must never repeat in *error, and the INI file
// gets a `token=` line whose value must appear in no error or warning of resolve().
#include "fuzzcheck.h"
#include "config/settings.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <climits>
#include <cstdint>

using namespace telephone;

namespace {

const QString Canary = QStringLiteral("CanarySecret7f3a9");

QTemporaryDir *tempDir()
{
    static QTemporaryDir *dir = [] {
        auto *d = new QTemporaryDir(QDir::tempPath() + QStringLiteral("/telephone-fuzz-settings-XXXXXX"));
        FUZZ_CHECK(d->isValid());
        return d;
    }();
    return dir;
}

void fuzzResolve(const QByteArray &ini)
{
    // A new file name each time: QSettings caches parsed files by name.
    static quint64 counter = 0;
    const QString path = tempDir()->filePath(QStringLiteral("telephone-%1.ini").arg(++counter));
    {
        QFile file(path);
        FUZZ_CHECK(file.open(QIODevice::WriteOnly));
        file.write("token=" + Canary.toLatin1() + "\n");
        file.write(ini);
    }
    QCommandLineParser parser;
    Settings::addOptions(parser);
    FUZZ_CHECK(parser.parse({QStringLiteral("telephone"), QStringLiteral("--config"), path}));
    QString error;
    const std::optional<Settings> settings = Settings::resolve(parser, QProcessEnvironment(), &error);
    QFile::remove(path);
    if (!settings) {
        FUZZ_CHECK(!error.isEmpty());
        FUZZ_CHECK(!error.contains(Canary));
        return;
    }
    for (const QString &warning : settings->warnings())
        FUZZ_CHECK(!warning.contains(Canary));
    FUZZ_CHECK(settings->configFile() == path);
    // Every duration is one a QTimer can wait.
    for (const auto ms : {settings->heartbeatInterval(), settings->requestTimeout(), settings->joinTimeout(),
                          settings->backoffInitial(), settings->backoffMax(),
                          settings->authRetryInterval(), settings->refreshMargin()})
        FUZZ_CHECK(ms.count() >= 0 && ms.count() <= INT_MAX);
    const QUrl server = settings->serverUrl();
    if (!server.isEmpty())
        FUZZ_CHECK(server.scheme() == QLatin1String("ws") || server.scheme() == QLatin1String("wss"));
    const QUrl backend = settings->backendUrl();
    if (!backend.isEmpty())
        FUZZ_CHECK(backend.scheme() == QLatin1String("http") || backend.scheme() == QLatin1String("https"));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    qputenv("XDG_CONFIG_HOME", QDir::tempPath().toUtf8() + "/telephone-fuzz-nonexistent");
    fuzzsupport::ensureApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QString text = QString::fromUtf8(bytes);
    QString error;
    switch (data[0] % 6) {
    case 0:
        if (const auto ms = Settings::parseDuration(text))
            FUZZ_CHECK(ms->count() >= 0 && ms->count() <= INT_MAX);
        break;
    case 1:
        if (const auto n = Settings::parseSize(text))
            FUZZ_CHECK(*n >= 0);
        break;
    case 2:
        if (const auto url = Settings::parseBackend(text, &error)) {
            FUZZ_CHECK(url->scheme() == QLatin1String("http") || url->scheme() == QLatin1String("https"));
            FUZZ_CHECK(!url->host().isEmpty());
            FUZZ_CHECK(!url->hasQuery() && !url->hasFragment());
            FUZZ_CHECK(!url->path().endsWith(QLatin1Char('/')));
            FUZZ_CHECK(url->isValid());
        } else {
            FUZZ_CHECK(!error.isEmpty());
        }
        break;
    case 3: {
        // The text is split at its first NUL: prefix + "token=<canary>" + suffix. Only a prefix
        // that ends where a query parameter can start makes it a token= parameter.
        const qsizetype nul = bytes.indexOf('\0');
        const QString prefix = QString::fromUtf8(nul < 0 ? bytes : bytes.left(nul));
        const QString suffix = nul < 0 ? QString() : QString::fromUtf8(bytes.mid(nul + 1));
        const bool tokenParam = prefix.endsWith(QLatin1Char('?')) || prefix.endsWith(QLatin1Char('&'))
                                || prefix.endsWith(QLatin1Char(';'));
        const QString input = tokenParam ? prefix + QStringLiteral("token=") + Canary + suffix : text;
        if (const auto url = Settings::parseServer(input, &error)) {
            FUZZ_CHECK(url->scheme() == QLatin1String("ws") || url->scheme() == QLatin1String("wss"));
            FUZZ_CHECK(!url->host().isEmpty());
            FUZZ_CHECK(!url->hasFragment());
            FUZZ_CHECK(!url->path().isEmpty());
        } else {
            FUZZ_CHECK(!error.isEmpty());
            if (tokenParam)
                FUZZ_CHECK(!error.contains(Canary));
        }
        break;
    }
    case 4:
        (void)Settings::parseFlag(text);
        break;
    case 5:
        fuzzResolve(bytes);
        break;
    }
    return 0;
}
