#include "ui/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcTranslations, "telephone.ui.translations")

namespace telephone {

QString Translations::install(const QString &language)
{
    QLocale locale = QLocale::system();
    if (!language.isEmpty()) {
        locale = QLocale(language);
        // Dates and numbers follow the chosen language too.
        QLocale::setDefault(locale);
    }
    auto *app = QCoreApplication::instance();
    auto *own = new QTranslator(app);
    // QTranslator::load(QLocale) walks the locale's UI languages ("de-AT", "de", ...).
    // No translation for the language: English, whose file holds only the plural forms
    // ("1 request", "2 requests") that the source text cannot have.
    if (!own->load(locale, QStringLiteral("telephone"), QStringLiteral("_"), QStringLiteral(":/i18n"))
        && !own->load(QStringLiteral(":/i18n/telephone_en.qm"))) {
        delete own;
        if (!language.isEmpty() && !language.startsWith(QLatin1String("en")))
            qCWarning(lcTranslations).noquote() << "no translation for language" << language << "- using English";
        return {};
    }
    QCoreApplication::installTranslator(own);
    if (own->language().startsWith(QLatin1String("en")) && !locale.name().startsWith(QLatin1String("en"))
        && !language.isEmpty())
        qCWarning(lcTranslations).noquote() << "no translation for language" << language << "- using English";
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return own->language();
}

} // namespace telephone
