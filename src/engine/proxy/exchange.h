#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace telephone {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// One request through the tunnel and its answer, as the inspector shows it. A plain value: the
/// forwarder publishes it when the request starts (status 0 = pending) and again when it ends.
/// Bodies are capped for display (`DisplayBodyCap`); the full sizes are kept separately.
struct Exchange {
    static constexpr qint64 DisplayBodyCap = 256 * 1024;

    QString requestId;
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
    QString error;             ///< why Telephone answered itself (400/405/502/503/504), empty otherwise
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

    bool isPending() const { return durationMs < 0; }
    bool requestBodyTruncated() const { return requestBytes > requestBody.size(); }
    bool responseBodyTruncated() const { return responseBytes > responseBody.size(); }
    /// Telephone answered in place of an answer the backend did give.
    bool backendAnswerWithheld() const { return backendAnswered && !error.isEmpty(); }
};

} // namespace telephone

Q_DECLARE_METATYPE(telephone::Exchange)
