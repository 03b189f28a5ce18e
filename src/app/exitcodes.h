#pragma once

namespace telephone {

/// Documented in README.md and --help; scripts and systemd units rely on them.
enum ExitCode : int {
    ExitOk = 0,           ///< stopped cleanly (signal, Quit)
    ExitInternal = 1,     ///< something failed that is not the user's configuration
    ExitBadConfig = 2,    ///< bad command line, environment or config file; or the server refused our configuration
    ExitAuthFailure = 3,  ///< the token was refused and --exit-on-auth-failure was given
};

} // namespace telephone
