#pragma once

#include "tunnel/tunnel.h"

#include <QCoreApplication>
#include <QString>

namespace telephone {

/// The words the tray, the window and the notifications share, translated: state names and
/// durations ("42 min", "2 h 5 min").
class HumanText
{
    Q_DECLARE_TR_FUNCTIONS(telephone::HumanText)

public:
    static QString stateName(Tunnel::State state);
    /// A short duration for people: "12 s", "42 min", "2 h 5 min", "3 d 4 h". Negative counts as 0.
    static QString duration(qint64 seconds);
    /// "expires in 42 min" / "expired 3 min ago" / "does not expire".
    static QString expiry(qint64 expSecs, qint64 nowSecs);
};

} // namespace telephone
