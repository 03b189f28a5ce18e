#pragma once

#include "proxy/exchange.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTreeWidget;

namespace telephone {

/// One exchange in full: request and response headers and bodies, each body shown the way
/// BodyFormatter picks (JSON pretty-printed, text, hex), with a banner when the capture was cut
/// short and when Telephone answered the request itself.
class ExchangeDetailView : public QWidget
{
    Q_OBJECT

public:
    explicit ExchangeDetailView(QWidget *parent = nullptr);

    void setExchange(const Exchange &exchange);
    void clear();
    const Exchange &exchange() const { return m_exchange; }
    bool hasExchange() const { return m_has; }
    /// For tests: the tab widget (0 = request, 1 = response).
    QTabWidget *tabs() const { return m_tabs; }
    /// The widgets Tab walks through, in order (the window chains them after the list).
    QList<QWidget *> focusChain() const;

private:
    struct Side {
        QLabel *banner;
        QTreeWidget *headers;
        QLabel *bodyKind;
        QPlainTextEdit *body;
    };

    QWidget *buildSide(Side *side, const QString &name);
    void fill(Side *side, const HeaderList &headers, const QByteArray &body, qint64 fullSize, bool pending);

    QLabel *m_summary;
    QTabWidget *m_tabs;
    Side m_request{};
    Side m_response{};
    Exchange m_exchange;
    bool m_has = false;
};

} // namespace telephone
