#include "ui/exchangedetailview.h"

#include "ui/bodyformatter.h"
#include "ui/humantext.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace telephone {

namespace {

QByteArray contentTypeOf(const HeaderList &headers)
{
    for (const auto &[name, value] : headers) {
        if (name.compare("content-type", Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void styleBanner(QLabel *banner, const QString &background)
{
    banner->setStyleSheet(QStringLiteral("QLabel { background: %1; color: #1a1a1a; padding: 4px 6px; border-radius: 3px; }")
                              .arg(background));
}

} // namespace

ExchangeDetailView::ExchangeDetailView(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_tabs(new QTabWidget(this))
{
    m_summary->setObjectName(QStringLiteral("detailSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tabs->addTab(buildSide(&m_request, QStringLiteral("request")), tr("Request"));
    m_tabs->addTab(buildSide(&m_response, QStringLiteral("response")), tr("Response"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    clear();
}

QWidget *ExchangeDetailView::buildSide(Side *side, const QString &name)
{
    auto *page = new QWidget(this);
    side->banner = new QLabel(page);
    side->banner->setObjectName(name + QStringLiteral("Banner"));
    side->banner->setWordWrap(true);
    side->headers = new QTreeWidget(page);
    side->headers->setObjectName(name + QStringLiteral("Headers"));
    side->headers->setColumnCount(2);
    side->headers->setHeaderLabels({tr("Header"), tr("Value")});
    side->headers->setRootIsDecorated(false);
    side->headers->setUniformRowHeights(true);
    side->headers->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    side->headers->setSelectionMode(QAbstractItemView::ExtendedSelection);
    side->bodyKind = new QLabel(page);
    side->bodyKind->setObjectName(name + QStringLiteral("BodyKind"));
    side->body = new QPlainTextEdit(page);
    side->body->setObjectName(name + QStringLiteral("Body"));
    side->body->setReadOnly(true);
    side->body->setLineWrapMode(QPlainTextEdit::NoWrap);
    side->body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *bodyBox = new QWidget(page);
    auto *bodyLayout = new QVBoxLayout(bodyBox);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addWidget(side->bodyKind);
    bodyLayout->addWidget(side->body, 1);

    auto *split = new QSplitter(Qt::Vertical, page);
    split->addWidget(side->headers);
    split->addWidget(bodyBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(side->banner);
    layout->addWidget(split, 1);
    return page;
}

QList<QWidget *> ExchangeDetailView::focusChain() const
{
    QList<QWidget *> chain{m_tabs->tabBar()};
    for (const Side *side : {&m_request, &m_response})
        chain << side->headers << side->body;
    return chain;
}

void ExchangeDetailView::clear()
{
    m_has = false;
    m_exchange = Exchange();
    m_summary->setText(tr("Select a request to see it in full."));
    for (Side *side : {&m_request, &m_response}) {
        side->banner->hide();
        side->headers->clear();
        side->bodyKind->clear();
        side->body->clear();
    }
    m_tabs->setEnabled(false);
}

void ExchangeDetailView::setExchange(const Exchange &exchange)
{
    m_exchange = exchange;
    m_has = true;
    m_tabs->setEnabled(true);
    QString summary = QStringLiteral("<b>%1 %2</b>").arg(exchange.method.toHtmlEscaped(),
                                                         (exchange.query.isNull() ? exchange.path
                                                                                  : exchange.path + QLatin1Char('?') + exchange.query)
                                                             .toHtmlEscaped());
    if (exchange.isPending())
        summary += QStringLiteral(" — ") + tr("waiting for the backend");
    else
        summary += QStringLiteral(" — %1 · %2")
                       .arg(exchange.status == 0 ? tr("no answer") : QString::number(exchange.status),
                            HumanText::elapsed(exchange.durationMs));
    summary += QStringLiteral("<br>") + QLocale().toString(exchange.startedAt.toLocalTime(), QLocale::LongFormat);
    if (exchange.replay)
        summary += QStringLiteral(" · ") + tr("replayed from the inspector");
    m_summary->setText(summary);

    fill(&m_request, exchange.requestHeaders, exchange.requestBody, exchange.requestBytes, false);
    fill(&m_response, exchange.responseHeaders, exchange.responseBody, exchange.responseBytes, exchange.isPending());
    if (!exchange.error.isEmpty()) {
        // Said first: the headers below are Telephone's own answer, not the backend's.
        m_response.banner->setText(tr("Telephone answered this request itself: %1").arg(exchange.error)
                                   + (m_response.banner->isVisible() ? QStringLiteral("\n") + m_response.banner->text()
                                                                     : QString()));
        styleBanner(m_response.banner, QStringLiteral("#f6c6c6"));
        m_response.banner->show();
    }
}

void ExchangeDetailView::fill(Side *side, const HeaderList &headers, const QByteArray &body, qint64 fullSize,
                              bool pending)
{
    side->headers->clear();
    QList<QTreeWidgetItem *> items;
    for (const auto &[name, value] : headers)
        items << new QTreeWidgetItem({QString::fromUtf8(name), QString::fromUtf8(value)});
    side->headers->addTopLevelItems(items);

    side->banner->hide();
    if (pending) {
        side->bodyKind->setText(tr("No response yet"));
        side->body->clear();
        return;
    }
    if (fullSize > body.size()) {
        side->banner->setText(tr("Truncated: only the first %1 of %2 were captured.")
                                  .arg(QLocale().formattedDataSize(body.size()), QLocale().formattedDataSize(fullSize)));
        styleBanner(side->banner, QStringLiteral("#fde68a"));
        side->banner->show();
    }
    const BodyFormatter::Result formatted = BodyFormatter::format(body, contentTypeOf(headers));
    side->bodyKind->setText(formatted.kind == BodyFormatter::Kind::Empty
                                ? formatted.label
                                : QStringLiteral("%1 · %2").arg(formatted.label, QLocale().formattedDataSize(body.size())));
    side->body->setPlainText(formatted.text);
}

} // namespace telephone
