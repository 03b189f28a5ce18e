#include "proxy/forwarder.h"

#include "base/logging.h"
#include "base/utf8.h"
#include "protocol/httpfield.h"
#include "proxy/contentdecoding.h"
#include "proxy/backendhost.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QUuid>

Q_LOGGING_CATEGORY(lcForward, "telephone.proxy.forwarder")

namespace telephone {

namespace {

QByteArray capped(const QByteArray &body)
{
    return body.size() > Exchange::DisplayBodyCap ? body.left(Exchange::DisplayBodyCap) : body;
}

bool hasHeader(const HeaderList &headers, const char *lowerName)
{
    for (const auto &header : headers) {
        if (header.first == lowerName)
            return true;
    }
    return false;
}

HeaderList endToEndResponseHeaders(const HeaderList &headers)
{
    QList<QByteArray> connectionTokens;
    for (const auto &[name, value] : headers) {
        if (name.compare("connection", Qt::CaseInsensitive) == 0)
            connectionTokens += fieldListElements(value);
    }
    HeaderList out;
    out.reserve(headers.size());
    for (const auto &[name, value] : headers) {
        const QByteArray lower = name.toLower();
        // Content-Length is end-to-end for responses: the server uses it for the caller (HEAD too).
        if ((isHopByHopHeader(lower) && lower != "content-length") || connectionTokens.contains(lower))
            continue;
        out.append({name, value});
    }
    return out;
}

} // namespace

Forwarder::Forwarder(const ForwarderOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_client(new BackendClient(options.backend, options.requestTimeout, options.maxResponseSize, this))
{
    qRegisterMetaType<telephone::Exchange>();
    m_basePath = options.backend.path(QUrl::FullyEncoded).toUtf8();
    m_backendHost = backendHostHeader(options.backend);
}

Forwarder::~Forwarder()
{
    abortAll();
}

void Forwarder::setDraining(bool draining)
{
    m_draining = draining;
    checkDrained();
}

void Forwarder::checkDrained()
{
    if (m_draining && m_inFlight.isEmpty())
        emit drained();
}

void Forwarder::abortAll()
{
    m_client->abortAll();
    m_inFlight.clear();
    m_activeIds.clear();
}

void Forwarder::keepBackendAnswer(Exchange *exchange, int status, const HeaderList &headers, const QByteArray &body)
{
    exchange->backendStatus = status;
    exchange->backendHeaders = headers;
    exchange->backendBody = capped(body);
    exchange->backendBytes = body.size();
}

std::shared_ptr<const void> Forwarder::holdSlot()
{
    // Released by whoever drops the last copy of the response: the socket once the frame is
    // written, or the tunnel when there is no socket to write it to.
    struct Slot {
        QPointer<Forwarder> forwarder;
        ~Slot()
        {
            if (forwarder)
                --forwarder->m_unsentResponses;
        }
    };
    ++m_unsentResponses;
    return std::shared_ptr<const void>(new Slot{QPointer<Forwarder>(this)});
}

bool Forwarder::isDuplicate(const QString &requestId)
{
    if (requestId.size() > MaxRequestIdLength) // refused anyway; not worth remembering
        return false;
    if (!m_activeIds.contains(requestId) && !m_recentIds.contains(requestId))
        return false;
    m_recentIds.touch(requestId);
    // Running it again would repeat its side effects at the backend (a POST twice). The id is
    // logged quoted: an id Telephone refused may hold control characters.
    if (m_duplicateRequests++ == 0)
        qCWarning(lcForward) << "ignoring a proxy_req whose request_id" << requestId
                             << "is in flight or was answered lately (further repeats are only counted)";
    else
        qCDebug(lcForward) << "ignoring repeated request_id" << requestId;
    return true;
}

void Forwarder::noteAnswered(const QString &requestId)
{
    m_activeIds.remove(requestId);
    if (requestId.size() <= MaxRequestIdLength)
        m_recentIds.touch(requestId);
}

void Forwarder::sendResponse(const std::shared_ptr<ReplyContext> &join, ProxyResponse response)
{
    const QString requestId = response.requestId;
    const std::optional<ResponseWriterStats> stats = join ? join->send(std::move(response)) : std::nullopt;
    if (!stats) {
        ++m_responsesForEndedJoins;
        return;
    }
    if (stats->droppedSetCookies > 0) {
        m_droppedHeaderValues += stats->droppedSetCookies;
        qCWarning(lcForward).noquote()
            << QStringLiteral("request %1: the backend set %2 cookies, but this server cannot carry more than one "
                              "set-cookie (no multi_value_headers); only the first was sent")
                   .arg(requestId)
                   .arg(stats->droppedSetCookies + 1);
    }
}

void Forwarder::answerOwn(Exchange exchange, const std::shared_ptr<ReplyContext> &join, int status,
                          const Problem &problem, bool publishStart, std::shared_ptr<const void> slot)
{
    // The HTTP client, the log and HAR get English; the inspector says the problem in the user's language.
    const QString reason = problem.englishText();
    // JSON log lines name the request (the tunnel comes from the process-wide default).
    const logging::ContextScope logContext(QString(), exchange.requestId);
    const QJsonObject details{{QStringLiteral("request_id"), exchange.requestId},
                              {QStringLiteral("backend"), m_options.backend.toString(QUrl::RemoveUserInfo)}};
    const QJsonObject body{{QStringLiteral("error"), true}, {QStringLiteral("reason"), reason},
                           {QStringLiteral("details"), details}};
    ProxyResponse response;
    response.requestId = exchange.requestId;
    response.status = status;
    response.headers = {{"content-type", "application/json"}};
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    response.slot = std::move(slot);

    if (publishStart)
        emit exchangeStarted(exchange);
    exchange.status = status;
    exchange.error = reason;
    exchange.problem = problem;
    exchange.responseHeaders = response.headers;
    exchange.responseBody = response.body;
    exchange.responseBytes = response.body.size();
    exchange.durationMs = std::max<qint64>(0, exchange.startedAt.msecsTo(QDateTime::currentDateTimeUtc()));
    if (status >= 500)
        qCWarning(lcForward).noquote() << exchange.method << exchange.path << "→" << status << reason;
    else
        qCInfo(lcForward).noquote() << exchange.method << exchange.path << "→" << status << reason;
    if (!exchange.replay) {
        noteAnswered(exchange.requestId);
        sendResponse(join, std::move(response));
    }
    emit exchangeFinished(exchange);
}

ProxyRequestLimits Forwarder::requestLimits() const
{
    ProxyRequestLimits limits;
    limits.refuseDotSegments = m_basePath.size() > 1; // "/base"; "/" alone is no base path
    return limits;
}

BackendRequest Forwarder::backendRequestFor(const ProxyRequest &req, bool bodyBase64) const
{
    BackendRequest out;
    out.method = req.method;
    out.target = req.target(m_basePath);
    out.host = m_options.preserveHost && !req.host.isEmpty() ? req.host : m_backendHost;
    out.body = req.body;
    // Ours replaces a caller's: two x-request-id headers would leave the backend to pick one.
    out.headers.reserve(req.headers.size() + 3);
    for (const auto &header : req.headers) {
        if (header.first != "x-request-id")
            out.headers.append(header);
    }
    out.headers.append({"x-request-id", req.requestId.toUtf8()});
    if (!req.host.isEmpty() && !hasHeader(req.headers, "x-forwarded-host"))
        out.headers.append({"x-forwarded-host", req.host});
    if (!m_options.forwardedProto.isEmpty() && !hasHeader(req.headers, "x-forwarded-proto"))
        out.headers.append({"x-forwarded-proto", m_options.forwardedProto});
    if (!bodyBase64) // compressed bodies are binary, which this server cannot carry
        ContentDecoding::askForIdentity(&out.headers);
    return out;
}

void Forwarder::handle(const QJsonObject &payload, std::shared_ptr<ReplyContext> join,
                       const std::optional<QByteArray> &body)
{
    ParsedProxyRequest parsed = parseProxyRequest(payload, requestLimits(), body);
    if (!parsed.requestId.isEmpty() && isDuplicate(parsed.requestId))
        return;
    Exchange exchange;
    exchange.startedAt = QDateTime::currentDateTimeUtc();
    exchange.requestId = parsed.requestId;
    exchange.method = payload.value(QLatin1String("method")).toString().left(64);
    exchange.path = payload.value(QLatin1String("path")).toString().left(8192);
    if (!payload.value(QLatin1String("query_string")).toString().isEmpty())
        exchange.query = payload.value(QLatin1String("query_string")).toString().left(8192);

    if (!parsed.request) {
        if (parsed.requestId.isEmpty()) {
            qCWarning(lcForward) << "ignoring a proxy_req without a usable request_id: it cannot be answered";
            return;
        }
        answerOwn(exchange, join, parsed.refusal.status, parsed.refusal.problem, true);
        return;
    }
    const ProxyRequest &req = *parsed.request;
    exchange.requestBody = capped(req.body);
    exchange.requestBytes = req.body.size();
    if (m_draining) {
        answerOwn(exchange, join, 503, {Problem::Kind::ShuttingDown}, true);
        return;
    }
    if (slotsInUse() >= m_options.maxConcurrent) {
        answerOwn(exchange, join, 503, {Problem::Kind::ConcurrencyLimit, {QString::number(m_options.maxConcurrent)}},
                  true);
        return;
    }

    const bool bodyBase64 = join && join->features().bodyBase64;
    BackendRequest backendRequest = backendRequestFor(req, bodyBase64);
    exchange.requestHeaders = backendRequest.headers;
    exchange.requestHeaders.prepend({"host", backendRequest.host});
    emit exchangeStarted(exchange);
    // send() never calls back synchronously, so the exchange is in the table before any answer.
    const quint64 id = m_client->send(std::move(backendRequest), [this](quint64 callId, BackendResult result) {
        onBackendResult(callId, std::move(result));
    });
    m_activeIds.insert(exchange.requestId);
    m_inFlight.insert(id, {std::move(exchange), std::move(join), bodyBase64});
}

void Forwarder::replay(const Exchange &captured, const ServerFeatures &features)
{
    Exchange exchange;
    exchange.replay = true;
    exchange.requestId = QStringLiteral("replay-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    exchange.startedAt = QDateTime::currentDateTimeUtc();
    exchange.method = captured.method;
    exchange.path = captured.path;
    exchange.query = captured.query;
    exchange.requestBody = captured.requestBody;
    exchange.requestBytes = captured.requestBytes;
    if (captured.requestBodyTruncated()) {
        emit exchangeStarted(exchange);
        exchange.durationMs = 0;
        exchange.problem = {Problem::Kind::ReplayBodyCut, {QString::number(Exchange::DisplayBodyCap)}};
        exchange.error = exchange.problem.englishText();
        emit exchangeFinished(exchange);
        return;
    }
    // The capture is judged like a proxy_req: one Telephone refused (a CR in the method, "//host")
    // must not reach the backend through the inspector, and paths are encoded the same way.
    QJsonObject headers;
    for (const auto &[name, value] : captured.requestHeaders) {
        QJsonArray values = headers.value(QString::fromUtf8(name)).toArray();
        values.append(QString::fromUtf8(value));
        headers.insert(QString::fromUtf8(name), values);
    }
    const QJsonObject payload{{QStringLiteral("request_id"), exchange.requestId},
                              {QStringLiteral("method"), captured.method},
                              {QStringLiteral("path"), captured.path},
                              {QStringLiteral("query_string"), captured.query},
                              {QStringLiteral("headers"), headers},
                              {QStringLiteral("body"), QString::fromLatin1(captured.requestBody.toBase64())},
                              {QStringLiteral("body_encoding"), QStringLiteral("base64")}};
    const ParsedProxyRequest parsed = parseProxyRequest(payload, requestLimits());
    if (!parsed.request) {
        emit exchangeStarted(exchange);
        exchange.durationMs = 0;
        exchange.problem = Problem::replayRefused(parsed.refusal.problem);
        exchange.error = exchange.problem.englishText();
        emit exchangeFinished(exchange);
        return;
    }
    BackendRequest request = backendRequestFor(*parsed.request, features.bodyBase64);
    exchange.requestHeaders = request.headers;
    exchange.requestHeaders.prepend({"host", request.host});
    emit exchangeStarted(exchange);
    const quint64 id = m_client->send(std::move(request), [this](quint64 callId, BackendResult result) {
        onBackendResult(callId, std::move(result));
    });
    m_inFlight.insert(id, {std::move(exchange), nullptr, features.bodyBase64});
}

void Forwarder::onBackendResult(quint64 id, BackendResult result)
{
    auto it = m_inFlight.find(id);
    if (it == m_inFlight.end())
        return;
    InFlight request = std::move(it.value());
    m_inFlight.erase(it);
    Exchange &exchange = request.exchange;
    const std::shared_ptr<ReplyContext> &join = request.join;
    exchange.backendConnectedAt = result.connectedAt;
    exchange.backendConnectionReused = result.connectionReused;
    exchange.firstByteAt = result.firstByteAt;
    // The slot passes from the backend call to the response until its frame is written.
    std::shared_ptr<const void> slot = exchange.replay ? nullptr : holdSlot();

    switch (result.outcome) {
    case BackendResult::Outcome::Ok: {
        ProxyResponse response;
        response.requestId = exchange.requestId;
        response.status = result.status;
        response.headers = endToEndResponseHeaders(result.headers);
        response.body = std::move(result.body);
        exchange.backendAnswered = true;
        response.slot = slot;
        // Header values travel as JSON strings: bytes that are not UTF-8 (Latin-1, say) cannot be
        // carried as they are, and converting them would change what the caller receives.
        QByteArray badHeader;
        for (const auto &[name, value] : std::as_const(response.headers)) {
            if (!isValidUtf8(value) || !isValidUtf8(name)) {
                badHeader = name;
                break;
            }
        }
        if (!badHeader.isEmpty()) {
            keepBackendAnswer(&exchange, result.status, result.headers, response.body);
            answerOwn(exchange, join, 502, {Problem::Kind::BackendHeaderNotUtf8, {QString::fromLatin1(badHeader)}}, false,
                      slot);
            break;
        }
        if (!request.bodyBase64) {
            const ContentDecoding::Outcome decoded =
                ContentDecoding::decodeText(&response.headers, &response.body, m_options.maxResponseSize);
            if (!decoded.error.isNone()) {
                answerOwn(exchange, join, 502, decoded.error, false, slot);
                break;
            }
            exchange.decodedContentEncoding = decoded.coding;
        }
        if (!isValidUtf8(response.body)) {
            if (!request.bodyBase64) {
                keepBackendAnswer(&exchange, result.status, result.headers, response.body);
                answerOwn(exchange, join, 502,
                          {Problem::Kind::BackendBinaryBody,
                           {QString::number(result.status), QString::number(response.body.size())}},
                          false, slot);
                break;
            }
            response.base64 = true;
        }
        exchange.status = response.status;
        exchange.responseHeaders = response.headers;
        exchange.responseBody = capped(response.body);
        exchange.responseBytes = response.body.size();
        exchange.durationMs = std::max<qint64>(0, exchange.startedAt.msecsTo(QDateTime::currentDateTimeUtc()));
        if (!exchange.replay) {
            noteAnswered(exchange.requestId);
            sendResponse(join, std::move(response));
        }
        emit exchangeFinished(exchange);
        break;
    }
    case BackendResult::Outcome::Timeout:
        answerOwn(exchange, join, 504, result.problem, false, slot);
        break;
    case BackendResult::Outcome::Aborted:
        m_activeIds.remove(exchange.requestId);
        break;
    default:
        if (result.outcome == BackendResult::Outcome::TooLarge) {
            // The backend answered; its answer was over the limit.
            exchange.backendAnswered = true;
            keepBackendAnswer(&exchange, result.status, result.headers, result.body);
        }
        answerOwn(exchange, join, 502, result.problem, false, slot);
        break;
    }
    checkDrained();
}

} // namespace telephone
