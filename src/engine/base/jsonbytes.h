#pragma once

#include <QtAlgorithms>
#include <QtGlobal>

#include <cstring>

namespace telephone {

/// How many of the eight bytes at `p` come before the first one that ends a run of plain JSON
/// string text ('"', '\\' or a control character below 0x20): 8 when none does. The JSON reader
/// and writer step over long text eight bytes at a time with it and jump straight to the byte
/// that needs care (the lowest flagged byte of these bit tricks is always a true match).
inline int jsonPlainPrefix(const char *p)
{
    constexpr quint64 Ones = 0x0101010101010101ULL;
    constexpr quint64 Highs = 0x8080808080808080ULL;
    auto zeroBytes = [](quint64 v) { return (v - Ones) & ~v & Highs; };
    quint64 word;
    std::memcpy(&word, p, 8);
    const quint64 special =
        ((word - Ones * 0x20) & ~word & Highs) | zeroBytes(word ^ (Ones * '"')) | zeroBytes(word ^ (Ones * '\\'));
    if (!special)
        return 8;
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
    return int(qCountTrailingZeroBits(special) / 8);
#else
    return int(qCountLeadingZeroBits(special) / 8);
#endif
}

} // namespace telephone
