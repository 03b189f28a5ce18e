#include "protocol/socketproblem.h"

namespace telephone {

Problem socketProblem(QAbstractSocket::SocketError error, const QString &qtWords)
{
    using Kind = Problem::Kind;
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError: return {Kind::SocketRefused};
    case QAbstractSocket::RemoteHostClosedError: return {Kind::SocketClosedByPeer};
    case QAbstractSocket::HostNotFoundError: return {Kind::SocketHostNotFound};
    case QAbstractSocket::SocketAccessError: return {Kind::SocketAccessDenied};
    case QAbstractSocket::SocketResourceError: return {Kind::SocketNoResources};
    case QAbstractSocket::SocketTimeoutError: return {Kind::SocketTimedOut};
    case QAbstractSocket::NetworkError: return {Kind::NetworkUnreachable};
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError: return {Kind::SocketTlsFailed};
    case QAbstractSocket::ProxyAuthenticationRequiredError:
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyConnectionTimeoutError:
    case QAbstractSocket::ProxyNotFoundError:
    case QAbstractSocket::ProxyProtocolError: return {Kind::SocketProxyFailed};
    default: break;
    }
    return {Kind::SocketError, {qtWords}};
}

} // namespace telephone
