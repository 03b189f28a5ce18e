#pragma once

#include <QString>
#include <QStringList>

namespace telephone {

/// Something that went wrong below the tunnel — the connection to the server, a token that does not
/// decode, token vending — as a code plus its arguments, so that the desktop can say it in the
/// user's language (HumanText::problem) while logs, /health and the command line keep the English
/// text. The tunnel carries one inside its StateReason. Words that come from the other side (the
/// server's close reason, the vending endpoint's `error`) are arguments and stay as they are.
struct Problem {
    enum class Kind {
        None,
        // The WebSocket connection to the server (WebSocketClient, PhoenixSocket):
        CouldNotConnect,       ///< no detail known
        ConnectionRefused,     ///< args: host, port
        HostNotFound,          ///< args: host
        NetworkTimeout,        ///< the operating system gave up on the connection
        NetworkUnreachable,
        CertificateUntrusted,  ///< args: host; self-signed or from an authority this system does not trust
        CertificateExpired,    ///< args: host
        CertificateWrongHost,  ///< args: host; the certificate names other hosts
        TlsFailed,             ///< args: Qt's description of another TLS failure
        NetworkError,          ///< args: Qt's description of another socket error
        UpgradeTimeout,        ///< args: seconds
        UpgradeTooLarge,       ///< args: bytes
        UpgradeRefused,        ///< args: HTTP status
        UpgradeNotHttp,
        UpgradeInvalid,
        WriteStalled,          ///< args: seconds, bytes waiting
        CloseUnanswered,       ///< args: seconds
        ProtocolViolation,     ///< args: what the frame reader found (English, for the log only)
        DroppedByTelephone,
        NoCloseFrame,
        ClosedByServer,        ///< args: close code, the server's close reason (may be empty)
        ConnectionLost,        ///< no detail known
        // The heartbeat (Heartbeat):
        WakeUnanswered,        ///< args: seconds
        HeartbeatSilence,      ///< args: seconds silent, heartbeat interval in seconds
        // Decoding a token (decodeJwt):
        TokenEmpty,
        NotAJwt,               ///< args: how many dot-separated parts there are
        NotBase64urlCharacters,
        PayloadNotBase64url,
        PayloadNotJsonObject,
        ClaimNotWholeNumber,   ///< args: claim name
        NoPathIdClaim,
        // Token vending (TokenVendor):
        VendingRefused,        ///< args: endpoint URL; nothing listens there
        VendingHostNotFound,   ///< args: endpoint URL
        VendingUnreachable,    ///< args: endpoint URL, Qt's description of another network error
        VendingAnswerTooLarge, ///< args: HTTP status, bytes
        VendedNoToken,
        VendedTokenUnusable,   ///< args: the decoder's problem (English, for the log only)
        VendedWrongMount,      ///< args: path_id sent, path_id asked for
        VendingKeyRefused,     ///< args: the key shortened, the server's `error` (may be empty)
        VendingPathRefused,    ///< args: path_id asked for
        VendingPathBound,      ///< args: path_id asked for, path_id the account is bound to
        VendingRequestRefused, ///< args: the server's `error` (may be empty); HTTP 422
        VendingNotOffered,     ///< args: the server's `error` (may be empty); HTTP 404
        VendingHttpError,      ///< args: HTTP status, the server's `error` (may be empty)
        // A request Telephone answered itself (Forwarder, parseProxyRequest, BackendClient), shown
        // in the inspector; the HTTP client, logs and HAR get the English text:
        RequestIdMissing,
        RequestIdTooLong,      ///< args: most characters
        RequestIdBadCharacter,
        MethodNotToken,
        MethodConnect,
        PathMissing,
        PathNotOriginForm,
        PathNamesHost,
        PathTooLong,           ///< args: most bytes
        PathDotSegment,
        QueryNotString,
        QueryTooLong,          ///< args: most bytes
        HeadersNotObject,
        TooManyHeaders,        ///< args: count, most
        HeaderNameNotToken,
        HeaderValueNotString,  ///< args: header name
        HeaderControlCharacter,///< args: header name
        HeadersTooLarge,       ///< args: most bytes
        BodyNotString,
        BodyNotBase64,
        RequestBodyTooLarge,   ///< args: most bytes
        ShuttingDown,
        ConcurrencyLimit,      ///< args: most concurrent requests
        BackendRefused,        ///< args: backend
        BackendTimeout,        ///< args: backend, seconds
        BackendResponseTooLarge, ///< args: backend, what the parser found (English, for the log only)
        BackendInvalidResponse,  ///< args: backend, what the parser found (English, for the log only)
        BackendReset,          ///< args: backend, the socket's words (English, may be empty)
        BackendHostNotFound,   ///< args: backend, host
        BackendHeaderNotUtf8,  ///< args: header name
        BackendBinaryBody,     ///< args: the backend's status, bytes
        DecodedBodyTooLarge,   ///< args: content coding, most bytes
        ReplayBodyCut,         ///< args: bytes kept for display
        ReplayRefused,         ///< args: the refusal's kind as a number, then its arguments (see refusal())
    };

    Problem() = default;
    Problem(Kind k, QStringList a = {}) : kind(k), args(std::move(a)) {}
    /// "This request cannot be replayed" around the refusal a replay got.
    static Problem replayRefused(const Problem &refusal);
    /// The refusal inside a ReplayRefused.
    Problem refusal() const;

    Kind kind = Kind::None;
    QStringList args;

    /// The words for logs, /health and the command line.
    QString englishText() const;
    bool isNone() const { return kind == Kind::None; }
    bool operator==(const Problem &other) const { return kind == other.kind && args == other.args; }
    bool operator!=(const Problem &other) const { return !(*this == other); }
};

} // namespace telephone
