#include "tokens/goimport.h"

#include "tokens/crypto.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace telephone {

QByteArray GoImport::deriveKey(const QByteArray &secretKeyBase, QString *error)
{
    return crypto::pbkdf2Sha256(secretKeyBase, QByteArray(Salt), Iterations, crypto::KeySize, error).value_or(QByteArray());
}

GoImport::Result GoImport::read(const QString &file, const QByteArray &secretKeyBase, qint64 nowSecs)
{
    Result result;
    if (!QFileInfo(file).isFile()) {
        result.error = QStringLiteral("there is no file %1").arg(file);
        return result;
    }
    QByteArray key = deriveKey(secretKeyBase, &result.error);
    if (key.isEmpty())
        return result;
    const QString connection = QStringLiteral("telephone.goimport.") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(file);
        // Read-only: importing must never change the other client's file.
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        const bool opened = db.open();
        QSqlQuery query(db);
        if (!opened) {
            result.error = QStringLiteral("cannot open %1: %2").arg(file, db.lastError().text());
        } else if (!query.exec(QStringLiteral("SELECT id, encrypted_token FROM tokens ORDER BY id DESC"))) {
            result.error = QStringLiteral("%1 is not a token database of the Go client (%2)")
                               .arg(file, query.lastError().text());
        } else {
            int undecryptable = 0;
            while (query.next()) {
                ++result.rows;
                const qint64 id = query.value(0).toLongLong();
                const QByteArray sealed = QByteArray::fromBase64(query.value(1).toString().toLatin1());
                QString detail;
                std::optional<QByteArray> plaintext = crypto::open(key, sealed, QByteArray(), &detail);
                if (!plaintext) {
                    ++undecryptable;
                    result.problems << QStringLiteral("row %1 cannot be decrypted (%2)").arg(id).arg(detail);
                    continue;
                }
                const QString token = QString::fromUtf8(*plaintext);
                crypto::wipe(*plaintext);
                const JwtDecodeResult decoded = decodeJwt(token);
                if (!decoded.claims) {
                    result.problems << QStringLiteral("row %1 holds no usable token: %2").arg(id).arg(decoded.error());
                    continue;
                }
                if (decoded.claims->isExpiredAt(nowSecs)) {
                    result.problems << QStringLiteral("row %1 (mount %2) expired at %3; not imported")
                                           .arg(id)
                                           .arg(decoded.claims->pathId,
                                                QDateTime::fromSecsSinceEpoch(decoded.claims->exp, Qt::UTC)
                                                    .toString(Qt::ISODate));
                    continue;
                }
                result.tokens << TokenCandidate{token, *decoded.claims, TokenSource::Imported};
            }
            if (result.rows > 0 && undecryptable == result.rows)
                result.error = QStringLiteral("none of the %1 tokens in %2 could be decrypted: is this the "
                                              "SECRET_KEY_BASE the Go client used?")
                                   .arg(result.rows)
                                   .arg(file);
        }
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    crypto::wipe(key);
    return result;
}

} // namespace telephone
