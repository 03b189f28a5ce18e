#pragma once

#include <QByteArray>

namespace telephone {

/// The one rule for header values in both directions (requests to the backend, responses from
/// it): no control byte but HTAB, and no DEL (RFC 9110 5.5). CR, LF and NUL would split the
/// header for whoever parses it next; VT, ESC and the rest are read as separators or terminal
/// escapes by some parsers and logs. A value that breaks it is refused, never altered.
bool isValidFieldValue(const QByteArray &value);

} // namespace telephone
