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
DecodedFrame decodeFrame(const QByteArray &text);
const char *frameErrorName(FrameError error);

} // namespace telephone
