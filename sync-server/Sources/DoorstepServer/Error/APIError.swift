public import Hummingbird

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

    /// Creates an error with its status, code and sentence.
    public init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
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

    /// 422: well-formed input that breaks a rule.
    public static func unprocessable(_ message: String) -> Self {
        Self(status: .unprocessableContent, code: "unprocessable", message: message)
    }

    /// 500: something failed on the server; the details go to the log only.
    public static func internalError(_ message: String = "The server failed to handle the request; see its log.") -> Self {
        Self(status: .internalServerError, code: "internal", message: message)
    }
}
