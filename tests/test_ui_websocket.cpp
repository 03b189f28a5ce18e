// A proxied WebSocket connection in the inspector: its row in the model, its frames in the detail
// view, and Chrome's `_webSocketMessages` in the HAR export (read back with QJsonDocument). The
// values are the shape WebSocketRelay publishes (test_wsproxy checks a real connection produces it).
#include "ui/exchangedetailview.h"
#include "ui/exchangefiltermodel.h"
#include "ui/exchangemodel.h"
#include "ui/harexport.h"
#include "ui/humantext.h"
#include "ui/websocketframesview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

using namespace telephone;

namespace {

const QDateTime Start = QDateTime(QDate(2026, 12, 3), QTime(9, 0, 0), Qt::UTC);

WebSocketFrameRecord frame(int ms, WebSocketFrameRecord::Direction direction, int opcode, const QByteArray &data)
{
    WebSocketFrameRecord f;
    f.at = Start.addMSecs(ms);
    f.direction = direction;
    f.opcode = opcode;
    f.size = data.size();
    f.data = data;
    return f;
}

Exchange connection(bool closed)
{
    Exchange e;
    e.requestId = QStringLiteral("ws:c1");
    e.startedAt = Start;
    e.method = QStringLiteral("GET");
    e.path = QStringLiteral("/live/websocket");
    e.query = QStringLiteral("vsn=2.0.0");
    e.status = 101;
    e.webSocket = WebSocketSession{};
    WebSocketSession &ws = *e.webSocket;
    ws.connectionId = QStringLiteral("c1");
    ws.frames = {frame(10, WebSocketFrameRecord::ToBackend, 1, "{\"join\":1}"),
                 frame(20, WebSocketFrameRecord::FromBackend, 1, "{\"ok\":true}"),
                 frame(30, WebSocketFrameRecord::FromBackend, 2, QByteArray("\x00\x01\xff", 3)),
                 frame(40, WebSocketFrameRecord::ToBackend, 9, "")};
    ws.framesToBackend = 2;
    ws.bytesToBackend = 10;
    ws.framesFromBackend = 2;
    ws.bytesFromBackend = 14;
    if (closed) {
        e.durationMs = 1500;
        ws.closeCode = 4001;
        ws.closeReason = QStringLiteral("bye");
    }
    return e;
}

} // namespace

class TestUiWebSocket : public QObject
{
    Q_OBJECT

private slots:
    void connectionIsARowThatFillsIn()
    {
        ExchangeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Exchange open = connection(false);
        model.addStarted(open);
        model.flush();
        QCOMPARE(model.rowCount(), 1);
        auto text = [&model](int column) { return model.index(0, column).data().toString(); };
        QCOMPARE(text(ExchangeModel::MethodColumn), QStringLiteral("WS"));
        QCOMPARE(text(ExchangeModel::PathColumn), QStringLiteral("/live/websocket?vsn=2.0.0"));
        QCOMPARE(text(ExchangeModel::StatusColumn), QStringLiteral("101"));
        QCOMPARE(text(ExchangeModel::DurationColumn), ExchangeModel::tr("open"));

        model.addFinished(connection(true)); // the close fills the same row in
        model.flush();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(text(ExchangeModel::DurationColumn), HumanText::elapsed(1500));
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QLatin1String("2")));
        QCOMPARE(model.exchangeAt(0).webSocket->closeCode, 4001);

        Exchange refused = connection(false);
        refused.requestId = QStringLiteral("ws:c2");
        refused.status = 0;
        refused.durationMs = 0;
        refused.error = QStringLiteral("the backend refused the WebSocket upgrade: 403");
        model.addFinished(refused);
        model.flush();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, ExchangeModel::StatusColumn).data().toString(), ExchangeModel::tr("refused"));

        // "ws" in the filter picks connections; GET does not.
        Exchange http;
        http.requestId = QStringLiteral("r1");
        http.method = QStringLiteral("GET");
        http.path = QStringLiteral("/live/page");
        http.status = 200;
        http.durationMs = 1;
        model.addFinished(http);
        model.flush();
        ExchangeFilterModel filter;
        filter.setSourceModel(&model);
        filter.setFilterText(QStringLiteral("ws"));
        QCOMPARE(filter.rowCount(), 2);
        filter.setFilterText(QStringLiteral("ws 101"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setFilterText(QStringLiteral("get live"));
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, ExchangeModel::PathColumn).data().toString(), QStringLiteral("/live/page"));
    }

    void detailShowsTheFrames()
    {
        ExchangeDetailView view;
        view.resize(900, 600);
        view.show();
        view.setExchange(connection(true));
        QVERIFY(view.framesView());
        QCOMPARE(view.tabs()->widget(0), view.framesView());
        QCOMPARE(view.tabs()->currentWidget(), view.framesView());
        QTreeWidget *list = view.framesView()->frameList();
        QCOMPARE(list->topLevelItemCount(), 4);
        QCOMPARE(list->topLevelItem(0)->text(WebSocketFramesView::DirectionColumn), QStringLiteral("↑"));
        QCOMPARE(list->topLevelItem(1)->text(WebSocketFramesView::DirectionColumn), QStringLiteral("↓"));
        QCOMPARE(list->topLevelItem(0)->text(WebSocketFramesView::OpcodeColumn), QStringLiteral("text"));
        QCOMPARE(list->topLevelItem(0)->text(WebSocketFramesView::PreviewColumn), QStringLiteral("{\"join\":1}"));
        QCOMPARE(list->topLevelItem(2)->text(WebSocketFramesView::OpcodeColumn), QStringLiteral("binary"));
        QCOMPARE(list->topLevelItem(2)->text(WebSocketFramesView::PreviewColumn), QStringLiteral("00 01 ff"));
        QCOMPARE(list->topLevelItem(3)->text(WebSocketFramesView::OpcodeColumn), QStringLiteral("ping"));
        QVERIFY(view.framesView()->totals()->text().contains(QLatin1String("4001 bye")));

        // An HTTP exchange next: no Frames tab.
        Exchange http;
        http.requestId = QStringLiteral("r1");
        http.startedAt = Start;
        http.method = QStringLiteral("GET");
        http.path = QStringLiteral("/");
        http.status = 200;
        http.durationMs = 3;
        view.setExchange(http);
        QCOMPARE(view.tabs()->indexOf(view.framesView()), -1);
    }

    void previewIsCapped()
    {
        QByteArray big(WebSocketFrameRecord::DataCap, 'a');
        WebSocketFrameRecord f = frame(0, WebSocketFrameRecord::FromBackend, 1, big);
        f.size = 10 * big.size();
        const QString preview = WebSocketFramesView::preview(f);
        QCOMPARE(preview.size(), WebSocketFramesView::PreviewChars + 1);
        QVERIFY(preview.endsWith(QStringLiteral("…")));
    }

    void harHasChromesWebSocketMessages()
    {
        const QByteArray har = HarExport::toJson({connection(true)}, QUrl(QStringLiteral("https://example.test/call/demo")), false);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(har, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject entry = doc.object().value(QLatin1String("log")).toObject().value(QLatin1String("entries")).toArray().at(0).toObject();
        QCOMPARE(entry.value(QLatin1String("_resourceType")).toString(), QStringLiteral("websocket"));
        QCOMPARE(entry.value(QLatin1String("response")).toObject().value(QLatin1String("status")).toInt(), 101);
        const QJsonArray messages = entry.value(QLatin1String("_webSocketMessages")).toArray();
        QCOMPARE(messages.size(), 4);
        const QJsonObject first = messages.at(0).toObject();
        QCOMPARE(first.value(QLatin1String("type")).toString(), QStringLiteral("send"));
        QCOMPARE(first.value(QLatin1String("opcode")).toInt(), 1);
        QCOMPARE(first.value(QLatin1String("data")).toString(), QStringLiteral("{\"join\":1}"));
        QCOMPARE(first.value(QLatin1String("time")).toDouble(), double(Start.toMSecsSinceEpoch() + 10) / 1000.0);
        QCOMPARE(messages.at(1).toObject().value(QLatin1String("type")).toString(), QStringLiteral("receive"));
        const QJsonObject binary = messages.at(2).toObject();
        QCOMPARE(binary.value(QLatin1String("opcode")).toInt(), 2);
        QCOMPARE(QByteArray::fromBase64(binary.value(QLatin1String("data")).toString().toLatin1()), QByteArray("\x00\x01\xff", 3));
        QCOMPARE(messages.at(3).toObject().value(QLatin1String("opcode")).toInt(), 9);
        QVERIFY(entry.value(QLatin1String("comment")).toString().contains(QLatin1String("4001 bye")));
    }
};

QTEST_MAIN(TestUiWebSocket)
#include "test_ui_websocket.moc"
