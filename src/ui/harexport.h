#pragma once

#include "proxy/exchange.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QUrl>

namespace telephone {

/// Builds a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/) from captured exchanges,
/// for browsers' network panels and HAR viewers. Pure and thread-safe: the window runs it off the
/// GUI thread. Credentials (see Redaction) are hidden unless includeSecrets, cookie values too.
class HarExport
{
    Q_DECLARE_TR_FUNCTIONS(telephone::HarExport)

public:
    /// `base` is the tunnel's public URL (or the backend when there is none): entry URLs are
    /// base + captured path + query.
    static QJsonObject build(const QList<Exchange> &exchanges, const QUrl &base, bool includeSecrets);
    static QByteArray toJson(const QList<Exchange> &exchanges, const QUrl &base, bool includeSecrets);
    /// Several tunnels: each entry's base is its tunnel's (Exchange::tunnel); the empty name's for
    /// any other. Entries name their tunnel in a custom `_tunnel` field.
    using BaseByTunnel = QHash<QString, QUrl>;
    static QJsonObject build(const QList<Exchange> &exchanges, const BaseByTunnel &bases, bool includeSecrets);
    static QByteArray toJson(const QList<Exchange> &exchanges, const BaseByTunnel &bases, bool includeSecrets);
    /// The standard reason phrase ("Not Found"); empty for codes without one.
    static QString statusText(int status);
};

} // namespace telephone
