public import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// A failure a client caused or may see: an HTTP status, a stable code and one sentence.
///
/// Handlers throw it (or any other error); ``ErrorMiddleware`` turns every error into the JSON
/// body `{"error": code, "message": sentence}` (``DoorstepCore/ErrorBody``), so every failure of
/// the API has the same shape. See `docs/sync-protocol.md` for the codes.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status of the response.
    public var status: HTTPResponse.Status
    /// A stable machine code, such as `"unauthorized"`.
    public var code: String
    /// One sentence for people.
    public var message: String
    /// Whether the server closes the connection after answering (`Connection: close`): the
    /// request's body was left unread or its framing cannot be trusted.
    public var closesConnection: Bool
    /// Seconds the client should wait before trying again, sent as `Retry-After`
    /// ([RFC 9110 §10.2.3](https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3)).
    public var retryAfter: Int?

    /// Creates an error with its status, code and sentence.
    public init(
        status: HTTPResponse.Status, code: String, message: String, closesConnection: Bool = false, retryAfter: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.closesConnection = closesConnection
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    /// 400: the body or a query parameter is not what the endpoint reads.
    public static func badRequest(_ message: String) -> Self {
        Self(status: .badRequest, code: "bad_request", message: message)
    }

    /// 401: a missing, unknown or revoked token.
    public static func unauthorized(_ message: String) -> Self {
        Self(status: .unauthorized, code: "unauthorized", message: message)
    }

    /// 403: a valid token whose role may not do this.
    public static func forbidden(_ message: String) -> Self {
        Self(status: .forbidden, code: "forbidden", message: message)
    }

    /// 404: an unknown id or path.
    public static func notFound(_ message: String) -> Self {
        Self(status: .notFound, code: "not_found", message: message)
    }

    /// 413: a body or a batch over the server's limits.
    public static func payloadTooLarge(_ message: String) -> Self {
        Self(status: .contentTooLarge, code: "payload_too_large", message: message)
    }

    /// 413: a body over the server's limit, refused without reading the rest of it.
    ///
    /// - Parameter limit: The largest body the server reads, in bytes.
    public static func bodyTooLarge(limit: Int) -> Self {
        Self(
            status: .contentTooLarge, code: "payload_too_large",
            message: "The request body is larger than the server's limit of \(limit / 1_048_576) MiB.", closesConnection: true
        )
    }

    /// 415: a body that is not declared as JSON where the endpoint reads JSON.
    public static func unsupportedMediaType(_ message: String) -> Self {
        Self(status: .unsupportedMediaType, code: "unsupported_media_type", message: message)
    }

    /// 422: well-formed input that breaks a rule.
    public static func unprocessable(_ message: String) -> Self {
        Self(status: .unprocessableContent, code: "unprocessable", message: message)
    }

    /// 408: the client took longer than the server's limit to send its request head.
    public static func requestTimeout(_ message: String) -> Self {
        Self(status: .requestTimeout, code: "request_timeout", message: message, closesConnection: true)
    }

    /// 429: the token has used its quota of requests or bytes for the current window.
    ///
    /// - Parameters:
    ///   - message: Which limit was reached.
    ///   - retryAfter: Seconds until the window ends.
    public static func tooManyRequests(_ message: String, retryAfter: Int) -> Self {
        Self(status: .tooManyRequests, code: "too_many_requests", message: message, retryAfter: retryAfter)
    }

    /// 503: the server cannot serve now (its database cannot be written, or it has too many
    /// connections); the client should try again after `retryAfter` seconds.
    public static func unavailable(_ message: String, retryAfter: Int, closesConnection: Bool = false) -> Self {
        Self(
            status: .serviceUnavailable, code: "unavailable", message: message, closesConnection: closesConnection,
            retryAfter: retryAfter
        )
    }

    /// 500: something failed on the server; the details go to the log only.
    public static func internalError(_ message: String = "The server failed to handle the request; see its log.") -> Self {
        Self(status: .internalServerError, code: "internal", message: message)
    }
}

extension APIError {
    /// The 400 for a request that is not valid HTTP/1.1, or nil when `error` is not such a fault.
    ///
    /// Faults of SwiftNIO's HTTP/1.1 parser (a garbage request line, a malformed header, a broken
    /// chunked body, a connection ended inside a request) leave the connection unusable, so the
    /// answer closes it.
    static func malformedRequest(for error: any Error) -> APIError? {
        let message: String
        switch error {
        case let error as HTTPParserError:
            message = sentence(for: error)
        case is HTTP1TypeConversionError:
            message = "The request line names a method this server does not take."
        case ByteToMessageDecoderError.dataReceivedInErrorState(let underlying, _):
            return malformedRequest(for: underlying)
        default:
            return nil
        }
        return APIError(status: .badRequest, code: "bad_request", message: message, closesConnection: true)
    }

    private static func sentence(for error: HTTPParserError) -> String {
        switch error {
        case .invalidMethod:
            "The request line names a method this server does not know."
        case .invalidURL, .invalidCharactersUsed:
            "The request line or a header holds characters HTTP does not allow."
        case .invalidVersion:
            "The request line does not end with a valid HTTP version."
        case .headerOverflow:
            "The request's headers are larger than the server accepts."
        case .invalidHeaderToken, .lfExpected, .invalidConstant:
            "The request line or a header line is malformed."
        case .invalidContentLength:
            "The Content-Length header is not a whole number."
        case .unexpectedContentLength:
            "The request has two Content-Length headers, or Content-Length with Transfer-Encoding."
        case .invalidChunkSize:
            "The chunked request body is malformed."
        case .invalidEOFState:
            "The connection ended before the request was complete."
        default:
            "The request is not valid HTTP/1.1."
        }
    }
}
