#pragma once

#include "proxy/exchange.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <functional>
#include <map>

class QTcpSocket;

namespace telephone {

class HttpResponseParser;

struct BackendRequest {
    QByteArray method;
    QByteArray target; ///< request-target, written byte for byte
    HeaderList headers; ///< everything but Host and Content-Length, which the client writes
    QByteArray host;   ///< value of the Host header
    QByteArray body;
};

struct BackendResult {
    enum class Outcome { Ok, Refused, Reset, Timeout, TooLarge, Protocol, Unreachable, Aborted };
    Outcome outcome = Outcome::Aborted;
    Problem problem; ///< why it failed (englishText() names the backend); none when Ok
    int status = 0;
    HeaderList headers;
    QByteArray body;
    // For the inspector's timeline (UTC; invalid when it did not happen).
    QDateTime connectedAt;        ///< the connection was ready (at once for a reused one)
    bool connectionReused = false;
    QDateTime firstByteAt;        ///< the first byte of the answer arrived
};

/// A small HTTP/1.1 client for the one configured backend: keep-alive connections in a pool, the
/// request line written exactly as given (QNetworkAccessManager normalises paths through QUrl and
/// adds Accept-Encoding, Accept-Language and Connection headers of its own, then decompresses),
/// no redirects followed, bodies never decoded, a size limit and a timeout per request. TLS when
/// the backend URL is https. Lives on the engine's thread.
/// Deadlines: every call gets the same timeout from its send(), so calls in id order are in deadline
/// order, and one timer armed for the oldest call's deadline serves them all (a QTimer per request
/// cost a timer registration and a deletion per request).
class BackendClient : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(quint64 id, BackendResult result)>;

    BackendClient(const QUrl &backend, std::chrono::milliseconds timeout, qint64 maxResponseSize,
                  QObject *parent = nullptr);
    ~BackendClient() override;

    /// Starts a request; `done` is called once, later (never from inside send()), unless abort()
    /// or abortAll() cancels it first. Returns an id for abort().
    quint64 send(BackendRequest request, Callback done);
    void abort(quint64 id);
    void abortAll();
    int inFlight() const { return int(m_calls.size()); }

private:
    struct Call;
    void start(Call *call, bool allowReuse);
    void onReadyRead(Call *call);
    void onDisconnected(Call *call);
    void onSocketError(Call *call);
    void releaseSocket(Call *call, bool keep);
    void finish(Call *call, BackendResult result, bool keepSocket);
    void failTransport(Call *call, BackendResult::Outcome outcome, const Problem &cause);
    void onDeadlineTimer();
    void armDeadlineTimer();
    QTcpSocket *newSocket();
    QString backendName() const;

    QUrl m_backend;
    std::chrono::milliseconds m_timeout;
    qint64 m_maxResponseSize;
    std::map<quint64, Call *> m_calls; ///< by id, hence by deadline (see the class comment)
    QTimer m_deadlineTimer;            ///< armed for the oldest call's deadline while calls run
    QList<QTcpSocket *> m_idle;        ///< keep-alive connections ready for the next request
    QHash<QTcpSocket *, Call *> m_busy; ///< connection → the call it serves (signals route through it)
    quint64 m_nextId = 1;
    bool m_inSend = false; ///< a result produced inside send() is delivered later, never re-entrantly
};

} // namespace telephone
