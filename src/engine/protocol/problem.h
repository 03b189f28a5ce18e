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
        BackendResponseTooLarge, ///< args: backend, then the parser's problem (see cause(1))
        BackendInvalidResponse,  ///< args: backend, then the parser's problem (see cause(1))
        BackendReset,          ///< args: backend, then the socket's or the parser's problem (see cause(1); may be None)
        BackendHostNotFound,   ///< args: backend, host
        BackendHeaderNotUtf8,  ///< args: header name
        BackendBinaryBody,     ///< args: the backend's status, bytes
        DecodedBodyTooLarge,   ///< args: content coding, most bytes
        ReplayBodyCut,         ///< args: bytes kept for display
        ReplayRefused,         ///< args: the refusal's kind as a number, then its arguments (see refusal())
        // A socket's own failure, inside another problem (socketProblem()); Qt's errorString() is
        // English, so each common SocketError has a code:
        SocketRefused,
        SocketHostNotFound,
        SocketClosedByPeer,
        SocketTimedOut,
        SocketTlsFailed,
        SocketAccessDenied,
        SocketNoResources,
        SocketProxyFailed,
        SocketError,           ///< args: Qt's description of another socket error (English)
        // What HttpResponseParser found wrong in the backend's answer, inside BackendInvalidResponse,
        // BackendResponseTooLarge or BackendReset:
        ResponseTooLarge,      ///< args: most bytes
        ResponseLengthTooLarge,///< args: most bytes, the Content-Length
        ResponseHeadTooLarge,  ///< args: most bytes
        ResponseNotHttp,
        ResponseBadStatusLine,
        ResponseStatusOutOfRange, ///< args: status
        ResponseFoldedHeader,
        ResponseMalformedHeader,
        ResponseBadHeaderName,
        ResponseHeaderControlCharacter, ///< args: header name
        ResponseSwitchedProtocols,
        ResponseBadContentLength, ///< args: the value
        ResponseTransferEncodingHttp10,
        ResponseChunkLineTooLong,
        ResponseMalformedChunk,
        ResponseBadChunkSize,  ///< args: the value
        ResponseCutShort,
        ResponseNothing,
        // A proxied WebSocket (WebSocketRelay, BackendWebSocket), shown in the inspector. The English
        // text is also what goes on the wire (ws_error / ws_closed reasons, close frames to the
        // backend), so it stays within a close frame's 123 bytes:
        WsStopping,
        WsGoingAway,
        WsBufferFull,
        WsBackendNotReading,   ///< args: bytes waiting
        WsServerNotTaking,     ///< args: bytes that would wait, the buffer's size in bytes
        WsEarlyFramesOverflow,
        BackendWsUpgradeTimeout,   ///< args: seconds
        BackendWsUnreachable,      ///< args: the socket's problem as a number, then its arguments (see cause())
        BackendWsUpgradeTooLarge,  ///< args: most bytes
        BackendWsUpgradeRefused,   ///< args: the backend's status line after "HTTP/1.1 " (its words)
        BackendWsUpgradeNotHttp,
        BackendWsUpgradeInvalid,
        BackendWsExtension,
        BackendWsClosedInUpgrade,
        BackendWsNoCloseFrame,
        BackendWsLost,             ///< args: the socket's problem as a number, then its arguments (see cause())
        BackendWsBrokeProtocol,    ///< args: what the frame reader found (English, for the log only)
        BackendWsMessageTooLarge,  ///< args: most bytes
        // The OS keychain (KeychainSecretStore); the keychain's own words are for the log only:
        KeychainAccessDenied,  ///< args: the keychain's words (English, may be empty)
        KeychainUnavailable,   ///< args: the keychain's words (English, may be empty)
        KeychainUnsupported,   ///< args: the keychain's words (English, may be empty)
        KeychainFailed,        ///< args: the keychain's words (English, may be empty)
        KeychainTimeout,       ///< args: seconds
        KeychainNoSessionBus,
        KeychainBusy,
        // A service-account key typed in (ServiceAccountKey::problemOf):
        ServiceAccountKeyEmpty,
        ServiceAccountKeyMalformed,
        NotAServiceAccountKey, ///< args: the prefix keys start with
    };
    /// The last kind: the translation test walks every kind up to it.
    static constexpr Kind LastKind = Kind::NotAServiceAccountKey;

    Problem() = default;
    Problem(Kind k, QStringList a = {}) : kind(k), args(std::move(a)) {}
    /// "This request cannot be replayed" around the refusal a replay got.
    static Problem replayRefused(const Problem &refusal);
    /// The refusal inside a ReplayRefused.
    Problem refusal() const;
    /// `kind` with `cause` inside it: `leading` arguments, then the cause's kind as a number and its
    /// arguments (BackendWsUnreachable, BackendInvalidResponse...).
    static Problem withCause(Kind kind, const QStringList &leading, const Problem &cause);
    /// The problem inside this one, written by withCause() after `leading` arguments; None if there is none.
    Problem cause(int leading) const;

    Kind kind = Kind::None;
    QStringList args;

    /// The words for logs, /health and the command line.
    QString englishText() const;
    bool isNone() const { return kind == Kind::None; }
    bool operator==(const Problem &other) const { return kind == other.kind && args == other.args; }
    bool operator!=(const Problem &other) const { return !(*this == other); }
};

} // namespace telephone
