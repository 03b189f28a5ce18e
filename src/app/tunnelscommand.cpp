#include "tunnelscommand.h"

#include "apprun.h"
#include "config/safeurl.h"
#include "config/settings.h"
#include "exitcodes.h"
#include "ops/opsserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QTimer>

#include <cstdio>
#include <cstring>

namespace telephone {

namespace {

/// name → state from a running instance's /health; std::nullopt when nothing answers in time.
std::optional<QHash<QString, QString>> runningStates(const QString &metricsAddress)
{
    QString ignored;
    const auto address = OpsServer::parseAddress(metricsAddress, &ignored);
    if (!address)
        return std::nullopt;
    // A server bound to every address is reached on loopback.
    QHostAddress host = address->host;
    if (host == QHostAddress::AnyIPv4 || host == QHostAddress::Any)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(host.toString());
    url.setPort(address->port);
    url.setPath(QStringLiteral("/health"));

    QNetworkAccessManager nam;
    QEventLoop loop;
    QNetworkReply *reply = nam.get(QNetworkRequest(url));
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(2000, &loop, &QEventLoop::quit);
    loop.exec();
    if (!reply->isFinished() || reply->error() != QNetworkReply::NoError) {
        reply->abort();
        reply->deleteLater();
        return std::nullopt;
    }
    const QJsonArray tunnels = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("tunnels")).toArray();
    reply->deleteLater();
    QHash<QString, QString> states;
    for (const QJsonValue &tunnel : tunnels)
        states.insert(tunnel.toObject().value(QStringLiteral("tunnel")).toString(),
                      tunnel.toObject().value(QStringLiteral("state")).toString());
    return states;
}

} // namespace

bool TunnelsCommand::isRequested(int argc, char **argv)
{
    return argc > 1 && std::strcmp(argv[1], "tunnels") == 0;
}

int TunnelsCommand::run(int argc, char **argv)
{
    setApplicationIdentity();
    QCoreApplication app(argc, argv);
    QStringList arguments = QCoreApplication::arguments();
    arguments.removeAt(1); // "tunnels"
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("telephone tunnels: lists the configured tunnels with their state (read from a running "
                       "Telephone's --metrics-address when it answers)."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    Settings::addOptions(parser);
    if (!parser.parse(arguments)) {
        fprintf(stderr, "telephone tunnels: %s\n", qPrintable(parser.errorText()));
        return ExitBadConfig;
    }
    if (parser.isSet(helpOption)) {
        fprintf(stdout, "%s", qPrintable(parser.helpText()));
        return ExitOk;
    }
    QString error;
    const std::optional<TunnelSettingsList> tunnels =
        Settings::resolveTunnels(parser, QProcessEnvironment::systemEnvironment(), &error);
    if (!tunnels) {
        fprintf(stderr, "telephone tunnels: %s\n", qPrintable(error));
        return ExitBadConfig;
    }

    QString notRunning = QStringLiteral("not running (no --metrics-address to ask)");
    std::optional<QHash<QString, QString>> states;
    if (!tunnels->tunnels.isEmpty()) {
        const QString address = tunnels->tunnels.constFirst().metricsAddress();
        if (!address.isEmpty()) {
            states = runningStates(address);
            notRunning = QStringLiteral("not running (nothing answers on %1)").arg(address);
        }
    }
    const QString format = QStringLiteral("%1  %2  %3  %4\n");
    int nameWidth = 4;
    for (const Settings &tunnel : tunnels->tunnels)
        nameWidth = std::max(nameWidth, int(tunnel.tunnelName().size()));
    QString out = format.arg(QStringLiteral("NAME").leftJustified(nameWidth), QStringLiteral("STATE").leftJustified(12),
                             QStringLiteral("BACKEND").leftJustified(24), QStringLiteral("SERVER"));
    for (const Settings &tunnel : tunnels->tunnels) {
        QString state = notRunning;
        if (states)
            state = states->value(tunnel.tunnelName(), QStringLiteral("not in the running instance"));
        out += format.arg(tunnel.tunnelName().leftJustified(nameWidth), state.leftJustified(12),
                          displayUrl(tunnel.backendUrl()).leftJustified(24), displayUrl(tunnel.serverUrl()));
    }
    fprintf(stdout, "%s", qPrintable(out));
    for (const QString &problem : tunnels->errors)
        fprintf(stderr, "invalid: %s\n", qPrintable(problem));
    return tunnels->errors.isEmpty() ? ExitOk : ExitBadConfig;
}

} // namespace telephone
