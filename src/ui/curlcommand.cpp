#include "ui/curlcommand.h"

#include "ui/bodyformatter.h"
#include "ui/exchangeurl.h"
#include "ui/redaction.h"

namespace telephone {

namespace {

const QString Continuation = QStringLiteral(" \\\n  ");

bool isPlainText(const QByteArray &body)
{
    // '@' at the start would make --data-binary read a file; NUL cannot be an argument at all.
    return BodyFormatter::isText(body) && !body.startsWith('@') && !body.contains('\0');
}

} // namespace

QString CurlCommand::shellQuote(const QByteArray &bytes)
{
    QByteArray out = "'";
    for (const char c : bytes) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return QString::fromUtf8(out);
}

QByteArray CurlCommand::printfFormat(const QByteArray &bytes)
{
    QByteArray out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '%') {
            out += "%%";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (u >= 0x20 && u < 0x7f) {
            out += c;
        } else {
            // Three octal digits always: "\0" followed by a digit would otherwise read on.
            out += '\\';
            out += char('0' + ((u >> 6) & 7));
            out += char('0' + ((u >> 3) & 7));
            out += char('0' + (u & 7));
        }
    }
    return out;
}

QString CurlCommand::build(const Exchange &exchange, const QUrl &backend, bool includeSecrets)
{
    QStringList lines;
    if (exchange.requestBodyTruncated()) {
        lines << QStringLiteral("# ")
                + tr("Only the first %1 of %2 bytes of the request body were captured: this command sends "
                     "that part only.")
                      .arg(exchange.requestBody.size())
                      .arg(exchange.requestBytes);
    }
    const QByteArray &body = exchange.requestBody;
    const bool hasBody = !body.isEmpty();
    const bool viaPrintf = hasBody && !isPlainText(body);

    QStringList words;
    if (viaPrintf)
        words << QStringLiteral("printf ") + shellQuote(printfFormat(body)) + QStringLiteral(" |");
    words << QStringLiteral("curl");
    // The path goes to the backend as captured: no "../" squashing, no [] {} globbing.
    words << QStringLiteral("--path-as-is --globoff");
    if (exchange.method == QLatin1String("HEAD"))
        words << QStringLiteral("--head");
    else
        words << QStringLiteral("--request ") + shellQuote(exchange.method.toUtf8());
    words << shellQuote(ExchangeUrl::join(backend, exchange));

    // Credentials are left out, not replaced: a placeholder would be sent as a wrong cookie or
    // token. A comment names what is missing.
    QStringList removed;
    for (const auto &[name, value] : exchange.requestHeaders) {
        if (!includeSecrets && Redaction::isSensitive(name) && !removed.contains(QString::fromUtf8(name), Qt::CaseInsensitive))
            removed << QString::fromUtf8(name);
    }
    if (!removed.isEmpty())
        lines << QStringLiteral("# ") + tr("Left out (credentials): %1. Add them with --header if needed.").arg(removed.join(QStringLiteral(", ")));
    for (const auto &[name, value] : exchange.requestHeaders) {
        if (!includeSecrets && Redaction::isSensitive(name))
            continue;
        const QByteArray lower = name.toLower();
        // curl computes the length from the body it sends; a stale one would break the request.
        if (name.isEmpty() || lower == "content-length")
            continue;
        // "-H 'Name:'" would remove the header; "Name;" is curl's way to send it empty.
        const QByteArray header = value.isEmpty() ? name + ';' : name + ": " + value;
        words << QStringLiteral("--header ") + shellQuote(header);
    }
    if (hasBody)
        words << QStringLiteral("--data-binary ") + (viaPrintf ? QStringLiteral("@-") : shellQuote(body));

    // The pipe ends its line; every other word continues with a backslash.
    QString command;
    for (int i = 0; i < words.size(); ++i) {
        command += words.at(i);
        if (i + 1 < words.size())
            command += words.at(i).endsWith(QLatin1Char('|')) ? QStringLiteral("\n  ") : Continuation;
    }
    lines << command;
    return lines.join(QLatin1Char('\n'));
}

} // namespace telephone
