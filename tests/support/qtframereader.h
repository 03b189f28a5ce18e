#pragma once

#include "protocol/frame.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

namespace telephone {

/// Reads `[join_ref, ref, topic, event, payload]` with QJsonDocument, not with the engine's
/// decodeFrame: tests and fuzzers check the engine's frame writers against this independent reader,
/// so a bug shared by the engine's writer and parser cannot hide. A JSON null ref is a null QString,
/// a JSON "" an empty, non-null one. Returns nothing for anything that is not such a frame.
inline std::optional<Frame> readFrameWithQt(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        return std::nullopt;
    const QJsonArray array = document.array();
    const auto isRef = [](const QJsonValue &v) { return v.isString() || v.isNull(); };
    if (array.size() != 5 || !isRef(array.at(0)) || !isRef(array.at(1)) || !array.at(2).isString()
        || !array.at(3).isString() || !array.at(4).isObject())
        return std::nullopt;
    const auto ref = [](const QJsonValue &v) {
        const QString text = v.toString();
        return v.isNull() ? QString() : text.isNull() ? QString(QLatin1String("")) : text;
    };
    return Frame{ref(array.at(0)), ref(array.at(1)), array.at(2).toString(), array.at(3).toString(),
                 array.at(4).toObject()};
}

} // namespace telephone
