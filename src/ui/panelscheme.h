#pragma once

#include <QObject>

class QDBusVariant;

namespace telephone {

/// Whether the desktop's panels are dark or light, as the desktop says it, not as this app's
/// palette says (a dark app theme on a light panel would pick the wrong tray glyph). Asks the
/// freedesktop portal's Settings interface for org.freedesktop.appearance color-scheme and follows
/// its SettingChanged signal; Unknown when there is no portal or it has no preference, and then
/// the caller falls back to the palette.
class PanelScheme : public QObject
{
    Q_OBJECT

public:
    enum class Scheme { Unknown, Dark, Light };
    Q_ENUM(Scheme)

    explicit PanelScheme(QObject *parent = nullptr);

    Scheme scheme() const { return m_scheme; }
    /// The portal's color-scheme value: 1 prefers dark, 2 prefers light, anything else no preference.
    static Scheme fromPortalValue(uint value);

signals:
    void changed(telephone::PanelScheme::Scheme scheme);

private slots:
    // A string-based slot: QDBusConnection::connect takes no member-function pointers.
    void onSettingChanged(const QString &group, const QString &key, const QDBusVariant &value);

private:
    void set(Scheme scheme);

    Scheme m_scheme = Scheme::Unknown;
};

} // namespace telephone
