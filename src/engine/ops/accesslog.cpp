#include "ops/accesslog.h"

#include "base/logging.h"
#include "ops/tunnelobserver.h"
#include "tunnel/tunnel.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAccess, "telephone.ops.access")

namespace telephone {

AccessLog::AccessLog(Tunnel *tunnel, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
{
    connect(tunnel, &Tunnel::exchangeFinished, this, &AccessLog::onExchangeFinished);
}

void AccessLog::onExchangeFinished(const Exchange &exchange)
{
    if (!lcAccess().isDebugEnabled())
        return;
    const logging::ContextScope scope(tunnelName(m_tunnel), exchange.requestId);
    QString line = QStringLiteral("%1 %2 in %3 ms, %4 bytes in, %5 bytes out")
                       .arg(exchange.method)
                       .arg(exchange.status)
                       .arg(exchange.durationMs)
                       .arg(exchange.requestBytes)
                       .arg(exchange.responseBytes);
    if (!exchange.error.isEmpty())
        line += QStringLiteral(" (answered by Telephone: %1)").arg(exchange.error);
    if (exchange.replay)
        line += QStringLiteral(" (replay)");
    qCDebug(lcAccess).noquote() << line;
}

} // namespace telephone
