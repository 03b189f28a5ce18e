#include "ui/bodyformatter.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QStringDecoder>

namespace telephone {

namespace {

bool looksLikeJson(const QByteArray &body, const QByteArray &contentType)
{
    if (contentType.toLower().contains("json"))
        return true;
    const QByteArray trimmed = body.trimmed();
    return trimmed.startsWith('{') || trimmed.startsWith('[');
}

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

bool BodyFormatter::isText(const QByteArray &body)
{
    // Stateful decoding: an incomplete sequence at the end is held back, not an error.
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(body);
    if (decoder.hasError())
        return false;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f')
            return false;
        if (u == 0x7f)
            return false;
    }
    return true;
}

QString BodyFormatter::prettyJson(const QByteArray &json)
{
    QJsonParseError error;
    QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return {};
    return reindentJson(json);
}

QString BodyFormatter::reindentJson(const QByteArray &json)
{
    QByteArray out;
    out.reserve(json.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    const auto newline = [&out, &depth] {
        out += '\n';
        out += QByteArray(depth * 2, ' ');
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            break; // the input's own layout is replaced
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            out += c;
            // Keep empty containers on one line: "{}" and "[]".
            qsizetype j = i + 1;
            while (j < json.size() && isJsonSpace(json.at(j)))
                ++j;
            if (j < json.size() && (json.at(j) == '}' || json.at(j) == ']')) {
                out += json.at(j);
                i = j;
                break;
            }
            ++depth;
            newline();
            break;
        }
        case '}':
        case ']':
            depth = qMax(0, depth - 1);
            newline();
            out += c;
            break;
        case ',':
            out += c;
            newline();
            break;
        case ':':
            out += ": ";
            break;
        default:
            out += c;
        }
    }
    return QString::fromUtf8(out);
}

QString BodyFormatter::hexDump(const QByteArray &bytes, qsizetype limit)
{
    const qsizetype size = qMin(bytes.size(), limit);
    QString out;
    out.reserve(int(size / 16 + 1) * 80);
    static const char digits[] = "0123456789abcdef";
    for (qsizetype offset = 0; offset < size; offset += 16) {
        QByteArray line = QByteArray::number(offset, 16).rightJustified(8, '0') + "  ";
        QByteArray ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (offset + i < size) {
                const auto u = static_cast<unsigned char>(bytes.at(offset + i));
                line += digits[u >> 4];
                line += digits[u & 15];
                line += ' ';
                ascii += (u >= 0x20 && u < 0x7f) ? char(u) : '.';
            } else {
                line += "   ";
            }
            if (i == 7)
                line += ' ';
        }
        out += QString::fromLatin1(line + " |" + ascii + "|\n");
    }
    return out;
}

BodyFormatter::Result BodyFormatter::format(const QByteArray &body, const QByteArray &contentType, bool truncated)
{
    Result result;
    if (body.isEmpty()) {
        result.kind = Kind::Empty;
        result.label = tr("No body");
        return result;
    }
    if (looksLikeJson(body, contentType) && body.size() > FormatLimit && isText(body)) {
        result.kind = Kind::Text;
        result.text = QString::fromUtf8(body);
        result.label = tr("JSON, shown as sent: over %1 is not re-indented")
                           .arg(QLocale().formattedDataSize(FormatLimit));
        return result;
    }
    if (looksLikeJson(body, contentType)) {
        QString pretty = prettyJson(body);
        if (pretty.isNull() && truncated && isText(body))
            pretty = reindentJson(body);
        if (!pretty.isNull()) {
            result.kind = Kind::Json;
            result.text = pretty;
            result.label = truncated ? tr("JSON (pretty-printed; cut where the capture ends)") : tr("JSON (pretty-printed)");
            return result;
        }
    }
    if (isText(body)) {
        result.kind = Kind::Text;
        result.text = QString::fromUtf8(body);
        result.label = tr("Text");
        return result;
    }
    result.kind = Kind::Binary;
    result.text = hexDump(body);
    result.label = body.size() > HexLimit
        ? tr("Binary — hex view of the first %1").arg(QLocale().formattedDataSize(HexLimit))
        : tr("Binary — hex view");
    return result;
}

} // namespace telephone
