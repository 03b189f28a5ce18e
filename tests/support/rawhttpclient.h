#pragma once

// A raw HTTP/1.1 client for tests: the exact bytes go out, the exact head comes back (QNetworkAccessManager
// would normalise both).

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QTcpSocket>
#include <QTest>

struct RawResponse {
    int status = 0;
    QByteArray head; ///< status line and header lines as received, without the final CRLFCRLF
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const char *name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    int count(const char *name) const
    {
        int n = 0;
        for (const auto &h : headers)
            n += h.first.compare(name, Qt::CaseInsensitive) == 0;
        return n;
    }
};

/// Sends one request with Connection: close (to the simulator's HTTP front, say) and reads to the
/// end. The head is kept as received; a chunked body is decoded.
inline RawResponse rawCall(quint16 port, const QByteArray &method, const QByteArray &target,
                           const QByteArray &extraHeaders = {}, const QByteArray &body = {}, int timeoutMs = 10000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: public.example\r\nConnection: close\r\n"
        + extraHeaders;
    if (!body.isEmpty() || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    QByteArray wire;
    QElapsedTimer timer;
    timer.start();
    // The simulator and the tunnel share this thread's event loop: wait by running it, never by
    // blocking in waitForReadyRead.
    while (socket.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < timeoutMs) {
        QTest::qWait(1);
        wire += socket.readAll();
    }
    wire += socket.readAll();
    RawResponse r;
    const qsizetype end = wire.indexOf("\r\n\r\n");
    if (end < 0)
        return r;
    r.head = wire.left(end);
    const QList<QByteArray> lines = r.head.split('\n');
    r.status = lines.first().mid(9, 3).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        r.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    QByteArray rest = wire.mid(end + 4);
    if (r.header("transfer-encoding").contains("chunked")) {
        qsizetype pos = 0;
        while (pos < rest.size()) {
            const qsizetype nl = rest.indexOf("\r\n", pos);
            const qint64 size = rest.mid(pos, nl - pos).toLongLong(nullptr, 16);
            if (size == 0)
                break;
            r.body += rest.mid(nl + 2, size);
            pos = nl + 2 + size + 2;
        }
    } else {
        r.body = rest;
    }
    return r;
}
