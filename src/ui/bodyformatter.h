#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace telephone {

/// How the detail view shows a body: JSON pretty-printed (keys and numbers exactly as sent, which
/// QJsonDocument would not keep: it sorts keys and turns big integers into doubles), UTF-8 text as
/// text, anything else as a hex dump.
class BodyFormatter
{
    Q_DECLARE_TR_FUNCTIONS(telephone::BodyFormatter)

public:
    enum class Kind { Empty, Json, Text, Binary };

    struct Result {
        Kind kind = Kind::Empty;
        QString text;
        QString label; ///< "JSON", "Text", "Binary — hex view of the first 64 KiB", ...
    };

    /// Hex dumps beyond this are cut (the text widget would crawl); the label says so.
    static constexpr qsizetype HexLimit = 64 * 1024;

    /// `contentType` is the Content-Type header value (may be empty).
    /// `truncated`: the body was cut when captured; JSON is then re-indented without being checked
    /// (a cut document cannot be valid), and the label says so.
    static Result format(const QByteArray &body, const QByteArray &contentType, bool truncated = false);
    /// UTF-8 without control characters other than tab, CR, LF and FF. A multi-byte character cut
    /// off at the very end (a capped body) still counts as text.
    static bool isText(const QByteArray &body);
    /// Re-indents valid JSON by walking its tokens; returns a null string for invalid JSON.
    static QString prettyJson(const QByteArray &json);
    /// Re-indents by the same walk, without checking that the JSON is valid or complete.
    static QString reindentJson(const QByteArray &json);
    /// Bodies larger than this are not re-indented at all (the label says so); captured bodies are
    /// capped below it, so it guards only against a future larger capture cap.
    static constexpr qsizetype FormatLimit = 8 * 1024 * 1024;
    /// "00000000  48 65 6c 6c 6f 0a …  |Hello.|" lines, 16 bytes each.
    static QString hexDump(const QByteArray &bytes, qsizetype limit = HexLimit);
};

} // namespace telephone
