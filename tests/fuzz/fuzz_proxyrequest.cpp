// proxy_req validation and backend URL construction. parseProxyRequest never crashes; what it
// accepts satisfies every documented rule (the rest of the engine trusts these fields), a refusal
// carries a documented status; ProxyRequest::target(base) starts with the base path and holds no
// CR, LF, space, NUL or '#'.
//
// Input: when the bytes are a JSON object they are the payload as it came from the server (the
// seeds are real proxy_req payloads). Otherwise FuzzedDataProvider builds a payload from them
// with the known keys set to strings, or to values of the wrong type.
#include "fuzzcheck.h"
#include "protocol/httpfield.h"
#include "proxy/proxyrequest.h"
#include "proxy/requesttarget.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

using namespace telephone;

namespace {

QString fuzzString(FuzzedDataProvider &p, size_t maxLength)
{
    const std::string s = p.ConsumeRandomLengthString(maxLength);
    const QByteArray bytes(s.data(), qsizetype(s.size()));
    return p.ConsumeBool() ? QString::fromUtf8(bytes) : QString::fromLatin1(bytes);
}

QJsonValue fuzzValue(FuzzedDataProvider &p, int depth)
{
    switch (p.ConsumeIntegralInRange(0, 7)) {
    case 0: return QJsonValue(QJsonValue::Null);
    case 1: return QJsonValue(p.ConsumeBool());
    case 2: return QJsonValue(p.ConsumeFloatingPoint<double>());
    case 3: {
        QJsonArray array;
        const int n = p.ConsumeIntegralInRange(0, 3);
        for (int i = 0; i < n; ++i)
            array.append(depth > 0 ? fuzzValue(p, depth - 1) : QJsonValue(fuzzString(p, 16)));
        return array;
    }
    case 4: {
        QJsonObject object;
        if (depth > 0)
            object.insert(fuzzString(p, 8), fuzzValue(p, depth - 1));
        return object;
    }
    default: return QJsonValue(fuzzString(p, 64));
    }
}

// A string most of the time (so the fuzzer gets past the type checks), anything else sometimes.
void maybeInsert(FuzzedDataProvider &p, QJsonObject *o, const char *key, size_t maxLength)
{
    switch (p.ConsumeIntegralInRange(0, 7)) {
    case 0: return; // absent
    case 1: o->insert(QLatin1String(key), fuzzValue(p, 1)); return;
    default: o->insert(QLatin1String(key), fuzzString(p, maxLength));
    }
}

QJsonObject buildPayload(FuzzedDataProvider &p)
{
    QJsonObject o;
    maybeInsert(p, &o, "request_id", 64);
    maybeInsert(p, &o, "method", 12);
    maybeInsert(p, &o, "path", 128);
    maybeInsert(p, &o, "query_string", 64);
    if (p.ConsumeBool()) {
        QJsonObject headers;
        const int n = p.ConsumeIntegralInRange(0, 8);
        for (int i = 0; i < n; ++i) {
            const QString name = fuzzString(p, 24);
            if (p.ConsumeIntegralInRange(0, 5) == 0) {
                headers.insert(name, fuzzValue(p, 1));
            } else if (p.ConsumeBool()) {
                headers.insert(name, QJsonArray{fuzzString(p, 32), fuzzString(p, 32)});
            } else {
                headers.insert(name, fuzzString(p, 64));
            }
        }
        o.insert(QLatin1String("headers"), headers);
    } else if (p.ConsumeBool()) {
        o.insert(QLatin1String("headers"), fuzzValue(p, 1));
    }
    maybeInsert(p, &o, "body", 128);
    if (p.ConsumeBool())
        o.insert(QLatin1String("body_encoding"), QStringLiteral("base64"));
    return o;
}

bool hasByte(const QByteArray &text, const char *bytes)
{
    for (const char c : text) {
        for (const char *b = bytes; *b; ++b) {
            if (c == *b)
                return true;
        }
        if (c == '\0')
            return true;
    }
    return false;
}

void checkTarget(const ProxyRequest &req, const QByteArray &base)
{
    const QByteArray target = req.target(base);
    const QByteArray prefix = base.endsWith('/') ? base.chopped(1) : base;
    FUZZ_CHECK(target.startsWith(prefix));
    FUZZ_CHECK(target.mid(prefix.size()).startsWith(req.path));
    FUZZ_CHECK(target.startsWith('/'));
    FUZZ_CHECK(!target.startsWith("//"));
    FUZZ_CHECK(!hasByte(target, "\r\n #"));
    FUZZ_CHECK(target.contains('?') == req.hasQuery);
}

void check(const QJsonObject &payload, const ProxyRequestLimits &limits)
{
    const ParsedProxyRequest parsed = parseProxyRequest(payload, limits);
    const QJsonValue id = payload.value(QLatin1String("request_id"));
    if (!parsed.request) {
        const int s = parsed.refusal.status;
        FUZZ_CHECK(s == 400 || s == 405 || s == 413 || s == 431);
        FUZZ_CHECK(!parsed.refusal.reason().isEmpty());
        if (!parsed.requestId.isEmpty())
            FUZZ_CHECK(parsed.requestId == id.toString());
        return;
    }
    const ProxyRequest &req = *parsed.request;
    FUZZ_CHECK(id.isString() && req.requestId == id.toString() && parsed.requestId == req.requestId);
    FUZZ_CHECK(!req.requestId.isEmpty() && req.requestId.size() <= 200);

    FUZZ_CHECK(isHttpToken(req.method) && req.method.size() <= 32 && req.method != "CONNECT");

    FUZZ_CHECK(req.path.startsWith('/') && !req.path.startsWith("//"));
    // Percent-encoding makes at most three bytes of one.
    FUZZ_CHECK(req.path.size() <= 3 * limits.maxPathBytes);
    for (const char c : req.path) {
        const auto u = static_cast<unsigned char>(c);
        FUZZ_CHECK(u > 0x20 && u != 0x7f && c != '\\' && c != '#' && c != '?');
        FUZZ_CHECK(c == '%' || isTargetByteAllowed(u, TargetPart::Path));
    }
    FUZZ_CHECK(percentEncodeTarget(req.path, TargetPart::Path) == req.path); // already valid
    if (limits.refuseDotSegments)
        FUZZ_CHECK(!hasDotSegment(req.path));
    FUZZ_CHECK(req.query.size() <= 3 * limits.maxPathBytes);
    FUZZ_CHECK(req.hasQuery == !req.query.isEmpty());
    for (const char c : req.query) {
        const auto u = static_cast<unsigned char>(c);
        FUZZ_CHECK(u > 0x20 && u != 0x7f && c != '#');
        FUZZ_CHECK(c == '%' || isTargetByteAllowed(u, TargetPart::Query));
    }
    FUZZ_CHECK(percentEncodeTarget(req.query, TargetPart::Query) == req.query);

    qint64 headerBytes = 0;
    for (const auto &[name, value] : req.headers) {
        FUZZ_CHECK(isHttpToken(name));
        FUZZ_CHECK(name == name.toLower());
        FUZZ_CHECK(!isHopByHopHeader(name) && name != "host");
        FUZZ_CHECK(!hasByte(value, "\r\n") && isValidFieldValue(value));
        headerBytes += name.size() + value.size() + 4;
    }
    FUZZ_CHECK(headerBytes <= limits.maxHeaderBytes);
    FUZZ_CHECK(!hasByte(req.host, "\r\n"));
    FUZZ_CHECK(req.body.size() <= limits.maxBodyBytes);

    static const QByteArray bases[] = {"", "/", "/base", "/base/", "/a/b%20c//"};
    for (const QByteArray &base : bases)
        checkTarget(req, base);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    QJsonObject payload;
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        payload = doc.object();
    } else {
        FuzzedDataProvider provider(data, size);
        payload = buildPayload(provider);
    }
    check(payload, ProxyRequestLimits{});
    // Small limits, so that every limit is reached by small inputs too.
    ProxyRequestLimits small;
    small.maxHeaders = 3;
    small.maxHeaderBytes = 96;
    small.maxPathBytes = 24;
    small.maxBodyBytes = 16;
    check(payload, small);
    // With a backend base path, dot-segments are refused.
    small.refuseDotSegments = true;
    check(payload, small);
    return 0;
}
