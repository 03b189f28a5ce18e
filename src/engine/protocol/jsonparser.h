#pragma once

#include <QByteArray>
#include <QJsonValue>

#include <optional>

namespace telephone {

/// A strict RFC 8259 JSON parser for inbound frames. Qt 6.4's QJsonDocument::fromJson spent 82 % of
/// the client's CPU on a proxy_req with a 16 KiB body (telephone-bench, callgrind): its string
/// unescaping is slow. Here a string without escapes becomes a QString in one conversion.
/// Strict where Qt is lenient: invalid UTF-8 and unpaired surrogate escapes are errors, never
/// replacement characters, and nesting deeper than MaxDepth is refused (hostile "[[[[…").
/// Pure; fuzzed, and tested against QJsonDocument for agreement on valid input.
std::optional<QJsonValue> parseJson(const QByteArray &text);

constexpr int JsonMaxDepth = 64;

} // namespace telephone
