#pragma once

#include <QByteArray>
#include <QList>

namespace telephone {

/// The one rule for header values in both directions (requests to the backend, responses from
/// it): no control byte but HTAB, and no DEL (RFC 9110 5.5). CR, LF and NUL would split the
/// header for whoever parses it next; VT, ESC and the rest are read as separators or terminal
/// escapes by some parsers and logs. A value that breaks it is refused, never altered.
bool isValidFieldValue(const QByteArray &value);

/// RFC 9110 token characters (methods, header names, Connection options).
bool isHttpToken(const QByteArray &text);

/// `text` without optional whitespace around it, which is SP and HTAB only (RFC 9110 5.6.3): a VT
/// or CR at the end stays in the value, where isValidFieldValue refuses it.
QByteArray trimOws(const QByteArray &text);

/// The elements of a comma-separated header value (RFC 9110 5.6.1), e.g. Connection's options:
/// each trimmed of optional whitespace and lower-cased; empty elements dropped.
QList<QByteArray> fieldListElements(const QByteArray &value);

/// Whether such a list holds `lowerElement` (compared case-insensitively, as a whole element:
/// "Connection: keep-alive, Upgrade" holds "upgrade", "Connection: notupgrade" does not).
bool fieldListHas(const QByteArray &value, const char *lowerElement);

} // namespace telephone
