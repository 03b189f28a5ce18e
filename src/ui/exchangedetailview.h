#pragma once

#include "proxy/exchange.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTreeWidget;

namespace telephone {

class WebSocketFramesView;

/// One exchange in full: request and response headers and bodies, each body shown the way
/// BodyFormatter picks (JSON pretty-printed, text, hex), with a banner when the capture was cut
/// short and when Telephone answered the request itself; then what the backend really sent when
/// Telephone answered in its place, the query and form parameters as tables, and both sides as
/// raw HTTP/1.1 text. Large bodies are formatted off the GUI thread.
class ExchangeDetailView : public QWidget
{
    Q_OBJECT

public:
    explicit ExchangeDetailView(QWidget *parent = nullptr);

    void setExchange(const Exchange &exchange);
    void clear();
    const Exchange &exchange() const { return m_exchange; }
    bool hasExchange() const { return m_has; }
    /// For tests: the frames of a WebSocket row (null before the first one was shown).
    WebSocketFramesView *framesView() const { return m_frames; }
    /// For tests: the tab widget (request, response, [backend sent], parameters, raw).
    QTabWidget *tabs() const { return m_tabs; }
    /// The widgets Tab walks through, in order (the window chains them after the list).
    QList<QWidget *> focusChain() const;
    /// Bodies up to this size are formatted at once; larger ones on a worker thread.
    static constexpr qsizetype FormatInlineLimit = 64 * 1024;

    /// "GET /a?b=1 HTTP/1.1" and its headers and body, then the response the same way.
    static QString rawText(const Exchange &exchange);
    /// Name/value pairs of the query and, for urlencoded bodies, of the form.
    static QList<QPair<QString, QString>> queryParameters(const Exchange &exchange);
    static QList<QPair<QString, QString>> formParameters(const Exchange &exchange);

signals:
    /// Save body… was pressed for the request (true) or response (false) side.
    void saveBodyRequested(bool request);

private:
    struct Side {
        QLabel *banner;
        QTreeWidget *headers;
        QLabel *bodyKind;
        QPlainTextEdit *body;
        QPushButton *save;
        quint64 generation = 0; ///< formatting results for an older exchange are dropped
    };

    QWidget *buildSide(Side *side, const QString &name);
    QWidget *buildParameters();
    void fill(Side *side, const HeaderList &headers, const QByteArray &body, qint64 fullSize, bool pending);
    void fillParameters();
    /// The Frames tab for a WebSocket connection; removed when `session` is null.
    void showFrames(const WebSocketSession *session);
    static QString webSocketStateText(const Exchange &exchange);

    QLabel *m_summary;
    QTabWidget *m_tabs;
    Side m_request{};
    Side m_response{};
    Side m_backend{};
    QWidget *m_backendPage = nullptr;
    QTableWidget *m_query = nullptr;
    QTableWidget *m_form = nullptr;
    QPlainTextEdit *m_raw = nullptr;
    WebSocketFramesView *m_frames = nullptr; ///< created with the first WebSocket row shown
    Exchange m_exchange;
    bool m_has = false;
};

} // namespace telephone
