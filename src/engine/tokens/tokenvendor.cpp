#include "tokens/tokenvendor.h"

#include "tokens/serviceaccountkey.h"

#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcVendor, "telephone.tokens.vendor")

namespace telephone {

namespace {

constexpr int kTimeoutMs = 30000;
// A vending answer is a few hundred bytes; anything far larger is not one.
constexpr qint64 kMaxAnswer = 64 * 1024;

// Server text goes into messages people read: printable, short, and without our secrets.
QString printable(QString text, const QString &key)
{
    if (!key.isEmpty())
        text.replace(key, ServiceAccountKey::shown(key));
    QString out;
    for (const QChar c : std::as_const(text))
        out += (c.unicode() < 0x20 || c.unicode() == 0x7f) ? QLatin1Char(' ') : c;
    return out.size() > 200 ? out.left(200) + QStringLiteral("…") : out;
}

} // namespace

TokenVendor::TokenVendor(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
}

TokenVendor::~TokenVendor()
{
    abort();
}

QUrl TokenVendor::endpointFor(const QUrl &server)
{
    QUrl url;
    url.setScheme(server.scheme() == QLatin1String("wss") || server.scheme() == QLatin1String("https")
                      ? QStringLiteral("https")
                      : QStringLiteral("http"));
    url.setHost(server.host());
    url.setPort(server.port());
    url.setPath(QStringLiteral("/api/token-vending/generate"));
    return url;
}

QString TokenVendor::defaultDescription()
{
    return QStringLiteral("Telephone %1 on %2").arg(QLatin1String(TELEPHONE_VERSION), QHostInfo::localHostName());
}

QString TokenVendor::instanceIdFor(const QString &tunnelName)
{
    return QHostInfo::localHostName() + QLatin1Char('/')
        + (tunnelName.isEmpty() ? QStringLiteral("telephone") : tunnelName);
}

bool TokenVendor::vend(const VendRequest &request)
{
    if (isBusy())
        return false;
    m_request = request;
    QNetworkRequest http(endpointFor(request.server));
    http.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    http.setRawHeader("Authorization", "Bearer " + request.key.toUtf8());
    http.setRawHeader("Accept", "application/json");
    // The key goes to the configured server only: a redirect is an answer, not an instruction.
    http.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    http.setTransferTimeout(kTimeoutMs);
    QJsonObject body{{QStringLiteral("description"), request.description},
                     {QStringLiteral("instance_id"), request.instanceId}};
    if (!request.pathId.isEmpty())
        body.insert(QStringLiteral("path_id"), request.pathId);
    qCInfo(lcVendor).noquote() << "asking" << http.url().toString() << "for a token with service-account key"
                               << ServiceAccountKey::shown(request.key)
                               << (request.pathId.isEmpty() ? QStringLiteral("(the account's own mount)")
                                                            : QStringLiteral("for path_id ") + request.pathId);
    m_reply = m_network->post(http, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(m_reply, &QNetworkReply::finished, this, &TokenVendor::onReplyFinished);
    return true;
}

void TokenVendor::abort()
{
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void TokenVendor::onReplyFinished()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply)
        return;
    m_reply.clear();
    reply->deleteLater();
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    VendResult result;
    if (!status.isValid()) {
        // Qt's words are translated where they arise: the common cases get codes, so the log stays English.
        const QString endpoint = endpointFor(m_request.server).toString();
        if (reply->error() == QNetworkReply::ConnectionRefusedError)
            result.fail({Problem::Kind::VendingRefused, {endpoint}});
        else if (reply->error() == QNetworkReply::HostNotFoundError)
            result.fail({Problem::Kind::VendingHostNotFound, {endpoint}});
        else
            result.fail({Problem::Kind::VendingUnreachable, {endpoint, reply->errorString()}});
    } else if (reply->bytesAvailable() > kMaxAnswer) {
        result.httpStatus = status.toInt();
        result.fail({Problem::Kind::VendingAnswerTooLarge,
                     {QString::number(result.httpStatus), QString::number(reply->bytesAvailable())}});
    } else {
        result = interpret(status.toInt(), reply->readAll());
    }
    emit finished(result);
}

void VendResult::fail(Problem why)
{
    message = why.englishText();
    problem = std::move(why);
}

QString TokenVendor::serverSays(const QJsonObject &body) const
{
    return printable(body.value(QLatin1String("error")).toString(), m_request.key);
}

VendResult TokenVendor::interpret(int status, const QByteArray &raw) const
{
    using Kind = Problem::Kind;
    VendResult result;
    result.httpStatus = status;
    const QJsonObject body = QJsonDocument::fromJson(raw).object();
    switch (status) {
    case 201: {
        const QString token = body.value(QLatin1String("token")).toString();
        const JwtDecodeResult decoded = decodeJwt(token);
        if (token.isEmpty()) {
            result.fail({Kind::VendedNoToken, {}});
        } else if (!decoded.claims) {
            result.fail({Kind::VendedTokenUnusable, {decoded.error()}});
        } else if (!m_request.pathId.isEmpty() && decoded.claims->pathId != m_request.pathId) {
            result.fail({Kind::VendedWrongMount, {decoded.claims->pathId, m_request.pathId}});
        } else {
            result.outcome = VendResult::Outcome::Vended;
            result.token = token;
            result.claims = *decoded.claims;
            result.message = QStringLiteral("the service account got a token for path_id %1")
                                 .arg(decoded.claims->pathId);
        }
        return result;
    }
    case 401:
        result.outcome = VendResult::Outcome::KeyRefused;
        result.fail({Kind::VendingKeyRefused, {ServiceAccountKey::shown(m_request.key), serverSays(body)}});
        return result;
    case 403: {
        result.outcome = VendResult::Outcome::PathRefused;
        result.allowedPathId = printable(body.value(QLatin1String("allowed_path_id")).toString(), m_request.key);
        QString requested = printable(body.value(QLatin1String("requested_path_id")).toString(), m_request.key);
        if (requested.isEmpty())
            requested = m_request.pathId;
        if (result.allowedPathId.isEmpty())
            result.fail({Kind::VendingPathRefused, {requested}});
        else
            result.fail({Kind::VendingPathBound, {requested, result.allowedPathId}});
        return result;
    }
    case 422: result.fail({Kind::VendingRequestRefused, {serverSays(body)}}); return result;
    case 404: result.fail({Kind::VendingNotOffered, {serverSays(body)}}); return result;
    default: result.fail({Kind::VendingHttpError, {QString::number(status), serverSays(body)}}); return result;
    }
}

} // namespace telephone
