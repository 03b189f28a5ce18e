#include "proxy/backendclient.h"

#include "protocol/socketproblem.h"
#include "proxy/httpresponseparser.h"

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>
#include <memory>

Q_LOGGING_CATEGORY(lcBackend, "telephone.proxy.backend")

namespace telephone {

namespace {
// Enough for bursts on loopback; beyond it connections are closed after use.
constexpr int MaxIdleConnections = 64;

bool isIdempotent(const QByteArray &method)
{
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE"
        || method == "TRACE" || method == "PROPFIND";
}
} // namespace

struct BackendClient::Call {
    quint64 id = 0;
    BackendRequest request;
    Callback done;
    QTcpSocket *socket = nullptr;
    bool reused = false;
    bool retried = false;
    std::unique_ptr<HttpResponseParser> parser;
    QDeadlineTimer deadline;
    QDateTime connectedAt; ///< timeline, see BackendResult
    QDateTime firstByteAt;
};

BackendClient::BackendClient(const QUrl &backend, std::chrono::milliseconds timeout, qint64 maxResponseSize,
                             QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_timeout(timeout)
    , m_maxResponseSize(maxResponseSize)
{
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &BackendClient::onDeadlineTimer);
}

BackendClient::~BackendClient()
{
    abortAll();
    qDeleteAll(m_idle);
}

QString BackendClient::backendName() const
{
    return m_backend.toString(QUrl::RemoveUserInfo);
}

QTcpSocket *BackendClient::newSocket()
{
    const bool tls = m_backend.scheme() == QLatin1String("https");
    QTcpSocket *socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    // Small request/response pairs: Nagle would add up to 40 ms per exchange.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Connected once per connection, not per request: a keep-alive connection serves many calls,
    // and per-request connects showed up in the profile. Signals find their call through m_busy.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        if (Call *call = m_busy.value(socket))
            onReadyRead(call);
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        if (Call *call = m_busy.value(socket)) {
            onDisconnected(call);
        } else if (m_idle.removeOne(socket)) {
            socket->deleteLater(); // the backend closed an idle keep-alive connection
        }
    });
    connect(socket, &QAbstractSocket::connected, this, [this, socket] {
        if (Call *call = m_busy.value(socket))
            call->connectedAt = QDateTime::currentDateTimeUtc();
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (Call *call = m_busy.value(socket))
            onSocketError(call);
    });
    const quint16 port = quint16(m_backend.port(tls ? 443 : 80));
    if (tls)
        static_cast<QSslSocket *>(socket)->connectToHostEncrypted(m_backend.host(), port);
    else
        socket->connectToHost(m_backend.host(), port);
    return socket;
}

quint64 BackendClient::send(BackendRequest request, Callback done)
{
    auto *call = new Call;
    call->id = m_nextId++;
    call->request = std::move(request);
    call->done = std::move(done);
    call->deadline = QDeadlineTimer(m_timeout);
    const quint64 id = call->id;
    m_calls.emplace(id, call);
    if (!m_deadlineTimer.isActive())
        armDeadlineTimer();
    m_inSend = true;
    start(call, true);
    m_inSend = false;
    return id;
}

void BackendClient::armDeadlineTimer()
{
    // The oldest call has the earliest deadline. Calls that finish leave the timer alone: when it
    // fires for one already gone, it is armed again for the oldest remaining call.
    if (m_calls.empty()) {
        m_deadlineTimer.stop();
        return;
    }
    const qint64 left = m_calls.begin()->second->deadline.remainingTime();
    m_deadlineTimer.start(std::chrono::milliseconds(std::max<qint64>(0, left)));
}

void BackendClient::onDeadlineTimer()
{
    // A coarse timer may fire a little early: only what is really overdue times out.
    while (!m_calls.empty() && m_calls.begin()->second->deadline.hasExpired())
        failTransport(m_calls.begin()->second, BackendResult::Outcome::Timeout, {});
    armDeadlineTimer();
}

void BackendClient::start(Call *call, bool allowReuse)
{
    QTcpSocket *socket = nullptr;
    while (allowReuse && !m_idle.isEmpty()) {
        QTcpSocket *candidate = m_idle.takeLast();
        if (candidate->state() == QAbstractSocket::ConnectedState && candidate->bytesAvailable() == 0) {
            socket = candidate;
            break;
        }
        candidate->deleteLater(); // closed, or sent bytes nobody asked for
    }
    call->reused = socket != nullptr;
    call->connectedAt = call->reused ? QDateTime::currentDateTimeUtc() : QDateTime();
    call->firstByteAt = {};
    if (!socket)
        socket = newSocket();
    call->socket = socket;
    m_busy.insert(socket, call);
    call->parser = std::make_unique<HttpResponseParser>(call->request.method == "HEAD", m_maxResponseSize);

    const BackendRequest &r = call->request;
    QByteArray head;
    head.reserve(128 + r.target.size() + r.headers.size() * 48);
    head.append(r.method).append(' ').append(r.target).append(" HTTP/1.1\r\nHost: ").append(r.host).append("\r\n");
    for (const auto &[name, value] : r.headers)
        head.append(name).append(": ").append(value).append("\r\n");
    // A body, or a method that normally has one, gets a length; GET without a body gets none.
    if (!r.body.isEmpty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH")
        head.append("Content-Length: ").append(QByteArray::number(r.body.size())).append("\r\n");
    head.append("\r\n");
    // QTcpSocket buffers until connected, so writing now is fine either way.
    socket->write(head);
    if (!r.body.isEmpty())
        socket->write(r.body);
}

void BackendClient::onReadyRead(Call *call)
{
    QTcpSocket *socket = call->socket;
    if (!call->firstByteAt.isValid() && socket->bytesAvailable() > 0)
        call->firstByteAt = QDateTime::currentDateTimeUtc();
    while (socket->bytesAvailable() > 0 && !call->parser->isComplete() && !call->parser->hasError()) {
        if (call->parser->readBodyFrom(socket))
            continue;
        const QByteArray data = socket->read(std::min<qint64>(socket->bytesAvailable(), 64 * 1024));
        call->parser->feed(data.constData(), data.size());
    }
    HttpResponseParser &parser = *call->parser;
    if (parser.hasError()) {
        failTransport(call, parser.bodyTooLarge() ? BackendResult::Outcome::TooLarge : BackendResult::Outcome::Protocol,
                      parser.problem());
        return;
    }
    if (!parser.isComplete())
        return;
    BackendResult result;
    result.outcome = BackendResult::Outcome::Ok;
    result.status = parser.status();
    result.headers = parser.headers();
    result.body = parser.takeBody();
    finish(call, std::move(result), parser.keepAlive() && socket->bytesAvailable() == 0);
}

void BackendClient::onDisconnected(Call *call)
{
    if (call->socket->bytesAvailable() > 0)
        onReadyRead(call);
    if (m_calls.count(call->id) == 0)
        return;
    call->parser->finishOnClose();
    if (call->parser->isComplete()) {
        onReadyRead(call);
        return;
    }
    failTransport(call, BackendResult::Outcome::Reset, call->parser->problem());
}

void BackendClient::onSocketError(Call *call)
{
    const QAbstractSocket::SocketError error = call->socket->error();
    if (error == QAbstractSocket::RemoteHostClosedError) {
        onDisconnected(call);
        return;
    }
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        failTransport(call, BackendResult::Outcome::Refused, {});
        break;
    case QAbstractSocket::HostNotFoundError:
        failTransport(call, BackendResult::Outcome::Unreachable, {});
        break;
    default:
        failTransport(call, BackendResult::Outcome::Reset, socketProblem(error, call->socket->errorString()));
        break;
    }
}

void BackendClient::failTransport(Call *call, BackendResult::Outcome outcome, const Problem &cause)
{
    // A keep-alive connection the backend had already closed: nothing of ours was processed, so
    // one retry on a fresh connection is safe for methods that may be repeated.
    if (call->reused && !call->retried && !call->parser->sawAnyByte()
        && (outcome == BackendResult::Outcome::Reset) && isIdempotent(call->request.method)) {
        call->retried = true;
        releaseSocket(call, false);
        start(call, false);
        return;
    }
    BackendResult result;
    result.outcome = outcome;
    const QString backend = backendName();
    using Kind = Problem::Kind;
    switch (outcome) {
    case BackendResult::Outcome::Refused: result.problem = {Kind::BackendRefused, {backend}}; break;
    case BackendResult::Outcome::Timeout:
        result.problem = {Kind::BackendTimeout,
                          {backend, QString::number(double(m_timeout.count()) / 1000.0, 'g', 3)}};
        break;
    case BackendResult::Outcome::TooLarge:
        result.problem = Problem::withCause(Kind::BackendResponseTooLarge, {backend}, cause);
        break;
    case BackendResult::Outcome::Protocol:
        result.problem = Problem::withCause(Kind::BackendInvalidResponse, {backend}, cause);
        break;
    case BackendResult::Outcome::Reset: result.problem = Problem::withCause(Kind::BackendReset, {backend}, cause); break;
    case BackendResult::Outcome::Unreachable: // only ever "host not found"
        result.problem = {Kind::BackendHostNotFound, {backend, m_backend.host()}};
        break;
    case BackendResult::Outcome::Ok:
    case BackendResult::Outcome::Aborted:
        break;
    }
    finish(call, std::move(result), false);
}

void BackendClient::finish(Call *call, BackendResult result, bool keepSocket)
{
    result.connectedAt = call->connectedAt;
    result.connectionReused = call->reused;
    result.firstByteAt = call->firstByteAt;
    m_calls.erase(call->id);
    releaseSocket(call, keepSocket);
    Callback done = std::move(call->done);
    const quint64 id = call->id;
    delete call;
    if (!done)
        return;
    if (m_inSend) {
        // Qt may report a failed connect from inside connectToHost(); callers hold state across send().
        QMetaObject::invokeMethod(
            this, [done = std::move(done), id, result = std::move(result)]() mutable { done(id, std::move(result)); },
            Qt::QueuedConnection);
        return;
    }
    done(id, std::move(result));
}

void BackendClient::releaseSocket(Call *call, bool keep)
{
    QTcpSocket *socket = call->socket;
    if (!socket)
        return;
    call->socket = nullptr;
    m_busy.remove(socket);
    if (keep && m_idle.size() < MaxIdleConnections) {
        m_idle.append(socket);
        return;
    }
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void BackendClient::abort(quint64 id)
{
    const auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    Call *call = it->second;
    call->done = nullptr;
    finish(call, {}, false);
}

void BackendClient::abortAll()
{
    while (!m_calls.empty())
        abort(m_calls.begin()->first);
    m_deadlineTimer.stop();
}

} // namespace telephone
