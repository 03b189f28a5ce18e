#include "protocol/frame.h"

#include "protocol/jsonparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace telephone {

namespace {

QJsonValue refToJson(const QString &ref)
{
    return ref.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(ref);
}

// Refs are strings in V2, but some servers and proxies send integers; accept both, keep strings.
bool refFromJson(const QJsonValue &value, QString *out)
{
    if (value.isNull()) {
        *out = QString();
        return true;
    }
    if (value.isString()) {
        *out = value.toString();
        return true;
    }
    if (value.isDouble()) {
        const double d = value.toDouble();
        const qint64 i = value.toInteger();
        if (static_cast<double>(i) != d)
            return false;
        *out = QString::number(i);
        return true;
    }
    return false;
}

} // namespace

QByteArray encodeFrame(const Frame &frame)
{
    const QJsonArray array{refToJson(frame.joinRef), refToJson(frame.ref), frame.topic, frame.event, frame.payload};
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

DecodedFrame decodeFrame(const QByteArray &text, FrameBody body)
{
    JsonLiftedString lifted{QLatin1String("body"), std::nullopt};
    const std::optional<QJsonValue> doc = parseJson(text, body == FrameBody::ProxyReqBodyAsBytes ? &lifted : nullptr);
    if (!doc)
        return {std::nullopt, FrameError::NotJson};
    if (!doc->isArray())
        return {std::nullopt, FrameError::NotArray};
    const QJsonArray array = doc->toArray();
    if (array.size() != 5)
        return {std::nullopt, FrameError::WrongArity};

    Frame frame;
    if (!refFromJson(array.at(0), &frame.joinRef) || !refFromJson(array.at(1), &frame.ref))
        return {std::nullopt, FrameError::BadRef};
    if (!array.at(2).isString() || array.at(2).toString().isEmpty())
        return {std::nullopt, FrameError::BadTopic};
    if (!array.at(3).isString() || array.at(3).toString().isEmpty())
        return {std::nullopt, FrameError::BadEvent};
    if (!array.at(4).isObject())
        return {std::nullopt, FrameError::BadPayload};
    frame.topic = array.at(2).toString();
    frame.event = array.at(3).toString();
    frame.payload = array.at(4).toObject();
    if (lifted.bytes) {
        if (frame.event == QLatin1String("proxy_req"))
            frame.proxyReqBody = std::move(lifted.bytes);
        else // not the request path: back where every reader of this event expects it
            frame.payload.insert(QLatin1String("body"), QString::fromUtf8(*lifted.bytes));
    }
    return {std::move(frame), FrameError::None};
}

const char *frameErrorName(FrameError error)
{
    switch (error) {
    case FrameError::None: return "none";
    case FrameError::NotJson: return "not_json";
    case FrameError::NotArray: return "not_array";
    case FrameError::WrongArity: return "wrong_arity";
    case FrameError::BadRef: return "bad_ref";
    case FrameError::BadTopic: return "bad_topic";
    case FrameError::BadEvent: return "bad_event";
    case FrameError::BadPayload: return "bad_payload";
    }
    return "unknown";
}

} // namespace telephone
