#pragma once

#include "sim/httprequest.h"

#include <QObject>
#include <QPointer>

namespace telephone::sim {

class HttpConnection;

/// The answer slot of one HTTP request. Handlers may keep it and answer later, exactly once; a second
/// answer is ignored. If the connection died meanwhile, answering is a harmless no-op (`isAlive()`
/// tells). It deletes itself (deleteLater) once it has answered, so keep it in a QPointer.
/// Lives on the HttpServer's thread, parented to the server.
class HttpResponder : public QObject
{
    Q_OBJECT

public:
    ~HttpResponder() override;

    bool isAlive() const;
    bool hasResponded() const { return m_responded; }

    /// Adds Content-Length unless `headers` hold Transfer-Encoding: chunked (then `body` goes out as
    /// one chunk) or a Content-Length of their own. HEAD responses and 1xx/204/304 carry no body.
    void respond(int status, const HttpHeaders &headers = {}, const QByteArray &body = {});
    /// Chunked transfer encoding, the chunks in order; empty chunks are skipped (an empty chunk would
    /// end the body early).
    void respondChunked(int status, const HttpHeaders &headers, const QList<QByteArray> &chunks);
    /// Writes `bytes` as they are, for tests that need broken responses; then closes gracefully unless
    /// `closeAfter` is false.
    void respondRaw(const QByteArray &bytes, bool closeAfter = true);
    /// Resets the TCP connection (RST) without any answer.
    void closeAbruptly();

    static QByteArray reasonPhrase(int status);

private:
    friend class HttpConnection;
    HttpResponder(HttpConnection *connection, bool headRequest, bool keepAlive, QObject *parent);

    bool claim();
    QByteArray statusLineAndHeaders(int status, const HttpHeaders &headers, bool addLength, qint64 length,
                                    bool addChunked, bool *close) const;

    QPointer<HttpConnection> m_connection;
    bool m_headRequest = false;
    bool m_keepAlive = true;
    bool m_responded = false;
};

} // namespace telephone::sim
