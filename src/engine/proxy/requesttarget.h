#pragma once

#include <QByteArray>

namespace telephone {

/// Which part of an origin-form request-target (RFC 9112 3.2.1) a piece of text goes into.
enum class TargetPart { Path, Query };

/// Whether byte `c` may stand as it is in that part of a request line: visible ASCII except
/// `"`, `#`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}` (and `?` in a path). A `%` is allowed here;
/// whether it starts a valid escape is decided by percentEncodeTarget.
bool isTargetByteAllowed(unsigned char c, TargetPart part);

/// The deployed Plugboard hands over paths percent-decoded (a caller's `/report%202024.pdf`
/// arrives as `/report 2024.pdf`). This percent-encodes, as `%XX` with upper-case hex, every byte
/// a request line cannot carry — bytes not allowed by isTargetByteAllowed, and a `%` not followed
/// by two hex digits — and leaves every other byte as it is, so text that is already valid comes
/// back byte for byte. Pure; fuzzed, and tested against Python's urllib.parse.quote.
QByteArray percentEncodeTarget(const QByteArray &raw, TargetPart part);

/// True when a segment of `path` is `.` or `..` as a backend would read it after decoding
/// `%2e`, splitting on `/` or `\` (also encoded) and ignoring `;` parameters (`..;` is `..` to
/// Tomcat). With a backend base path such a segment could climb out of it.
bool hasDotSegment(const QByteArray &path);

} // namespace telephone
