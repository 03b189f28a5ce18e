#pragma once

#include <QObject>

namespace telephone {

class Tunnel;
struct Exchange;

/// One debug line per answered request (category telephone.ops.access): method, status, time and
/// sizes, logged with the tunnel and request id as its log context so JSON logs carry them as
/// fields. No path or query: those can hold secrets of the caller's. Lives on the tunnel's thread.
class AccessLog : public QObject
{
    Q_OBJECT

public:
    explicit AccessLog(Tunnel *tunnel, QObject *parent = nullptr);

private:
    void onExchangeFinished(const Exchange &exchange);

    Tunnel *m_tunnel;
};

} // namespace telephone
