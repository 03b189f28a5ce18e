#pragma once

#include "tokens/jwt.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace telephone {

/// What to ask Plugboard's token vending for.
struct VendRequest {
    QUrl server;         ///< the tunnel's ws(s) server URL; the endpoint is on the same host
    QString key;         ///< the service-account key (sa_live_...)
    QString pathId;      ///< empty: the mount the account is bound to
    QString instanceId;  ///< which Telephone asks (host name + tunnel name)
    QString description; ///< shown on the server next to the token
};

/// The answer, in the terms the tunnel acts on.
struct VendResult {
    enum class Outcome {
        Vended,      ///< 201: `token` and `claims` are set
        KeyRefused,  ///< 401: the key is missing, malformed, invalid or revoked
        PathRefused, ///< 403: the account may not serve that mount (`allowedPathId` says which it may)
        Failed,      ///< 422, 5xx, another status, or no HTTP answer at all: worth retrying later
    };
    Outcome outcome = Outcome::Failed;
    QString token;
    JwtClaims claims;
    Problem problem; ///< why no token came, for HumanText::problem; never holds the key or the token
    QString message; ///< in English, for logs and the command line (the problem, or what was vended)
    QString allowedPathId;
    int httpStatus = 0; ///< 0 when no HTTP answer came

    void fail(Problem why);
};

/// One call of Plugboard's `POST /api/token-vending/generate` (see "Token vending" in PROTOCOL.md):
/// `Authorization: Bearer <key>`, JSON `{path_id, description, instance_id}`, on the server's host
/// (https for wss, http for ws). QNetworkAccessManager is used here, unlike for proxied traffic: this
/// is one small JSON call whose bytes we produce ourselves. Redirects are not followed, so the key is
/// only ever sent to the configured server. One request at a time; lives on the engine's thread.
class TokenVendor : public QObject
{
    Q_OBJECT

public:
    explicit TokenVendor(QObject *parent = nullptr);
    ~TokenVendor() override;

    /// https://host[:port]/api/token-vending/generate for wss://host[:port]/..., http for ws.
    static QUrl endpointFor(const QUrl &server);
    /// "Telephone 1.2.3 on <host name>".
    static QString defaultDescription();
    /// "<host name>/<tunnel name>" ("telephone" when the tunnel has no name yet).
    static QString instanceIdFor(const QString &tunnelName);

    bool isBusy() const { return !m_reply.isNull(); }
    /// Starts the request; ends in finished(). Returns false (and does nothing) while one is running.
    bool vend(const VendRequest &request);
    /// Drops a running request without a finished().
    void abort();

signals:
    void finished(const telephone::VendResult &result);

private:
    void onReplyFinished();
    VendResult interpret(int status, const QByteArray &body) const;
    QString serverSays(const QJsonObject &body) const;

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    VendRequest m_request;
};

} // namespace telephone
