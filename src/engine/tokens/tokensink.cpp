#include "tokens/tokensink.h"

namespace telephone {

bool MemoryTokenSink::storeToken(const QString &serverKey, const QString &token, const JwtClaims &claims, QString *)
{
    m_tokens.insert(serverKey + QLatin1Char('\n') + claims.pathId, token);
    return true;
}

QString MemoryTokenSink::token(const QString &serverKey, const QString &pathId) const
{
    return m_tokens.value(serverKey + QLatin1Char('\n') + pathId);
}

} // namespace telephone
