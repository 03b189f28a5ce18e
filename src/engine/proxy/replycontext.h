#pragma once

#include "proxy/responsewriter.h"

#include <QJsonObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

namespace telephone {

class PhoenixSocket;

/// What the server offers beyond the base protocol: the join reply's `features` (PROTOCOL.md,
/// "Extensions"). Read in this one place, once per join; every reader asks the join it serves.
struct ServerFeatures {
    bool bodyBase64 = false;        ///< bodies may travel base64 (body_encoding) both ways
    bool multiValueHeaders = false; ///< header values may be arrays (several set-cookie)

    static ServerFeatures fromJoinReply(const QJsonObject &response);
};

/// One join of the telephone channel, as the answers to the requests that arrived on it need it:
/// the socket, the topic, the join_ref and the server's features. The Tunnel makes one when a join
/// succeeds and ends it when that channel ends (phx_error, phx_close, a rejoin); the socket closing
/// ends it too (a reconnected socket is another connection, see PhoenixSocket::connectionNumber);
/// each request carries its join, so a response goes Forwarder → writer → socket on the join it came
/// from, without the Tunnel.
///
/// Why an ended join drops what is sent through it: the server answered that channel's callers 502
/// when it ended (PROTOCOL.md, "Where the deployed server differs"), so a late response has no
/// caller. Under the old join_ref Phoenix drops it anyway; under a newer join's it would reach a
/// channel that never asked for it. A frame still waiting in the socket's queue when its join ends
/// is withdrawn too, unless its first fragment is already out (a message cannot be cut short).
/// Lives on the engine's thread; shared (std::shared_ptr) by the requests in flight on it.
class ReplyContext
{
public:
    ReplyContext(PhoenixSocket *socket, QString topic, QString joinRef, ServerFeatures features, qint64 chunkSize);
    virtual ~ReplyContext();
    ReplyContext(const ReplyContext &) = delete;
    ReplyContext &operator=(const ReplyContext &) = delete;

    const ServerFeatures &features() const { return m_features; }
    const QString &joinRef() const { return m_joinRef; }
    bool hasEnded() const { return *m_ended; }
    /// The channel is gone: nothing more is sent through this join.
    void end();

    /// Queues the `proxy_res` for `response` on the socket under this join. Returns what the
    /// writer had to leave out, or nothing when the response was dropped (the join has ended or
    /// the socket is gone; its concurrency slot comes back at once).
    virtual std::optional<ResponseWriterStats> send(ProxyResponse response);

private:
    QPointer<PhoenixSocket> m_socket;
    quint64 m_connection; ///< the socket's connectionNumber() the join was made on
    QString m_topic;
    QString m_joinRef;
    ServerFeatures m_features;
    qint64 m_chunkSize;
    std::shared_ptr<bool> m_ended; ///< shared with the frames it queued, so they can be withdrawn
};

} // namespace telephone
