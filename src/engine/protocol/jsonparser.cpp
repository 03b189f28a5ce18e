#include "protocol/jsonparser.h"

#include "base/hexdigit.h"
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
    Parser(const char *data, qint64 size)
        : m_p(data)
        , m_end(data + size)
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
            std::optional<QJsonValue> value = parseValue(depth);
            if (!value)
                return std::nullopt;
            if (members.size() >= size_t(JsonMaxObjectMembers))
                return std::nullopt; // bounds the work a hostile frame can cost (256 MiB of "a":0)
            members.emplace_back(std::move(*key), std::move(*value));
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

    static void appendUtf8(QByteArray *out, unsigned cp)
    {
        if (cp < 0x80) {
            out->append(char(cp));
        } else if (cp < 0x800) {
            out->append(char(0xC0 | (cp >> 6)));
            out->append(char(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out->append(char(0xE0 | (cp >> 12)));
            out->append(char(0x80 | ((cp >> 6) & 0x3F)));
            out->append(char(0x80 | (cp & 0x3F)));
        } else {
            out->append(char(0xF0 | (cp >> 18)));
            out->append(char(0x80 | ((cp >> 12) & 0x3F)));
            out->append(char(0x80 | ((cp >> 6) & 0x3F)));
            out->append(char(0x80 | (cp & 0x3F)));
        }
    }

    std::optional<QString> parseString()
    {
        ++m_p; // opening quote
        const char *start = m_p;
        // Fast path: find the closing quote; no backslash means no unescaping at all.
        while (m_p < m_end && *m_p != '"' && *m_p != '\\') {
            if (static_cast<unsigned char>(*m_p) < 0x20)
                return std::nullopt; // raw control characters are not allowed in JSON strings
            ++m_p;
        }
        if (m_p >= m_end)
            return std::nullopt;
        if (*m_p == '"') {
            const qint64 size = m_p - start;
            ++m_p;
            if (!isValidUtf8(start, size))
                return std::nullopt;
            return QString::fromUtf8(start, size);
        }
        // Slow path: unescape into UTF-8, then convert once (the rest of the text bounds the size).
        QByteArray bytes;
        bytes.reserve(std::min<qint64>(m_end - start, 1 << 20));
        bytes.append(start, m_p - start);
        while (true) {
            if (m_p >= m_end)
                return std::nullopt;
            const char c = *m_p;
            if (c == '"') {
                ++m_p;
                break;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return std::nullopt;
            if (c != '\\') {
                const char *run = m_p;
                while (m_p < m_end && *m_p != '"' && *m_p != '\\' && static_cast<unsigned char>(*m_p) >= 0x20)
                    ++m_p;
                bytes.append(run, m_p - run);
                continue;
            }
            ++m_p;
            if (m_p >= m_end)
                return std::nullopt;
            switch (*m_p++) {
            case '"': bytes.append('"'); break;
            case '\\': bytes.append('\\'); break;
            case '/': bytes.append('/'); break;
            case 'b': bytes.append('\b'); break;
            case 'f': bytes.append('\f'); break;
            case 'n': bytes.append('\n'); break;
            case 'r': bytes.append('\r'); break;
            case 't': bytes.append('\t'); break;
            case 'u': {
                unsigned cp = 0;
                if (!readHex4(&cp))
                    return std::nullopt;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return std::nullopt; // a low surrogate without its high half
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned low = 0;
                    if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
                        return std::nullopt;
                    m_p += 2;
                    if (!readHex4(&low) || low < 0xDC00 || low > 0xDFFF)
                        return std::nullopt;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(&bytes, cp);
                break;
            }
            default:
                return std::nullopt;
            }
        }
        if (!isValidUtf8(bytes))
            return std::nullopt;
        return QString::fromUtf8(bytes);
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
};

} // namespace

std::optional<QJsonValue> parseJson(const QByteArray &text)
{
    return Parser(text.constData(), text.size()).document();
}

} // namespace telephone
