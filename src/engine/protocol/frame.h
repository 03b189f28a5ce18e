#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace telephone {

/// One Phoenix Channels V2 message: `[join_ref, ref, topic, event, payload]`.
/// A null QString stands for JSON null in the two ref fields.
struct Frame {
    QString joinRef;
    QString ref;
    QString topic;
    QString event;
    QJsonObject payload;
    /// A `proxy_req`'s `body` string as UTF-8 bytes, taken out of `payload` when decoded with
    /// FrameBody::ProxyReqBodyAsBytes (the request path never needs it as a QString).
    std::optional<QByteArray> proxyReqBody{};
};

/// Where decodeFrame puts a proxy_req's `body` string.
enum class FrameBody {
    InPayload,           ///< in `payload`, like every other member
    ProxyReqBodyAsBytes, ///< in Frame::proxyReqBody (other events keep it in `payload`)
};

/// Why a text message was not a valid frame. Each kind is counted and logged once by its user.
enum class FrameError {
    None,
    NotJson,      ///< not parseable JSON
    NotArray,     ///< JSON, but not an array
    WrongArity,   ///< an array of other than five elements
    BadRef,       ///< join_ref or ref neither string, integer nor null
    BadTopic,     ///< topic not a non-empty string
    BadEvent,     ///< event not a non-empty string
    BadPayload,   ///< payload not an object
};

struct DecodedFrame {
    std::optional<Frame> frame;
    FrameError error = FrameError::None;
};

/// Pure functions, no state: the one place wire bytes become frames (fuzzed later).
QByteArray encodeFrame(const Frame &frame);
DecodedFrame decodeFrame(const QByteArray &text, FrameBody body = FrameBody::InPayload);
const char *frameErrorName(FrameError error);

} // namespace telephone
