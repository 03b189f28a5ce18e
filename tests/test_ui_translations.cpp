// The German translation: complete (no unfinished entries in the .ts), built into a .qm that is
// embedded in the program, and loaded by Translations for the "language" setting.

#include "tunnel/tunnel.h"
#include "ui/humantext.h"
#include "ui/translations.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QTranslator>

using namespace telephone;

class TestUiTranslations : public QObject
{
    Q_OBJECT

private slots:
    void tsFileIsComplete()
    {
        QFile ts(QStringLiteral(TELEPHONE_TS_FILE));
        QVERIFY2(ts.open(QIODevice::ReadOnly), TELEPHONE_TS_FILE);
        const QString text = QString::fromUtf8(ts.readAll());
        QVERIFY(text.contains(QStringLiteral("language=\"de_DE\"")));
        QVERIFY(!text.contains(QStringLiteral("type=\"unfinished\"")));
        QVERIFY(!text.contains(QStringLiteral("type=\"vanished\"")));
        QVERIFY(!text.contains(QStringLiteral("type=\"obsolete\"")));
        QVERIFY(!text.contains(QStringLiteral("<location"))); // lupdate -locations none
        const int sources = int(text.count(QStringLiteral("<source>")));
        // Plural messages hold one <numerusform> per form (two in German), each filled in.
        const int translations = int(text.count(QRegularExpression(QStringLiteral("<translation>[^<]+</translation>"))))
            + int(text.count(QRegularExpression(QStringLiteral("<translation>\\s*<numerusform>[^<]+</numerusform>\\s*"
                                                               "<numerusform>[^<]+</numerusform>\\s*</translation>"))));
        QVERIFY(sources > 150);
        QCOMPARE(translations, sources);
    }

    void embeddedQmLoads()
    {
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral(":/i18n/telephone_de.qm")));
        QVERIFY(!translator.isEmpty());
    }

    void settingPicksGerman()
    {
        QCOMPARE(HumanText::stateName(Tunnel::State::Connected), QStringLiteral("Connected"));
        QCOMPARE(Translations::install(QStringLiteral("de")), QStringLiteral("de_DE"));
        QCOMPARE(HumanText::stateName(Tunnel::State::Connected), QStringLiteral("Verbunden"));
        QCOMPARE(HumanText::expiry(3600 + 42 * 60, 3600), QStringLiteral("läuft in 42 Min. ab"));
    }
};

QTEST_MAIN(TestUiTranslations)
#include "test_ui_translations.moc"
