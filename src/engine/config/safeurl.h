#pragma once

#include <QString>
#include <QUrl>

namespace telephone {

/// The URL without the credentials it may carry: no user name or password, no `token` query item
/// (any case). What is stored, printed, logged or shown of a server or backend URL goes through
/// here. A URL without credentials comes back unchanged, byte for byte: the token store keys a
/// tunnel (and seals its tokens) on this text.
QUrl withoutCredentials(const QUrl &url);
QString displayUrl(const QUrl &url);
/// The same for a URL already stored as text (a row written before credentials were stripped).
QString displayUrl(const QString &url);

} // namespace telephone
