#include "ui/trayicon.h"

#include "config/safeurl.h"
#include "ui/backendhealth.h"
#include "ui/humantext.h"
#include "ui/tunnelactions.h"
#include "ui/tunnelglance.h"

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

} // namespace

TrayIcon::TrayIcon(Tunnel *tunnel, BackendHealth *health, TunnelActions *actions, QObject *parent)
    : TrayIcon(QList<TunnelParts>{TunnelParts{tunnel, tunnel ? tunnel->objectName() : QString(), health, actions}},
               parent)
{
}

TrayIcon::TrayIcon(const QList<TunnelParts> &tunnels, QObject *parent)
    : QObject(parent)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_trayRetry(new QTimer(this))
    , m_tooltipTimer(new QTimer(this))
    , m_panel(new PanelScheme(this))
{
    for (const TunnelParts &parts : tunnels)
        m_entries.append(Entry{parts});
    buildMenu();
    m_tray->setContextMenu(m_menu);

    for (const TunnelParts &parts : tunnels) {
        connect(parts.tunnel, &Tunnel::stateChanged, this, &TrayIcon::refresh);
        connect(parts.tunnel, &Tunnel::tokenRefreshed, this, &TrayIcon::refresh);
        if (parts.health)
            connect(parts.health, &BackendHealth::healthChanged, this, &TrayIcon::refresh);
    }
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
    if (m_entries.size() == 1) {
        m_entries.first().menu = m_menu;
        addTunnelActions(&m_entries.first());
    } else {
        // One line for all, then a submenu per tunnel: the menu stays short however many there are.
        m_summaryAction = m_menu->addAction(QString());
        m_summaryAction->setEnabled(false);
        m_menu->addSeparator();
        for (Entry &entry : m_entries) {
            entry.menu = m_menu->addMenu(entry.parts.name);
            entry.menu->setObjectName(QStringLiteral("tunnel-") + entry.parts.name);
            addTunnelActions(&entry);
        }
    }
    m_menu->addSeparator();
    m_menu->addAction(tr("Open Telephone"), this, &TrayIcon::openWindowRequested);
    m_menu->addAction(tr("Settings…"), this, &TrayIcon::settingsRequested);
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
}

void TrayIcon::addTunnelActions(Entry *entry)
{
    QMenu *menu = entry->menu;
    const QPointer<Tunnel> tunnel = entry->parts.tunnel;
    entry->status = menu->addAction(QString());
    entry->status->setEnabled(false);
    entry->fixToken = menu->addAction(tr("Paste token…"), this, [this, tunnel] { emit tokenDialogRequested(tunnel); });
    menu->addSeparator();
    entry->copyUrl = menu->addAction(tr("Copy public URL"), this, [tunnel] {
        if (tunnel)
            QGuiApplication::clipboard()->setText(tunnel->publicUrl().toString());
    });
    menu->addAction(entry->parts.actions->connectAction());
    menu->addAction(entry->parts.actions->disconnectAction());
    menu->addSeparator();
    menu->addAction(tr("Paste token from clipboard…"), this, [this, tunnel] { emit pasteTokenRequested(tunnel); });
    menu->addAction(entry->parts.actions->refreshTokenAction());
}

QMenu *TrayIcon::tunnelMenu(const QString &name) const
{
    for (const Entry &entry : m_entries) {
        if (entry.parts.name == name && entry.menu != m_menu)
            return entry.menu;
    }
    return nullptr;
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

QIcon TrayIcon::icon() const
{
    return m_tray->icon();
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

TrayIcon::Summary TrayIcon::refreshEntry(Entry *entry, qint64 now)
{
    Summary summary;
    const Tunnel *tunnel = entry->parts.tunnel;
    if (!tunnel)
        return summary;
    const TunnelGlance glance = TunnelGlance::of(entry->parts, now);
    summary.look = glance.look;
    summary.shortState = glance.state;
    const HumanText::TokenProblem tokenProblem = HumanText::tokenProblem(*tunnel, now);
    summary.status = HumanText::stateHeadline(*tunnel, now);
    if (summary.look == TrayIcons::Look::BackendDown)
        summary.status = tr("Connected — backend not answering");
    // With a token problem, the mount and URL of an earlier join are no longer true: not shown.
    summary.mount = tokenProblem == HumanText::TokenProblem::None ? tunnel->mountPath() : QString();
    entry->status->setText(summary.mount.isEmpty() ? summary.status
                                                   : QStringLiteral("%1 · %2").arg(summary.status, summary.mount));
    entry->fixToken->setVisible(tokenProblem != HumanText::TokenProblem::None);
    entry->fixToken->setText(HumanText::tokenAction(tokenProblem));
    entry->copyUrl->setEnabled(tokenProblem == HumanText::TokenProblem::None && !tunnel->publicUrl().isEmpty());
    return summary;
}

void TrayIcon::refresh()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_style = TrayIcons::resolveStyle(m_styleSetting, m_panel->scheme(), QApplication::palette());

    if (m_entries.size() == 1) {
        const Tunnel *tunnel = m_entries.first().parts.tunnel;
        if (!tunnel)
            return;
        const Summary summary = refreshEntry(&m_entries.first(), now);
        m_look = summary.look;
        m_unhappy = m_look == TrayIcons::Look::Connected ? 0 : 1;
        m_tray->setIcon(TrayIcons::icon(m_look, m_style));

        QStringList tip{tr("Telephone — %1").arg(summary.status)};
        if (!summary.mount.isEmpty())
            tip << tr("Mount: %1").arg(summary.mount);
        tip << tr("Backend: %1").arg(displayUrl(tunnel->config().backend));
        const JwtClaims &claims = tunnel->claims();
        if (!claims.pathId.isEmpty() && HumanText::tokenProblem(*tunnel, now) == HumanText::TokenProblem::None)
            tip << tr("Token %1").arg(HumanText::expiry(claims.exp, now));
        if (tunnel->state() == Tunnel::State::Reconnecting && tunnel->nextRetryAt().isValid())
            tip << tr("Next try in %1")
                       .arg(HumanText::duration(QDateTime::currentDateTimeUtc().secsTo(tunnel->nextRetryAt())));
        m_tray->setToolTip(tip.join(QLatin1Char('\n')));
        return;
    }

    // Several: the worst look, how many are unhappy, a line per tunnel.
    m_look = TrayIcons::Look::Connected;
    m_unhappy = 0;
    QStringList lines;
    for (Entry &entry : m_entries) {
        const Summary summary = refreshEntry(&entry, now);
        if (TrayIcons::severity(summary.look) > TrayIcons::severity(m_look))
            m_look = summary.look;
        if (summary.look != TrayIcons::Look::Connected)
            ++m_unhappy;
        const QString state = summary.mount.isEmpty() ? summary.status
                                                      : QStringLiteral("%1 · %2").arg(summary.status, summary.mount);
        // The title in a few words; the whole state is the submenu's first line.
        entry.menu->setTitle(QStringLiteral("%1 — %2").arg(entry.parts.name, summary.shortState));
        entry.menu->setIcon(TrayIcons::icon(summary.look, TrayIcons::Style::Colour));
        lines << QStringLiteral("%1: %2").arg(entry.parts.name, state);
    }
    const QString headline = m_unhappy == 0
        ? tr("All %1 tunnels connected").arg(m_entries.size())
        : tr("Attention needed: %1 of %2 tunnels").arg(m_unhappy).arg(m_entries.size());
    m_summaryAction->setText(headline);
    const QIcon icon = TrayIcons::icon(m_look, m_style);
    m_tray->setIcon(m_unhappy > 1 ? TrayIcons::withCount(icon, m_unhappy, m_style) : icon);
    lines.prepend(tr("Telephone — %1").arg(headline));
    m_tray->setToolTip(lines.join(QLatin1Char('\n')));
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
