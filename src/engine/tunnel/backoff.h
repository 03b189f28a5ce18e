#pragma once

#include <chrono>
#include <functional>

namespace telephone {

/// Exponential reconnection delays with jitter: initial, doubled per failed attempt, capped, each
/// spread by ±25 % so that many clients cut off together do not come back in lock-step. The caller
/// resets it once a connection has been stable for a while. Plain value object; no thread affinity.
class Backoff
{
public:
    using Random = std::function<double()>; ///< returns a value in [0, 1)

    explicit Backoff(std::chrono::milliseconds initial = std::chrono::seconds(1),
                     std::chrono::milliseconds cap = std::chrono::seconds(30), Random random = {});

    /// The delay before the next attempt; advances the schedule.
    std::chrono::milliseconds next();
    /// Back to the first delay, after a stable connection.
    void reset() { m_attempt = 0; }
    int attempt() const { return m_attempt; }
    std::chrono::milliseconds cap() const { return m_cap; }

    static constexpr double Factor = 2.0;
    static constexpr double Jitter = 0.25;

private:
    std::chrono::milliseconds m_initial;
    std::chrono::milliseconds m_cap;
    Random m_random;
    int m_attempt = 0;
};

} // namespace telephone
