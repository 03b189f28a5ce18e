// telephone-bench: load through a REAL `telephone --no-gui` process, measured from the outside.
//
//   cmake --build build --target telephone-bench && build/tests/benchmarks/telephone-bench [--quick]
//
// The bench process hosts the Plugboard simulator and a local HTTP backend, starts telephone against
// them, drives closed-loop load with N keep-alive HTTP/1.1 connections through the simulator's
// `/call/bench/...` front, and reads the telephone process's CPU time and RSS from /proc. For each
// scenario it also measures two ceilings: the same load straight to the backend, and through the
// simulator with a trivial built-in responder in place of telephone (the simulator's own ceiling).
// One JSON document goes to stdout; progress goes to stderr.
//
// Threads. The simulator and the backend live in the bench process; if the load generator shared
// their event loop, every request would queue behind the generator's own socket work and the
// measured latency would be the bench's, not telephone's. So the simulator and the backend run in a
// worker QThread with its own event loop, and the load generator runs on the main thread (which also
// samples /proc). The built-in responder of the simulator ceiling stands in for the telephone process,
// which has a core of its own, so it gets its own QThread as well. The bench machine has 2 cores:
// the generator is kept cheap (one prebuilt request per scenario, responses parsed in place and
// discarded, no per-request allocation besides Qt's read buffer), and the bench's own CPU per request
// is reported next to telephone's so that a saturated machine is visible in the figures.

#include "protocol/frame.h"
#include "sim/httpserver.h"
#include "sim/plugboardsimulator.h"
#include "support/procfs.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

using namespace telephone;

namespace {

constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;
constexpr qint64 SmallBodySize = 100;

QElapsedTimer g_clock; // since start, for progress lines

void progress(const QString &text)
{
    fprintf(stderr, "[%6.1fs] %s\n", double(g_clock.elapsed()) / 1000.0, qPrintable(text));
    fflush(stderr);
}

// ---------------------------------------------------------------------------------------------------
// A tiny JSON writer that keeps keys in insertion order (QJsonObject sorts them, which makes the
// report hard to read).

class Json
{
public:
    enum class Type { Null, Bool, Int, Real, String, Object, Array };

    Json() = default;
    Json(bool value) : m_type(Type::Bool), m_bool(value) {}
    Json(int value) : m_type(Type::Int), m_int(value) {}
    Json(qint64 value) : m_type(Type::Int), m_int(value) {}
    Json(const char *text) : m_type(Type::String), m_string(text) {}
    Json(const QString &text) : m_type(Type::String), m_string(text.toStdString()) {}
    static Json real(double value, int decimals = 1)
    {
        Json json;
        if (!std::isfinite(value))
            return json;
        json.m_type = Type::Real;
        json.m_real = value;
        json.m_decimals = decimals;
        return json;
    }
    static Json object()
    {
        Json json;
        json.m_type = Type::Object;
        return json;
    }
    static Json array()
    {
        Json json;
        json.m_type = Type::Array;
        return json;
    }

    /// Appends `key`, or replaces its value in place when it is already there.
    Json &set(const std::string &key, Json value)
    {
        for (auto &member : m_members) {
            if (member.first == key) {
                member.second = std::move(value);
                return *this;
            }
        }
        m_members.emplace_back(key, std::move(value));
        return *this;
    }
    Json &append(Json value)
    {
        m_items.push_back(std::move(value));
        return *this;
    }

    std::string dump(int indent = 0) const
    {
        std::string out;
        write(&out, indent);
        out += '\n';
        return out;
    }

private:
    static void quote(std::string *out, const std::string &text)
    {
        *out += '"';
        for (const char c : text) {
            if (c == '"' || c == '\\') {
                *out += '\\';
                *out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                *out += escaped;
            } else {
                *out += c;
            }
        }
        *out += '"';
    }

    void write(std::string *out, int indent) const
    {
        const std::string pad(size_t(indent + 2), ' ');
        const std::string closePad(size_t(indent), ' ');
        char number[64];
        switch (m_type) {
        case Type::Null:
            *out += "null";
            break;
        case Type::Bool:
            *out += m_bool ? "true" : "false";
            break;
        case Type::Int:
            snprintf(number, sizeof number, "%lld", static_cast<long long>(m_int));
            *out += number;
            break;
        case Type::Real:
            snprintf(number, sizeof number, "%.*f", m_decimals, m_real);
            *out += number;
            break;
        case Type::String:
            quote(out, m_string);
            break;
        case Type::Object:
            if (m_members.empty()) {
                *out += "{}";
                break;
            }
            *out += "{\n";
            for (size_t i = 0; i < m_members.size(); ++i) {
                *out += pad;
                quote(out, m_members[i].first);
                *out += ": ";
                m_members[i].second.write(out, indent + 2);
                *out += i + 1 < m_members.size() ? ",\n" : "\n";
            }
            *out += closePad + "}";
            break;
        case Type::Array:
            if (m_items.empty()) {
                *out += "[]";
                break;
            }
            *out += "[\n";
            for (size_t i = 0; i < m_items.size(); ++i) {
                *out += pad;
                m_items[i].write(out, indent + 2);
                *out += i + 1 < m_items.size() ? ",\n" : "\n";
            }
            *out += closePad + "]";
            break;
        }
    }

    Type m_type = Type::Null;
    bool m_bool = false;
    qint64 m_int = 0;
    double m_real = 0;
    int m_decimals = 1;
    std::string m_string;
    std::vector<std::pair<std::string, Json>> m_members;
    std::vector<Json> m_items;
};

// ---------------------------------------------------------------------------------------------------
// /proc readings (support/procfs.h)

/// Samples a process's VmRSS every 20 ms on the main thread's event loop while a scenario runs. VmHWM
/// is the peak since the process started, so it tells the per-scenario peak only when it rose during
/// the scenario; the samples cover the other case.
class RssSampler
{
public:
    explicit RssSampler(QByteArray pid) : m_pid(std::move(pid))
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(20);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { sample(); });
    }
    void start()
    {
        m_hwmBefore = processStatusKib(m_pid, "VmHWM:");
        m_max = 0;
        sample();
        m_timer.start();
    }
    qint64 stop()
    {
        m_timer.stop();
        sample();
        const qint64 hwmAfter = processStatusKib(m_pid, "VmHWM:");
        return hwmAfter > m_hwmBefore ? std::max(m_max, hwmAfter) : m_max;
    }

private:
    void sample() { m_max = std::max(m_max, processStatusKib(m_pid, "VmRSS:")); }

    QByteArray m_pid;
    QTimer m_timer;
    qint64 m_hwmBefore = 0;
    qint64 m_max = 0;
};

/// Set before any thread starts (--flat-bodies): body lines end in a space instead of a newline.
bool g_flatBodies = false;

QByteArray textBody(qint64 size)
{
    // Printable ASCII, so it is valid UTF-8 and goes through as a JSON string. Lines end in "\n" like
    // real text, HTML or JSON bodies, so the JSON escaping is exercised; note that Qt 6.4's JSON parser
    // is slow on long strings with escapes, which makes the simulator's own ceiling for large bodies
    // low (--flat-bodies shows the difference).
    const QByteArray pattern =
        g_flatBodies ? QByteArrayLiteral("telephone-bench backend body: the quick brown fox jumps over the lazy dog 0123456789 ")
                     : QByteArrayLiteral("telephone-bench backend body: the quick brown fox jumps over the lazy dog 0123456789\n");
    QByteArray body;
    body.reserve(size);
    while (body.size() + pattern.size() <= size)
        body.append(pattern);
    body.append(pattern.constData(), size - body.size());
    return body;
}

// ---------------------------------------------------------------------------------------------------
// The server side: simulator + backend in one worker thread.

struct ServerInfo {
    bool ok = false;
    QString error;
    quint16 simulatorPort = 0;
    quint16 backendPort = 0;
    QUrl socketUrl;
    QString benchPathId;
    QString benchToken;
    QString ceilingPathId;
    QString ceilingToken;
};

class ServerThread : public QThread
{
public:
    ServerInfo startServers()
    {
        std::future<ServerInfo> info = m_ready.get_future();
        start();
        return info.get();
    }

    std::atomic<int> benchJoins{0};
    std::atomic<int> ceilingJoins{0};
    std::atomic<int> lateResponses{0};

protected:
    void run() override
    {
        sim::PlugboardSimulator simulator;
        sim::HttpServer backend;
        ServerInfo info;

        const QByteArray smallBody = textBody(SmallBodySize);
        QHash<qint64, QByteArray> bigBodies; // built once per size; used from this thread only
        const sim::HttpHeaders textHeaders{{"content-type", "text/plain; charset=utf-8"}};
        // Answers synchronously, in the handler.
        backend.setHandler([&](const sim::HttpRequest &request, sim::HttpResponder *responder) {
            if (request.method == "POST") {
                responder->respond(200, textHeaders, request.body);
                return;
            }
            const QByteArray path = request.path();
            if (path.startsWith("/big/")) {
                bool ok = false;
                const qint64 size = path.mid(5).toLongLong(&ok);
                if (!ok || size < 0 || size > 1024 * MiB) {
                    responder->respond(400, textHeaders, "bad size\n");
                    return;
                }
                auto it = bigBodies.find(size);
                if (it == bigBodies.end())
                    it = bigBodies.insert(size, textBody(size));
                responder->respond(200, textHeaders, it.value());
                return;
            }
            responder->respond(200, textHeaders, smallBody);
        });

        // WebSocket upgrades (the ws-echo scenario): a QWebSocketServer echoes every message.
        QWebSocketServer echoServer(QStringLiteral("bench-echo"), QWebSocketServer::NonSecureMode);
        backend.setUpgradeHandler([&echoServer](const sim::HttpRequest &, QTcpSocket *socket) {
            socket->setParent(&echoServer);
            echoServer.handleConnection(socket);
            return true;
        });
        QObject::connect(&echoServer, &QWebSocketServer::newConnection, &echoServer, [&echoServer] {
            while (QWebSocket *socket = echoServer.nextPendingConnection()) {
                QObject::connect(socket, &QWebSocket::textMessageReceived, socket, &QWebSocket::sendTextMessage);
                QObject::connect(socket, &QWebSocket::binaryMessageReceived, socket, &QWebSocket::sendBinaryMessage);
                QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            }
        });

        // QTcpServer's default listen backlog is 50: 256 connections opened at once (by the load
        // generator, or by telephone towards the backend) would overflow it, and the dropped SYNs
        // are retried after 1 s, which measures the kernel, not telephone. Real servers use more
        // (nginx 511, Go somaxconn), so give both listeners 1024 (the servers keep their QTcpServer
        // as a child object).
        for (QObject *server : {static_cast<QObject *>(&simulator), static_cast<QObject *>(&backend)}) {
            for (QTcpServer *listener : server->findChildren<QTcpServer *>())
                listener->setListenBacklogSize(1024);
        }
        if (!simulator.listen(QHostAddress::LocalHost, 0)) {
            info.error = QStringLiteral("the simulator could not listen");
        } else if (!backend.listen(QHostAddress::LocalHost, 0)) {
            info.error = QStringLiteral("the backend could not listen: ") + backend.errorString();
        } else {
            info.ok = true;
            info.simulatorPort = simulator.port();
            info.backendPort = backend.port();
            info.socketUrl = simulator.socketUrl();
            info.benchPathId = simulator.addMount(QStringLiteral("/bench"));
            info.benchToken = simulator.mintToken(info.benchPathId, 24 * 3600);
            info.ceilingPathId = simulator.addMount(QStringLiteral("/ceiling"));
            info.ceilingToken = simulator.mintToken(info.ceilingPathId, 24 * 3600);
            const QString benchPathId = info.benchPathId;
            QObject::connect(&simulator, &sim::PlugboardSimulator::clientJoined, &simulator,
                             [this, benchPathId](const QString &pathId) {
                                 if (pathId == benchPathId)
                                     ++benchJoins;
                                 else
                                     ++ceilingJoins;
                             });
        }
        const bool ok = info.ok;
        m_ready.set_value(std::move(info));
        if (ok)
            exec();
        lateResponses = simulator.lateResponses();
    }

private:
    std::promise<ServerInfo> m_ready;
};

// ---------------------------------------------------------------------------------------------------
// The simulator's ceiling: a client in its own thread that joins over a QWebSocket and answers each
// proxy_req at once with a prepared proxy_res of the same shape telephone would send (the small body,
// the big body of the asked size, or the request body for POST). Only the request_id is spliced in.

class ResponderThread : public QThread
{
public:
    ResponderThread(QUrl socketUrl, QString token, QString pathId)
        : m_socketUrl(std::move(socketUrl)), m_token(std::move(token)), m_topic(QStringLiteral("telephone:") + pathId)
    {
    }

    std::atomic<bool> joined{false};
    std::atomic<qint64> answered{0};

protected:
    void run() override
    {
        QWebSocket socket;
        QUrl url = m_socketUrl;
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("token"), m_token);
        query.addQueryItem(QStringLiteral("vsn"), QStringLiteral("2.0.0"));
        url.setQuery(query);

        const QString placeholder = QStringLiteral("@@request-id@@");
        // path -> {text before the request id, text after it}
        QHash<QString, std::pair<QString, QString>> templates;
        const QJsonObject headers{{QStringLiteral("content-type"), QStringLiteral("text/plain; charset=utf-8")}};
        auto responsePayload = [&](const QString &requestId, const QString &body) {
            return QJsonObject{{QStringLiteral("request_id"), requestId},
                               {QStringLiteral("status"), 200},
                               {QStringLiteral("headers"), headers},
                               {QStringLiteral("body"), body}};
        };
        auto encode = [&](const QJsonObject &payload) {
            return QString::fromUtf8(
                encodeFrame(Frame{QString(), QString(), m_topic, QStringLiteral("proxy_res"), payload}));
        };
        int ref = 0;
        QTimer heartbeat;

        QObject::connect(&socket, &QWebSocket::connected, &socket, [&] {
            socket.sendTextMessage(QString::fromUtf8(encodeFrame(
                Frame{QStringLiteral("1"), QString::number(++ref), m_topic, QStringLiteral("phx_join"), {}})));
            // The simulator drops channels silent for 60 s; the whole run may take longer.
            heartbeat.start(15000);
        });
        QObject::connect(&heartbeat, &QTimer::timeout, &socket, [&] {
            socket.sendTextMessage(QString::fromUtf8(encodeFrame(
                Frame{QStringLiteral("1"), QString::number(++ref), m_topic, QStringLiteral("heartbeat"), {}})));
        });
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [&](const QString &text) {
            const DecodedFrame decoded = decodeFrame(text.toUtf8());
            if (!decoded.frame)
                return;
            const Frame &frame = *decoded.frame;
            if (frame.event == QLatin1String("phx_reply") && frame.ref == QLatin1String("1")) {
                joined = frame.payload.value(QStringLiteral("status")).toString() == QLatin1String("ok");
                return;
            }
            if (frame.event != QLatin1String("proxy_req"))
                return;
            const QString requestId = frame.payload.value(QStringLiteral("request_id")).toString();
            if (frame.payload.value(QStringLiteral("method")).toString() == QLatin1String("POST")) {
                socket.sendTextMessage(
                    encode(responsePayload(requestId, frame.payload.value(QStringLiteral("body")).toString())));
            } else {
                const QString path = frame.payload.value(QStringLiteral("path")).toString();
                auto it = templates.find(path);
                if (it == templates.end()) {
                    const qint64 size = path.startsWith(QLatin1String("/big/")) ? path.mid(5).toLongLong()
                                                                                 : SmallBodySize;
                    const QString text = encode(responsePayload(placeholder, QString::fromLatin1(textBody(size))));
                    const qsizetype at = text.indexOf(placeholder);
                    it = templates.insert(path, {text.left(at), text.mid(at + placeholder.size())});
                }
                socket.sendTextMessage(it->first + requestId + it->second);
            }
            ++answered;
        });
        socket.open(url);
        exec();
        socket.abort();
    }

private:
    QUrl m_socketUrl;
    QString m_token;
    QString m_topic;
};

// ---------------------------------------------------------------------------------------------------
// The load generator: closed-loop keep-alive HTTP/1.1 connections on the main thread.

struct Scenario {
    QString name;
    QByteArray method;          ///< GET or POST
    QByteArray path;            ///< below the mount: /small, /echo, /big/<n>
    qint64 requestBodySize = 0; ///< POST body
    qint64 responseBodySize = 0;
    int connections = 1;
    int maxRequests = 0;        ///< 0: as many as fit in the scenario's seconds
};

struct Target {
    QString name; ///< backend, simulator, telephone
    quint16 port = 0;
    QByteArray prefix; ///< "" straight to the backend, /call/<mount> through the simulator
};

struct RunResult {
    double connectSecs = 0;  ///< opening the connections, before the clock starts
    double teardownSecs = 0; ///< closing them, after it stopped
    double elapsedSecs = 0;
    qint64 requests = 0; ///< answered 200 with the whole body
    std::vector<qint64> latenciesNs;
    std::map<std::string, qint64> errors;
};

class LoadRun
{
public:
    LoadRun(const Scenario &scenario, const Target &target, double seconds)
        : m_scenario(scenario), m_target(target), m_seconds(seconds)
    {
        m_request = scenario.method + ' ' + target.prefix + scenario.path + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                    QByteArray::number(target.port) + "\r\nUser-Agent: telephone-bench\r\n";
        if (scenario.requestBodySize > 0) {
            m_request += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                         QByteArray::number(scenario.requestBodySize) + "\r\n\r\n" + textBody(scenario.requestBodySize);
        } else {
            m_request += "\r\n";
        }
        if (scenario.maxRequests == 0)
            m_result.latenciesNs.reserve(size_t(std::min(4'000'000.0, seconds * 50'000)));
    }

    RunResult run()
    {
        // Connect every socket before the clock starts.
        QElapsedTimer phase;
        phase.start();
        m_conns.reserve(size_t(m_scenario.connections));
        for (int i = 0; i < m_scenario.connections; ++i) {
            auto conn = std::make_unique<Conn>();
            Conn *c = conn.get();
            c->socket = new QTcpSocket();
            QObject::connect(c->socket, &QTcpSocket::connected, c->socket, [this, c] { onConnected(c); });
            QObject::connect(c->socket, &QTcpSocket::readyRead, c->socket, [this, c] { onReadyRead(c); });
            QObject::connect(c->socket, &QTcpSocket::disconnected, c->socket, [this, c] { onDisconnected(c); });
            QObject::connect(c->socket, &QTcpSocket::errorOccurred, c->socket,
                             [this, c](QAbstractSocket::SocketError) { onDisconnected(c); });
            m_conns.push_back(std::move(conn));
            c->socket->connectToHost(QHostAddress::LocalHost, m_target.port);
        }
        QTimer connectTimeout;
        connectTimeout.setSingleShot(true);
        QObject::connect(&connectTimeout, &QTimer::timeout, &m_loop, &QEventLoop::quit);
        connectTimeout.start(10000);
        if (m_connected < m_scenario.connections)
            m_loop.exec();
        connectTimeout.stop();
        if (m_connected < m_scenario.connections)
            m_result.errors["connect_failed"] += m_scenario.connections - m_connected;

        m_result.connectSecs = double(phase.nsecsElapsed()) / 1e9;
        m_clock.start();
        m_issuing = true;
        QTimer stopIssuing;
        stopIssuing.setSingleShot(true);
        stopIssuing.setTimerType(Qt::PreciseTimer);
        QObject::connect(&stopIssuing, &QTimer::timeout, [this] {
            m_issuing = false;
            if (m_busy == 0)
                m_loop.quit();
        });
        // A one-shot scenario (maxRequests) is bounded by its own grace period only.
        if (m_scenario.maxRequests == 0)
            stopIssuing.start(int(m_seconds * 1000));
        QTimer hardStop;
        hardStop.setSingleShot(true);
        QObject::connect(&hardStop, &QTimer::timeout, &m_loop, &QEventLoop::quit);
        hardStop.start(int(m_seconds * 1000) + 60000);

        for (auto &conn : m_conns) {
            if (conn->socket->state() == QAbstractSocket::ConnectedState)
                sendNext(conn.get());
        }
        if (m_busy > 0)
            m_loop.exec();
        m_result.elapsedSecs = double(m_clock.nsecsElapsed()) / 1e9;
        phase.restart();
        m_issuing = false;
        for (auto &conn : m_conns) {
            if (conn->busy)
                ++m_result.errors["timeout"];
            conn->socket->disconnect();
            conn->socket->abort();
            delete conn->socket;
        }
        m_conns.clear();
        m_result.teardownSecs = double(phase.nsecsElapsed()) / 1e9;
        return std::move(m_result);
    }

private:
    enum class State { Idle, Head, Body, ChunkSize, ChunkData, ChunkEnd, Trailer };
    struct Conn {
        QTcpSocket *socket = nullptr;
        QByteArray buffer;
        State state = State::Idle;
        qint64 remaining = 0;
        qint64 bodyBytes = 0;
        int status = 0;
        bool closeAfter = false;
        bool busy = false;      ///< a request is out (or waiting for a reconnect to go out)
        bool everConnected = false;
        bool reconnectPending = false;
        QElapsedTimer timer;
    };

    bool mayIssue() const
    {
        return m_issuing && (m_scenario.maxRequests == 0 || m_issued < m_scenario.maxRequests);
    }

    void setBusy(Conn *c, bool busy)
    {
        if (c->busy == busy)
            return;
        c->busy = busy;
        m_busy += busy ? 1 : -1;
        if (m_busy == 0 && !mayIssue())
            m_loop.quit();
    }

    void sendNext(Conn *c)
    {
        if (!mayIssue()) {
            setBusy(c, false);
            return;
        }
        ++m_issued;
        setBusy(c, true);
        c->state = State::Head;
        c->bodyBytes = 0;
        c->buffer.clear();
        c->timer.start();
        c->socket->write(m_request);
    }

    void onConnected(Conn *c)
    {
        c->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (!c->everConnected) {
            c->everConnected = true;
            if (++m_connected == m_scenario.connections && !m_issuing)
                m_loop.quit();
            return;
        }
        // A reconnect: the request that was due goes out now.
        if (c->busy) {
            setBusy(c, false);
            sendNext(c);
        }
    }

    void onDisconnected(Conn *c)
    {
        const auto state = c->socket->state();
        if (state == QAbstractSocket::ConnectingState || state == QAbstractSocket::HostLookupState)
            return; // an error signal of the reconnect in progress
        if (c->busy && c->state != State::Idle)
            ++m_result.errors["connection_error"];
        c->state = State::Idle;
        c->buffer.clear();
        if (c->busy)
            scheduleReconnect(c, 10);
    }

    /// Keeps the connection busy: its next request goes out once reconnected (see onConnected).
    void scheduleReconnect(Conn *c, int delayMs)
    {
        if (!m_issuing) {
            setBusy(c, false);
            return;
        }
        if (c->reconnectPending)
            return;
        c->reconnectPending = true;
        QTimer::singleShot(delayMs, c->socket, [this, c] {
            c->reconnectPending = false;
            if (!m_issuing) {
                setBusy(c, false);
                return;
            }
            c->socket->abort();
            c->socket->connectToHost(QHostAddress::LocalHost, m_target.port);
        });
    }

    void fail(Conn *c, const char *why)
    {
        ++m_result.errors[why];
        c->state = State::Idle; // not counted again as a connection error
        c->buffer.clear();
        c->socket->abort();
        scheduleReconnect(c, 10);
    }

    void complete(Conn *c)
    {
        const qint64 ns = c->timer.nsecsElapsed();
        c->state = State::Idle;
        if (c->status != 200)
            ++m_result.errors[std::to_string(c->status)];
        else if (c->bodyBytes != m_scenario.responseBodySize)
            ++m_result.errors["wrong_body_size"];
        else {
            ++m_result.requests;
            m_result.latenciesNs.push_back(ns);
        }
    }

    bool parseHead(Conn *c, const char *head, qsizetype size)
    {
        // "HTTP/1.1 200 OK\r\n..."
        if (size < 12 || qstrncmp(head, "HTTP/1.", 7) != 0)
            return false;
        c->status = QByteArray(head + 9, 3).toInt();
        c->closeAfter = head[7] == '0';
        qint64 length = -1;
        bool chunked = false;
        const QByteArray lower = QByteArray(head, size).toLower();
        qsizetype at = lower.indexOf("\r\ncontent-length:");
        if (at >= 0) {
            const qsizetype end = lower.indexOf("\r\n", at + 2);
            length = lower.mid(at + 17, end - at - 17).trimmed().toLongLong();
        }
        at = lower.indexOf("\r\ntransfer-encoding:");
        if (at >= 0) {
            const qsizetype end = lower.indexOf("\r\n", at + 2);
            chunked = lower.mid(at, end - at).contains("chunked");
        }
        at = lower.indexOf("\r\nconnection:");
        if (at >= 0) {
            const qsizetype end = lower.indexOf("\r\n", at + 2);
            c->closeAfter = lower.mid(at, end - at).contains("close");
        }
        if (chunked) {
            c->state = State::ChunkSize;
        } else if (length >= 0) {
            c->remaining = length;
            c->state = State::Body;
        } else {
            return false; // the servers here always frame their bodies
        }
        return true;
    }

    void onReadyRead(Conn *c)
    {
        if (c->buffer.isEmpty())
            c->buffer = c->socket->readAll();
        else
            c->buffer.append(c->socket->readAll());
        const char *data = c->buffer.constData();
        const qsizetype size = c->buffer.size();
        qsizetype pos = 0;
        bool done = false;
        while (!done) {
            switch (c->state) {
            case State::Idle:
                if (pos < size) {
                    fail(c, "unexpected_data");
                    return;
                }
                done = true;
                break;
            case State::Head: {
                const qsizetype end = c->buffer.indexOf("\r\n\r\n", pos);
                if (end < 0) {
                    if (size - pos > 64 * KiB) {
                        fail(c, "bad_response");
                        return;
                    }
                    done = true;
                    break;
                }
                if (!parseHead(c, data + pos, end + 2 - pos)) {
                    fail(c, "bad_response");
                    return;
                }
                pos = end + 4;
                if (c->state == State::Body && c->remaining == 0)
                    complete(c);
                break;
            }
            case State::Body:
            case State::ChunkData: {
                const qint64 take = std::min<qint64>(c->remaining, size - pos);
                pos += take;
                c->remaining -= take;
                c->bodyBytes += take;
                if (c->remaining > 0) {
                    done = true;
                } else if (c->state == State::Body) {
                    complete(c);
                } else {
                    c->state = State::ChunkEnd;
                }
                break;
            }
            case State::ChunkSize: {
                const qsizetype end = c->buffer.indexOf("\r\n", pos);
                if (end < 0) {
                    done = true;
                    break;
                }
                QByteArray line = c->buffer.mid(pos, end - pos);
                if (const qsizetype semi = line.indexOf(';'); semi >= 0)
                    line.truncate(semi);
                bool ok = false;
                const qint64 chunk = line.trimmed().toLongLong(&ok, 16);
                if (!ok || chunk < 0) {
                    fail(c, "bad_response");
                    return;
                }
                pos = end + 2;
                c->remaining = chunk;
                c->state = chunk == 0 ? State::Trailer : State::ChunkData;
                break;
            }
            case State::ChunkEnd:
                if (size - pos < 2) {
                    done = true;
                    break;
                }
                pos += 2;
                c->state = State::ChunkSize;
                break;
            case State::Trailer: {
                const qsizetype end = c->buffer.indexOf("\r\n", pos);
                if (end < 0) {
                    done = true;
                    break;
                }
                const bool last = end == pos;
                pos = end + 2;
                if (last)
                    complete(c);
                break;
            }
            }
            if (c->state == State::Idle && !done) {
                // Finished one response: no pipelining, so nothing may follow it.
                if (pos < size) {
                    fail(c, "unexpected_data");
                    return;
                }
                c->buffer.clear();
                if (c->closeAfter) {
                    c->socket->abort();
                    scheduleReconnect(c, 0);
                } else {
                    sendNext(c);
                }
                return;
            }
        }
        if (pos >= size)
            c->buffer.clear();
        else if (pos > 0)
            c->buffer.remove(0, pos);
    }

    const Scenario m_scenario;
    const Target m_target;
    const double m_seconds;
    QByteArray m_request;
    std::vector<std::unique_ptr<Conn>> m_conns;
    QEventLoop m_loop;
    QElapsedTimer m_clock;
    bool m_issuing = false;
    int m_connected = 0;
    int m_busy = 0;
    qint64 m_issued = 0;
    RunResult m_result;
};

// ---------------------------------------------------------------------------------------------------
// Reporting

struct Latency {
    double p50Us = NAN;
    double p99Us = NAN;
    double maxUs = NAN;
};

Latency latencyOf(std::vector<qint64> ns)
{
    Latency latency;
    if (ns.empty())
        return latency;
    std::sort(ns.begin(), ns.end());
    auto rank = [&](double q) { // nearest rank
        const size_t index = size_t(std::ceil(q * double(ns.size())));
        return double(ns[std::min(ns.size() - 1, index == 0 ? 0 : index - 1)]) / 1000.0;
    };
    latency.p50Us = rank(0.50);
    latency.p99Us = rank(0.99);
    latency.maxUs = double(ns.back()) / 1000.0;
    return latency;
}

struct Measured {
    RunResult result;
    double clientCpuSecs = NAN; ///< telephone only
    qint64 clientPeakRssKib = -1;
    double benchCpuSecs = NAN;
};

Json runJson(const Scenario &scenario, double seconds, const Measured &m, bool withClient)
{
    const RunResult &r = m.result;
    const Latency latency = latencyOf(r.latenciesNs);
    Json json = Json::object();
    json.set("name", scenario.name);
    json.set("connections", scenario.connections);
    json.set("seconds", scenario.maxRequests ? Json::real(r.elapsedSecs, 2) : Json::real(seconds, 1));
    json.set("elapsed_s", Json::real(r.elapsedSecs, 3));
    json.set("requests", r.requests);
    json.set("requests_per_s", Json::real(r.elapsedSecs > 0 ? double(r.requests) / r.elapsedSecs : NAN, 1));
    json.set("p50_us", Json::real(latency.p50Us, 1));
    json.set("p99_us", Json::real(latency.p99Us, 1));
    json.set("max_us", Json::real(latency.maxUs, 1));
    Json errors = Json::object();
    for (const auto &[status, count] : r.errors)
        errors.set(status, count);
    json.set("errors_by_status", std::move(errors));
    const qint64 answered = r.requests + [&] {
        qint64 n = 0;
        for (const auto &[status, count] : r.errors)
            n += count;
        return n;
    }();
    if (withClient) {
        // Per request answered (errors included: telephone did the work for them too).
        const double perRequestUs = answered > 0 ? m.clientCpuSecs * 1e6 / double(answered) : NAN;
        json.set("client_cpu_us_per_request", Json::real(perRequestUs, 1));
        json.set("client_cpu_s_per_1000_requests", Json::real(perRequestUs / 1000.0, 4));
        json.set("client_peak_rss_kib", m.clientPeakRssKib);
    }
    json.set("bench_cpu_us_per_request",
             Json::real(answered > 0 ? m.benchCpuSecs * 1e6 / double(answered) : NAN, 1));
    if (scenario.maxRequests)
        json.set("succeeded", r.requests == scenario.maxRequests && r.errors.empty());
    return json;
}

QString summary(const Measured &m, bool withClient)
{
    const Latency latency = latencyOf(m.result.latenciesNs);
    qint64 errors = 0;
    for (const auto &entry : m.result.errors)
        errors += entry.second;
    QString text = QStringLiteral("%1 req in %2 s = %3 req/s, p50 %4 µs, p99 %5 µs, errors %6")
                       .arg(m.result.requests)
                       .arg(m.result.elapsedSecs, 0, 'f', 2)
                       .arg(m.result.elapsedSecs > 0 ? double(m.result.requests) / m.result.elapsedSecs : 0.0, 0,
                            'f', 0)
                       .arg(latency.p50Us, 0, 'f', 0)
                       .arg(latency.p99Us, 0, 'f', 0)
                       .arg(errors);
    text += QStringLiteral(" (connect %1 ms, teardown %2 ms)")
                .arg(m.result.connectSecs * 1000, 0, 'f', 0)
                .arg(m.result.teardownSecs * 1000, 0, 'f', 0);
    if (withClient) {
        const qint64 answered = m.result.requests + errors;
        text += QStringLiteral(", client %1 µs CPU/req, peak RSS %2 KiB")
                    .arg(answered ? m.clientCpuSecs * 1e6 / double(answered) : 0.0, 0, 'f', 1)
                    .arg(m.clientPeakRssKib);
    }
    return text;
}

Json target(double value, double limit, bool measured)
{
    Json json = Json::object();
    json.set("value", measured ? Json::real(value, 1) : Json());
    json.set("target", Json::real(limit, 1));
    json.set("met", measured ? Json(value <= limit) : Json());
    json.set("ratio", measured ? Json::real(value / limit, 3) : Json());
    return json;
}

/// The first three fields of /proc/loadavg: other work on the machine skews every figure.
QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> fields = file.readAll().split(' ');
    return fields.size() >= 3 ? QString::fromLatin1(fields.mid(0, 3).join(' ')) : QString();
}

void sleepWithEvents(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

/// One idle `telephone --no-gui` with the first `count` tunnels of a config file of `total`
/// [tunnel.tN] sections (each its own mount and token on `simulator`): its VmRSS once all have joined
/// and it has settled, or -1.
qint64 idleRssWithTunnels(const QString &binary, const QString &configFile, const QString &scratch,
                          sim::PlugboardSimulator &simulator, int count, QString *log)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QLatin1String("TELEPHONE_")))
            env.remove(key);
    }
    for (const char *key : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_LOGGING_RULES"})
        env.remove(QString::fromLatin1(key));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), scratch + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), scratch + QStringLiteral("/data"));
    env.insert(QStringLiteral("TELEPHONE_SECRET_STORE"), QStringLiteral("file")); // no keychain prompt
    QStringList args{QStringLiteral("--no-gui"), QStringLiteral("--config"), configFile};
    for (int i = 0; i < count; ++i)
        args << QStringLiteral("--tunnel") << QStringLiteral("t%1").arg(i);
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(binary, args);
    if (!process.waitForStarted(10000))
        return -1;
    QElapsedTimer waited;
    waited.start();
    while (simulator.joinedClients() < count && process.state() == QProcess::Running && waited.elapsed() < 30000)
        sleepWithEvents(10);
    qint64 rss = -1;
    if (simulator.joinedClients() == count) {
        sleepWithEvents(2000); // let it settle, heartbeats included
        rss = processStatusKib(QByteArray::number(process.processId()), "VmRSS:");
    }
    process.terminate();
    if (!process.waitForFinished(15000))
        process.kill();
    process.waitForFinished(5000);
    *log = QString::fromUtf8(process.readAll().right(2000));
    // Wait for the simulator to see every socket go, so the next run starts from zero.
    while (simulator.joinedClients() > 0 && waited.elapsed() < 60000)
        sleepWithEvents(10);
    return rss;
}

/// Issue 15: what an extra idle tunnel costs. RSS with 1 tunnel, then with `count`, against an
/// in-process simulator; the backends are never called, so none is needed.
int measureIdleTunnels(const QString &binary, int count)
{
    sim::PlugboardSimulator simulator;
    QTemporaryDir scratch;
    if (!simulator.listen() || !scratch.isValid()) {
        fprintf(stderr, "telephone-bench: no simulator or temporary directory\n");
        return 1;
    }
    QByteArray ini = "[general]\nserver = " + simulator.socketUrl().toString().toUtf8() + "\nbackend = 9\n";
    for (int i = 0; i < count; ++i) {
        const QString pathId = simulator.addMount(QStringLiteral("/t%1").arg(i));
        ini += "[tunnel.t" + QByteArray::number(i) + "]\ntoken = " + simulator.mintToken(pathId).toUtf8() + "\n";
    }
    const QString configFile = scratch.filePath(QStringLiteral("telephone.ini"));
    QFile file(configFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(ini) != ini.size()) {
        fprintf(stderr, "telephone-bench: cannot write %s\n", qPrintable(configFile));
        return 1;
    }
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    QString log;
    const qint64 one = idleRssWithTunnels(binary, configFile, scratch.path(), simulator, 1, &log);
    progress(QStringLiteral("1 idle tunnel: VmRSS %1 KiB").arg(one));
    const qint64 many = one < 0 ? -1 : idleRssWithTunnels(binary, configFile, scratch.path(), simulator, count, &log);
    progress(QStringLiteral("%1 idle tunnels: VmRSS %2 KiB").arg(count).arg(many));
    if (one < 0 || many < 0) {
        fprintf(stderr, "telephone-bench: the tunnels did not all join; telephone's log:\n%s\n", qPrintable(log));
        return 1;
    }
    const double perExtra = double(many - one) / double(count - 1);
    Json document = Json::object();
    document.set("bench", "telephone-bench idle tunnels");
    document.set("telephone", binary);
    document.set("tunnels", count);
    document.set("idle_rss_kib_1_tunnel", one);
    document.set("idle_rss_kib_" + std::to_string(count) + "_tunnels", many);
    document.set("idle_rss_kib_per_extra_tunnel", Json::real(perExtra, 1));
    document.set("target_kib_per_extra_tunnel", 2048);
    document.set("met", perExtra <= 2048.0);
    const std::string text = document.dump();
    fwrite(text.data(), 1, text.size(), stdout);
    fflush(stdout);
    return 0;
}

// ---------------------------------------------------------------------------------------------------
// WebSocket echo through the tunnel: `connections` browser-style QWebSockets on the simulator's
// /call front, each sending its next message as soon as the previous one came back.

struct WsEchoResult {
    qint64 messages = 0;
    qint64 wrong = 0; ///< echoes that differ from what was sent
    int connected = 0;
    double elapsedSecs = 0;
};

WsEchoResult runWsEcho(quint16 port, int connections, double seconds, qsizetype messageSize)
{
    WsEchoResult result;
    const QString message(messageSize, QLatin1Char('m'));
    bool running = false;
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    for (int i = 0; i < connections; ++i) {
        sockets.push_back(std::make_unique<QWebSocket>());
        QWebSocket *socket = sockets.back().get();
        QObject::connect(socket, &QWebSocket::connected, socket, [&result] { ++result.connected; });
        QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [&, socket](const QString &echo) {
            ++result.messages;
            if (echo != message)
                ++result.wrong;
            if (running)
                socket->sendTextMessage(message);
        });
        socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/call/bench/ws-echo").arg(port)));
    }
    QElapsedTimer clock;
    clock.start();
    while (result.connected < connections && clock.elapsed() < 10000)
        sleepWithEvents(10);
    if (result.connected < connections)
        return result;
    running = true;
    clock.restart();
    for (auto &socket : sockets)
        socket->sendTextMessage(message);
    while (clock.elapsed() < qint64(seconds * 1000))
        sleepWithEvents(10);
    running = false;
    result.elapsedSecs = double(clock.elapsed()) / 1000.0;
    sleepWithEvents(200); // the last echoes in flight
    for (auto &socket : sockets)
        socket->close();
    sleepWithEvents(100);
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("telephone-bench"));
    g_clock.start();
    const QString loadBefore = loadAverage();
    // The simulator's per-event info lines would drown the progress; warnings still show.
    QLoggingCategory::setFilterRules(QStringLiteral("telephone.*.info=false\ntelephone.*.debug=false"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Load benchmark of a real `telephone --no-gui` process through the Plugboard simulator. "
        "Prints one JSON document on stdout, progress on stderr."));
    parser.addHelpOption();
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Seconds per scenario through telephone (default 5)."),
                                           QStringLiteral("s"), QStringLiteral("5"));
    const QCommandLineOption ceilingSecondsOption(
        QStringLiteral("ceiling-seconds"), QStringLiteral("Seconds per ceiling run (default 2)."), QStringLiteral("s"),
        QStringLiteral("2"));
    const QCommandLineOption quickOption(QStringLiteral("quick"),
                                         QStringLiteral("A ~30 s run: 2 s scenarios, 0.5 s ceilings (none for get-100m)."));
    const QCommandLineOption scenarioOption(
        QStringLiteral("scenario"),
        QStringLiteral("Run only these scenarios (repeatable or comma-separated): small-get-1, small-get-16, "
                       "small-get-64, small-get-256, post-16k-64, get-1m-16, get-100m, ws-echo-16 (WebSocket echo of 64-byte "
                       "messages on 16 connections)."),
        QStringLiteral("name"));
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
                                               QStringLiteral("Override every scenario's connection count."),
                                               QStringLiteral("n"));
    const QCommandLineOption noCeilingsOption(QStringLiteral("no-ceilings"),
                                              QStringLiteral("Skip the backend and simulator ceilings."));
    const QCommandLineOption noWarmupOption(QStringLiteral("no-warmup"),
                                            QStringLiteral("Skip the 1 s warm-up through telephone."));
    const QCommandLineOption telephoneOption(QStringLiteral("telephone"),
                                             QStringLiteral("The telephone binary (default: the one built with this)."),
                                             QStringLiteral("path"), QStringLiteral(TELEPHONE_BINARY));
    const QCommandLineOption chunkSizeOption(QStringLiteral("chunk-size"),
                                             QStringLiteral("Passed to telephone (its default: 1MiB)."),
                                             QStringLiteral("bytes"));
    const QCommandLineOption maxResponseOption(QStringLiteral("max-response-size"),
                                               QStringLiteral("Passed to telephone (its default: 100MiB)."),
                                               QStringLiteral("bytes"));
    const QCommandLineOption wrapperOption(
        QStringLiteral("wrapper"),
        QStringLiteral("Run telephone under this command (e.g. \"valgrind --tool=callgrind\"); space-separated."),
        QStringLiteral("command"));
    const QCommandLineOption flatBodiesOption(
        QStringLiteral("flat-bodies"),
        QStringLiteral("Bodies without newlines (nothing to escape in JSON) instead of lines of text."));
    const QCommandLineOption idleTunnelsOption(
        QStringLiteral("idle-tunnels"),
        QStringLiteral("Instead of the load scenarios: the RSS of 1 and of N idle tunnels in one process "
                       "(issue 15; target: at most 2 MiB per extra tunnel)."),
        QStringLiteral("n"));
    parser.addOptions({secondsOption, ceilingSecondsOption, quickOption, scenarioOption, connectionsOption,
                       noCeilingsOption, noWarmupOption, telephoneOption, chunkSizeOption, maxResponseOption,
                       wrapperOption, flatBodiesOption, idleTunnelsOption});
    parser.process(app);
    if (parser.isSet(idleTunnelsOption)) {
        const int count = parser.value(idleTunnelsOption).toInt();
        if (count < 2) {
            fprintf(stderr, "telephone-bench: --idle-tunnels needs a number of at least 2\n");
            return 2;
        }
        return measureIdleTunnels(parser.value(telephoneOption), count);
    }
    g_flatBodies = parser.isSet(flatBodiesOption);

    const bool quick = parser.isSet(quickOption);
    const double seconds =
        parser.isSet(secondsOption) || !quick ? parser.value(secondsOption).toDouble() : 2.0;
    const double ceilingSeconds =
        parser.isSet(ceilingSecondsOption) || !quick ? parser.value(ceilingSecondsOption).toDouble() : 0.5;
    const bool ceilings = !parser.isSet(noCeilingsOption);
    if (!(seconds > 0) || !(ceilingSeconds > 0)) {
        fprintf(stderr, "telephone-bench: --seconds and --ceiling-seconds must be positive\n");
        return 2;
    }

    const qint64 bigSize = 100 * MiB;
    std::vector<Scenario> scenarios = {
        {QStringLiteral("small-get-1"), "GET", "/small", 0, SmallBodySize, 1, 0},
        {QStringLiteral("small-get-16"), "GET", "/small", 0, SmallBodySize, 16, 0},
        {QStringLiteral("small-get-64"), "GET", "/small", 0, SmallBodySize, 64, 0},
        {QStringLiteral("small-get-256"), "GET", "/small", 0, SmallBodySize, 256, 0},
        {QStringLiteral("post-16k-64"), "POST", "/echo", 16 * KiB, 16 * KiB, 64, 0},
        {QStringLiteral("get-1m-16"), "GET", "/big/" + QByteArray::number(MiB), 0, MiB, 16, 0},
        {QStringLiteral("get-100m"), "GET", "/big/" + QByteArray::number(bigSize), 0, bigSize, 1, 1},
    };
    const QString wsEchoName = QStringLiteral("ws-echo-16");
    QStringList wanted;
    for (const QString &value : parser.values(scenarioOption))
        wanted += value.split(QLatin1Char(','), Qt::SkipEmptyParts);
    const bool filtered = !wanted.isEmpty();
    const bool runWsEchoScenario = !filtered || wanted.removeAll(wsEchoName) > 0;
    if (filtered) {
        for (const QString &name : wanted) {
            if (std::none_of(scenarios.begin(), scenarios.end(), [&](const Scenario &s) { return s.name == name; })) {
                fprintf(stderr, "telephone-bench: unknown scenario %s\n", qPrintable(name));
                return 2;
            }
        }
        scenarios.erase(std::remove_if(scenarios.begin(), scenarios.end(),
                                       [&](const Scenario &s) { return !wanted.contains(s.name); }),
                        scenarios.end());
    }
    if (parser.isSet(connectionsOption)) {
        const int n = parser.value(connectionsOption).toInt();
        if (n < 1) {
            fprintf(stderr, "telephone-bench: --connections must be at least 1\n");
            return 2;
        }
        for (Scenario &s : scenarios) {
            if (!s.maxRequests)
                s.connections = n;
        }
    }

    // --- Servers -----------------------------------------------------------------------------------
    ServerThread servers;
    const ServerInfo info = servers.startServers();
    if (!info.ok) {
        fprintf(stderr, "telephone-bench: %s\n", qPrintable(info.error));
        servers.wait();
        return 1;
    }
    progress(QStringLiteral("simulator on 127.0.0.1:%1, backend on 127.0.0.1:%2")
                 .arg(info.simulatorPort)
                 .arg(info.backendPort));

    std::unique_ptr<ResponderThread> responder;
    auto stopAll = [&] {
        if (responder) {
            responder->quit();
            responder->wait();
        }
        servers.quit();
        servers.wait();
    };
    if (ceilings) {
        responder = std::make_unique<ResponderThread>(info.socketUrl, info.ceilingToken, info.ceilingPathId);
        responder->start();
        QElapsedTimer waited;
        waited.start();
        while (!(responder->joined && servers.ceilingJoins > 0) && waited.elapsed() < 10000)
            sleepWithEvents(10);
        if (!responder->joined) {
            fprintf(stderr, "telephone-bench: the built-in responder could not join the simulator\n");
            stopAll();
            return 1;
        }
    }

    // --- telephone ---------------------------------------------------------------------------------
    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        fprintf(stderr, "telephone-bench: no temporary directory\n");
        stopAll();
        return 1;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QLatin1String("TELEPHONE_")))
            env.remove(key);
    }
    for (const char *key : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_LOGGING_RULES"})
        env.remove(QString::fromLatin1(key));
    env.insert(QStringLiteral("TELEPHONE_TOKEN"), info.benchToken); // the environment keeps it out of `ps`
    // No user configuration file may change what is measured.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), scratch.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), scratch.filePath(QStringLiteral("data")));

    const QString telephoneBinary = parser.value(telephoneOption);
    QStringList telephoneArgs{QStringLiteral("--no-gui"),
                              QStringLiteral("--server"),
                              info.socketUrl.toString(),
                              QStringLiteral("--backend"),
                              QStringLiteral("http://127.0.0.1:%1").arg(info.backendPort),
                              QStringLiteral("--data-dir"),
                              scratch.filePath(QStringLiteral("data"))};
    if (parser.isSet(chunkSizeOption))
        telephoneArgs << QStringLiteral("--chunk-size") << parser.value(chunkSizeOption);
    if (parser.isSet(maxResponseOption))
        telephoneArgs << QStringLiteral("--max-response-size") << parser.value(maxResponseOption);

    QProcess telephoneProcess;
    telephoneProcess.setProcessEnvironment(env);
    const QString telephoneLog = scratch.filePath(QStringLiteral("telephone.log"));
    telephoneProcess.setProcessChannelMode(QProcess::MergedChannels);
    telephoneProcess.setStandardOutputFile(telephoneLog);
    QString program = telephoneBinary;
    QStringList programArgs = telephoneArgs;
    if (parser.isSet(wrapperOption)) {
        QStringList wrapper = parser.value(wrapperOption).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        program = wrapper.takeFirst();
        programArgs = wrapper + QStringList{telephoneBinary} + telephoneArgs;
    }
    telephoneProcess.start(program, programArgs);
    auto telephoneLogTail = [&] {
        QFile file(telephoneLog);
        if (!file.open(QIODevice::ReadOnly))
            return QByteArray();
        const QByteArray all = file.readAll();
        return all.right(4000);
    };
    if (!telephoneProcess.waitForStarted(10000)) {
        fprintf(stderr, "telephone-bench: could not start %s: %s\n", qPrintable(telephoneBinary),
                qPrintable(telephoneProcess.errorString()));
        stopAll();
        return 1;
    }
    const QByteArray pid = QByteArray::number(telephoneProcess.processId());
    progress(QStringLiteral("started %1 (pid %2)").arg(telephoneBinary, QString::fromLatin1(pid)));
    {
        QElapsedTimer waited;
        waited.start();
        const int joinWaitMs = parser.isSet(wrapperOption) ? 120000 : 20000;
        while (servers.benchJoins == 0 && telephoneProcess.state() == QProcess::Running &&
               waited.elapsed() < joinWaitMs)
            sleepWithEvents(10);
        if (servers.benchJoins == 0) {
            fprintf(stderr, "telephone-bench: telephone did not join the simulator; its log:\n%s\n",
                    telephoneLogTail().constData());
            telephoneProcess.kill();
            telephoneProcess.waitForFinished(5000);
            stopAll();
            return 1;
        }
        progress(QStringLiteral("telephone joined after %1 ms").arg(waited.elapsed()));
    }
    sleepWithEvents(1000); // let it settle before the idle reading
    const qint64 idleRssKib = processStatusKib(pid, "VmRSS:");
    // Anonymous memory is telephone's own; file-backed is mostly the mapped code of its libraries.
    const qint64 idleRssAnonKib = processStatusKib(pid, "RssAnon:");
    const qint64 idleRssFileKib = processStatusKib(pid, "RssFile:");
    progress(QStringLiteral("idle RSS %1 KiB (anonymous %2 KiB, file-backed %3 KiB)")
                 .arg(idleRssKib)
                 .arg(idleRssAnonKib)
                 .arg(idleRssFileKib));

    const Target backendTarget{QStringLiteral("backend"), info.backendPort, QByteArray()};
    const Target simulatorTarget{QStringLiteral("simulator"), info.simulatorPort, QByteArrayLiteral("/call/ceiling")};
    const Target telephoneTarget{QStringLiteral("telephone"), info.simulatorPort, QByteArrayLiteral("/call/bench")};

    auto measure = [&](const Scenario &scenario, const Target &target, double secs, bool client) {
        Measured m;
        RssSampler sampler(pid);
        const double clientBefore = client ? processCpuSeconds(pid) : 0;
        const double benchBefore = processCpuSeconds("self");
        if (client)
            sampler.start();
        m.result = LoadRun(scenario, target, secs).run();
        if (client) {
            m.clientPeakRssKib = sampler.stop();
            m.clientCpuSecs = processCpuSeconds(pid) - clientBefore;
        }
        m.benchCpuSecs = processCpuSeconds("self") - benchBefore;
        return m;
    };

    if (!parser.isSet(noWarmupOption)) {
        const Scenario warmup{QStringLiteral("warm-up"), "GET", "/small", 0, SmallBodySize, 16, 0};
        const Measured m = measure(warmup, telephoneTarget, 1.0, true);
        progress(QStringLiteral("warm-up: %1").arg(summary(m, true)));
        sleepWithEvents(200);
    }

    // --- Scenarios ---------------------------------------------------------------------------------
    Json scenarioList = Json::array();
    std::map<QString, Measured> telephoneResults;
    bool telephoneDied = false;
    for (const Scenario &scenario : scenarios) {
        Json entry;
        // The one-shot 100 MiB ceilings take ~10 s (the simulator parses the escaped body slowly):
        // --quick leaves them out.
        if (ceilings && !(quick && scenario.maxRequests)) {
            const Measured direct = measure(scenario, backendTarget, ceilingSeconds, false);
            progress(QStringLiteral("%1 backend ceiling: %2").arg(scenario.name, summary(direct, false)));
            const Measured viaSimulator = measure(scenario, simulatorTarget, ceilingSeconds, false);
            progress(QStringLiteral("%1 simulator ceiling: %2").arg(scenario.name, summary(viaSimulator, false)));
            Json ceilingJson = Json::object();
            ceilingJson.set("backend", runJson(scenario, ceilingSeconds, direct, false));
            ceilingJson.set("simulator", runJson(scenario, ceilingSeconds, viaSimulator, false));
            sleepWithEvents(200);
            const Measured m = measure(scenario, telephoneTarget, seconds, true);
            progress(QStringLiteral("%1 telephone: %2").arg(scenario.name, summary(m, true)));
            entry = runJson(scenario, seconds, m, true);
            entry.set("ceilings", std::move(ceilingJson));
            telephoneResults[scenario.name] = m;
        } else {
            const Measured m = measure(scenario, telephoneTarget, seconds, true);
            progress(QStringLiteral("%1 telephone: %2").arg(scenario.name, summary(m, true)));
            entry = runJson(scenario, seconds, m, true);
            telephoneResults[scenario.name] = m;
        }
        scenarioList.append(std::move(entry));
        if (telephoneProcess.state() != QProcess::Running) {
            telephoneDied = true;
            fprintf(stderr, "telephone-bench: telephone exited during %s; its log:\n%s\n",
                    qPrintable(scenario.name), telephoneLogTail().constData());
            break;
        }
        sleepWithEvents(200);
    }

    if (runWsEchoScenario && !telephoneDied) {
        constexpr int WsConnections = 16;
        constexpr qsizetype WsMessageSize = 64;
        const double before = processCpuSeconds(pid);
        const WsEchoResult ws = runWsEcho(info.simulatorPort, WsConnections, seconds, WsMessageSize);
        const double cpu = processCpuSeconds(pid) - before;
        const double rate = ws.elapsedSecs > 0 ? double(ws.messages) / ws.elapsedSecs : 0;
        const double cpuUsPerMessage = ws.messages > 0 ? cpu * 1e6 / double(ws.messages) : 0;
        progress(QStringLiteral("%1 telephone: %2 connected, %3 messages/s, %4 us client CPU per message, %5 wrong")
                     .arg(wsEchoName)
                     .arg(ws.connected)
                     .arg(rate, 0, 'f', 0)
                     .arg(cpuUsPerMessage, 0, 'f', 1)
                     .arg(ws.wrong));
        Json entry = Json::object();
        entry.set("name", wsEchoName);
        entry.set("connections", WsConnections);
        entry.set("message_bytes", qint64(WsMessageSize));
        entry.set("seconds", Json::real(ws.elapsedSecs, 2));
        entry.set("connected", ws.connected);
        entry.set("messages", ws.messages);
        entry.set("wrong_echoes", ws.wrong);
        entry.set("messages_per_second", Json::real(rate, 0));
        entry.set("client_cpu_us_per_message", Json::real(cpuUsPerMessage, 1));
        scenarioList.append(std::move(entry));
    }

    // --- Targets -----------------------------------------------------------------------------------
    auto cpuUs = [&](const QString &name, double *out) {
        const auto it = telephoneResults.find(name);
        if (it == telephoneResults.end())
            return false;
        qint64 answered = it->second.result.requests;
        for (const auto &entry : it->second.result.errors)
            answered += entry.second;
        if (answered == 0)
            return false;
        *out = it->second.clientCpuSecs * 1e6 / double(answered);
        return true;
    };
    Json targets = Json::object();
    double value = 0;
    bool measured = cpuUs(QStringLiteral("small-get-64"), &value);
    targets.set("small_get_c64_client_cpu_us_per_request", target(value, 40, measured));
    measured = cpuUs(QStringLiteral("post-16k-64"), &value);
    targets.set("post_16k_c64_client_cpu_us_per_request", target(value, 170, measured));
    measured = cpuUs(QStringLiteral("get-1m-16"), &value);
    targets.set("get_1m_c16_client_cpu_us_per_request", target(value, 1800, measured));
    qint64 smallPeak = -1;
    for (const auto &[name, m] : telephoneResults) {
        if (name.startsWith(QLatin1String("small-get-")))
            smallPeak = std::max(smallPeak, m.clientPeakRssKib);
    }
    targets.set("small_get_peak_rss_kib", target(double(smallPeak), 30 * 1024, smallPeak >= 0));
    if (const auto it = telephoneResults.find(QStringLiteral("get-100m")); it != telephoneResults.end()) {
        const double limit = 1.5 * double(bigSize) / 1024.0 + double(idleRssKib);
        const bool succeeded = it->second.result.requests == 1 && it->second.result.errors.empty();
        Json big = target(double(it->second.clientPeakRssKib), limit, true);
        big.set("succeeded", succeeded);
        big.set("met", succeeded && double(it->second.clientPeakRssKib) <= limit);
        targets.set("get_100m_peak_rss_kib", std::move(big));
    } else {
        targets.set("get_100m_peak_rss_kib", target(0, 1.5 * double(bigSize) / 1024.0 + double(idleRssKib), false));
    }
    targets.set("idle_rss_kib", target(double(idleRssKib), 20 * 1024, idleRssKib >= 0));

    // --- Stop --------------------------------------------------------------------------------------
    telephoneProcess.terminate(); // SIGTERM: a graceful stop
    if (!telephoneProcess.waitForFinished(15000)) {
        telephoneProcess.kill();
        telephoneProcess.waitForFinished(5000);
    }
    const int telephoneExit =
        telephoneProcess.exitStatus() == QProcess::NormalExit ? telephoneProcess.exitCode() : -1;
    stopAll();

    Json document = Json::object();
    document.set("bench", "telephone-bench");
    document.set("telephone", telephoneBinary);
    Json argsJson = Json::array();
    for (const QString &arg : telephoneArgs)
        argsJson.append(arg.startsWith(scratch.path()) ? QStringLiteral("<tmp>") + arg.mid(scratch.path().size()) : arg);
    document.set("telephone_args", std::move(argsJson));
    document.set("cpus", int(sysconf(_SC_NPROCESSORS_ONLN)));
    document.set("load_average_before", loadBefore);
    document.set("load_average_after", loadAverage());
    document.set("seconds", Json::real(seconds, 1));
    document.set("ceiling_seconds", ceilings ? Json::real(ceilingSeconds, 1) : Json());
    document.set("bodies", g_flatBodies ? "flat (no JSON escapes)" : "lines of ASCII text (a \\n every 85 bytes)");
    document.set("idle_rss_kib", idleRssKib);
    document.set("idle_rss_anon_kib", idleRssAnonKib);
    document.set("idle_rss_file_kib", idleRssFileKib);
    document.set("scenarios", std::move(scenarioList));
    document.set("targets", std::move(targets));
    document.set("telephone_exit_code", telephoneExit);
    document.set("simulator_late_responses", int(servers.lateResponses));
    const std::string text = document.dump();
    fwrite(text.data(), 1, text.size(), stdout);
    fflush(stdout);
    progress(QStringLiteral("done"));
    return telephoneDied ? 1 : 0;
}
