#include "config/safeurl.h"

#include <QUrlQuery>

#include <algorithm>

namespace telephone {

namespace {
bool isTokenItem(const QString &name)
{
    return name.compare(QLatin1String("token"), Qt::CaseInsensitive) == 0;
}
} // namespace

QUrl withoutCredentials(const QUrl &url)
{
    QUrl copy = url;
    copy.setUserInfo(QString());
    if (copy.hasQuery()) {
        const QUrlQuery query(copy);
        auto items = query.queryItems(QUrl::FullyEncoded);
        const auto removed = std::remove_if(items.begin(), items.end(),
                                            [](const auto &item) { return isTokenItem(item.first); });
        // Untouched when nothing is removed, so that the rest of the query keeps its exact encoding.
        if (removed != items.end()) {
            items.erase(removed, items.end());
            if (items.isEmpty()) {
                copy.setQuery(QString());
            } else {
                QUrlQuery kept;
                kept.setQueryItems(items);
                copy.setQuery(kept.query(QUrl::FullyEncoded), QUrl::StrictMode);
            }
        }
    }
    return copy;
}

QString displayUrl(const QUrl &url)
{
    return withoutCredentials(url).toString();
}

QString displayUrl(const QString &url)
{
    const QUrl parsed(url);
    // Text that does not parse as a URL is not shown at all: it could hold anything.
    return parsed.isValid() ? displayUrl(parsed) : QStringLiteral("(not a valid URL)");
}

} // namespace telephone
