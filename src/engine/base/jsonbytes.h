#pragma once

#include <QtAlgorithms>
#include <QtGlobal>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace telephone {

/// How many bytes jsonPlainPrefix looks at: 16 with SSE2 (every x86-64), else 8.
#if defined(__SSE2__)
constexpr int JsonScanWidth = 16;
#else
constexpr int JsonScanWidth = 8;
#endif

/// How many of the JsonScanWidth bytes at `p` come before the first one that ends a run of plain
/// JSON string text ('"', '\\' or a control character below 0x20): JsonScanWidth when none does.
/// The JSON reader and writer step over long text with it and jump straight to the byte that
/// needs care (byte by byte, a 16 KiB body was a fifth of the client's instructions per POST).
inline int jsonPlainPrefix(const char *p)
{
#if defined(__SSE2__)
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    const __m128i quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
    // Unsigned x <= 0x1F exactly when max(x, 0x1F) is 0x1F.
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(bytes, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    const int special = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
    return special ? int(qCountTrailingZeroBits(quint32(special))) : JsonScanWidth;
#else
    // Eight bytes as one word; the lowest flagged byte of these bit tricks is always a true match.
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
#endif
}

/// `p` moved past the plain JSON string text that starts there, JsonScanWidth bytes at a time,
/// while that many bytes remain before `end`: it stops at the first '"', '\\' or control byte of
/// a full window, or where fewer than JsonScanWidth bytes are left (the caller reads those singly).
inline const char *jsonSkipPlain(const char *p, const char *end)
{
    while (end - p >= JsonScanWidth) {
        const int plain = jsonPlainPrefix(p);
        p += plain;
        if (plain < JsonScanWidth)
            break;
    }
    return p;
}

} // namespace telephone
