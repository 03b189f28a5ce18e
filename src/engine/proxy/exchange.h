#pragma once

#include "protocol/problem.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

#include <optional>

namespace telephone {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// One WebSocket frame as the inspector keeps it: its bytes up to `WebSocketFrameRecord::DataCap`.
struct WebSocketFrameRecord {
    static constexpr qint64 DataCap = 4 * 1024;
    enum Direction { ToBackend, FromBackend };

    QDateTime at;      ///< UTC
    Direction direction = ToBackend;
    int opcode = 1;    ///< RFC 6455: 1 text, 2 binary, 9 ping, 10 pong
    qint64 size = 0;   ///< the frame's full size
    QByteArray data;   ///< up to DataCap

    bool truncated() const { return size > data.size(); }
};

/// The WebSocket part of a proxied connection shown as an inspector row: totals, how it ended, and
/// the latest frames (at most MaxFrames, and at most Exchange::DisplayBodyCap bytes of their data,
/// like a body) — older ones are dropped and counted.
struct WebSocketSession {
    static constexpr int MaxFrames = 500;

    QString connectionId;
    QString protocol;           ///< the subprotocol the backend picked
    qint64 framesToBackend = 0;
    qint64 bytesToBackend = 0;
    qint64 framesFromBackend = 0;
    qint64 bytesFromBackend = 0;
    int closeCode = 0;          ///< 0 while open or when it ended without a close code
    QString closeReason;        ///< as on the wire: the backend's or browser's words, or Telephone's in English
    Problem closeProblem;       ///< Telephone's reason as a code when it closed it (HumanText::closeReason)
    QList<WebSocketFrameRecord> frames;
    qint64 framesDropped = 0;   ///< older frames no longer kept
};

/// One request through the tunnel and its answer, as the inspector shows it. A plain value: the
/// forwarder publishes it when the request starts (status 0 = pending) and again when it ends.
/// Bodies are capped for display (`DisplayBodyCap`); the full sizes are kept separately.
struct Exchange {
    static constexpr qint64 DisplayBodyCap = 256 * 1024;

    QString requestId;
    /// The name of the tunnel it came through ("default", or NAME of [tunnel.NAME]); set by the
    /// desktop, which gathers every tunnel's exchanges in one inspector. Empty when not known.
    QString tunnel;
    QDateTime startedAt;       ///< UTC
    qint64 durationMs = -1;    ///< -1 while pending
    QString method;
    QString path;              ///< as received, byte for byte
    QString query;             ///< raw query without '?'; null when there was none
    HeaderList requestHeaders; ///< as sent to the backend
    QByteArray requestBody;    ///< up to DisplayBodyCap
    qint64 requestBytes = 0;
    int status = 0;            ///< 0 while pending, or when no HTTP answer could be made (see error)
    HeaderList responseHeaders;
    QByteArray responseBody;   ///< up to DisplayBodyCap
    qint64 responseBytes = 0;
    QString error;             ///< why Telephone answered itself (400/405/502/503/504), empty otherwise;
                               ///< English, as the HTTP client, the log and HAR get it
    Problem problem;           ///< the same as a code, for the inspector (HumanText::exchangeError)
    bool replay = false;       ///< sent again from the inspector, not by the server
    /// "gzip" / "deflate": Telephone decoded the backend's compressed text because the server cannot
    /// carry compressed (binary) bodies; the response went out without content-encoding.
    QString decodedContentEncoding;

    // When Telephone answered although the backend did (a body or header the server cannot carry,
    // a response over the size limit): what the backend sent, so that the inspector can show both
    // sides and nobody mistakes it for a backend that is down.
    bool backendAnswered = false; ///< the backend sent an HTTP answer (true for every normal answer too)
    int backendStatus = 0;        ///< its status when Telephone answered instead; 0 otherwise/unknown
    HeaderList backendHeaders;
    QByteArray backendBody;       ///< up to DisplayBodyCap
    qint64 backendBytes = 0;

    // The timeline: received (startedAt), backend connected, first byte, answered (startedAt +
    // durationMs). UTC; invalid when that step did not happen (refused connection, no answer).
    QDateTime backendConnectedAt;
    bool backendConnectionReused = false; ///< a keep-alive connection: ready at once
    QDateTime firstByteAt;

    /// Set for a proxied WebSocket connection (method GET, status 101 once the backend upgraded).
    std::optional<WebSocketSession> webSocket;

    bool isWebSocket() const { return webSocket.has_value(); }
    bool isPending() const { return durationMs < 0; }
    bool requestBodyTruncated() const { return requestBytes > requestBody.size(); }
    bool responseBodyTruncated() const { return responseBytes > responseBody.size(); }
    /// Telephone answered in place of an answer the backend did give.
    bool backendAnswerWithheld() const { return backendAnswered && !error.isEmpty(); }
};

} // namespace telephone

Q_DECLARE_METATYPE(telephone::Exchange)
