#include "ui/tunnelglance.h"

#include "tunnel/tunnel.h"
#include "ui/backendhealth.h"
#include "ui/humantext.h"

namespace telephone {

TunnelGlance TunnelGlance::of(const TunnelParts &parts, qint64 nowSecs)
{
    TunnelGlance glance;
    const Tunnel *tunnel = parts.tunnel;
    if (!tunnel)
        return glance;
    const bool answering = !parts.health || parts.health->health() != BackendHealth::Health::NotAnswering;
    glance.look = TrayIcons::lookFor(tunnel->state(), answering);
    switch (HumanText::tokenProblem(*tunnel, nowSecs)) {
    case HumanText::TokenProblem::Refused:
    case HumanText::TokenProblem::Unusable:
        // The cause is a sentence of its own: the state's name says enough here.
        glance.state = HumanText::stateName(tunnel->state());
        break;
    case HumanText::TokenProblem::Missing:
    case HumanText::TokenProblem::Expired:
        glance.state = HumanText::stateHeadline(*tunnel, nowSecs); // "No token yet", "Token expired at 14:05"
        break;
    case HumanText::TokenProblem::None:
        glance.state = glance.look == TrayIcons::Look::BackendDown ? tr("Backend not answering")
                                                                   : HumanText::stateName(tunnel->state());
        break;
    }
    return glance;
}

} // namespace telephone
