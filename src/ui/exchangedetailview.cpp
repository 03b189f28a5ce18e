#include "ui/exchangedetailview.h"

#include "ui/bodyformatter.h"
#include "ui/humantext.h"
#include "ui/websocketframesview.h"

#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace telephone {

namespace {

QByteArray headerValue(const HeaderList &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void styleBanner(QLabel *banner, const QString &background)
{
    banner->setStyleSheet(QStringLiteral("QLabel { background: %1; color: #1a1a1a; padding: 4px 6px; border-radius: 3px; }")
                              .arg(background));
}

QString pathAndQuery(const Exchange &exchange)
{
    return exchange.query.isNull() ? exchange.path : exchange.path + QLatin1Char('?') + exchange.query;
}

QString rawBody(const QByteArray &body, qint64 fullSize)
{
    if (body.isEmpty())
        return {};
    QString text = BodyFormatter::isText(body) ? QString::fromUtf8(body)
                                               : ExchangeDetailView::tr("[%1 of binary data]").arg(QLocale().formattedDataSize(body.size()));
    if (fullSize > body.size())
        text += QLatin1Char('\n') + ExchangeDetailView::tr("[… cut: %1 of %2 captured]")
                                        .arg(QLocale().formattedDataSize(body.size()), QLocale().formattedDataSize(fullSize));
    return text;
}

QString rawHeaders(const HeaderList &headers)
{
    QString out;
    for (const auto &[name, value] : headers)
        out += QString::fromUtf8(name) + QStringLiteral(": ") + QString::fromUtf8(value) + QLatin1Char('\n');
    return out;
}

QList<QPair<QString, QString>> pairsOf(const QString &encoded)
{
    QList<QPair<QString, QString>> out;
    const QUrlQuery query(encoded);
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded))
        out.append({name, value});
    return out;
}

void fillTable(QTableWidget *table, const QList<QPair<QString, QString>> &pairs)
{
    table->setRowCount(int(pairs.size()));
    for (int row = 0; row < pairs.size(); ++row) {
        table->setItem(row, 0, new QTableWidgetItem(pairs.at(row).first));
        table->setItem(row, 1, new QTableWidgetItem(pairs.at(row).second));
    }
}

QTableWidget *parameterTable(QWidget *parent, const QString &name)
{
    auto *table = new QTableWidget(0, 2, parent);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels({ExchangeDetailView::tr("Name"), ExchangeDetailView::tr("Value")});
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setTabKeyNavigation(false);
    table->setSortingEnabled(true);
    return table;
}

} // namespace

ExchangeDetailView::ExchangeDetailView(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_tabs(new QTabWidget(this))
{
    m_summary->setObjectName(QStringLiteral("detailSummary"));
    m_summary->setWordWrap(true);
    m_summary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->addTab(buildSide(&m_request, QStringLiteral("request")), tr("Request"));
    m_tabs->addTab(buildSide(&m_response, QStringLiteral("response")), tr("Response"));
    m_backendPage = buildSide(&m_backend, QStringLiteral("backend"));
    m_backendPage->hide(); // a tab only when Telephone withheld the backend's answer
    m_tabs->addTab(buildParameters(), tr("Parameters"));
    m_raw = new QPlainTextEdit(this);
    m_raw->setObjectName(QStringLiteral("raw"));
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_raw, tr("Raw"));
    connect(m_request.save, &QPushButton::clicked, this, [this] { emit saveBodyRequested(true); });
    connect(m_response.save, &QPushButton::clicked, this, [this] { emit saveBodyRequested(false); });
    m_backend.save->hide();
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
    side->headers->setSortingEnabled(true);
    side->headers->sortByColumn(-1, Qt::AscendingOrder); // as sent until a header is clicked
    side->bodyKind = new QLabel(page);
    side->bodyKind->setObjectName(name + QStringLiteral("BodyKind"));
    side->bodyKind->setWordWrap(true);
    side->save = new QPushButton(tr("Save body…"), page);
    side->save->setObjectName(name + QStringLiteral("SaveBody"));
    side->body = new QPlainTextEdit(page);
    side->body->setObjectName(name + QStringLiteral("Body"));
    side->body->setReadOnly(true);
    side->body->setLineWrapMode(QPlainTextEdit::NoWrap);
    side->body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *bodyBox = new QWidget(page);
    auto *bodyLayout = new QVBoxLayout(bodyBox);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    auto *kindLine = new QHBoxLayout;
    kindLine->addWidget(side->bodyKind, 1);
    kindLine->addWidget(side->save);
    bodyLayout->addLayout(kindLine);
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

QWidget *ExchangeDetailView::buildParameters()
{
    auto *page = new QWidget(this);
    m_query = parameterTable(page, QStringLiteral("queryParameters"));
    m_form = parameterTable(page, QStringLiteral("formParameters"));
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(new QLabel(tr("Query"), page));
    layout->addWidget(m_query, 1);
    layout->addWidget(new QLabel(tr("Form (application/x-www-form-urlencoded body)"), page));
    layout->addWidget(m_form, 1);
    return page;
}

QList<QWidget *> ExchangeDetailView::focusChain() const
{
    QList<QWidget *> chain{m_tabs->tabBar()};
    for (const Side *side : {&m_request, &m_response})
        chain << side->headers << side->save << side->body;
    return chain;
}

void ExchangeDetailView::clear()
{
    m_has = false;
    m_exchange = Exchange();
    m_summary->setText(tr("Select a request to see it in full."));
    for (Side *side : {&m_request, &m_response, &m_backend}) {
        ++side->generation;
        side->banner->hide();
        side->headers->clear();
        side->bodyKind->clear();
        side->body->clear();
        side->save->setEnabled(false);
    }
    const int backendTab = m_tabs->indexOf(m_backendPage);
    if (backendTab >= 0)
        m_tabs->removeTab(backendTab);
    showFrames(nullptr);
    m_query->setRowCount(0);
    m_form->setRowCount(0);
    m_raw->clear();
    m_tabs->setEnabled(false);
}

void ExchangeDetailView::setExchange(const Exchange &exchange)
{
    m_exchange = exchange;
    m_has = true;
    m_tabs->setEnabled(true);
    QString summary = QStringLiteral("<b>%1 %2</b>").arg(exchange.method.toHtmlEscaped(), pathAndQuery(exchange).toHtmlEscaped());
    if (exchange.isWebSocket())
        summary += QStringLiteral(" — ") + webSocketStateText(exchange);
    else if (exchange.isPending())
        summary += QStringLiteral(" — ") + tr("waiting for the backend");
    else
        summary += QStringLiteral(" — %1 · %2")
                       .arg(exchange.status == 0 ? tr("no answer") : QString::number(exchange.status),
                            HumanText::elapsed(exchange.durationMs));
    // The timeline: when it came in, when the backend's connection was ready and its first byte
    // came, and when it was answered (the full date in the tooltip).
    const QDateTime received = exchange.startedAt.toLocalTime();
    const auto since = [&exchange](const QDateTime &at) {
        return HumanText::elapsed(exchange.startedAt.msecsTo(at));
    };
    summary += QStringLiteral("<br>") + tr("Received %1").arg(received.toString(QStringLiteral("HH:mm:ss.zzz")));
    if (exchange.backendConnectedAt.isValid())
        summary += QStringLiteral(" · ")
            + (exchange.backendConnectionReused ? tr("backend connection reused +%1")
                                                : tr("backend connected +%1"))
                  .arg(since(exchange.backendConnectedAt));
    if (exchange.firstByteAt.isValid())
        summary += QStringLiteral(" · ") + tr("first byte +%1").arg(since(exchange.firstByteAt));
    if (!exchange.isPending())
        summary += QStringLiteral(" · ")
            + tr("answered %1 (+%2)")
                  .arg(received.addMSecs(exchange.durationMs).toString(QStringLiteral("HH:mm:ss.zzz")),
                       HumanText::elapsed(exchange.durationMs));
    m_summary->setToolTip(QLocale().toString(received, QLocale::LongFormat));
    if (exchange.replay)
        summary += QStringLiteral(" · ") + tr("replayed from the inspector");
    m_summary->setText(summary);

    showFrames(exchange.isWebSocket() ? &*exchange.webSocket : nullptr);
    fill(&m_request, exchange.requestHeaders, exchange.requestBody, exchange.requestBytes, false);
    fill(&m_response, exchange.responseHeaders, exchange.responseBody, exchange.responseBytes, exchange.isPending());
    const int backendTab = m_tabs->indexOf(m_backendPage);
    if (exchange.backendAnswerWithheld()) {
        // Both sides: what the backend sent, and why Telephone answered instead.
        fill(&m_backend, exchange.backendHeaders, exchange.backendBody, exchange.backendBytes, false);
        m_backend.banner->setText(tr("The backend answered %1; Telephone did not pass it on: %2")
                                      .arg(exchange.backendStatus)
                                      .arg(HumanText::exchangeError(exchange)));
        styleBanner(m_backend.banner, QStringLiteral("#fde68a"));
        m_backend.banner->show();
        if (backendTab < 0)
            m_tabs->insertTab(2, m_backendPage, tr("Backend sent"));
    } else if (backendTab >= 0) {
        m_tabs->removeTab(backendTab);
    }
    if (!exchange.error.isEmpty()) {
        // Said first: the headers below are Telephone's own answer, not the backend's.
        const QString who = exchange.backendAnswerWithheld()
            ? tr("Telephone answered this request in place of the backend's %1 (see Backend sent): %2")
                  .arg(exchange.backendStatus)
                  .arg(HumanText::exchangeError(exchange))
            : tr("Telephone answered this request itself: %1").arg(HumanText::exchangeError(exchange));
        m_response.banner->setText(who + (m_response.banner->isVisible() ? QStringLiteral("\n") + m_response.banner->text()
                                                                         : QString()));
        styleBanner(m_response.banner, exchange.backendAnswerWithheld() ? QStringLiteral("#fde68a") : QStringLiteral("#f6c6c6"));
        m_response.banner->show();
    }
    fillParameters();
    m_raw->setPlainText(rawText(exchange));
}

void ExchangeDetailView::fillParameters()
{
    fillTable(m_query, queryParameters(m_exchange));
    fillTable(m_form, formParameters(m_exchange));
}

QList<QPair<QString, QString>> ExchangeDetailView::queryParameters(const Exchange &exchange)
{
    return exchange.query.isNull() ? QList<QPair<QString, QString>>() : pairsOf(exchange.query);
}

QList<QPair<QString, QString>> ExchangeDetailView::formParameters(const Exchange &exchange)
{
    if (!headerValue(exchange.requestHeaders, "content-type").toLower().startsWith("application/x-www-form-urlencoded")
        || !BodyFormatter::isText(exchange.requestBody))
        return {};
    // '+' is a space in a form body (QUrlQuery keeps it as '+').
    QString body = QString::fromUtf8(exchange.requestBody);
    body.replace(QLatin1Char('+'), QLatin1Char(' '));
    return pairsOf(body);
}

QString ExchangeDetailView::rawText(const Exchange &exchange)
{
    QString out = exchange.method + QLatin1Char(' ') + pathAndQuery(exchange) + QStringLiteral(" HTTP/1.1\n");
    out += rawHeaders(exchange.requestHeaders) + QLatin1Char('\n');
    out += rawBody(exchange.requestBody, exchange.requestBytes);
    out += QStringLiteral("\n\n");
    if (exchange.isPending())
        return out + tr("(no response yet)");
    if (exchange.status == 0)
        return out + tr("(no answer: %1)").arg(HumanText::exchangeError(exchange));
    out += QStringLiteral("HTTP/1.1 %1\n").arg(exchange.status);
    out += rawHeaders(exchange.responseHeaders) + QLatin1Char('\n');
    out += rawBody(exchange.responseBody, exchange.responseBytes);
    return out;
}

void ExchangeDetailView::fill(Side *side, const HeaderList &headers, const QByteArray &body, qint64 fullSize,
                              bool pending)
{
    const quint64 generation = ++side->generation;
    side->headers->clear();
    QList<QTreeWidgetItem *> items;
    for (const auto &[name, value] : headers)
        items << new QTreeWidgetItem({QString::fromUtf8(name), QString::fromUtf8(value)});
    side->headers->addTopLevelItems(items);
    side->save->setEnabled(!pending && !body.isEmpty());

    side->banner->hide();
    if (pending) {
        side->bodyKind->setText(tr("No response yet"));
        side->body->clear();
        return;
    }
    const bool truncated = fullSize > body.size();
    if (truncated) {
        side->banner->setText(tr("Truncated: only the first %1 of %2 were captured.")
                                  .arg(QLocale().formattedDataSize(body.size()), QLocale().formattedDataSize(fullSize)));
        styleBanner(side->banner, QStringLiteral("#fde68a"));
        side->banner->show();
    }
    const QByteArray contentType = headerValue(headers, "content-type");
    const auto show = [side, body](const BodyFormatter::Result &formatted) {
        side->bodyKind->setText(formatted.kind == BodyFormatter::Kind::Empty
                                    ? formatted.label
                                    : QStringLiteral("%1 · %2").arg(formatted.label, QLocale().formattedDataSize(body.size())));
        side->body->setPlainText(formatted.text);
    };
    if (body.size() <= FormatInlineLimit) {
        show(BodyFormatter::format(body, contentType, truncated));
        return;
    }
    // Re-indenting a few hundred KiB takes long enough to freeze the window: a worker does it.
    side->bodyKind->setText(tr("Formatting %1…").arg(QLocale().formattedDataSize(body.size())));
    side->body->clear();
    auto *watcher = new QFutureWatcher<BodyFormatter::Result>(this);
    connect(watcher, &QFutureWatcher<BodyFormatter::Result>::finished, this, [watcher, side, generation, show] {
        watcher->deleteLater();
        if (side->generation == generation)
            show(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&BodyFormatter::format, body, contentType, truncated));
}

} // namespace telephone

namespace telephone {

QString ExchangeDetailView::webSocketStateText(const Exchange &exchange)
{
    if (!exchange.error.isEmpty())
        return tr("WebSocket refused: %1").arg(HumanText::exchangeError(exchange));
    if (exchange.isPending())
        return exchange.status == 101 ? tr("WebSocket open") : tr("WebSocket connecting");
    return tr("WebSocket closed after %1").arg(HumanText::elapsed(exchange.durationMs));
}

void ExchangeDetailView::showFrames(const WebSocketSession *session)
{
    if (!session) {
        if (m_frames)
            m_tabs->removeTab(m_tabs->indexOf(m_frames));
        return;
    }
    if (!m_frames)
        m_frames = new WebSocketFramesView(this);
    if (m_tabs->indexOf(m_frames) < 0) {
        // A connection is about its frames: they come first, and are what a newly selected row shows.
        m_tabs->insertTab(0, m_frames, tr("Frames"));
        m_tabs->setCurrentIndex(0);
    }
    m_frames->setSession(*session);
}

} // namespace telephone
