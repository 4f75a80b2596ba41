public import DoorstepTransport

/// Why talking to the server failed, each one sentence, with the sysexits code a command exits with
/// (<https://man.freebsd.org/cgi/man.cgi?query=sysexits>).
public enum SyncError: Error, Sendable, CustomStringConvertible {
    /// The laptop has no server and token yet.
    case notLoggedIn
    /// No answer from the server: no network, a server that is down, a timeout (after retries).
    case unreachable(TransportError)
    /// The connection failed in a way retrying will not fix, such as an untrusted certificate.
    case connectionRefused(TransportError)
    /// The server answered 5xx on every attempt.
    case serverUnavailable(status: Int, message: String)
    /// 429 on every attempt: the token has used its quota for now.
    case rateLimited(message: String)
    /// 401: the token is missing, unknown or revoked.
    case unauthorized(message: String)
    /// 403: the token's role may not do this.
    case forbidden(message: String)
    /// 404: the server knows no such thing (conflict, campaign).
    case notFound(message: String)
    /// 400, 413 or 422: the server refused what was sent.
    case refused(status: Int, message: String)
    /// The server's answer could not be read.
    case badAnswer(String)
    /// Another sync holds the lock of this home.
    case alreadyRunning(holder: String?)
    /// The server changed its epoch more often than a sync can follow.
    case epochUnstable

    /// The process exit code for this failure: 75 try later, 69 unavailable, 77 not allowed,
    /// 65 bad data, 64 usage, 1 otherwise.
    public var exitStatus: Int32 {
        switch self {
        case .notLoggedIn: 64
        case .unreachable, .serverUnavailable, .rateLimited, .alreadyRunning, .epochUnstable: 75
        case .connectionRefused: 69
        case .unauthorized, .forbidden: 77
        case .notFound, .refused: 65
        case .badAnswer: 1
        }
    }

    public var description: String {
        switch self {
        case .notLoggedIn:
            "This laptop is not enrolled with a server; run doorstep login --server URL --token TOKEN first."
        case .unreachable(let error), .connectionRefused(let error):
            error.description
        case .serverUnavailable(let status, let message):
            "The server failed (HTTP \(status)) on every attempt; try again later (\(message))."
        case .rateLimited(let message):
            "The server is limiting this token's requests; try again later (\(message))."
        case .unauthorized(let message):
            "The server refused the token; ask an organiser for a new one and run doorstep login again (\(message))."
        case .forbidden(let message):
            "The server does not allow this with the token's role (\(message))."
        case .notFound(let message):
            message.hasSuffix(".") ? message : message + "."
        case .refused(let status, let message):
            "The server refused the request (HTTP \(status)): \(message)"
        case .badAnswer(let detail):
            "The server's answer could not be read (\(detail)); is the URL a Doorstep server?"
        case .alreadyRunning(let holder?):
            "Another doorstep sync (process \(holder)) is already running on this laptop; try again later."
        case .alreadyRunning(nil):
            "Another doorstep sync is already running on this laptop; try again later."
        case .epochUnstable:
            "The server was restored again during this sync; try again later."
        }
    }
}
