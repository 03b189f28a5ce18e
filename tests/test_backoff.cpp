#include "tunnel/backoff.h"

#include <QTest>

using namespace telephone;
using namespace std::chrono_literals;

class TestBackoff : public QObject
{
    Q_OBJECT

private slots:
    void schedule_data()
    {
        QTest::addColumn<double>("random");
        QTest::addColumn<QList<qint64>>("delays");

        // random 0.5 = no jitter: 1, 2, 4, 8, 16, then the 30 s cap.
        QTest::newRow("no jitter") << 0.5 << QList<qint64>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        // random 0 = -25 %; at the cap the spread stays below it.
        QTest::newRow("low jitter") << 0.0 << QList<qint64>{750, 1500, 3000, 6000, 12000, 22500, 22500};
        // random ~1 = +25 %, clamped to the cap.
        QTest::newRow("high jitter") << 0.999999
                                     << QList<qint64>{1250, 2500, 5000, 10000, 20000, 30000, 30000};
    }

    void schedule()
    {
        QFETCH(double, random);
        QFETCH(QList<qint64>, delays);
        Backoff backoff(1s, 30s, [random] { return random; });
        for (qsizetype i = 0; i < delays.size(); ++i)
            QCOMPARE(backoff.next().count(), delays.at(i));
    }

    void resetStartsOver()
    {
        Backoff backoff(1s, 30s, [] { return 0.5; });
        backoff.next();
        backoff.next();
        backoff.next();
        QCOMPARE(backoff.next(), 8000ms);
        backoff.reset();
        QCOMPARE(backoff.next(), 1000ms);
    }

    void neverOverflowsAfterManyAttempts()
    {
        Backoff backoff(1s, 30s, [] { return 0.5; });
        for (int i = 0; i < 10000; ++i)
            QCOMPARE(backoff.next() <= 30000ms, true);
        QCOMPARE(backoff.next(), 30000ms);
    }

    void shrunkTimersForTests()
    {
        Backoff backoff(20ms, 100ms, [] { return 0.5; });
        QCOMPARE(backoff.next(), 20ms);
        QCOMPARE(backoff.next(), 40ms);
        QCOMPARE(backoff.next(), 80ms);
        QCOMPARE(backoff.next(), 100ms);
    }

    void realJitterStaysInBounds()
    {
        Backoff backoff(1s, 30s);
        for (int round = 0; round < 200; ++round) {
            backoff.reset();
            const auto first = backoff.next();
            QVERIFY2(first >= 750ms && first <= 1250ms, qPrintable(QString::number(first.count())));
        }
    }
};

QTEST_GUILESS_MAIN(TestBackoff)
#include "test_backoff.moc"
