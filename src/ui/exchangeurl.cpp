#include "ui/exchangeurl.h"

namespace telephone {

QByteArray ExchangeUrl::join(const QUrl &base, const Exchange &exchange)
{
    QByteArray url = base.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toEncoded();
    QByteArray basePath = base.path(QUrl::FullyEncoded).toUtf8();
    while (basePath.endsWith('/'))
        basePath.chop(1);
    // The captured path is used byte for byte: re-encoding it through QUrl could change it.
    url += basePath + exchange.path.toUtf8();
    if (!exchange.query.isNull())
        url += '?' + exchange.query.toUtf8();
    return url;
}

} // namespace telephone
