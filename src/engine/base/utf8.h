#pragma once

#include <QByteArray>

namespace telephone {

/// Where a piece of data[begin, size) cut at `end` may end without splitting a UTF-8 sequence:
/// `end` itself when it is the end of the data or a character starts there, else the first byte of
/// the character `end` would cut. Returns `begin` when that character starts before it (the caller
/// decides: a piece must hold at least one character). Bytes that are not UTF-8 count as characters
/// of their own, so a run of stray continuation bytes steps back at most to `begin`.
inline qint64 utf8BoundaryAtOrBefore(const char *data, qint64 size, qint64 begin, qint64 end)
{
    while (end < size && end > begin && (static_cast<unsigned char>(data[end]) & 0xC0) == 0x80)
        --end;
    return end;
}

/// The longest prefix of `text` of at most `maxBytes` bytes that ends on a character boundary
/// (for a close reason, which must be 123 bytes at most and valid UTF-8).
inline QByteArray utf8Prefix(const QByteArray &text, qint64 maxBytes)
{
    if (text.size() <= maxBytes)
        return text;
    return text.left(utf8BoundaryAtOrBefore(text.constData(), text.size(), 0, maxBytes));
}

/// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF): what JSON can carry.
bool isValidUtf8(const char *data, qint64 size);
inline bool isValidUtf8(const QByteArray &bytes) { return isValidUtf8(bytes.constData(), bytes.size()); }

} // namespace telephone
