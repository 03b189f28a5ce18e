// Views that stay true (issue 14): counts under a filter, a detail pane that lets go of rows that
// are gone, Follow that pauses while the user reads, an undoable Clear, readable durations, the
// keyboard (Tab order, Esc, shortcuts). A real MainWindow under offscreen, fed the exchanges the
// forwarder publishes.

#include "tokens/tokensink.h"
#include "tunnel/tunnelmanager.h"
#include "ui/desktopshell.h"
#include "ui/exchangedetailview.h"
#include "ui/exchangefiltermodel.h"
#include "ui/exchangemodel.h"
#include "ui/humantext.h"
#include "ui/mainwindow.h"
#include "ui/requestsview.h"
#include "ui/statuspanel.h"
#include "ui/translations.h"

#include <QAbstractItemModelTester>
#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "support/exchangesamples.h"
#include "support/uitestsettings.h"

using namespace telephone;
using namespace std::chrono_literals;

class TestUiViews : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MemoryTokenSink> m_sink;
    std::unique_ptr<TunnelManager> m_manager;
    std::unique_ptr<DesktopShell> m_shell;

    MainWindow *window() const { return m_shell->window(); }
    RequestsView *requests() const { return window()->requestsView(); }
    QString counts() const { return window()->findChild<QLabel *>(QStringLiteral("counts"))->text(); }

    void add(int count, const QString &method = QStringLiteral("GET"), const QString &path = QStringLiteral("/item"))
    {
        static int next = 0;
        for (int i = 0; i < count; ++i) {
            const QString id = QStringLiteral("r%1").arg(++next);
            m_shell->model()->addFinished(finished(started(id, method, path + QString::number(next)), 200));
        }
        m_shell->model()->flush();
    }

    // As typed: applied after the typing pause (Return would also select the newest match).
    void setFilter(const QString &text)
    {
        requests()->filterEdit()->setText(text);
        QTRY_COMPARE(requests()->filterModel()->filterText(), text);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        // English has plural forms too ("1 request", "2 requests"): they come from telephone_en.
        QCOMPARE(Translations::install(QStringLiteral("en")), QStringLiteral("en"));
    }

    void init()
    {
        TunnelConfig config;
        config.server = QUrl(QStringLiteral("ws://127.0.0.1:9/socket/websocket"));
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
        m_sink = std::make_unique<MemoryTokenSink>();
        m_manager = std::make_unique<TunnelManager>();
        Tunnel *tunnel = m_manager->addTunnel(config, m_sink.get());
        m_shell = std::make_unique<DesktopShell>(m_manager.get(), tunnel,
                                                 settingsFor(m_dir.filePath(QStringLiteral("views.ini"))));
        window()->resize(1000, 700);
        window()->show();
        QVERIFY(QTest::qWaitForWindowExposed(window()));
    }

    void cleanup()
    {
        m_shell.reset();
        m_manager.reset();
        m_sink.reset();
    }

    void countsFollowTheFilter()
    {
        add(1);
        QCOMPARE(counts(), QStringLiteral("1 request"));
        add(1200);
        add(3, QStringLiteral("POST"), QStringLiteral("/orders"));
        QVERIFY2(counts().startsWith(QStringLiteral("1,204 requests")), qPrintable(counts()));
        setFilter(QStringLiteral("POST"));
        QVERIFY2(counts().startsWith(QStringLiteral("3 of 1,204 shown")), qPrintable(counts()));
        // A filter matching nothing says 0, and a cleared list says 0 of 0, never stale numbers.
        setFilter(QStringLiteral("DELETE"));
        QVERIFY2(counts().startsWith(QStringLiteral("0 of 1,204 shown")), qPrintable(counts()));
        requests()->clear();
        QVERIFY2(counts().startsWith(QStringLiteral("0 of 0 shown")), qPrintable(counts()));
    }

    void detailLetsGoOfRowsThatAreGone()
    {
        add(3, QStringLiteral("GET"), QStringLiteral("/a"));
        add(1, QStringLiteral("POST"), QStringLiteral("/b"));
        QTableView *table = requests()->table();
        ExchangeDetailView *detail = window()->detailView();
        table->selectRow(3);
        QVERIFY(detail->hasExchange());
        QCOMPARE(detail->exchange().method, QStringLiteral("POST"));

        // Filtered out.
        setFilter(QStringLiteral("GET"));
        QCOMPARE(requests()->filterModel()->rowCount(), 3);
        QVERIFY(!detail->hasExchange());
        setFilter(QString());

        // Deselected (Ctrl+click on the selected row).
        table->selectRow(1);
        QVERIFY(detail->hasExchange());
        const QRect cell = table->visualRect(table->model()->index(1, 2));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, cell.center());
        QVERIFY(table->selectionModel()->selectedRows().isEmpty());
        QVERIFY(!detail->hasExchange());

        // Removed (Clear).
        table->selectRow(0);
        QVERIFY(detail->hasExchange());
        requests()->clear();
        QVERIFY(!detail->hasExchange());
    }

    void followPausesWhileScrolledUpAndResumesAtTheBottom()
    {
        add(400);
        QScrollBar *bar = requests()->table()->verticalScrollBar();
        QVERIFY(requests()->follow());
        QCOMPARE(bar->value(), bar->maximum());
        QVERIFY(!requests()->followPaused());

        // The user scrolls up to read: new rows do not move the list, and the list says why.
        bar->setValue(10);
        QVERIFY(requests()->followPaused());
        QVERIFY(requests()->followNote()->isVisible());
        QVERIFY(requests()->followNote()->text().contains(QStringLiteral("paused")));
        add(50);
        QCOMPARE(bar->value(), 10);

        // Back at the bottom: following again.
        bar->setValue(bar->maximum());
        QVERIFY(!requests()->followPaused());
        QVERIFY(!requests()->followNote()->isVisible());
        add(50);
        QCOMPARE(bar->value(), bar->maximum());
    }

    void clearCanBeUndone()
    {
        add(5000);
        ExchangeModel *model = m_shell->model();
        const QString first = model->exchangeAt(0).requestId;
        requests()->clear();
        QCOMPARE(model->rowCount(), 0);
        QVERIFY(requests()->undoButton()->isVisible());
        QVERIFY(window()->findChild<QLabel *>(QStringLiteral("undoText"))->text().contains(QStringLiteral("5,000 requests")));
        add(2); // arrives while the undo is offered: kept, after the old rows
        const QString newest = model->exchangeAt(1).requestId;
        QTest::mouseClick(requests()->undoButton(), Qt::LeftButton);
        QVERIFY(!requests()->undoButton()->isVisible());
        // The cap (5,000) applies again: the two oldest go.
        QCOMPARE(model->rowCount(), 5000);
        QVERIFY(model->exchangeAt(0).requestId != first);
        QCOMPARE(model->exchangeAt(4999).requestId, newest);
        QCOMPARE(model->evictedCount(), 2);
    }

    void durationsReadAsPeopleSayThem()
    {
        QCOMPARE(HumanText::elapsed(850), QStringLiteral("850 ms"));
        QCOMPARE(HumanText::elapsed(55157), QStringLiteral("55.2 s"));
        QCOMPARE(HumanText::elapsed(184000), QStringLiteral("3 min 4 s"));
        Exchange slow = finished(started(QStringLiteral("slow")), 200);
        slow.durationMs = 55157;
        m_shell->model()->addFinished(slow);
        m_shell->model()->flush();
        const QModelIndex cell = m_shell->model()->index(0, ExchangeModel::DurationColumn);
        QCOMPARE(cell.data().toString(), QStringLiteral("55.2 s"));
        // Not cut: the column is wide enough for the text.
        QTableView *table = requests()->table();
        QVERIFY(table->fontMetrics().horizontalAdvance(cell.data().toString())
                < table->horizontalHeader()->sectionSize(ExchangeModel::DurationColumn));
    }

    void sortingByNumbersNotText()
    {
        Exchange a = finished(started(QStringLiteral("fast")), 200);
        a.durationMs = 900;
        Exchange b = finished(started(QStringLiteral("slow")), 200);
        b.durationMs = 55157;
        Exchange c = finished(started(QStringLiteral("mid")), 200);
        c.durationMs = 5000;
        for (const Exchange &e : {a, b, c})
            m_shell->model()->addFinished(e);
        m_shell->model()->flush();
        requests()->table()->sortByColumn(ExchangeModel::DurationColumn, Qt::DescendingOrder);
        const QAbstractItemModel *view = requests()->table()->model();
        QCOMPARE(view->index(0, ExchangeModel::DurationColumn).data().toString(), QStringLiteral("55.2 s"));
        QCOMPARE(view->index(1, ExchangeModel::DurationColumn).data().toString(), QStringLiteral("5.0 s"));
        QCOMPARE(view->index(2, ExchangeModel::DurationColumn).data().toString(), QStringLiteral("900 ms"));
    }

    void escClearsTheFilter()
    {
        add(3);
        add(1, QStringLiteral("POST"));
        QTest::keyClick(window(), Qt::Key_F, Qt::ControlModifier);
        QVERIFY(requests()->filterEdit()->hasFocus());
        setFilter(QStringLiteral("POST"));
        QCOMPARE(requests()->filterModel()->rowCount(), 1);
        requests()->filterEdit()->setFocus();
        QTest::keyClick(requests()->filterEdit(), Qt::Key_Escape);
        QCOMPARE(requests()->filterEdit()->text(), QString());
        QCOMPARE(requests()->filterModel()->rowCount(), 4);
    }

    void tabGoesFilterListDetailActions()
    {
        add(2);
        requests()->table()->selectRow(0);
        requests()->filterEdit()->setFocus();
        QVERIFY(requests()->filterEdit()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), requests()->table());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QVERIFY2(window()->detailView()->isAncestorOf(QApplication::focusWidget()),
                 qPrintable(QApplication::focusWidget()->objectName()));
        // On through the detail pane to the actions, which take the focus too.
        QWidget *replayButton = window()->actionButton(window()->replayAction());
        QVERIFY(replayButton);
        for (int i = 0; i < 12 && QApplication::focusWidget() != replayButton; ++i)
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), replayButton);
    }

    // Last: it switches the application to German for good.
    void germanFitsAtTheMinimumWidth()
    {
        m_shell.reset();
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        init(); // a window built in German
        window()->resize(MainWindow::MinimumWidth, 640);
        QTest::qWait(50);
        QCOMPARE(window()->width(), MainWindow::MinimumWidth);
        QVERIFY(window()->isStacked());
        QVERIFY(window()->statusPanel()->isSingleColumn());
        add(1);
        m_shell->model()->addStarted(started(QStringLiteral("waiting")));
        m_shell->model()->flush();
        QCOMPARE(m_shell->model()->index(1, ExchangeModel::StatusColumn).data().toString(), QStringLiteral("ausstehend"));

        // Every column holds its title and its longest usual text ("ausstehend" was cut).
        QTableView *table = requests()->table();
        const QFontMetrics metrics = table->fontMetrics();
        for (int column = 0; column < ExchangeModel::ColumnCount; ++column) {
            if (column == ExchangeModel::PathColumn || table->isColumnHidden(column))
                continue; // stretches; Tunnel shows only with several tunnels
            const QString title = m_shell->model()->headerData(column, Qt::Horizontal).toString();
            QVERIFY2(table->horizontalHeader()->sectionSize(column) > metrics.horizontalAdvance(title), qPrintable(title));
        }
        QVERIFY(table->horizontalHeader()->sectionSize(ExchangeModel::StatusColumn)
                > metrics.horizontalAdvance(QStringLiteral("ausstehend")));

        // Buttons and check boxes are at least as wide as their German text needs.
        for (QAbstractButton *button : window()->findChildren<QAbstractButton *>()) {
            if (!button->isVisibleTo(window()) || button->text().isEmpty())
                continue;
            QVERIFY2(button->width() >= button->minimumSizeHint().width(), qPrintable(button->text()));
            QVERIFY2(button->width() >= button->fontMetrics().horizontalAdvance(button->text()), qPrintable(button->text()));
        }
        // One-line labels too (wrapping labels grow downwards instead).
        for (QLabel *label : window()->findChildren<QLabel *>()) {
            if (!label->isVisibleTo(window()) || label->wordWrap() || label->text().isEmpty()
                || label->textFormat() == Qt::RichText || label->text().contains(QLatin1Char('<')))
                continue;
            QVERIFY2(label->width() >= label->fontMetrics().horizontalAdvance(label->text()), qPrintable(label->text()));
        }

        // The engine's reasons in German wrap in the state row: no word of any of them is wider
        // than the row, so none is cut (arguments as wide as real ones: a host, a port, seconds).
        auto *state = window()->statusPanel()->findChild<QLabel *>(QStringLiteral("state"));
        QVERIFY(state && state->wordWrap());
        QVERIFY(state->isVisibleTo(window()));
        QVERIFY(state->width() > 100);
        const QStringList args{QStringLiteral("plugboard.example.com"), QStringLiteral("443")};
        QStringList texts;
        for (int c = int(StateReason::Code::ConnectionProblem); c <= int(StateReason::Code::Stopped); ++c)
            texts.append(HumanText::reasonPart({StateReason::Code(c), args}));
        for (int k = int(Problem::Kind::None) + 1; k <= int(Problem::Kind::VendingHttpError); ++k)
            texts.append(HumanText::problem({Problem::Kind(k), args}));
        for (const QString &text : std::as_const(texts)) {
            for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts))
                QVERIFY2(state->fontMetrics().horizontalAdvance(word) <= state->width(), qPrintable(text));
        }
    }
};

QTEST_MAIN(TestUiViews)
#include "test_ui_views.moc"
