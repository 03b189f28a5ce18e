#include "protocol/jsonparser.h"

#include "base/hexdigit.h"
#include "base/jsonbytes.h"
#include "base/utf8.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <locale.h>
#include <utility>
#include <vector>

namespace telephone {

namespace {

// Builds the object from members in arrival order: sorted first (stable, so that of repeated keys
// the last one wins, as with QJsonObject::insert), then appended in key order.
QJsonObject toObject(std::vector<std::pair<QString, QJsonValue>> members)
{
    std::stable_sort(members.begin(), members.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QJsonObject object;
    for (size_t i = 0; i < members.size(); ++i) {
        if (i + 1 < members.size() && members[i + 1].first == members[i].first)
            continue; // a later member has this key
        object.insert(members[i].first, members[i].second);
    }
    return object;
}

class Parser
{
public:
    Parser(const char *data, qint64 size, JsonLiftedString *lift)
        : m_p(data)
        , m_end(data + size)
        , m_lift(lift)
    {
    }

    std::optional<QJsonValue> document()
    {
        std::optional<QJsonValue> value = parseValue(0);
        skipSpace();
        if (!value || m_p != m_end)
            return std::nullopt;
        return value;
    }

private:
    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }

    bool literal(const char *word)
    {
        const size_t n = std::strlen(word);
        if (size_t(m_end - m_p) < n || std::memcmp(m_p, word, n) != 0)
            return false;
        m_p += n;
        return true;
    }

    std::optional<QJsonValue> parseValue(int depth)
    {
        skipSpace();
        if (m_p >= m_end)
            return std::nullopt;
        switch (*m_p) {
        case '{':
            return depth < JsonMaxDepth ? parseObject(depth + 1) : std::nullopt;
        case '[':
            return depth < JsonMaxDepth ? parseArray(depth + 1) : std::nullopt;
        case '"': {
            std::optional<QString> s = parseString();
            return s ? std::optional<QJsonValue>(QJsonValue(*s)) : std::nullopt;
        }
        case 't':
            return literal("true") ? std::optional<QJsonValue>(QJsonValue(true)) : std::nullopt;
        case 'f':
            return literal("false") ? std::optional<QJsonValue>(QJsonValue(false)) : std::nullopt;
        case 'n':
            return literal("null") ? std::optional<QJsonValue>(QJsonValue(QJsonValue::Null)) : std::nullopt;
        default:
            return parseNumber();
        }
    }

    std::optional<QJsonValue> parseObject(int depth)
    {
        ++m_p; // '{'
        skipSpace();
        if (m_p < m_end && *m_p == '}') {
            ++m_p;
            return QJsonValue(QJsonObject());
        }
        // QJsonObject keeps its keys sorted, so inserting them in arrival order moved the tail
        // each time: 200,000 headers in one proxy_req took 9 s. Members are collected, sorted,
        // and appended in order instead (each insert then lands at the end).
        std::vector<std::pair<QString, QJsonValue>> members;
        while (true) {
            skipSpace();
            if (m_p >= m_end || *m_p != '"')
                return std::nullopt;
            std::optional<QString> key = parseString();
            if (!key)
                return std::nullopt;
            skipSpace();
            if (m_p >= m_end || *m_p != ':')
                return std::nullopt;
            ++m_p;
            if (members.size() >= size_t(JsonMaxObjectMembers))
                return std::nullopt; // bounds the work a hostile frame can cost (256 MiB of "a":0)
            const bool liftable = m_lift && depth == 2 && m_topIsArray && *key == m_lift->key;
            skipSpace();
            if (liftable && m_p < m_end && *m_p == '"') {
                std::optional<QByteArray> bytes = parseStringBytes();
                if (!bytes)
                    return std::nullopt;
                m_lift->bytes = std::move(*bytes);
                // Of repeated keys the last wins, as in the object: an earlier member goes.
                members.erase(std::remove_if(members.begin(), members.end(),
                                             [&key](const auto &member) { return member.first == *key; }),
                              members.end());
            } else {
                std::optional<QJsonValue> value = parseValue(depth);
                if (!value)
                    return std::nullopt;
                if (liftable)
                    m_lift->bytes.reset(); // a later member that is no string wins over a lifted one
                members.emplace_back(std::move(*key), std::move(*value));
            }
            skipSpace();
            if (m_p < m_end && *m_p == ',') {
                ++m_p;
                continue;
            }
            if (m_p < m_end && *m_p == '}') {
                ++m_p;
                return QJsonValue(toObject(std::move(members)));
            }
            return std::nullopt;
        }
    }

    std::optional<QJsonValue> parseArray(int depth)
    {
        ++m_p; // '['
        if (depth == 1)
            m_topIsArray = true;
        QJsonArray array;
        skipSpace();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            return QJsonValue(array);
        }
        while (true) {
            std::optional<QJsonValue> value = parseValue(depth);
            if (!value)
                return std::nullopt;
            array.append(*value);
            skipSpace();
            if (m_p < m_end && *m_p == ',') {
                ++m_p;
                continue;
            }
            if (m_p < m_end && *m_p == ']') {
                ++m_p;
                return QJsonValue(array);
            }
            return std::nullopt;
        }
    }

    bool readHex4(unsigned *out)
    {
        if (m_end - m_p < 4)
            return false;
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hexDigitValue(m_p[i]);
            if (h < 0)
                return false;
            v = (v << 4) | unsigned(h);
        }
        m_p += 4;
        *out = v;
        return true;
    }

    // Writes `cp` as UTF-8 at `out`; returns the bytes written (1 to 4).
    static int writeUtf8(char *out, unsigned cp)
    {
        if (cp < 0x80) {
            out[0] = char(cp);
            return 1;
        }
        if (cp < 0x800) {
            out[0] = char(0xC0 | (cp >> 6));
            out[1] = char(0x80 | (cp & 0x3F));
            return 2;
        }
        if (cp < 0x10000) {
            out[0] = char(0xE0 | (cp >> 12));
            out[1] = char(0x80 | ((cp >> 6) & 0x3F));
            out[2] = char(0x80 | (cp & 0x3F));
            return 3;
        }
        out[0] = char(0xF0 | (cp >> 18));
        out[1] = char(0x80 | ((cp >> 12) & 0x3F));
        out[2] = char(0x80 | ((cp >> 6) & 0x3F));
        out[3] = char(0x80 | (cp & 0x3F));
        return 4;
    }

    std::optional<QString> parseString()
    {
        QByteArrayView raw;
        QByteArray unescaped;
        if (!readString(&raw, &unescaped))
            return std::nullopt;
        return QString::fromUtf8(raw.data() ? raw : QByteArrayView(unescaped));
    }

    std::optional<QByteArray> parseStringBytes()
    {
        QByteArrayView raw;
        QByteArray unescaped;
        if (!readString(&raw, &unescaped))
            return std::nullopt;
        return raw.data() ? raw.toByteArray() : unescaped;
    }

    // Reads a string (m_p at its opening quote) as valid UTF-8. Without escapes `*raw` points into
    // the text; with escapes, `*unescaped` holds it and `*raw` stays null. Strings are scanned
    // JsonScanWidth bytes at a time (a 16 KiB body read byte by byte was 22 % of the client's instructions
    // per POST).
    bool readString(QByteArrayView *raw, QByteArray *unescaped)
    {
        ++m_p; // opening quote
        const char *start = m_p;
        // Fast path: find the closing quote; no backslash means no unescaping at all.
        while (true) {
            m_p = jsonSkipPlain(m_p, m_end);
            if (m_p >= m_end)
                return false;
            const unsigned char c = static_cast<unsigned char>(*m_p);
            if (c == '"' || c == '\\')
                break;
            if (c < 0x20)
                return false; // raw control characters are not allowed in JSON strings
            ++m_p;
        }
        if (*m_p == '"') {
            const qint64 size = m_p - start;
            ++m_p;
            if (!isValidUtf8(start, size))
                return false;
            *raw = QByteArrayView(start, size);
            return true;
        }
        // Slow path. First where the string ends (the escaped byte is judged below), so that the
        // unescaped text, never longer than the escaped one, is written into room made once.
        const char *close = m_p;
        while (true) {
            close = jsonSkipPlain(close, m_end);
            if (close >= m_end)
                return false;
            const unsigned char c = static_cast<unsigned char>(*close);
            if (c == '"')
                break;
            if (c == '\\') {
                close += 2;
                continue;
            }
            if (c < 0x20)
                return false;
            ++close;
        }
        QByteArray bytes(close - start, Qt::Uninitialized);
        char *out = bytes.data();
        qsizetype written = m_p - start;
        std::memcpy(out, start, size_t(written));
        while (m_p < close) {
            if (close - m_p >= JsonScanWidth) {
                // All JsonScanWidth bytes are copied (there is room: the output never outgrows the input);
                // what follows the plain ones is overwritten next.
                const int plain = jsonPlainPrefix(m_p);
                std::memcpy(out + written, m_p, JsonScanWidth);
                written += plain;
                m_p += plain;
                if (plain == JsonScanWidth)
                    continue;
            }
            if (*m_p != '\\') {
                out[written++] = *m_p++;
                continue;
            }
            ++m_p; // the escape letter: before `close`, which ends on an unescaped quote
            switch (*m_p++) {
            case '"': out[written++] = '"'; break;
            case '\\': out[written++] = '\\'; break;
            case '/': out[written++] = '/'; break;
            case 'b': out[written++] = '\b'; break;
            case 'f': out[written++] = '\f'; break;
            case 'n': out[written++] = '\n'; break;
            case 'r': out[written++] = '\r'; break;
            case 't': out[written++] = '\t'; break;
            case 'u': {
                // Hex digits never include the closing quote, so these reads stay before `close`.
                unsigned cp = 0;
                if (!readHex4(&cp))
                    return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return false; // a low surrogate without its high half
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned low = 0;
                    if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
                        return false;
                    m_p += 2;
                    if (!readHex4(&low) || low < 0xDC00 || low > 0xDFFF)
                        return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                written += writeUtf8(out + written, cp); // never more bytes than the escape took
                break;
            }
            default:
                return false;
            }
        }
        if (m_p != close)
            return false;
        ++m_p; // closing quote
        bytes.truncate(written);
        if (!isValidUtf8(bytes))
            return false;
        *unescaped = std::move(bytes);
        return true;
    }

    std::optional<QJsonValue> parseNumber()
    {
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        const char *start = m_p;
        if (m_p < m_end && *m_p == '-')
            ++m_p;
        if (m_p >= m_end)
            return std::nullopt;
        if (*m_p == '0') {
            ++m_p;
        } else if (*m_p >= '1' && *m_p <= '9') {
            while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
        } else {
            return std::nullopt;
        }
        bool integral = true;
        if (m_p < m_end && *m_p == '.') {
            integral = false;
            ++m_p;
            const char *digits = m_p;
            while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
            if (m_p == digits)
                return std::nullopt;
        }
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
            integral = false;
            ++m_p;
            if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            const char *digits = m_p;
            while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
            if (m_p == digits)
                return std::nullopt;
        }
        // std::from_chars, not strtod/strtoll: those follow the thread's C locale, and under a
        // comma-decimal one (de_DE) "1.5" read as 1. The grammar was checked above.
        if (integral && m_p - start <= 18) {
            qint64 i = 0;
            std::from_chars(start, m_p, i);
            return QJsonValue(i);
        }
        double d = 0;
        if (std::from_chars(start, m_p, d).ec == std::errc::result_out_of_range) {
            // from_chars leaves d alone then; the C locale's strtod tells underflow (a tiny or zero
            // value, kept) from overflow (infinity, refused below).
            static const locale_t cLocale = newlocale(LC_ALL_MASK, "C", locale_t(nullptr));
            d = strtod_l(QByteArray(start, m_p - start).constData(), nullptr, cLocale);
        }
        if (!std::isfinite(d))
            return std::nullopt;
        return QJsonValue(d);
    }

    const char *m_p;
    const char *m_end;
    JsonLiftedString *m_lift;
    bool m_topIsArray = false;
};

} // namespace

std::optional<QJsonValue> parseJson(const QByteArray &text, JsonLiftedString *lift)
{
    if (lift)
        lift->bytes.reset();
    return Parser(text.constData(), text.size(), lift).document();
}

} // namespace telephone
