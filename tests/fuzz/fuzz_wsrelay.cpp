// The WebSocket relay (proxy/websocketrelay): the server's ws_check / ws_connect / ws_frame /
// ws_close payloads in any order and shape, with any ids. Never crashes or leaks; answers only what
// was asked (a ws_check_result names a check_id the server sent; ws_connected / ws_error /
// ws_closed / ws_frame name a connection_id of a ws_connect, and nothing follows a connection's
// ws_error or ws_closed until a new ws_connect with that id); close codes on the wire are ones a
// close frame may carry; no connection holds more than the buffer either way.
//
// No network: the backend is 127.0.0.1:1 and socket notifications are never served, so backend
// connections stay "connecting" (browser frames wait for the upgrade, up to the buffer). Only
// posted events run ("pump"): deferred deletes and queued calls. Backend → server frames need a
// backend and are covered by test_wsproxy instead.
//
// Input: lines. The first may be "buffer N" (the per-connection bound, 1 B .. 1 MiB; default
// 4 KiB). Then, each line one of
//   check|connect|frame|close|EVENT JSON   the event with the JSON object as its payload
//   handover ID COST                       frameHandedOver(ID, COST)
//   stopping / accepting                   later events are handled as during a stop, or not
//   pump                                   posted events run
#include "fuzzcheck.h"
#include "proxy/websocketrelay.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>

#include <algorithm>
#include <cstdint>

using namespace telephone;

namespace {

struct Observer {
    QSet<QString> checksSent;
    int checks = 0;              ///< ws_check events (ids may repeat)
    QSet<QString> connectsSent;  ///< every connection_id a ws_connect named
    QSet<QString> ended;         ///< ws_error / ws_closed sent, no ws_connect since
    qint64 bufferBytes = 0;

    void onPush(const QString &event, const QJsonObject &payload)
    {
        if (event == QLatin1String("ws_check_result")) {
            FUZZ_CHECK(checksSent.contains(payload.value(QLatin1String("check_id")).toString()));
            FUZZ_CHECK(payload.value(QLatin1String("supported")).isBool());
            return;
        }
        const QString id = payload.value(QLatin1String("connection_id")).toString();
        FUZZ_CHECK(connectsSent.contains(id));
        FUZZ_CHECK(!ended.contains(id));
        if (event == QLatin1String("ws_closed")) {
            const int code = payload.value(QLatin1String("code")).toInt();
            FUZZ_CHECK((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999));
            FUZZ_CHECK(!payload.value(QLatin1String("reason")).toString().isNull());
            ended.insert(id);
        } else if (event == QLatin1String("ws_error")) {
            FUZZ_CHECK(!payload.value(QLatin1String("reason")).toString().isEmpty());
            ended.insert(id);
        } else {
            FUZZ_CHECK(event == QLatin1String("ws_connected"));
        }
    }
};

QString eventName(const QByteArray &verb)
{
    if (verb == "check")
        return QStringLiteral("ws_check");
    if (verb == "connect")
        return QStringLiteral("ws_connect");
    if (verb == "frame")
        return QStringLiteral("ws_frame");
    if (verb == "close")
        return QStringLiteral("ws_close");
    return QString::fromUtf8(verb);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzzsupport::ensureApplication();
    QLoggingCategory::setFilterRules(QStringLiteral("telephone.*=false"));
    QList<QByteArray> lines = QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)).split('\n');
    if (lines.size() > 400)
        return 0; // each event may open a socket: keep an input's cost bounded

    WebSocketRelayOptions options;
    options.backend = QUrl(QStringLiteral("http://127.0.0.1:1"));
    options.bufferBytes = 4096;
    if (!lines.isEmpty() && lines.first().startsWith("buffer ")) {
        options.bufferBytes = std::clamp<qint64>(lines.takeFirst().mid(7).toLongLong(), 1, 1024 * 1024);
    }
    Observer observer;
    observer.bufferBytes = options.bufferBytes;
    {
        WebSocketRelay relay(options);
        QObject::connect(&relay, &WebSocketRelay::pushRequested, &relay,
                         [&observer](const QString &event, const QJsonObject &payload) { observer.onPush(event, payload); });
        QObject::connect(&relay, &WebSocketRelay::framePushRequested, &relay,
                         [&observer, &relay](const QString &id, const QJsonObject &payload, qint64 cost) {
                             observer.onPush(QStringLiteral("ws_frame"), payload);
                             FUZZ_CHECK(payload.value(QLatin1String("connection_id")).toString() == id);
                             FUZZ_CHECK(cost > 0);
                             relay.frameHandedOver(id, cost);
                         });
        bool accepting = true;
        for (const QByteArray &line : std::as_const(lines)) {
            const qsizetype space = line.indexOf(' ');
            const QByteArray verb = space < 0 ? line : line.left(space);
            const QByteArray rest = space < 0 ? QByteArray() : line.mid(space + 1);
            if (verb == "stopping" || verb == "accepting") {
                accepting = verb == "accepting";
            } else if (verb == "pump") {
                QCoreApplication::sendPostedEvents();
            } else if (verb == "handover") {
                const QList<QByteArray> args = rest.split(' ');
                relay.frameHandedOver(QString::fromUtf8(args.value(0)), args.value(1).toLongLong());
            } else {
                const QJsonObject payload = QJsonDocument::fromJson(rest).object();
                const QString event = eventName(verb);
                if (event == QLatin1String("ws_check")) {
                    observer.checksSent.insert(payload.value(QLatin1String("check_id")).toString());
                    ++observer.checks;
                }
                if (event == QLatin1String("ws_connect")) {
                    const QString id = payload.value(QLatin1String("connection_id")).toString();
                    // After its end an id may live again (a live one's second ws_connect is ignored).
                    observer.ended.remove(id);
                    observer.connectsSent.insert(id);
                }
                relay.handle(event, payload, accepting);
            }
            for (const QString &id : std::as_const(observer.connectsSent)) {
                FUZZ_CHECK(relay.queuedTowardBackend(id) <= options.bufferBytes);
                FUZZ_CHECK(relay.queuedTowardServer(id) <= options.bufferBytes);
            }
            FUZZ_CHECK(relay.liveConnections() <= observer.connectsSent.size());
            FUZZ_CHECK(relay.heldConnections() <= observer.checks);
        }
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
