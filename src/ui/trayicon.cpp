#include "ui/trayicon.h"

#include "config/safeurl.h"
#include "ui/backendhealth.h"
#include "ui/humantext.h"
#include "ui/tunnelactions.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QEvent>
#include <QLoggingCategory>
#include <QMenu>
#include <QSystemTrayIcon>
#include <QTimer>

Q_LOGGING_CATEGORY(lcTray, "telephone.ui.tray")

namespace telephone {

namespace {

// Some hosts deliver one click as two activations (QTBUG-69698): ignore the echo.
constexpr qint64 ActivationDebounceMs = 400;

bool backendAnswering(const BackendHealth *health)
{
    return !health || health->health() != BackendHealth::Health::NotAnswering;
}

} // namespace

TrayIcon::TrayIcon(Tunnel *tunnel, BackendHealth *health, TunnelActions *actions, QObject *parent)
    : QObject(parent)
    , m_tunnel(tunnel)
    , m_health(health)
    , m_actions(actions)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_trayRetry(new QTimer(this))
    , m_tooltipTimer(new QTimer(this))
    , m_panel(new PanelScheme(this))
{
    buildMenu();
    m_tray->setContextMenu(m_menu);

    connect(tunnel, &Tunnel::stateChanged, this, &TrayIcon::refresh);
    connect(tunnel, &Tunnel::tokenRefreshed, this, &TrayIcon::refresh);
    if (health)
        connect(health, &BackendHealth::healthChanged, this, &TrayIcon::refresh);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason != QSystemTrayIcon::Trigger)
            return;
        if (m_lastActivation.isValid() && m_lastActivation.elapsed() < ActivationDebounceMs)
            return;
        m_lastActivation.start();
        emit toggleWindowRequested();
    });
    // The tooltip's "expires in 42 min" counts down.
    m_tooltipTimer->setInterval(std::chrono::seconds(30));
    connect(m_tooltipTimer, &QTimer::timeout, this, &TrayIcon::refresh);
    m_tooltipTimer->start();
    // Follow the desktop switching between light and dark when the style is automatic: the
    // panel's scheme from the portal, or else the palette.
    connect(m_panel, &PanelScheme::changed, this, &TrayIcon::refresh);
    qApp->installEventFilter(this);

    refresh(); // an icon before setVisible, or some hosts show an empty slot

    // A tray host may start after us (session start-up): retry a few times, never block.
    m_trayRetry->setInterval(std::chrono::seconds(2));
    connect(m_trayRetry, &QTimer::timeout, this, &TrayIcon::showWhenTrayAppears);
    QTimer::singleShot(0, this, &TrayIcon::showWhenTrayAppears);
}

TrayIcon::~TrayIcon()
{
    // The menu has no QObject parent (a tray menu must not be owned by a widget that may hide it).
    delete m_menu;
}

void TrayIcon::buildMenu()
{
    m_statusAction = m_menu->addAction(QString());
    m_statusAction->setEnabled(false);
    m_fixTokenAction = m_menu->addAction(tr("Paste token…"), this, &TrayIcon::tokenDialogRequested);
    m_menu->addSeparator();
    m_copyUrlAction = m_menu->addAction(tr("Copy public URL"), this, [this] {
        if (m_tunnel)
            QGuiApplication::clipboard()->setText(m_tunnel->publicUrl().toString());
    });
    m_menu->addAction(m_actions->connectAction());
    m_menu->addAction(m_actions->disconnectAction());
    m_menu->addSeparator();
    m_menu->addAction(tr("Paste token from clipboard…"), this, &TrayIcon::pasteTokenRequested);
    m_menu->addAction(m_actions->refreshTokenAction());
    m_menu->addSeparator();
    m_menu->addAction(tr("Open Telephone"), this, &TrayIcon::openWindowRequested);
    m_menu->addAction(tr("Settings…"), this, &TrayIcon::settingsRequested);
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
}

void TrayIcon::setIconStyle(const QString &style)
{
    m_styleSetting = style;
    refresh();
}

void TrayIcon::setRetry(int retries, std::chrono::milliseconds interval)
{
    m_maxRetries = retries;
    m_trayRetry->setInterval(interval);
}

bool TrayIcon::isVisible() const
{
    return m_tray->isVisible();
}

QString TrayIcon::toolTip() const
{
    return m_tray->toolTip();
}

bool TrayIcon::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange && m_styleSetting == QLatin1String("auto"))
        refresh();
    return QObject::eventFilter(watched, event);
}

void TrayIcon::refresh()
{
    if (!m_tunnel)
        return;
    const Tunnel::State state = m_tunnel->state();
    m_look = TrayIcons::lookFor(state, backendAnswering(m_health));
    m_style = TrayIcons::resolveStyle(m_styleSetting, m_panel->scheme(), QApplication::palette());
    m_tray->setIcon(TrayIcons::icon(m_look, m_style));

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const HumanText::TokenProblem tokenProblem = HumanText::tokenProblem(*m_tunnel, now);
    QString status = HumanText::stateHeadline(*m_tunnel, now);
    if (m_look == TrayIcons::Look::BackendDown)
        status = tr("Connected — backend not answering");
    // With a token problem, the mount and URL of an earlier join are no longer true: not shown.
    const QString mount = tokenProblem == HumanText::TokenProblem::None ? m_tunnel->mountPath() : QString();
    m_statusAction->setText(mount.isEmpty() ? status : QStringLiteral("%1 · %2").arg(status, mount));
    m_fixTokenAction->setVisible(tokenProblem != HumanText::TokenProblem::None);
    m_fixTokenAction->setText(HumanText::tokenAction(tokenProblem));

    const QUrl url = tokenProblem == HumanText::TokenProblem::None ? m_tunnel->publicUrl() : QUrl();
    m_copyUrlAction->setEnabled(!url.isEmpty());

    QStringList tip{tr("Telephone — %1").arg(status)};
    if (!mount.isEmpty())
        tip << tr("Mount: %1").arg(mount);
    tip << tr("Backend: %1").arg(displayUrl(m_tunnel->config().backend));
    const JwtClaims &claims = m_tunnel->claims();
    if (!claims.pathId.isEmpty() && tokenProblem == HumanText::TokenProblem::None)
        tip << tr("Token %1").arg(HumanText::expiry(claims.exp, now));
    if (state == Tunnel::State::Reconnecting && m_tunnel->nextRetryAt().isValid())
        tip << tr("Next try in %1")
                   .arg(HumanText::duration(QDateTime::currentDateTimeUtc().secsTo(m_tunnel->nextRetryAt())));
    m_tray->setToolTip(tip.join(QLatin1Char('\n')));
}

void TrayIcon::showNotification(const QString &title, const QString &message, Notifier::Kind kind)
{
    if (!m_tray->isVisible())
        return;
    QSystemTrayIcon::MessageIcon icon = QSystemTrayIcon::Information;
    if (kind == Notifier::Kind::Warning)
        icon = QSystemTrayIcon::Warning;
    else if (kind == Notifier::Kind::Critical)
        icon = QSystemTrayIcon::Critical;
    m_tray->showMessage(title, message, icon);
}

void TrayIcon::showWhenTrayAppears()
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_trayRetry->stop();
        m_tray->setVisible(true);
        return;
    }
    if (m_trayRetries++ < m_maxRetries) {
        m_trayRetry->start();
        return;
    }
    m_trayRetry->stop();
    qCWarning(lcTray) << "no system tray found: showing the window instead";
    emit trayUnavailable();
}

} // namespace telephone
