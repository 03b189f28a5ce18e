#include "base/logging.h"

#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QUrlQuery>

#include <algorithm>
#include <atomic>
#include <cstdio>

namespace telephone::logging {

namespace {

const QString kRedacted = QStringLiteral("[redacted]");
constexpr int kMinSecretLength = 8;

// Secrets: counted so that two owners of the same token can each add and remove it.
QMutex g_secretsMutex;
QHash<QString, int> g_secrets;
// Longest first, so a secret that contains another is masked whole; rebuilt on every change
// because messages are far more frequent than token changes.
QStringList g_secretPatterns;

// Output: one mutex around the write keeps lines from different threads from interleaving.
QMutex g_writeMutex;
std::atomic<int> g_format{static_cast<int>(Format::Text)};
std::atomic<int> g_minimum{static_cast<int>(Level::Info)};
std::atomic<bool> g_installed{false};
QtMessageHandler g_previousHandler = nullptr;
bool g_setFilterRules = false; // guarded by g_writeMutex

// Log context: a per-thread stack of scopes, and one default tunnel for the whole process.
thread_local QList<Context> t_contextStack;
QMutex g_defaultTunnelMutex;
QString g_defaultTunnel; // guarded by g_defaultTunnelMutex

// Qt's QtMsgType values are not in severity order (QtInfoMsg is 4).
Level levelOf(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return Level::Debug;
    case QtInfoMsg:
        return Level::Info;
    case QtWarningMsg:
        return Level::Warning;
    case QtCriticalMsg:
    case QtFatalMsg:
        break;
    }
    return Level::Error;
}

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        break;
    }
    return "fatal";
}

void appendHex(QByteArray &out, const char *prefix, int width, uint value)
{
    out += prefix;
    out += QByteArray::number(value, 16).rightJustified(width, '0');
}

// Escapes C0 controls and DEL so that a message cannot forge a second log line or send terminal
// escape sequences; tabs are harmless and kept.
QByteArray escapeText(const QString &message)
{
    const QByteArray utf8 = message.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if ((c < 0x20 && c != '\t') || c == 0x7f)
            appendHex(out, "\\x", 2, c);
        else
            out += ch;
    }
    return out;
}

QByteArray jsonString(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                appendHex(out, "\\u", 4, c);
            else
                out += ch; // UTF-8 passes through; JSON text is UTF-8
        }
    }
    out += '"';
    return out;
}

QString defaultTunnel()
{
    QMutexLocker locker(&g_defaultTunnelMutex);
    return g_defaultTunnel;
}

// Caller holds g_secretsMutex.
void rebuildPatterns()
{
    g_secretPatterns.clear();
    for (auto it = g_secrets.cbegin(); it != g_secrets.cend(); ++it) {
        g_secretPatterns << it.key();
        // A secret may reach a message inside a URL, percent-encoded.
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(it.key()));
        if (encoded != it.key())
            g_secretPatterns << encoded;
    }
    std::sort(g_secretPatterns.begin(), g_secretPatterns.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

void messageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    // Anything in here that logs (a Qt warning from a string operation, say) would re-enter and
    // deadlock on the write mutex; such a message is dropped instead.
    thread_local bool inHandler = false;
    if (inHandler)
        return;
    inHandler = true;

    if (type == QtFatalMsg || static_cast<int>(levelOf(type)) >= g_minimum.load(std::memory_order_relaxed)) {
        const auto format = static_cast<Format>(g_format.load(std::memory_order_relaxed));
        Context about = currentContext();
        // A text line names its tunnel only when the process has several: with one, every line is
        // about it (the default tunnel), and "[default]" on each would only push the message right.
        if (format == Format::Text && about.tunnel == defaultTunnel())
            about.tunnel.clear();
        about.tunnel = redact(about.tunnel);
        about.requestId = redact(about.requestId);
        const QByteArray line =
            formatLine(format, QDateTime::currentDateTimeUtc(), type, context.category, redact(message), about);
        QMutexLocker locker(&g_writeMutex);
        std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
        std::fflush(stderr);
    }

    inHandler = false;
}

} // namespace

void printFatal(const char *category, const QString &message)
{
    const auto format = static_cast<Format>(g_format.load(std::memory_order_relaxed));
    const QByteArray line = format == Format::Json
        ? formatLine(format, QDateTime::currentDateTimeUtc(), QtCriticalMsg, category, redact(message), {})
        : "telephone: " + redact(message).toUtf8() + '\n';
    QMutexLocker locker(&g_writeMutex);
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
    std::fflush(stderr);
}

std::optional<Format> parseFormat(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("text"))
        return Format::Text;
    if (t == QLatin1String("json"))
        return Format::Json;
    return std::nullopt;
}

std::optional<Level> parseLevel(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("debug"))
        return Level::Debug;
    if (t == QLatin1String("info"))
        return Level::Info;
    if (t == QLatin1String("warning"))
        return Level::Warning;
    if (t == QLatin1String("error"))
        return Level::Error;
    return std::nullopt;
}

void install(Format format, Level minimum, bool debugCategories)
{
    g_format.store(static_cast<int>(format));
    g_minimum.store(static_cast<int>(minimum));

    {
        QMutexLocker locker(&g_writeMutex);
        // Only touch the API rule set when this code owns it: setting it, or undoing its own rule.
        if (debugCategories) {
            QLoggingCategory::setFilterRules(QStringLiteral("telephone.*.debug=true"));
            g_setFilterRules = true;
        } else if (minimum > Level::Debug) {
            // Qt enables debug output of non-"qt." categories by default, so every qCDebug would
            // format its message only for the handler to drop it; on the request path that cost
            // 8 % of the CPU (telephone-bench, callgrind). Off at the category, it costs a branch.
            // QT_LOGGING_RULES is applied after these rules and still wins.
            QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false"));
            g_setFilterRules = true;
        } else if (g_setFilterRules) {
            QLoggingCategory::setFilterRules(QString());
            g_setFilterRules = false;
        }
    }

    if (!g_installed.exchange(true))
        g_previousHandler = qInstallMessageHandler(messageHandler);
}

void uninstall()
{
    if (!g_installed.exchange(false))
        return;
    qInstallMessageHandler(g_previousHandler);
    g_previousHandler = nullptr;
    QMutexLocker locker(&g_writeMutex);
    if (g_setFilterRules) {
        QLoggingCategory::setFilterRules(QString());
        g_setFilterRules = false;
    }
}

void addSecret(const QString &secret)
{
    if (secret.size() < kMinSecretLength)
        return;
    QMutexLocker locker(&g_secretsMutex);
    if (g_secrets[secret]++ == 0)
        rebuildPatterns();
}

void removeSecret(const QString &secret)
{
    QMutexLocker locker(&g_secretsMutex);
    const auto it = g_secrets.find(secret);
    if (it == g_secrets.end())
        return;
    if (--it.value() > 0)
        return;
    g_secrets.erase(it);
    rebuildPatterns();
}

QString redact(const QString &text)
{
    QMutexLocker locker(&g_secretsMutex);
    if (g_secretPatterns.isEmpty())
        return text;
    QString out = text;
    for (const QString &pattern : std::as_const(g_secretPatterns))
        out.replace(pattern, kRedacted);
    return out;
}

QString redactUrl(const QUrl &url)
{
    QUrl copy = url;
    if (copy.hasQuery()) {
        QUrlQuery query(copy);
        auto items = query.queryItems(QUrl::FullyEncoded);
        bool changed = false;
        for (auto &item : items) {
            if (item.first.compare(QLatin1String("token"), Qt::CaseInsensitive) == 0) {
                item.second = kRedacted;
                changed = true;
            }
        }
        if (changed) {
            query.setQueryItems(items);
            copy.setQuery(query);
        }
    }
    // QUrl would percent-encode the brackets in a password, so a placeholder is swapped in after.
    const QString passwordMark = QStringLiteral("REDACTEDPASSWORD");
    const bool hadPassword = !copy.password().isEmpty();
    if (hadPassword)
        copy.setPassword(passwordMark);
    QString text = copy.toString();
    if (hadPassword)
        text.replace(passwordMark, kRedacted);
    return text;
}

Context currentContext()
{
    Context context;
    if (!t_contextStack.isEmpty())
        context = t_contextStack.constLast();
    if (context.tunnel.isEmpty())
        context.tunnel = defaultTunnel();
    return context;
}

void setDefaultTunnel(const QString &tunnel)
{
    QMutexLocker locker(&g_defaultTunnelMutex);
    g_defaultTunnel = tunnel;
}

ContextScope::ContextScope(const QString &tunnel, const QString &requestId)
{
    // A scope that names only the request (the forwarder's) stays inside its tunnel's scope.
    const QString inherited = tunnel.isEmpty() && !t_contextStack.isEmpty() ? t_contextStack.constLast().tunnel : tunnel;
    t_contextStack.append(Context{inherited, requestId});
}

ContextScope::~ContextScope()
{
    t_contextStack.removeLast();
}

QByteArray formatLine(Format format, const QDateTime &time, QtMsgType type, const char *category,
                      const QString &message)
{
    return formatLine(format, time, type, category, message, Context());
}

QByteArray formatLine(Format format, const QDateTime &time, QtMsgType type, const char *category,
                      const QString &message, const Context &context)
{
    const QByteArray timestamp = time.toUTC().toString(Qt::ISODateWithMs).toLatin1();
    const char *categoryName = category && *category ? category : "default";
    const char *level = levelName(type);

    QByteArray line;
    if (format == Format::Json) {
        line = "{\"time\":" + jsonString(QString::fromLatin1(timestamp)) + ",\"level\":\"" + level
            + "\",\"category\":" + jsonString(QString::fromUtf8(categoryName))
            + ",\"message\":" + jsonString(message);
        if (!context.tunnel.isEmpty())
            line += ",\"tunnel\":" + jsonString(context.tunnel);
        if (!context.requestId.isEmpty())
            line += ",\"request_id\":" + jsonString(context.requestId);
        line += '}';
    } else {
        line = timestamp + ' ' + QByteArray(level).leftJustified(5, ' ') + ' ' + categoryName + ": ";
        if (!context.tunnel.isEmpty())
            line += '[' + escapeText(context.tunnel) + "] ";
        line += escapeText(message);
    }
    line += '\n';
    return line;
}

} // namespace telephone::logging
