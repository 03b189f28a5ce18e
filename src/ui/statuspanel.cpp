#include "ui/statuspanel.h"

#include "config/safeurl.h"
#include "tunnel/tunnel.h"
#include "tunnel/tunnelmanager.h"
#include "ui/backendhealth.h"
#include "ui/humantext.h"

#include <QClipboard>
#include <QDateTime>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTimer>

namespace telephone {

namespace {

QString socketAndChannel(Tunnel::State state, bool socketOpen)
{
    switch (state) {
    case Tunnel::State::Connecting: return StatusPanel::tr("socket opening · channel not joined");
    case Tunnel::State::Joining: return StatusPanel::tr("socket open · channel joining");
    case Tunnel::State::Connected: return StatusPanel::tr("socket open · channel joined");
    case Tunnel::State::Stopping: return StatusPanel::tr("leaving the channel · closing the socket");
    case Tunnel::State::Reconnecting:
        // The channel was lost on a live socket (phx_error / phx_close): rejoined on that socket.
        if (socketOpen)
            return StatusPanel::tr("socket open · channel lost, rejoining");
        [[fallthrough]];
    case Tunnel::State::AuthFailed:
    case Tunnel::State::ConfigError:
    case Tunnel::State::Disconnected: return StatusPanel::tr("socket closed · channel not joined");
    }
    return {};
}

} // namespace

StatusPanel::StatusPanel(Tunnel *tunnel, TunnelManager *manager, BackendHealth *health, QWidget *parent)
    : QWidget(parent)
    , m_tunnel(tunnel)
    , m_manager(manager)
    , m_health(health)
    , m_reconnect(new QPushButton(tr("Reconnect now"), this))
    , m_copyUrl(new QPushButton(tr("Copy"), this))
    , m_refreshToken(new QPushButton(tr("Refresh now"), this))
    , m_tick(new QTimer(this))
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(12);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    m_server = addRow(0, 0, QStringLiteral("server"), tr("Server:"));
    m_state = addRow(1, 0, QStringLiteral("state"), tr("State:"));
    m_socket = addRow(2, 0, QStringLiteral("socket"), tr("Socket:"));
    m_heartbeat = addRow(3, 0, QStringLiteral("heartbeat"), tr("Heartbeat:"));
    m_retry = addRow(4, 0, QStringLiteral("retry"), tr("Next try:"), m_reconnect);
    m_mount = addRow(0, 2, QStringLiteral("mount"), tr("Mount:"));
    m_publicUrl = addRow(1, 2, QStringLiteral("publicUrl"), tr("Public URL:"), m_copyUrl);
    m_backend = addRow(2, 2, QStringLiteral("backend"), tr("Backend:"));
    m_token = addRow(3, 2, QStringLiteral("token"), tr("Token:"), m_refreshToken);
    m_secretStore = addRow(4, 2, QStringLiteral("secretStore"), tr("Secret store:"));
    m_publicUrl->setTextFormat(Qt::RichText);
    m_publicUrl->setOpenExternalLinks(true);
    m_publicUrl->setTextInteractionFlags(Qt::TextBrowserInteraction);

    connect(m_reconnect, &QPushButton::clicked, this, [this] {
        if (m_tunnel)
            m_tunnel->reconnectNow();
    });
    connect(m_copyUrl, &QPushButton::clicked, this, [this] {
        if (m_tunnel)
            QGuiApplication::clipboard()->setText(m_tunnel->publicUrl().toString());
    });
    connect(m_refreshToken, &QPushButton::clicked, this, [this] {
        if (m_tunnel)
            m_tunnel->refreshTokenNow();
    });
    connect(tunnel, &Tunnel::stateChanged, this, &StatusPanel::refresh);
    connect(tunnel, &Tunnel::heartbeatRoundTripMeasured, this, &StatusPanel::refresh);
    connect(tunnel, &Tunnel::tokenRefreshed, this, &StatusPanel::refresh);
    if (manager)
        connect(manager, &TunnelManager::secretStoreDescriptionChanged, this, &StatusPanel::refresh);
    if (health)
        connect(health, &BackendHealth::healthChanged, this, &StatusPanel::refresh);
    m_tick->setInterval(std::chrono::seconds(1));
    connect(m_tick, &QTimer::timeout, this, &StatusPanel::refresh);
    m_tick->start();
    refresh();
}

QLabel *StatusPanel::addRow(int row, int column, const QString &name, const QString &title, QWidget *button)
{
    auto *grid = static_cast<QGridLayout *>(layout());
    auto *caption = new QLabel(title, this);
    caption->setAlignment(Qt::AlignRight | Qt::AlignTop);
    auto *value = new QLabel(this);
    value->setObjectName(name);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    grid->addWidget(caption, row, column);
    if (!button) {
        grid->addWidget(value, row, column + 1);
        return value;
    }
    auto *box = new QHBoxLayout;
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(value, 1);
    box->addWidget(button, 0, Qt::AlignTop);
    grid->addLayout(box, row, column + 1);
    return value;
}

QString StatusPanel::text(const QString &row) const
{
    const auto *label = findChild<QLabel *>(row);
    return label ? label->text() : QString();
}

void StatusPanel::refresh()
{
    if (!m_tunnel)
        return;
    const Tunnel::State state = m_tunnel->state();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 nowSecs = now.toSecsSinceEpoch();

    const QString server = m_tunnel->displayServer();
    if (server.isEmpty())
        m_server->setText(tr("not configured"));
    else if (m_tunnel->config().discoverSocketPath) // the user gave no path: say which one answered
        m_server->setText(tr("%1 (socket found at %2)")
                              .arg(m_tunnel->config().server.adjusted(QUrl::RemovePath).toString(),
                                   m_tunnel->socketPath()));
    else
        m_server->setText(server);
    m_state->setText(QStringLiteral("<b>%1</b> — %2")
                         .arg(HumanText::stateName(state).toHtmlEscaped(), m_tunnel->stateReason().toHtmlEscaped()));
    m_socket->setText(socketAndChannel(state, m_tunnel->socketOpen()));

    const auto rtt = m_tunnel->heartbeatRoundTrip();
    m_heartbeat->setText(state != Tunnel::State::Connected ? tr("not running")
                         : rtt                           ? tr("round trip %1 ms").arg(rtt->count())
                                                         : tr("no reply measured yet"));

    const QDateTime retryAt = m_tunnel->nextRetryAt();
    const bool waiting = (state == Tunnel::State::Reconnecting || state == Tunnel::State::AuthFailed);
    if (waiting && retryAt.isValid())
        m_retry->setText(tr("in %1").arg(HumanText::duration(qMax<qint64>(0, now.secsTo(retryAt)))));
    else if (state == Tunnel::State::AuthFailed)
        m_retry->setText(tr("waiting for a new token"));
    else
        m_retry->setText(tr("–"));
    m_reconnect->setEnabled(waiting);

    m_mount->setText(m_tunnel->mountPath().isEmpty() ? tr("not joined yet") : m_tunnel->mountPath());
    const QUrl url = m_tunnel->publicUrl();
    m_publicUrl->setText(url.isEmpty() ? tr("known once joined")
                                       : QStringLiteral("<a href=\"%1\">%2</a>")
                                             .arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(),
                                                  url.toString().toHtmlEscaped()));
    m_copyUrl->setEnabled(!url.isEmpty());

    QString backend = displayUrl(m_tunnel->config().backend);
    const BackendHealth::Health health = m_health ? m_health->health() : BackendHealth::Health::Unknown;
    const QString since = m_health && m_health->since().isValid()
        ? QLocale().toString(m_health->since().toLocalTime().time(), QStringLiteral("HH:mm:ss"))
        : QString();
    switch (health) {
    case BackendHealth::Health::Unknown:
        backend = tr("%1 — no requests yet").arg(backend);
        break;
    case BackendHealth::Health::Answering:
        backend = tr("%1 — answering (last answer at %2)").arg(backend, since);
        break;
    case BackendHealth::Health::NotAnswering:
        backend = tr("%1 — NOT answering since %2: %3").arg(backend, since, m_health->lastError());
        break;
    }
    m_backend->setText(backend);
    m_backend->setStyleSheet(health == BackendHealth::Health::NotAnswering ? QStringLiteral("color: #c77c02;")
                                                                            : QString());

    const JwtClaims &claims = m_tunnel->claims();
    if (claims.pathId.isEmpty()) {
        m_token->setText(tr("none"));
    } else {
        QString text = HumanText::expiry(claims.exp, nowSecs);
        const QDateTime refreshAt = m_tunnel->nextRefreshAt();
        if (refreshAt.isValid() && state == Tunnel::State::Connected)
            text += tr("; refresh in %1").arg(HumanText::duration(qMax<qint64>(0, now.secsTo(refreshAt))));
        m_token->setText(text);
    }
    m_refreshToken->setEnabled(state == Tunnel::State::Connected);

    const QString store = m_manager ? m_manager->secretStoreDescription() : QString();
    m_secretStore->setText(store.isEmpty() ? tr("none reported — tokens are kept in memory only") : store);
}

} // namespace telephone
