#include "tunnel/tunnelname.h"

#include "tokens/jwt.h"
#include "tunnel/tunnel.h"

namespace telephone {

QString tunnelName(const Tunnel *tunnel)
{
    if (!tunnel)
        return {};
    // A configured tunnel has its name from the config (Runner); one made elsewhere goes by its mount.
    if (!tunnel->objectName().isEmpty())
        return tunnel->objectName();
    if (!tunnel->claims().pathId.isEmpty())
        return tunnel->claims().pathId;
    // Before start() the tunnel has not read its token yet; the configured one names it already.
    const JwtDecodeResult decoded = decodeJwt(tunnel->config().token);
    return decoded.claims ? decoded.claims->pathId : QString();
}

} // namespace telephone
