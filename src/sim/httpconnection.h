#pragma once

#include "sim/httprequest.h"

#include <QObject>
#include <QPointer>

class QTcpSocket;

namespace telephone::sim {

class HttpServer;

/// One accepted TCP connection of HttpServer (internal): parses requests one after the other, hands
/// each to the server's handler and writes the answer before it reads the next (so pipelined requests
/// are answered in order). Owns its socket until an upgrade hook takes it.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    HttpConnection(QTcpSocket *socket, HttpServer *server);
    ~HttpConnection() override;

    bool isOpen() const;
    void write(const QByteArray &bytes);
    /// The current response is complete: close, or go on with the next request.
    void endResponse(bool close);
    void abort();

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Waiting, Closed };

    void processInput();
    bool readHead();
    bool readBody();
    void appendBody(qint64 n);
    bool readChunkSize();
    bool readChunkData();
    bool readChunkDataEnd();
    bool readTrailers();
    void dispatch();
    void fail(int status, const char *why);
    void onDisconnected();

    HttpServer *m_server = nullptr;
    QPointer<QTcpSocket> m_socket;
    State m_state = State::Head;
    HttpRequest m_request;
    qint64 m_remaining = 0;
    qint64 m_trailerBytes = 0;
    bool m_keepAlive = true;
    bool m_processing = false;
};

} // namespace telephone::sim
