#pragma once

#include "tunnel/tunnel.h"
#include "ui/panelscheme.h"

#include <QIcon>
#include <QPalette>
#include <QString>

namespace telephone {

/// The tray's pictures: one SVG per look (resources/icons/<style>/<look>.svg), in colour and in
/// light and dark monochrome. Each look has its own badge, so the state reads without colour too.
class TrayIcons
{
public:
    enum class Look {
        Connected,   ///< handset with waves
        Connecting,  ///< connecting, joining, reconnecting: three dots
        BackendDown, ///< connected, but the local backend does not answer: warning triangle (amber)
        NeedsToken,  ///< token missing, refused or the configuration refused: crossed circle
        Stopped,     ///< disconnected or stopping: faded handset, "off" sign
    };
    enum class Style { Colour, Light, Dark };

    /// `setting` is the icon-style value: "colour", "light", "dark", or "auto", which picks light
    /// glyphs on a dark palette and dark glyphs on a light one (Qt 6.4 has no colorScheme()).
    static Style resolveStyle(const QString &setting, const QPalette &palette);
    /// The same, but "auto" follows the panel's scheme as the desktop portal reports it
    /// (PanelScheme) when it is known, and only otherwise the palette.
    static Style resolveStyle(const QString &setting, PanelScheme::Scheme panel, const QPalette &palette);
    static Look lookFor(Tunnel::State state, bool backendAnswering);
    static QString resourcePath(Look look, Style style);
    /// Rendered from the SVG at the sizes trays ask for (QSvgRenderer: no icon-engine plugin needed).
    static QIcon icon(Look look, Style style);
    /// `icon` with a round count badge in the bottom right corner ("9+" above nine): how many of
    /// several tunnels are not connected.
    static QIcon withCount(const QIcon &icon, int count, Style style);
    /// Which of two looks is worse news: a token to paste, a backend down, a connection being
    /// retried, a tunnel stopped, then connected.
    static int severity(Look look);
};

} // namespace telephone
