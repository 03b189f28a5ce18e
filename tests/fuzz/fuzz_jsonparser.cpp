// protocol/jsonparser, the strict JSON parser every inbound frame goes through. Never crashes,
// never recurses past JsonMaxDepth, and agrees with Qt's QJsonDocument (differential): whatever
// parseJson accepts, Qt accepts with the same value; whatever Qt writes (strict JSON) parseJson
// reads back to the same value, unless it holds what parseJson refuses on purpose (unpaired
// surrogates, nesting beyond the limit). What parseJson accepts survives serialise -> parse.
#include "fuzzcheck.h"
#include "protocol/jsonparser.h"
#include "proxy/responsewriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>

using namespace telephone;

namespace {

int depthOf(const QJsonValue &value)
{
    int deepest = 0;
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray())
            deepest = std::max(deepest, depthOf(v));
        return deepest + 1;
    }
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            deepest = std::max(deepest, depthOf(it.value()));
        return deepest + 1;
    }
    return 0;
}

bool hasLoneSurrogate(const QString &s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c.isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate()) {
            ++i;
            continue;
        }
        if (c.isSurrogate())
            return true;
    }
    return false;
}

bool anyLoneSurrogate(const QJsonValue &value)
{
    if (value.isString())
        return hasLoneSurrogate(value.toString());
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray()) {
            if (anyLoneSurrogate(v))
                return true;
        }
    }
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (hasLoneSurrogate(it.key()) || anyLoneSurrogate(it.value()))
                return true;
        }
    }
    return false;
}

// QJsonValue's == except that numbers compare as doubles: Qt keeps integers above 2^53 exact
// (qint64), parseJson reads every number as a double. Known and reported (a ref or claim that large
// does not occur in practice); everything else must agree exactly.
bool sameJson(const QJsonValue &a, const QJsonValue &b)
{
    if (a.isDouble() && b.isDouble())
        return a.toDouble() == b.toDouble();
    if (a.type() != b.type())
        return false;
    if (a.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!sameJson(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    if (a.isObject()) {
        const QJsonObject x = a.toObject(), y = b.toObject();
        if (x.size() != y.size())
            return false;
        for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
            if (i.key() != j.key() || !sameJson(i.value(), j.value()))
                return false;
        }
        return true;
    }
    return a == b;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<QJsonValue> ours = parseJson(text);

    QJsonParseError error;
    const QJsonDocument qt = QJsonDocument::fromJson(text, &error);
    const bool qtOk = error.error == QJsonParseError::NoError && (qt.isArray() || qt.isObject());

    if (ours) {
        FUZZ_CHECK(depthOf(*ours) <= JsonMaxDepth);
        // Qt refuses numbers it cannot hold exactly (4e-1100 underflows: "illegal number"); RFC
        // 8259 allows them and parseJson reads them as doubles. Any other refusal is a disagreement.
        if ((ours->isArray() || ours->isObject()) && error.error != QJsonParseError::IllegalNumber) {
            FUZZ_CHECK(qtOk);
            const QJsonValue qtValue = qt.isArray() ? QJsonValue(qt.array()) : QJsonValue(qt.object());
            FUZZ_CHECK(sameJson(qtValue, *ours));
            const QByteArray again = ours->isArray() ? QJsonDocument(ours->toArray()).toJson(QJsonDocument::Compact)
                                                     : QJsonDocument(ours->toObject()).toJson(QJsonDocument::Compact);
            const std::optional<QJsonValue> reparsed = parseJson(again);
            FUZZ_CHECK(reparsed && sameJson(*reparsed, *ours));
        }
    }
    if (qtOk) {
        // Qt is lenient where parseJson is strict by design (invalid escapes, control characters,
        // invalid UTF-8...), so Qt's acceptance of the input proves nothing. Qt's own output is
        // strict JSON, though: parseJson must read it back to the same value, unless it holds what
        // parseJson refuses on purpose (unpaired surrogates, nesting beyond the limit).
        const QJsonValue qtValue = qt.isArray() ? QJsonValue(qt.array()) : QJsonValue(qt.object());
        if (!anyLoneSurrogate(qtValue) && depthOf(qtValue) <= JsonMaxDepth) {
            const std::optional<QJsonValue> canonical = parseJson(qt.toJson(QJsonDocument::Compact));
            FUZZ_CHECK(canonical && sameJson(*canonical, qtValue));
        }
    }
    return 0;
}
