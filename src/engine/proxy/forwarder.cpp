#include "proxy/forwarder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcForward, "telephone.proxy.forwarder")

namespace telephone {

namespace {

const QByteArray HopByHop[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                               "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization",
                               "content-length"};

bool isHopByHop(const QByteArray &lowerName, const QList<QByteArray> &connectionTokens)
{
    for (const QByteArray &name : HopByHop) {
        if (lowerName == name)
            return true;
    }
    return connectionTokens.contains(lowerName);
}

// The only place a request path is judged: origin-form, no bytes that could split a request line.
QString pathProblem(const QString &path)
{
    if (!path.startsWith(QLatin1Char('/')) || path.startsWith(QLatin1String("//")))
        return QStringLiteral("the path must start with a single '/'");
    for (const QChar c : path) {
        if (c == u'\r' || c == u'\n' || c == QChar(0) || c == u'\\')
            return QStringLiteral("the path contains a forbidden character");
    }
    if (path.size() > 8192)
        return QStringLiteral("the path is longer than 8192 characters");
    return {};
}

} // namespace

Forwarder::Forwarder(const QUrl &backend, std::chrono::milliseconds requestTimeout, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_requestTimeout(requestTimeout)
    , m_network(new QNetworkAccessManager(this))
{
    // Redirects belong to the caller on the other side of the tunnel, never to us.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setAutoDeleteReplies(false);
    connect(m_network, &QNetworkAccessManager::finished, this, &Forwarder::onFinished);
}

Forwarder::~Forwarder()
{
    abortAll();
}

void Forwarder::setDraining(bool draining)
{
    m_draining = draining;
    if (m_draining && m_inFlight.isEmpty())
        emit drained();
}

void Forwarder::abortAll()
{
    const auto replies = m_inFlight.keys();
    m_inFlight.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void Forwarder::answerError(const QString &requestId, int status, const QString &reason, const QJsonObject &details)
{
    const QJsonObject body{{QStringLiteral("error"), true}, {QStringLiteral("reason"), reason},
                           {QStringLiteral("details"), details}};
    emit responseReady({{QStringLiteral("request_id"), requestId},
                        {QStringLiteral("status"), status},
                        {QStringLiteral("headers"), QJsonObject{{QStringLiteral("content-type"),
                                                                 QStringLiteral("application/json")}}},
                        {QStringLiteral("body"), QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact))},
                        {QStringLiteral("chunked"), false}});
}

void Forwarder::handle(const QJsonObject &req)
{
    const QString requestId = req.value(QLatin1String("request_id")).toString();
    if (requestId.isEmpty()) {
        qCWarning(lcForward) << "ignoring a proxy_req without request_id: it cannot be answered";
        return;
    }
    if (m_draining) {
        answerError(requestId, 503, QStringLiteral("Telephone is shutting down"));
        return;
    }
    const QString method = req.value(QLatin1String("method")).toString();
    const QString path = req.value(QLatin1String("path")).toString();
    const QString query = req.value(QLatin1String("query_string")).toString();
    if (const QString problem = pathProblem(path); !problem.isEmpty()) {
        answerError(requestId, 400, QStringLiteral("invalid request: %1").arg(problem));
        return;
    }

    QByteArray target = m_backend.toEncoded(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    QByteArray basePath = m_backend.path(QUrl::FullyEncoded).toUtf8();
    if (basePath.endsWith('/'))
        basePath.chop(1);
    target += basePath + path.toUtf8();
    if (req.contains(QLatin1String("query_string")) && !query.isEmpty())
        target += '?' + query.toUtf8();
    QNetworkRequest request(QUrl::fromEncoded(target, QUrl::TolerantMode));
    request.setTransferTimeout(int(m_requestTimeout.count()));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);

    const QJsonObject headers = req.value(QLatin1String("headers")).toObject();
    QList<QByteArray> connectionTokens;
    for (const QByteArray &token : headers.value(QLatin1String("connection")).toString().toLatin1().split(','))
        connectionTokens.append(token.trimmed().toLower());
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QByteArray name = it.key().toLatin1().toLower();
        if (isHopByHop(name, connectionTokens) || name == "host")
            continue;
        request.setRawHeader(name, it.value().toString().toUtf8());
    }
    request.setRawHeader("x-request-id", requestId.toUtf8());
    if (headers.contains(QLatin1String("host")))
        request.setRawHeader("x-forwarded-host", headers.value(QLatin1String("host")).toString().toUtf8());

    const QByteArray body = req.value(QLatin1String("body")).toString().toUtf8();
    QNetworkReply *reply = m_network->sendCustomRequest(request, method.toLatin1(), body);
    m_inFlight.insert(reply, requestId);
}

void Forwarder::replay(const Exchange &)
{
    // Implemented with the byte-exact forwarder (issue 3).
}

void Forwarder::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    const auto it = m_inFlight.find(reply);
    if (it == m_inFlight.end())
        return;
    const QString requestId = it.value();
    m_inFlight.erase(it);

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError;
        const QString backend = m_backend.toString();
        if (timedOut)
            answerError(requestId, 504, QStringLiteral("the backend %1 did not answer in time").arg(backend));
        else
            answerError(requestId, 502, QStringLiteral("the backend %1 is unreachable: %2").arg(backend, reply->errorString()));
    } else {
        QJsonObject headers;
        for (const auto &pair : reply->rawHeaderPairs()) {
            const QByteArray name = pair.first.toLower();
            if (isHopByHop(name, {}))
                continue;
            const QString value = QString::fromUtf8(pair.second);
            const QString previous = headers.value(QString::fromLatin1(name)).toString();
            headers.insert(QString::fromLatin1(name), previous.isEmpty() ? value : previous + QStringLiteral(", ") + value);
        }
        emit responseReady({{QStringLiteral("request_id"), requestId},
                            {QStringLiteral("status"), status},
                            {QStringLiteral("headers"), headers},
                            {QStringLiteral("body"), QString::fromUtf8(reply->readAll())},
                            {QStringLiteral("chunked"), false}});
    }
    if (m_draining && m_inFlight.isEmpty())
        emit drained();
}

} // namespace telephone
