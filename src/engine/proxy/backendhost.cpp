#include "proxy/backendhost.h"

namespace telephone {

QByteArray backendHostHeader(const QUrl &backend)
{
    QByteArray host = backend.host(QUrl::FullyEncoded).toUtf8();
    if (backend.host().contains(QLatin1Char(':')))
        host = '[' + host + ']'; // IPv6 literal
    if (backend.port() != -1)
        host += ':' + QByteArray::number(backend.port());
    return host;
}

} // namespace telephone
