#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUrl>
#include <QtGlobal>

#include <optional>

/// Process-wide log output: one line per message on stderr (journald takes it from there), as text
/// or JSON, with registered secrets masked. Everything here may be called from any thread.
namespace telephone::logging {

enum class Format { Text, Json };
enum class Level { Debug, Info, Warning, Error };

/// "text"/"json" and "debug"/"info"/"warning"/"error" as Settings stores them.
std::optional<Format> parseFormat(const QString &text);
std::optional<Level> parseLevel(const QString &text);

/// Installs the message handler for every thread. Messages below `minimum` are dropped (fatal ones
/// never are). Below Debug, sets `*.debug=false` so that debug messages are not even formatted.
/// With `debugCategories`, sets the filter rule `telephone.*.debug=true` instead, through
/// QLoggingCategory::setFilterRules().
///
/// How that combines with QT_LOGGING_RULES: Qt evaluates its rule sets in a fixed order —
/// qtlogging.ini files, then QT_LOGGING_CONF, then setFilterRules(), then QT_LOGGING_RULES — and the
/// last matching rule wins. So the rule set here only adds to what the environment says, and
/// QT_LOGGING_RULES="telephone.db.debug=false" still silences that category under --debug.
/// setFilterRules() replaces earlier setFilterRules() calls, so nothing else in the process should
/// call it. Qt already enables debug output of non-"qt." categories by default; the rule matters when
/// a qtlogging.ini or QT_LOGGING_CONF file turned it off. The category rules decide what is emitted;
/// `minimum` is a floor applied afterwards.
///
/// Calling install() again replaces the format and level (the app may log before its settings are
/// read, then reinstall).
void install(Format format, Level minimum, bool debugCategories);
/// Restores the handler that was active before the first install() (for tests).
void uninstall();

/// A message that ends the program, for the person who started it: "telephone: <message>" on
/// stderr in text format; in JSON format (where every stderr line is a JSON object) a critical
/// record of `category`. Secrets are masked either way.
void printFatal(const char *category, const QString &message);

/// Registers a secret to be replaced by "[redacted]" in every message written by the handler.
/// Secrets shorter than 8 characters are ignored: masking short strings would mangle ordinary words
/// while protecting nothing. Registrations are counted; remove as often as added.
void addSecret(const QString &secret);
void removeSecret(const QString &secret);
/// `text` with every registered secret (and its percent-encoded form) replaced.
QString redact(const QString &text);

/// The URL as a string with each `token` query value, and any password, replaced by "[redacted]".
QString redactUrl(const QUrl &url);

/// Who a message is about, written as the JSON fields "tunnel" and "request_id" when not empty. Text
/// lines write the tunnel as a "[name] " prefix when it is not the process's default tunnel (so only
/// when several tunnels run) and leave the request id out: it would push the message off the screen.
struct Context {
    QString tunnel;    ///< a mount path or path_id: never a token
    QString requestId; ///< the server's request_id while a request is being handled
};

/// The context for messages from the current thread: the innermost ContextScope's, with the
/// process-wide default tunnel filling in a tunnel the scope leaves empty.
Context currentContext();
/// The tunnel named in every message that no ContextScope names (a process with one tunnel sets it
/// once that tunnel is known). Empty clears it.
void setDefaultTunnel(const QString &tunnel);

/// Names the tunnel and request that the current thread is working for until the scope ends.
/// Scopes nest (the inner one wins; one that names no tunnel keeps the enclosing scope's); create
/// and destroy them on the same thread, as a stack.
class ContextScope
{
public:
    explicit ContextScope(const QString &tunnel, const QString &requestId = QString());
    ~ContextScope();
    ContextScope(const ContextScope &) = delete;
    ContextScope &operator=(const ContextScope &) = delete;
};

/// One complete output line including the trailing '\n'. `time` is written in UTC with
/// milliseconds. Text: `2026-11-22T01:02:03.123Z info  telephone.tunnel: [api] message` (the
/// prefix when the context names a tunnel), with line breaks
/// and other control characters in the message escaped so one message stays one line. JSON: an
/// object with time, level, category and message. No redaction here: the handler redacts first.
QByteArray formatLine(Format format, const QDateTime &time, QtMsgType type, const char *category,
                      const QString &message);
/// As above; JSON lines also carry the context's non-empty fields ("tunnel", "request_id").
QByteArray formatLine(Format format, const QDateTime &time, QtMsgType type, const char *category,
                      const QString &message, const Context &context);

} // namespace telephone::logging
