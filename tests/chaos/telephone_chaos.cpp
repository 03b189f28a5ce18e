// telephone-chaos: fault injection and soak against a REAL `telephone --no-gui` process (issue 7).
//
//   tests/chaos/run-chaos [build-dir] [-- options]          # bounded, for CI (~5 min on 2 cores)
//   build/tests/chaos/telephone-chaos --quick               # ~1.5 min
//   build/tests/chaos/telephone-chaos --minutes 60          # soak: steady load, occasional faults
//
// This process hosts the Plugboard simulator and a local HTTP backend in a worker thread (as
// telephone-bench does), starts telephone against them and drives steady closed-loop load (a few
// keep-alive connections, each request with its own client-side timeout) through the simulator's
// HTTP front from the main thread. Meanwhile it injects faults at random moments (seeded): simulator
// restarts (close + listen on the same port), kicks (close frame 1011, bare FIN or TCP reset), paused
// heartbeat acks,
// a backend that refuses, resets or stalls connections, and a full disk under the token store while
// a token refresh is due.
//
// Invariants, checked and printed; any violation makes the exit status 1:
//   - every request sent gets an answer within its timeout: 2xx, or 502/503/504 with Plugboard's JSON
//     error shape; none hangs (requests the simulator itself loses when it "crashes" are counted
//     apart: a crashed server cannot answer);
//   - telephone never crashes, and exits 0 after SIGTERM at the end;
//   - telephone runs with its DEFAULT backoff (only the heartbeat is shortened), faults come every
//     3-10 s like a rolling deploy, and after every drop of a healthy connection (restart, kick) it
//     is joined again within 1.5 s (the first backoff step, 1 s + 25 %, plus the join); after the
//     other faults within the backoff cap;
//   - after the storm its RSS is within 10 % of the reading after the warm-up;
//   - the token and every refreshed token appear in no line of its stderr;
//   - with --service-account (only a key, no token): the key appears in no line either, and after
//     every token is revoked it gets one new token from the token vending and rejoins;
//   - with the disk full at a token refresh, it keeps serving and logs that a restart will need a
//     new token.
// One JSON summary goes to stdout, ending with the line `chaos: N passed, N failed`; progress goes
// to stderr.

#include "sim/httpserver.h"
#include "sim/plugboardsimulator.h"
#include "support/cleanenvironment.h"
#include "support/procfs.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <signal.h>
#include <unistd.h>

using namespace telephone;

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

const qint64 g_startNs = nowNs();

void progress(const QString &text)
{
    fprintf(stderr, "[%6.1fs] %s\n", double(nowNs() - g_startNs) / 1e9, qPrintable(text));
    fflush(stderr);
}

void sleepWithEvents(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool waitFor(const std::function<bool()> &condition, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!condition() && t.elapsed() < ms)
        sleepWithEvents(5);
    return condition();
}

// ---------------------------------------------------------------------------------------------------
// A small ordered JSON writer (QJsonObject sorts keys).

class Json
{
public:
    static Json object() { return Json('{'); }
    Json &set(const std::string &key, qint64 v) { return raw(key, std::to_string(v)); }
    Json &set(const std::string &key, int v) { return raw(key, std::to_string(v)); }
    Json &set(const std::string &key, bool v) { return raw(key, v ? "true" : "false"); }
    Json &set(const std::string &key, double v, int decimals = 1)
    {
        if (!std::isfinite(v))
            return raw(key, "null");
        char buf[64];
        snprintf(buf, sizeof buf, "%.*f", decimals, v);
        return raw(key, buf);
    }
    Json &set(const std::string &key, const QString &v) { return raw(key, quote(v.toStdString())); }
    Json &set(const std::string &key, const char *v) { return raw(key, quote(v)); }
    Json &set(const std::string &key, const Json &v) { return raw(key, v.dump(m_indent + 2)); }
    Json &raw(const std::string &key, const std::string &value)
    {
        m_items.emplace_back(key, value);
        return *this;
    }
    std::string dump(int indent = 0) const
    {
        if (m_items.empty())
            return "{}";
        const std::string pad(size_t(indent + 2), ' ');
        std::string out = "{\n";
        for (size_t i = 0; i < m_items.size(); ++i) {
            out += pad + quote(m_items[i].first) + ": ";
            // Nested objects were dumped at indent 2: re-indent them.
            std::string value = m_items[i].second;
            std::string shifted;
            for (const char c : value) {
                shifted += c;
                if (c == '\n')
                    shifted += std::string(size_t(indent), ' ');
            }
            out += shifted + (i + 1 < m_items.size() ? ",\n" : "\n");
        }
        return out + std::string(size_t(indent), ' ') + "}";
    }
    static std::string quote(const std::string &text)
    {
        std::string out = "\"";
        for (const char c : text) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char esc[8];
                snprintf(esc, sizeof esc, "\\u%04x", unsigned(c));
                out += esc;
            } else {
                out += c;
            }
        }
        return out + "\"";
    }

private:
    explicit Json(char) {}
    int m_indent = 0;
    std::vector<std::pair<std::string, std::string>> m_items;
};

// ---------------------------------------------------------------------------------------------------
// The server side: simulator + backend in one worker thread, driven from the main thread.

enum class BackendMode { Normal, Reset, Stall };

struct ServerInfo {
    bool ok = false;
    QString error;
    quint16 simulatorPort = 0;
    quint16 backendPort = 0;
    QUrl socketUrl;
    QString token;
    QString serviceAccountKey; ///< --service-account: telephone gets this instead of a token
};

class ServerThread : public QThread
{
public:
    static constexpr int StartTokenLifetimeSecs = 50;
    static constexpr int FirstRefreshAfterSecs = 12;

    ServerInfo startServers()
    {
        std::future<ServerInfo> info = m_ready.get_future();
        start();
        return info.get();
    }

    /// Runs `f` on the server thread and waits for it.
    void call(const std::function<void()> &f)
    {
        QMetaObject::invokeMethod(m_context, f, Qt::BlockingQueuedConnection);
    }

    // Set from the server thread, read anywhere.
    std::atomic<int> joins{0};
    std::atomic<int> joined{0};
    std::atomic<int> leaves{0};
    std::atomic<qint64> lastJoinNs{0};
    std::atomic<int> refreshes{0};
    std::atomic<int> vended{0};
    bool serviceAccount = false; ///< set before startServers()
    std::atomic<int> backendRequests{0};
    std::atomic<int> stalledNow{0};

    QStringList secrets() // the start token (or service-account key) and every refreshed or vended token
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_secrets;
    }

    // Used on the server thread only (through call()).
    sim::PlugboardSimulator *simulator = nullptr;
    sim::HttpServer *backend = nullptr;
    quint16 simulatorPort = 0;
    quint16 backendPort = 0;
    BackendMode backendMode = BackendMode::Normal;
    QList<QPointer<sim::HttpResponder>> stalled;

    void releaseStalled()
    {
        for (const auto &r : std::as_const(stalled)) {
            if (r)
                r->closeAbruptly();
        }
        stalled.clear();
        stalledNow = 0;
    }

protected:
    void run() override
    {
        sim::PlugboardSimulator sim;
        sim::HttpServer back;
        QObject context;
        m_context = &context;
        simulator = &sim;
        backend = &back;
        ServerInfo info;

        const QByteArray body = QByteArrayLiteral("telephone-chaos: the quick brown fox jumps over the lazy dog\n");
        back.setHandler([this, body](const sim::HttpRequest &, sim::HttpResponder *responder) {
            ++backendRequests;
            switch (backendMode) {
            case BackendMode::Normal:
                responder->respond(200, {{"content-type", "text/plain; charset=utf-8"}}, body);
                break;
            case BackendMode::Reset:
                responder->closeAbruptly();
                break;
            case BackendMode::Stall:
                stalled.append(responder);
                stalledNow = int(stalled.size());
                break;
            }
        });
        // Above telephone's --request-timeout (2 s): telephone's own 504 comes first.
        sim.setRequestTimeoutMs(3000);
        // The start token was issued FirstRefreshAfterSecs before its half-life, so the first refresh
        // is due about that long after the start; refreshed tokens live an hour, so there is exactly
        // one refresh in a bounded run.
        sim.setTokenTtlSecs(3600);
        if (!sim.listen(QHostAddress::LocalHost, 0)) {
            info.error = QStringLiteral("the simulator could not listen");
        } else if (!back.listen(QHostAddress::LocalHost, 0)) {
            info.error = QStringLiteral("the backend could not listen: ") + back.errorString();
        } else {
            info.ok = true;
            simulatorPort = info.simulatorPort = sim.port();
            backendPort = info.backendPort = back.port();
            info.socketUrl = sim.socketUrl();
            const QString pathId = sim.addMount(QStringLiteral("/chaos"));
            if (serviceAccount) {
                // The first token comes from the token vending, with the lifetime a minted one has.
                sim.setVendedTokenTtlSecs(StartTokenLifetimeSecs);
                info.serviceAccountKey = sim.addServiceAccount(pathId);
                m_secrets << info.serviceAccountKey;
                QObject::connect(&sim, &sim::PlugboardSimulator::vendRequested, &context,
                                 [this](int, const QString &token) {
                                     if (token.isEmpty())
                                         return;
                                     std::lock_guard<std::mutex> lock(m_mutex);
                                     m_secrets << token;
                                     ++vended;
                                 });
            } else {
                info.token = sim.mintToken(pathId, StartTokenLifetimeSecs,
                                           QDateTime::currentSecsSinceEpoch() + FirstRefreshAfterSecs
                                               - StartTokenLifetimeSecs / 2);
                m_secrets << info.token;
            }
            QObject::connect(&sim, &sim::PlugboardSimulator::clientJoined, &context, [this] {
                lastJoinNs = nowNs();
                joined = simulator->joinedClients();
                ++joins;
            });
            QObject::connect(&sim, &sim::PlugboardSimulator::clientLeft, &context, [this] {
                joined = simulator->joinedClients();
                ++leaves;
            });
            QObject::connect(&sim, &sim::PlugboardSimulator::tokenRefreshed, &context,
                             [this](const QString &, const QString &token) {
                                 {
                                     std::lock_guard<std::mutex> lock(m_mutex);
                                     m_secrets << token;
                                 }
                                 ++refreshes;
                             });
        }
        const bool ok = info.ok;
        m_ready.set_value(std::move(info));
        if (ok)
            exec();
        releaseStalled();
        simulator = nullptr;
        backend = nullptr;
    }

private:
    std::promise<ServerInfo> m_ready;
    QObject *m_context = nullptr;
    std::mutex m_mutex;
    QStringList m_secrets;
};

// ---------------------------------------------------------------------------------------------------
// Load: closed-loop keep-alive connections on the main thread, each request with its own timeout.

struct LoadStats {
    qint64 sent = 0;
    qint64 answered = 0;
    std::map<int, qint64> byStatus;
    qint64 ok2xx = 0;
    qint64 expectedErrors = 0;    ///< 502/503/504 with Plugboard's JSON error shape
    qint64 unexpected = 0;        ///< any other answer (status or body)
    qint64 hung = 0;              ///< no answer within the client-side timeout
    qint64 lostInRestart = 0;     ///< reset by a simulator restart (a crashed server cannot answer)
    qint64 connectionErrors = 0;  ///< reset or closed outside a restart
    qint64 badResponses = 0;      ///< unparsable HTTP
    std::vector<qint64> latenciesNs;
    QStringList samples;          ///< a few unexpected answers, for the report
};

class Load
{
public:
    Load(quint16 port, int connections, int timeoutMs, int thinkMs)
        : m_port(port), m_timeoutMs(timeoutMs), m_thinkMs(thinkMs)
    {
        for (int i = 0; i < connections; ++i) {
            auto c = std::make_unique<Conn>();
            c->index = i;
            m_conns.push_back(std::move(c));
        }
    }
    ~Load() { stop(); }

    /// Incremented by the fault injector around a simulator restart: requests out at that moment may
    /// be lost by the "crash".
    int restartEpoch = 0;
    bool restarting = false;
    LoadStats stats;

    void start()
    {
        m_running = true;
        for (auto &c : m_conns)
            connectConn(c.get());
    }

    /// Stops sending; waits up to `ms` for requests in flight, then drops the connections.
    void stop(int ms = 0)
    {
        if (!m_running && m_conns.empty())
            return;
        m_running = false;
        if (ms > 0)
            waitFor([this] { return std::none_of(m_conns.begin(), m_conns.end(), [](const auto &c) { return c->busy; }); }, ms);
        for (auto &c : m_conns) {
            if (c->busy) {
                // Still out after the drain: it hangs like any other.
                ++stats.hung;
                c->busy = false;
            }
            if (c->socket) {
                c->socket->disconnect();
                c->socket->abort();
                c->socket->deleteLater();
                c->socket = nullptr;
            }
            c->timeout.stop();
            c->think.stop();
        }
        m_conns.clear();
    }

    /// Latencies since the last call (for the soak mode's per-minute lines).
    std::vector<qint64> takeWindow() { return std::exchange(m_window, {}); }

private:
    struct Conn {
        int index = 0;
        QTcpSocket *socket = nullptr;
        QByteArray buffer;
        bool busy = false;
        int epochAtSend = 0;
        qint64 sentNs = 0;
        QTimer timeout;
        QTimer think;
        qint64 serial = 0;
        bool reconnectPending = false;
    };

    void connectConn(Conn *c)
    {
        if (!m_running)
            return;
        if (c->socket) {
            c->socket->disconnect();
            c->socket->abort();
            c->socket->deleteLater();
        }
        c->buffer.clear();
        c->socket = new QTcpSocket();
        QObject::connect(c->socket, &QTcpSocket::connected, c->socket, [this, c] {
            c->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            send(c);
        });
        QObject::connect(c->socket, &QTcpSocket::readyRead, c->socket, [this, c] { onReadyRead(c); });
        QObject::connect(c->socket, &QTcpSocket::errorOccurred, c->socket,
                         [this, c](QAbstractSocket::SocketError) { onBroken(c); });
        QObject::connect(c->socket, &QTcpSocket::disconnected, c->socket, [this, c] { onBroken(c); });
        c->socket->connectToHost(QHostAddress::LocalHost, m_port);
    }

    void send(Conn *c)
    {
        if (!m_running || !c->socket || c->socket->state() != QAbstractSocket::ConnectedState)
            return;
        c->busy = true;
        c->epochAtSend = restartEpoch;
        c->sentNs = nowNs();
        c->buffer.clear();
        ++stats.sent;
        const QByteArray target = "/call/chaos/r/" + QByteArray::number(c->index) + '/' + QByteArray::number(++c->serial);
        c->socket->write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) +
                         "\r\nUser-Agent: telephone-chaos\r\n\r\n");
        c->timeout.setSingleShot(true);
        c->timeout.disconnect();
        QObject::connect(&c->timeout, &QTimer::timeout, [this, c] {
            if (!c->busy)
                return;
            ++stats.hung;
            progress(QStringLiteral("HUNG: a request on connection %1 got no answer within %2 ms").arg(c->index).arg(m_timeoutMs));
            c->busy = false;
            connectConn(c);
        });
        c->timeout.start(m_timeoutMs);
    }

    void next(Conn *c)
    {
        if (!m_running)
            return;
        if (m_thinkMs <= 0) {
            send(c);
            return;
        }
        c->think.setSingleShot(true);
        c->think.disconnect();
        QObject::connect(&c->think, &QTimer::timeout, [this, c] { send(c); });
        c->think.start(m_thinkMs);
    }

    void onBroken(Conn *c)
    {
        if (!c->socket)
            return;
        const auto state = c->socket->state();
        if (state == QAbstractSocket::ConnectingState || state == QAbstractSocket::HostLookupState)
            return;
        if (c->busy) {
            c->busy = false;
            c->timeout.stop();
            if (restarting || c->epochAtSend != restartEpoch) {
                ++stats.lostInRestart;
            } else {
                ++stats.connectionErrors;
                progress(QStringLiteral("CONNECTION ERROR outside a restart on connection %1: %2")
                             .arg(c->index)
                             .arg(c->socket->errorString()));
            }
        }
        if (!m_running || c->reconnectPending)
            return;
        // Reconnect soon (the simulator may be down: this retries until it listens again).
        c->reconnectPending = true;
        c->socket->disconnect(); // errorOccurred and disconnected both come: one reconnect
        QTimer::singleShot(20, &m_context, [this, c] {
            c->reconnectPending = false;
            connectConn(c);
        });
    }

    void onReadyRead(Conn *c)
    {
        c->buffer += c->socket->readAll();
        const qsizetype end = c->buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        if (!c->busy) {
            ++stats.badResponses;
            progress(QStringLiteral("unsolicited bytes on connection %1").arg(c->index));
            connectConn(c);
            return;
        }
        const QByteArray head = c->buffer.left(end);
        const QByteArray lower = head.toLower();
        const int status = head.startsWith("HTTP/1.") ? head.mid(9, 3).toInt() : 0;
        qint64 length = -1;
        if (const qsizetype at = lower.indexOf("\r\ncontent-length:"); at >= 0)
            length = lower.mid(at + 17, lower.indexOf("\r\n", at + 2) - at - 17).trimmed().toLongLong();
        if (status == 0 || length < 0) {
            ++stats.badResponses;
            c->busy = false;
            c->timeout.stop();
            if (stats.samples.size() < 10)
                stats.samples << QString::fromLatin1(head.left(300));
            connectConn(c);
            return;
        }
        if (c->buffer.size() < end + 4 + length)
            return;
        const QByteArray body = c->buffer.mid(end + 4, length);
        c->buffer.remove(0, end + 4 + length);
        const qint64 ns = nowNs() - c->sentNs;
        c->busy = false;
        c->timeout.stop();
        ++stats.answered;
        ++stats.byStatus[status];
        stats.latenciesNs.push_back(ns);
        m_window.push_back(ns);
        if (status >= 200 && status < 300) {
            ++stats.ok2xx;
        } else if ((status == 502 || status == 503 || status == 504) && isPlugboardError(body)) {
            ++stats.expectedErrors;
        } else {
            ++stats.unexpected;
            if (stats.samples.size() < 10)
                stats.samples << QString::fromLatin1(head.left(200) + " | " + body.left(200));
        }
        if (lower.contains("\r\nconnection: close"))
            connectConn(c);
        else
            next(c);
    }

    static bool isPlugboardError(const QByteArray &body)
    {
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        return o.value(QStringLiteral("error")).toBool() && !o.value(QStringLiteral("reason")).toString().isEmpty();
    }

    quint16 m_port;
    int m_timeoutMs;
    int m_thinkMs;
    bool m_running = false;
    QObject m_context; ///< for reconnect timers: none fires after the Load is gone
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::vector<qint64> m_window;
};

struct Percentiles {
    double p50 = NAN, p90 = NAN, p99 = NAN, max = NAN; ///< ms
};

Percentiles percentiles(std::vector<qint64> ns)
{
    Percentiles p;
    if (ns.empty())
        return p;
    std::sort(ns.begin(), ns.end());
    auto rank = [&](double q) {
        const size_t i = size_t(std::ceil(q * double(ns.size())));
        return double(ns[std::min(ns.size() - 1, i == 0 ? 0 : i - 1)]) / 1e6;
    };
    p.p50 = rank(0.5);
    p.p90 = rank(0.9);
    p.p99 = rank(0.99);
    p.max = double(ns.back()) / 1e6;
    return p;
}

// ---------------------------------------------------------------------------------------------------
// A filesystem of our own under the token store, so that it can be filled (root ignores chmod).

class SmallDisk
{
public:
    ~SmallDisk() { unmount(); }

    /// Mounts a 1 MiB tmpfs (or, failing that, a 4 MiB ext4 loop file) on `dir`.
    bool mount(const QString &dir, const QString &scratch)
    {
        m_dir = dir;
        QDir().mkpath(dir);
        QString why;
        if (run(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                          QStringLiteral("size=1m,mode=0700"), QStringLiteral("tmpfs"), dir},
                &why)) {
            kind = QStringLiteral("tmpfs 1 MiB");
            m_mounted = true;
            return true;
        }
        explanation = QStringLiteral("mount -t tmpfs failed (%1)").arg(why.trimmed());
        const QString image = scratch + QStringLiteral("/disk.img");
        QString why2;
        if (run(QStringLiteral("truncate"), {QStringLiteral("-s"), QStringLiteral("4M"), image}, &why2) &&
            run(QStringLiteral("mkfs.ext4"), {QStringLiteral("-q"), QStringLiteral("-F"), QStringLiteral("-m"), QStringLiteral("0"), image}, &why2) &&
            run(QStringLiteral("mount"), {QStringLiteral("-o"), QStringLiteral("loop"), image, dir}, &why2)) {
            kind = QStringLiteral("ext4 loop file 4 MiB");
            m_mounted = true;
            QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            return true;
        }
        explanation += QStringLiteral("; a loop file failed too (%1). Without a filesystem of its own the disk "
                                      "cannot be filled (a root process ignores read-only permissions), so the "
                                      "disk-full fault is skipped")
                           .arg(why2.trimmed());
        return false;
    }

    /// Writes a file until ENOSPC; returns the bytes written.
    qint64 fill()
    {
        QFile f(m_dir + QStringLiteral("/fill"));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
            return -1;
        qint64 total = 0;
        for (const qint64 block : {qint64(64 * 1024), qint64(4096), qint64(512), qint64(1)}) {
            const QByteArray chunk(block, 'x');
            while (f.write(chunk) == block)
                total += block;
        }
        f.close();
        return total;
    }

    void release() { QFile::remove(m_dir + QStringLiteral("/fill")); }

    void unmount()
    {
        if (!m_mounted)
            return;
        QString why;
        if (!run(QStringLiteral("umount"), {m_dir}, &why))
            run(QStringLiteral("umount"), {QStringLiteral("-l"), m_dir}, &why);
        m_mounted = false;
    }

    QString kind;
    QString explanation;

private:
    static bool run(const QString &program, const QStringList &args, QString *why)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!p.waitForStarted(5000)) {
            *why = program + QStringLiteral(": ") + p.errorString();
            return false;
        }
        p.waitForFinished(30000);
        *why = QString::fromLocal8Bit(p.readAll());
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    QString m_dir;
    bool m_mounted = false;
};

// ---------------------------------------------------------------------------------------------------

struct Check {
    std::string name;
    bool passed = false;
    QString detail;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("telephone-chaos"));
    // The simulator's per-event info lines would drown the progress; its warnings still show.
    QLoggingCategory::setFilterRules(QStringLiteral("telephone.*.info=false\ntelephone.*.debug=false"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fault injection and soak against a real `telephone --no-gui` process. JSON summary on stdout, "
        "progress on stderr; exit status 1 when an invariant was violated."));
    parser.addHelpOption();
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("RNG seed (default: time)."), QStringLiteral("n"));
    const QCommandLineOption faultsOpt(QStringLiteral("faults"),
                                       QStringLiteral("Simulator restarts and kicks, each (default 15; the other kinds scale with it)."),
                                       QStringLiteral("n"), QStringLiteral("15"));
    const QCommandLineOption quickOpt(QStringLiteral("quick"), QStringLiteral("4 of each (about 1.5 minutes)."));
    const QCommandLineOption minutesOpt(QStringLiteral("minutes"),
                                        QStringLiteral("Soak mode: steady load for N minutes with occasional faults, a line every minute."),
                                        QStringLiteral("n"));
    const QCommandLineOption connectionsOpt(QStringLiteral("connections"), QStringLiteral("Keep-alive load connections (default 4)."),
                                            QStringLiteral("n"), QStringLiteral("4"));
    const QCommandLineOption thinkOpt(QStringLiteral("think-ms"),
                                      QStringLiteral("Pause of each connection between requests (default 5 ms: bounded load on 2 cores)."),
                                      QStringLiteral("ms"), QStringLiteral("5"));
    const QCommandLineOption telephoneOpt(QStringLiteral("telephone"), QStringLiteral("The telephone binary."),
                                          QStringLiteral("path"), QStringLiteral(TELEPHONE_BINARY));
    const QCommandLineOption keepOpt(QStringLiteral("keep-log"), QStringLiteral("Copy telephone's stderr to this file."),
                                     QStringLiteral("file"));
    const QCommandLineOption serviceAccountOpt(
        QStringLiteral("service-account"),
        QStringLiteral("Give telephone only a service-account key (no token); after the storm the server revokes every "
                       "token, and telephone must get a new one from the token vending (once) and rejoin."));
    parser.addOptions({seedOpt, faultsOpt, quickOpt, minutesOpt, connectionsOpt, thinkOpt, telephoneOpt, keepOpt,
                       serviceAccountOpt});
    parser.process(app);

    const quint32 seed = parser.isSet(seedOpt) ? parser.value(seedOpt).toUInt()
                                               : quint32(QDateTime::currentMSecsSinceEpoch() & 0x7fffffff);
    QRandomGenerator rng(seed);
    const bool quick = parser.isSet(quickOpt);
    const int n = quick && !parser.isSet(faultsOpt) ? 4 : parser.value(faultsOpt).toInt();
    const double soakMinutes = parser.isSet(minutesOpt) ? parser.value(minutesOpt).toDouble() : 0;
    const int connections = std::max(1, parser.value(connectionsOpt).toInt());
    const int thinkMs = std::max(0, parser.value(thinkOpt).toInt());
    if (n < 0 || soakMinutes < 0) {
        fprintf(stderr, "telephone-chaos: --faults and --minutes must not be negative\n");
        return 2;
    }

    // telephone's timing. The backoff is telephone's default (1 s doubling to 30 s, +-25 %): the rule
    // under test is that a healthy connection's end starts it over, so only the heartbeat (which
    // makes a connection prove itself healthy) is shortened.
    const int requestTimeoutMs = 10000;
    const qint64 healthyDropBoundMs = 1500; // first backoff step (1 s + 25 %) plus connect and join
    const qint64 otherFaultBoundMs = 30000 + 2000; // the backoff cap plus slack
    // Faults are spaced like a rolling deploy restarting one node after another.
    const int faultGapMinMs = 3000;
    const int faultGapMaxMs = 10000;

    std::map<std::string, int> planned;
    if (soakMinutes == 0) {
        planned = {{"simulator_restart", n}, {"kick_close", (n + 2) / 3}, {"kick_fin", (n + 1) / 3}, {"kick_reset", n / 3},
                   {"heartbeat_pause", std::max(1, n / 10)}, {"backend_refuse", std::max(1, n / 5)},
                   {"backend_reset", std::max(1, n / 5)}, {"backend_stall", std::max(1, n / 10)}};
        if (n == 0)
            planned.clear();
    }

    // --- Servers -----------------------------------------------------------------------------------
    const bool serviceAccountMode = parser.isSet(serviceAccountOpt);
    ServerThread servers;
    servers.serviceAccount = serviceAccountMode;
    const ServerInfo info = servers.startServers();
    if (!info.ok) {
        fprintf(stderr, "telephone-chaos: %s\n", qPrintable(info.error));
        servers.wait();
        return 1;
    }
    progress(QStringLiteral("seed %1; simulator on 127.0.0.1:%2, backend on 127.0.0.1:%3")
                 .arg(seed)
                 .arg(info.simulatorPort)
                 .arg(info.backendPort));

    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        fprintf(stderr, "telephone-chaos: no temporary directory\n");
        servers.quit();
        servers.wait();
        return 1;
    }
    SmallDisk disk;
    const QString mountDir = scratch.filePath(QStringLiteral("disk"));
    const bool diskFault = disk.mount(mountDir, scratch.path());
    const QString dataDir = diskFault ? mountDir + QStringLiteral("/data") : scratch.filePath(QStringLiteral("data"));
    progress(diskFault ? QStringLiteral("token store on a %1 at %2").arg(disk.kind, dataDir)
                       : QStringLiteral("disk-full fault skipped: %1").arg(disk.explanation));

    // --- telephone ---------------------------------------------------------------------------------
    QProcessEnvironment env = cleanEnvironment();
    QStringList credentialArgs;
    if (serviceAccountMode) {
        const QString keyFile = scratch.filePath(QStringLiteral("sa-key"));
        QFile f(keyFile);
        if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            || f.write(info.serviceAccountKey.toUtf8()) < 0) {
            fprintf(stderr, "telephone-chaos: cannot write %s\n", qPrintable(keyFile));
            servers.quit();
            servers.wait();
            return 1;
        }
        credentialArgs << QStringLiteral("--service-account-key-file") << keyFile;
    } else {
        env.insert(QStringLiteral("TELEPHONE_TOKEN"), info.token); // the environment keeps it out of `ps`
    }
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), scratch.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), scratch.filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("HOME"), scratch.path());

    const QStringList telephoneArgs = QStringList{
        QStringLiteral("--no-gui"),
        QStringLiteral("--server"), info.socketUrl.toString(),
        QStringLiteral("--backend"), QStringLiteral("http://127.0.0.1:%1").arg(info.backendPort),
        QStringLiteral("--data-dir"), dataDir,
        QStringLiteral("--secret-store"), QStringLiteral("file"),
        QStringLiteral("--heartbeat-interval"), QStringLiteral("1"),
        QStringLiteral("--request-timeout"), QStringLiteral("2"),
        QStringLiteral("--drain-timeout"), QStringLiteral("5"),
    } + credentialArgs;
    const QString logPath = scratch.filePath(QStringLiteral("telephone.stderr"));
    QProcess telephone;
    telephone.setProcessEnvironment(env);
    telephone.setStandardOutputFile(QProcess::nullDevice());
    telephone.setStandardErrorFile(logPath);
    telephone.start(parser.value(telephoneOpt), telephoneArgs);
    auto readLog = [&] {
        QFile f(logPath);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    auto stopServers = [&] {
        servers.call([&] { servers.releaseStalled(); });
        servers.quit();
        servers.wait();
    };
    if (!telephone.waitForStarted(10000)) {
        fprintf(stderr, "telephone-chaos: could not start %s: %s\n", qPrintable(parser.value(telephoneOpt)),
                qPrintable(telephone.errorString()));
        stopServers();
        return 1;
    }
    const qint64 pid = telephone.processId();
    progress(QStringLiteral("started telephone (pid %1)").arg(pid));
    if (!waitFor([&] { return servers.joined > 0 || telephone.state() != QProcess::Running; }, 20000) ||
        servers.joined == 0) {
        fprintf(stderr, "telephone-chaos: telephone did not join; its log:\n%s\n", readLog().right(4000).constData());
        telephone.kill();
        telephone.waitForFinished(5000);
        stopServers();
        return 1;
    }

    std::vector<Check> checks;
    bool crashed = false;
    auto alive = [&] {
        if (telephone.state() != QProcess::Running && !crashed) {
            crashed = true;
            progress(QStringLiteral("TELEPHONE DIED (exit status %1, code %2); its log:\n%3")
                         .arg(int(telephone.exitStatus()))
                         .arg(telephone.exitCode())
                         .arg(QString::fromUtf8(readLog().right(3000))));
        }
        return !crashed;
    };

    // --- Warm-up -----------------------------------------------------------------------------------
    Load load(info.simulatorPort, connections, requestTimeoutMs, thinkMs);
    load.start();
    sleepWithEvents(3000);
    const qint64 rssStartKib = processStatusKib(pid, "VmRSS:");
    const int fdStart = processFdCount(pid);
    progress(QStringLiteral("warm-up done: %1 requests answered, RSS %2 KiB, %3 fds")
                 .arg(load.stats.answered)
                 .arg(rssStartKib)
                 .arg(fdStart));

    std::map<std::string, int> injected;
    std::vector<qint64> rejoinMs;        ///< after every fault
    std::vector<qint64> healthyRejoinMs; ///< after drops of a healthy connection (restarts, kicks)
    QStringList healthyRejoins;          ///< the same, with the kind of drop, for the summary
    int rejoinTimeouts = 0;
    int slowHealthyRejoins = 0;
    int slowOtherRejoins = 0;

    // Waits until the client is joined again after a fault that ended at `endNs`. `mustRejoin`: the
    // fault dropped a healthy connection, so a join after `joinsAtEnd` is needed, within the tight bound.
    auto measureRejoin = [&](const char *kind, qint64 endNs, int joinsAtEnd, bool mustRejoin) {
        const qint64 bound = mustRejoin ? healthyDropBoundMs : otherFaultBoundMs;
        const bool ok = waitFor(
            [&] {
                return !alive() || (servers.joined > 0 && (!mustRejoin || servers.joins > joinsAtEnd));
            },
            int(otherFaultBoundMs) + 15000);
        if (!ok || crashed) {
            ++rejoinTimeouts;
            progress(QStringLiteral("NOT REJOINED within %1 s after %2").arg((otherFaultBoundMs + 15000) / 1000).arg(QLatin1String(kind)));
            return;
        }
        qint64 ms = 0;
        if (servers.joins > joinsAtEnd)
            ms = std::max<qint64>(0, (servers.lastJoinNs - endNs) / 1000000);
        rejoinMs.push_back(ms);
        if (mustRejoin) {
            healthyRejoinMs.push_back(ms);
            healthyRejoins << QStringLiteral("%1 %2").arg(QLatin1String(kind)).arg(ms);
        }
        if (ms > bound) {
            ++(mustRejoin ? slowHealthyRejoins : slowOtherRejoins);
            progress(QStringLiteral("SLOW REJOIN: %1 ms after %2 (bound %3 ms)").arg(ms).arg(QLatin1String(kind)).arg(bound));
        }
    };

    auto joinsNow = [&] { return int(servers.joins); };

    // One fault of `kind`; returns when it has ended and the client is joined again.
    auto inject = [&](const std::string &kind) {
        ++injected[kind];
        if (kind == "simulator_restart") {
            load.restarting = true;
            ++load.restartEpoch;
            servers.call([&] { servers.simulator->close(); });
            sleepWithEvents(int(rng.bounded(50, 400))); // down
            bool listening = false;
            int joinsAtEnd = 0;
            servers.call([&] {
                joinsAtEnd = joinsNow();
                listening = servers.simulator->listen(QHostAddress::LocalHost, servers.simulatorPort);
            });
            const qint64 end = nowNs();
            load.restarting = false;
            if (!listening) {
                progress(QStringLiteral("the simulator could not listen again on its port"));
                ++rejoinTimeouts;
                return;
            }
            measureRejoin("restart", end, joinsAtEnd, true);
        } else if (kind == "kick_close" || kind == "kick_fin" || kind == "kick_reset") {
            using Drop = sim::PlugboardSimulator::Drop;
            const Drop how = kind == "kick_close" ? Drop::CloseFrame : kind == "kick_fin" ? Drop::Fin : Drop::Reset;
            int joinsAtEnd = 0;
            servers.call([&] {
                joinsAtEnd = joinsNow();
                servers.simulator->dropAll(how);
            });
            measureRejoin(kind == "kick_close" ? "close-frame" : kind == "kick_fin" ? "FIN" : "RST", nowNs(), joinsAtEnd, true);
        } else if (kind == "heartbeat_pause") {
            servers.call([&] { servers.simulator->setHeartbeatAcks(false); });
            sleepWithEvents(int(rng.bounded(3000, 4500))); // > 2.5 heartbeat intervals: judged dead
            int joinsAtEnd = 0;
            servers.call([&] {
                joinsAtEnd = joinsNow();
                servers.simulator->setHeartbeatAcks(true);
            });
            measureRejoin("a heartbeat pause", nowNs(), joinsAtEnd, false);
        } else if (kind == "backend_refuse") {
            servers.call([&] {
                servers.backend->close();
                servers.backend->abortAllConnections();
            });
            sleepWithEvents(int(rng.bounded(500, 1500)));
            bool listening = false;
            int joinsAtEnd = 0;
            servers.call([&] {
                joinsAtEnd = joinsNow();
                listening = servers.backend->listen(QHostAddress::LocalHost, servers.backendPort);
            });
            if (!listening)
                progress(QStringLiteral("the backend could not listen again on its port"));
            measureRejoin("a refusing backend", nowNs(), joinsAtEnd, false);
        } else if (kind == "backend_reset" || kind == "backend_stall") {
            const BackendMode mode = kind == "backend_reset" ? BackendMode::Reset : BackendMode::Stall;
            servers.call([&] { servers.backendMode = mode; });
            // A stall lasts past telephone's --request-timeout (2 s): its 504s are part of the test.
            sleepWithEvents(mode == BackendMode::Stall ? int(rng.bounded(2500, 3500)) : int(rng.bounded(500, 1500)));
            int joinsAtEnd = 0;
            servers.call([&] {
                joinsAtEnd = joinsNow();
                servers.backendMode = BackendMode::Normal;
                servers.releaseStalled();
            });
            measureRejoin("a misbehaving backend", nowNs(), joinsAtEnd, false);
        }
    };

    // --- Disk full at a token refresh --------------------------------------------------------------
    Check diskCheck{"disk_full_at_refresh_keeps_serving_and_logs_restart_needs_new_token", false, {}};
    bool diskSkipped = !diskFault;
    if (diskFault) {
        ++injected["disk_full"];
        if (servers.refreshes > 0) {
            diskCheck.detail = QStringLiteral("the refresh came before the disk was full (machine too slow?)");
        } else {
            const qint64 filled = disk.fill();
            progress(QStringLiteral("disk full (%1 bytes of filler); waiting for the token refresh").arg(filled));
            const qint64 okBefore = load.stats.ok2xx;
            const bool refreshed = waitFor([&] { return servers.refreshes > 0 || !alive(); }, 40000) && servers.refreshes > 0;
            const bool logged = refreshed && waitFor([&] { return readLog().contains("restart will need a new token"); }, 5000);
            sleepWithEvents(1000); // it keeps serving on the refreshed token
            const qint64 servedWhileFull = load.stats.ok2xx - okBefore;
            disk.release();
            const int joinsAtEnd = joinsNow();
            measureRejoin("the disk-full fault", nowNs(), joinsAtEnd, false);
            diskCheck.passed = refreshed && logged && servedWhileFull > 0 && !crashed;
            diskCheck.detail = QStringLiteral("%1 on %2; refresh %3; \"a restart will need a new token\" %4; "
                                              "%5 requests answered 2xx while full")
                                   .arg(filled < 0 ? QStringLiteral("filler not written") : QStringLiteral("filled %1 bytes").arg(filled),
                                        disk.kind, refreshed ? QStringLiteral("seen") : QStringLiteral("NOT seen"),
                                        logged ? QStringLiteral("logged") : QStringLiteral("NOT logged"))
                                   .arg(servedWhileFull);
            progress(QStringLiteral("disk-full fault: %1").arg(diskCheck.detail));
        }
    }

    // --- The storm, or the soak --------------------------------------------------------------------
    Json minutes = Json::object();
    if (soakMinutes == 0) {
        std::vector<std::string> order;
        for (const auto &[kind, count] : planned)
            order.insert(order.end(), size_t(count), kind);
        for (size_t i = order.size(); i > 1; --i) // Fisher-Yates with the seeded RNG
            std::swap(order[i - 1], order[size_t(rng.bounded(quint32(i)))]);
        progress(QStringLiteral("storm: %1 faults").arg(order.size()));
        size_t done = 0;
        for (const std::string &kind : order) {
            if (!alive())
                break;
            sleepWithEvents(int(rng.bounded(faultGapMinMs, faultGapMaxMs))); // a rolling deploy's pace
            inject(kind);
            if (++done % 20 == 0)
                progress(QStringLiteral("%1/%2 faults; %3 requests answered, %4 hung, RSS %5 KiB")
                             .arg(done)
                             .arg(order.size())
                             .arg(load.stats.answered)
                             .arg(load.stats.hung)
                             .arg(processStatusKib(pid, "VmRSS:")));
        }
    } else {
        const std::vector<std::string> kinds{"simulator_restart", "kick_close", "kick_fin", "kick_reset", "heartbeat_pause",
                                             "backend_refuse", "backend_reset", "backend_stall"};
        const qint64 endNs = nowNs() + qint64(soakMinutes * 60e9);
        qint64 nextMinute = nowNs() + qint64(60e9);
        qint64 nextFault = nowNs() + qint64(rng.bounded(20, 40)) * 1000000000LL;
        int minute = 0;
        while (nowNs() < endNs && alive()) {
            sleepWithEvents(200);
            if (nowNs() >= nextFault) {
                inject(kinds[rng.bounded(quint32(kinds.size()))]);
                nextFault = nowNs() + qint64(rng.bounded(20, 40)) * 1000000000LL;
            }
            if (nowNs() >= nextMinute || nowNs() >= endNs) {
                ++minute;
                nextMinute += qint64(60e9);
                const std::vector<qint64> window = load.takeWindow();
                const Percentiles p = percentiles(window);
                const qint64 rss = processStatusKib(pid, "VmRSS:");
                const int fds = processFdCount(pid);
                progress(QStringLiteral("minute %1: RSS %2 KiB, %3 fds, %4 answered, p50 %5 ms, p90 %6 ms, p99 %7 ms, "
                                        "max %8 ms; hung so far %9")
                             .arg(minute)
                             .arg(rss)
                             .arg(fds)
                             .arg(window.size())
                             .arg(p.p50, 0, 'f', 2)
                             .arg(p.p90, 0, 'f', 2)
                             .arg(p.p99, 0, 'f', 2)
                             .arg(p.max, 0, 'f', 1)
                             .arg(load.stats.hung));
                Json m = Json::object();
                m.set("rss_kib", rss).set("fds", fds).set("answered", qint64(window.size()));
                m.set("p50_ms", p.p50, 2).set("p90_ms", p.p90, 2).set("p99_ms", p.p99, 2).set("max_ms", p.max, 1);
                minutes.set(std::to_string(minute), m);
            }
        }
    }

    // --- Revocation, with a service account -------------------------------------------------------
    // Every token revoked and the socket kicked: the only way back is one request to the token
    // vending, which telephone sends at most once a minute (counted from its first one at start).
    Check revokeCheck{"revoked_token_replaced_by_one_vended_token", false, {}};
    if (serviceAccountMode && alive()) {
        ++injected["token_revoked"];
        const int vendedBefore = servers.vended;
        int joinsAtEnd = 0;
        servers.call([&] {
            joinsAtEnd = joinsNow();
            servers.simulator->revokeAllTokens();
            servers.simulator->kickAll();
        });
        const qint64 start = nowNs();
        const bool rejoined = waitFor([&] { return !alive() || servers.joins > joinsAtEnd; },
                                      60000 + int(otherFaultBoundMs) + 20000)
            && servers.joins > joinsAtEnd;
        const double seconds = double(nowNs() - start) / 1e9;
        sleepWithEvents(2000);
        const int newTokens = servers.vended - vendedBefore;
        revokeCheck.passed = rejoined && newTokens == 1 && !crashed;
        revokeCheck.detail = QStringLiteral("%1 after %2 s; %3 token(s) vended")
                                 .arg(rejoined ? QStringLiteral("rejoined") : QStringLiteral("NOT rejoined"))
                                 .arg(seconds, 0, 'f', 1)
                                 .arg(newTokens);
        progress(QStringLiteral("token revocation: %1").arg(revokeCheck.detail));
    }

    // --- After the storm ---------------------------------------------------------------------------
    sleepWithEvents(2000); // settle under the same load as the start reading
    const qint64 rssEndKib = processStatusKib(pid, "VmRSS:");
    const int fdEnd = processFdCount(pid);
    load.stop(requestTimeoutMs);
    alive();
    progress(QStringLiteral("storm over: RSS %1 -> %2 KiB, fds %3 -> %4").arg(rssStartKib).arg(rssEndKib).arg(fdStart).arg(fdEnd));

    int exitCode = -1;
    if (!crashed) {
        ::kill(pid_t(pid), SIGTERM);
        if (!telephone.waitForFinished(15000)) {
            telephone.kill();
            telephone.waitForFinished(5000);
        } else {
            exitCode = telephone.exitStatus() == QProcess::NormalExit ? telephone.exitCode() : -1;
        }
    }
    disk.unmount();
    const QStringList secrets = servers.secrets();
    stopServers();

    const QByteArray log = readLog();
    if (parser.isSet(keepOpt)) {
        QFile out(parser.value(keepOpt));
        if (out.open(QIODevice::WriteOnly))
            out.write(log);
    }
    int leakLines = 0;
    for (const QByteArray &line : log.split('\n')) {
        for (const QString &secret : secrets) {
            const QByteArray signature = secret.section(QLatin1Char('.'), 2, 2).toUtf8();
            if (line.contains(secret.toUtf8()) || (!signature.isEmpty() && line.contains(signature))) {
                ++leakLines;
                break;
            }
        }
    }

    // --- Checks and summary ------------------------------------------------------------------------
    const LoadStats &s = load.stats;
    const qint64 maxRejoin = rejoinMs.empty() ? 0 : *std::max_element(rejoinMs.begin(), rejoinMs.end());
    const qint64 maxHealthyRejoin =
        healthyRejoinMs.empty() ? 0 : *std::max_element(healthyRejoinMs.begin(), healthyRejoinMs.end());
    const double rssRatio = rssStartKib > 0 ? double(rssEndKib) / double(rssStartKib) : NAN;
    checks.push_back({"no_request_hung", s.hung == 0, QStringLiteral("%1 hung").arg(s.hung)});
    checks.push_back({"every_answer_2xx_or_json_502_503_504",
                      s.unexpected == 0 && s.badResponses == 0 && s.connectionErrors == 0,
                      QStringLiteral("%1 unexpected, %2 unparsable, %3 connection errors outside restarts")
                          .arg(s.unexpected)
                          .arg(s.badResponses)
                          .arg(s.connectionErrors)});
    checks.push_back({"requests_served", s.ok2xx > 0, QStringLiteral("%1 answered 2xx").arg(s.ok2xx)});
    checks.push_back({"telephone_never_crashed_and_exits_0", !crashed && exitCode == 0,
                      QStringLiteral("exit code %1%2").arg(exitCode).arg(crashed ? QStringLiteral(" (died during the run)") : QString())});
    checks.push_back({"rejoined_within_1500_ms_after_every_healthy_drop",
                      rejoinTimeouts == 0 && slowHealthyRejoins == 0 && !healthyRejoinMs.empty(),
                      QStringLiteral("%1 drops, max %2 ms, bound %3 ms, %4 slower, %5 not rejoined")
                          .arg(healthyRejoinMs.size())
                          .arg(maxHealthyRejoin)
                          .arg(healthyDropBoundMs)
                          .arg(slowHealthyRejoins)
                          .arg(rejoinTimeouts)});
    checks.push_back({"rejoined_within_the_backoff_cap_after_every_other_fault", slowOtherRejoins == 0,
                      QStringLiteral("max %1 ms over all faults, bound %2 ms").arg(maxRejoin).arg(otherFaultBoundMs)});
    checks.push_back({"rss_within_10_percent", std::isfinite(rssRatio) && rssRatio <= 1.10,
                      QStringLiteral("%1 -> %2 KiB (%3)").arg(rssStartKib).arg(rssEndKib).arg(rssRatio, 0, 'f', 3)});
    if (serviceAccountMode)
        checks.push_back(revokeCheck);
    checks.push_back({"no_token_in_stderr", leakLines == 0 && !log.isEmpty(),
                      QStringLiteral("%1 lines of %2 tokens' text in %3 bytes of stderr").arg(leakLines).arg(secrets.size()).arg(log.size())});
    if (!diskSkipped)
        checks.push_back(diskCheck);

    int passed = 0;
    int failed = 0;
    Json checksJson = Json::object();
    for (const Check &c : checks) {
        (c.passed ? passed : failed)++;
        Json one = Json::object();
        one.set("passed", c.passed).set("detail", c.detail);
        checksJson.set(c.name, one);
        progress(QStringLiteral("%1 %2: %3").arg(c.passed ? QStringLiteral("PASS") : QStringLiteral("FAIL"),
                                                 QString::fromStdString(c.name), c.detail));
    }

    Json faults = Json::object();
    qint64 faultTotal = 0;
    for (const auto &[kind, count] : injected) {
        faults.set(kind, count);
        faultTotal += count;
    }
    faults.set("total", faultTotal);
    Json statuses = Json::object();
    std::map<std::string, qint64> classes;
    for (const auto &[status, count] : s.byStatus)
        classes[std::to_string(status / 100) + "xx"] += count;
    for (const auto &[cls, count] : classes)
        statuses.set(cls, count);
    Json byStatus = Json::object();
    for (const auto &[status, count] : s.byStatus)
        byStatus.set(std::to_string(status), count);
    const Percentiles p = percentiles(s.latenciesNs);
    Json latency = Json::object();
    latency.set("p50_ms", p.p50, 2).set("p90_ms", p.p90, 2).set("p99_ms", p.p99, 2).set("max_ms", p.max, 1);

    Json doc = Json::object();
    doc.set("program", "telephone-chaos");
    doc.set("mode", soakMinutes > 0 ? QStringLiteral("soak %1 min").arg(soakMinutes) : (quick ? QStringLiteral("quick") : QStringLiteral("bounded")));
    doc.set("seed", qint64(seed));
    doc.set("seconds", double(nowNs() - g_startNs) / 1e9, 1);
    doc.set("connections", connections);
    doc.set("faults_injected", faults);
    doc.set("disk_fault", diskSkipped ? QStringLiteral("skipped: ") + disk.explanation : disk.kind);
    doc.set("requests_sent", s.sent);
    doc.set("answered", s.answered);
    doc.set("answered_by_class", statuses);
    doc.set("answered_by_status", byStatus);
    doc.set("answered_2xx", s.ok2xx);
    doc.set("answered_502_503_504_json", s.expectedErrors);
    doc.set("unexpected_answers", s.unexpected);
    doc.set("hung", s.hung);
    doc.set("lost_in_simulator_restart", s.lostInRestart);
    doc.set("connection_errors_outside_restarts", s.connectionErrors);
    doc.set("latency", latency);
    doc.set("max_rejoin_ms", maxRejoin);
    doc.set("max_rejoin_after_healthy_drop_ms", maxHealthyRejoin);
    doc.set("healthy_drop_bound_ms", healthyDropBoundMs);
    doc.set("rejoins_measured", qint64(rejoinMs.size()));
    doc.set("rejoin_ms_after_healthy_drops", healthyRejoins.join(QStringLiteral(", ")));
    doc.set("rss_start_kib", rssStartKib);
    doc.set("rss_end_kib", rssEndKib);
    doc.set("fds_start", fdStart);
    doc.set("fds_end", fdEnd);
    doc.set("token_refreshes", int(servers.refreshes));
    doc.set("token_leaks", qint64(leakLines));
    doc.set("telephone_exit_code", exitCode);
    if (soakMinutes > 0)
        doc.set("minutes", minutes);
    if (!s.samples.isEmpty())
        doc.set("unexpected_samples", s.samples.join(QStringLiteral(" || ")));
    doc.set("checks", checksJson);
    const std::string text = doc.dump() + "\n";
    fwrite(text.data(), 1, text.size(), stdout);
    printf("chaos: %d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed == 0 ? 0 : 1;
}
