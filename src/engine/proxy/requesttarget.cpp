#include "proxy/requesttarget.h"

#include "base/hexdigit.h"

#include <QList>

namespace telephone {

namespace {

bool isHexDigit(char c)
{
    return hexDigitValue(c) >= 0;
}

// Decodes valid %XX escapes only, as a backend would; QByteArray::fromPercentEncoding turns "%zz"
// into an arbitrary byte.
QByteArray percentDecode(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == '%' && i + 2 < text.size() && isHexDigit(text.at(i + 1)) && isHexDigit(text.at(i + 2))) {
            out.append(char(hexDigitValue(text.at(i + 1)) * 16 + hexDigitValue(text.at(i + 2))));
            i += 2;
            continue;
        }
        out.append(text.at(i));
    }
    return out;
}

} // namespace

bool isTargetByteAllowed(unsigned char c, TargetPart part)
{
    if (c <= 0x20 || c >= 0x7f)
        return false;
    switch (c) {
    case '"': case '#': case '<': case '>': case '\\': case '^': case '`': case '{': case '|': case '}':
        return false;
    case '?':
        return part == TargetPart::Query;
    default:
        return true;
    }
}

QByteArray percentEncodeTarget(const QByteArray &raw, TargetPart part)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray out;
    const qsizetype size = raw.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = raw.at(i);
        const auto u = static_cast<unsigned char>(c);
        const bool keep = c == '%' ? i + 2 < size && isHexDigit(raw.at(i + 1)) && isHexDigit(raw.at(i + 2))
                                   : isTargetByteAllowed(u, part);
        if (keep) {
            if (!out.isNull())
                out.append(c);
            continue;
        }
        if (out.isNull()) { // first byte to encode: copy what came before it, once
            out.reserve(size + 32);
            out.append(raw.constData(), i);
        }
        const char escape[] = {'%', hex[u >> 4], hex[u & 0xF]};
        out.append(escape, 3);
    }
    return out.isNull() ? raw : out;
}

bool hasDotSegment(const QByteArray &path)
{
    // Decode what a backend would decode before it normalises: %2e, and %2f / %5c as separators.
    QByteArray decoded = percentDecode(path);
    decoded.replace('\\', '/');
    for (const QByteArray &segment : decoded.split('/')) {
        const qsizetype semicolon = segment.indexOf(';');
        const QByteArray name = semicolon >= 0 ? segment.left(semicolon) : segment;
        if (name == "." || name == "..")
            return true;
    }
    return false;
}

} // namespace telephone
