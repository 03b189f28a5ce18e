#pragma once

#include <QJsonObject>
#include <QString>

namespace telephone::sim {

/// One Phoenix Channels V2 message as the simulator sees it: `[join_ref, ref, topic, event, payload]`.
/// The simulator's own type, read and written with QJsonDocument: it shares no code with the
/// engine's frame codec, so a test world built on it can catch that codec's bugs.
/// A null QString stands for JSON null in the two ref fields.
struct Frame {
    QString joinRef;
    QString ref;
    QString topic;
    QString event;
    QJsonObject payload;
};

} // namespace telephone::sim
