#pragma once

#include "proxy/exchange.h"

#include <QCoreApplication>
#include <QUrl>

namespace telephone {

/// "Copy as curl": a POSIX shell command that sends a captured request to the local backend again,
/// byte for byte. Every argument is single-quoted, so nothing in a header or body (quotes, `$( )`,
/// backticks, newlines) is ever interpreted by the shell; a body that is not plain text is fed
/// through `printf` with octal escapes. No bash-only syntax: it also runs in dash.
class CurlCommand
{
    Q_DECLARE_TR_FUNCTIONS(telephone::CurlCommand)

public:
    /// `backend` is the configured backend (scheme, host, port, base path). Credentials are
    /// replaced by "[redacted]" unless includeSecrets.
    static QString build(const Exchange &exchange, const QUrl &backend, bool includeSecrets);
    /// One shell word: 'text' with each ' written as '\''.
    static QString shellQuote(const QByteArray &bytes);
    /// A printf format that prints exactly `bytes`: printable ASCII as is, '%' and '\' doubled,
    /// everything else as \ooo.
    static QByteArray printfFormat(const QByteArray &bytes);
};

} // namespace telephone
