#include "ui/panelscheme.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>

namespace telephone {

namespace {

const QString Service = QStringLiteral("org.freedesktop.portal.Desktop");
const QString Path = QStringLiteral("/org/freedesktop/portal/desktop");
const QString Interface = QStringLiteral("org.freedesktop.portal.Settings");
const QString Group = QStringLiteral("org.freedesktop.appearance");
const QString Key = QStringLiteral("color-scheme");

// Read() answers a variant that older portals wrap once more.
QVariant unwrap(QVariant value)
{
    while (value.canConvert<QDBusVariant>() && value.userType() == qMetaTypeId<QDBusVariant>())
        value = value.value<QDBusVariant>().variant();
    return value;
}

} // namespace

PanelScheme::PanelScheme(QObject *parent)
    : QObject(parent)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return;
    // The slot's signature as moc normalises it (no spaces), or QtDBus does not find it.
    bus.connect(Service, Path, Interface, QStringLiteral("SettingChanged"), this,
                SLOT(onSettingChanged(QString,QString,QDBusVariant)));
    QDBusMessage read = QDBusMessage::createMethodCall(Service, Path, Interface, QStringLiteral("Read"));
    read << Group << Key;
    // Asynchronous: a missing portal must not hold up the tray (D-Bus activation can take seconds).
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(read, 5000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *call) {
        call->deleteLater();
        const QDBusPendingReply<QDBusVariant> reply = *call;
        if (reply.isError())
            return; // no portal, or no such setting: the palette decides
        set(fromPortalValue(unwrap(reply.argumentAt(0)).toUInt()));
    });
}

PanelScheme::Scheme PanelScheme::fromPortalValue(uint value)
{
    switch (value) {
    case 1: return Scheme::Dark;
    case 2: return Scheme::Light;
    default: return Scheme::Unknown;
    }
}

void PanelScheme::onSettingChanged(const QString &group, const QString &key, const QDBusVariant &value)
{
    if (group == Group && key == Key)
        set(fromPortalValue(unwrap(value.variant()).toUInt()));
}

void PanelScheme::set(Scheme scheme)
{
    if (scheme == m_scheme)
        return;
    m_scheme = scheme;
    emit changed(scheme);
}

} // namespace telephone
