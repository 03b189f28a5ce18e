#pragma once

#include <QByteArray>

namespace telephone {

/// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF): what JSON can carry.
bool isValidUtf8(const char *data, qint64 size);
inline bool isValidUtf8(const QByteArray &bytes) { return isValidUtf8(bytes.constData(), bytes.size()); }

} // namespace telephone
