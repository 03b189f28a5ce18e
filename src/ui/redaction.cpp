#include "ui/redaction.h"

namespace telephone {

const QByteArray Redaction::Placeholder = QByteArrayLiteral("[redacted]");

bool Redaction::isSensitive(const QByteArray &headerName)
{
    const QByteArray name = headerName.trimmed().toLower();
    return name == "authorization" || name == "proxy-authorization" || name == "cookie" || name == "set-cookie";
}

HeaderList Redaction::apply(const HeaderList &headers)
{
    HeaderList out;
    out.reserve(headers.size());
    for (const auto &header : headers)
        out.append({header.first, isSensitive(header.first) ? Placeholder : header.second});
    return out;
}

} // namespace telephone
