#include "proxy/replycontext.h"

#include "protocol/phoenixsocket.h"

#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcReply, "telephone.proxy.reply")

namespace telephone {

namespace {

// A proxy_res that the socket withdraws from its queue when its join ends before the first
// fragment is written (see ReplyContext).
class JoinBoundResponseFrame : public ProxyResponseFrame
{
public:
    JoinBoundResponseFrame(std::shared_ptr<const bool> joinEnded, const QString &joinRef, const QString &ref,
                           const QString &topic, ProxyResponse response, const ResponseWriterOptions &options)
        : ProxyResponseFrame(joinRef, ref, topic, std::move(response), options)
        , m_joinEnded(std::move(joinEnded))
    {
    }
    bool withdrawn() const override { return *m_joinEnded; }

private:
    std::shared_ptr<const bool> m_joinEnded;
};

} // namespace

ServerFeatures ServerFeatures::fromJoinReply(const QJsonObject &response)
{
    ServerFeatures features;
    for (const QJsonValue &feature : response.value(QLatin1String("features")).toArray()) {
        const QString name = feature.toString();
        if (name == QLatin1String("body_base64"))
            features.bodyBase64 = true;
        else if (name == QLatin1String("multi_value_headers"))
            features.multiValueHeaders = true;
    }
    return features;
}

ReplyContext::ReplyContext(PhoenixSocket *socket, QString topic, QString joinRef, ServerFeatures features,
                           qint64 chunkSize)
    : m_socket(socket)
    , m_connection(socket->connectionNumber())
    , m_topic(std::move(topic))
    , m_joinRef(std::move(joinRef))
    , m_features(features)
    , m_chunkSize(chunkSize)
    , m_ended(std::make_shared<bool>(false))
{
}

ReplyContext::~ReplyContext() = default;

void ReplyContext::end()
{
    *m_ended = true;
}

std::optional<ResponseWriterStats> ReplyContext::send(ProxyResponse response)
{
    if (*m_ended || !m_socket || m_socket->connectionNumber() != m_connection || !m_socket->isOpen()) {
        *m_ended = true;
        qCDebug(lcReply).noquote() << "dropping the response to" << response.requestId
                                   << "- its channel ended (join" << m_joinRef << "), the server answered 502";
        return std::nullopt;
    }
    ResponseWriterOptions options;
    options.chunkSize = m_chunkSize;
    options.multiValueHeaders = m_features.multiValueHeaders;
    auto frame = std::make_unique<JoinBoundResponseFrame>(m_ended, m_joinRef, m_socket->takeRef(), m_topic,
                                                          std::move(response), options);
    const ResponseWriterStats stats = frame->stats();
    m_socket->sendEncoded(std::move(frame));
    return stats;
}

} // namespace telephone
