#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QLatin1String>

#include <optional>

namespace telephone {

/// A strict RFC 8259 JSON parser for inbound frames. Qt 6.4's QJsonDocument::fromJson spent 82 % of
/// the client's CPU on a proxy_req with a 16 KiB body (telephone-bench, callgrind): its string
/// unescaping is slow. Here a string without escapes becomes a QString in one conversion.
/// Strict where Qt is lenient: invalid UTF-8 and unpaired surrogate escapes are errors, never
/// replacement characters, and nesting deeper than MaxDepth is refused (hostile "[[[[…"), as is an
/// object with more than JsonMaxObjectMembers members.
/// Pure; fuzzed, and tested against QJsonDocument for agreement on valid input.
/// A string member taken out of the document as UTF-8 bytes instead of a QString: the member `key`
/// of an object directly inside a top-level array (a Phoenix frame's payload). For the largest
/// field of a proxy_req, its body, that saves a UTF-16 round trip and two copies (callgrind).
struct JsonLiftedString {
    QLatin1String key;
    std::optional<QByteArray> bytes; ///< the member's value when it was a string (then not in the object)
};

std::optional<QJsonValue> parseJson(const QByteArray &text, JsonLiftedString *lift = nullptr);

constexpr int JsonMaxDepth = 64;
/// More members in one object make the text invalid. Objects are built in n log n (200,000
/// members: about 0.15 s); the cap bounds what the largest message (256 MiB) could cost. A
/// proxy_req with 101 to 500,000 headers is still read, and answered 431.
constexpr int JsonMaxObjectMembers = 500000;

} // namespace telephone
