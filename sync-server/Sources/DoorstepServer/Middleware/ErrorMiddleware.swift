import DoorstepCore
public import Hummingbird
import Logging

/// Turns every error a route throws into a JSON ``DoorstepCore/ErrorBody`` response.
///
/// The one place where domain errors become HTTP: ``APIError`` keeps its status and code,
/// Hummingbird's own errors (unknown route, body too large) get a code for their status, a body
/// whose HTTP framing broke while it was read gets 400, and anything else is logged and answered
/// with a 500 that reveals nothing, except a database that cannot be written for now (a full disk,
/// an I/O error), which gets a 503 with `Retry-After`. Errors that leave the connection unusable
/// answer with `Connection: close`.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error)
            if apiError.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))")
            }
            return apiError.response
        }
    }

    /// The API error that stands for `error`.
    static func apiError(for error: any Error) -> APIError {
        if let malformed = APIError.malformedRequest(for: error) {
            return malformed
        }
        switch error {
        case let error as APIError:
            return error
        case let error as TextWithNUL:
            return .badRequest(error.description)
        case let error as any HTTPResponseError:
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            switch error.status {
            case .notFound: return .notFound("There is no such endpoint.")
            case .methodNotAllowed:
                return APIError(status: .methodNotAllowed, code: "method_not_allowed", message: "This endpoint does not take that method.")
            case .contentTooLarge:
                return .bodyTooLarge(limit: AppRequestContext.maximumBodySize)
            case .badRequest: return .badRequest(message)
            case .unauthorized: return .unauthorized(message)
            case .forbidden: return .forbidden(message)
            default:
                if error.status.code < 500 {
                    return APIError(status: error.status, code: "http_\(error.status.code)", message: message)
                }
                return .internalError()
            }
        default:
            if let failure = StoreFailure(error) {
                return .unavailable("The server cannot write its database now (\(failure.reason)); try again later.", retryAfter: 30)
            }
            return .internalError()
        }
    }
}

extension APIError {
    /// The JSON answer of every failure: ``DoorstepCore/ErrorBody`` with the error's status, and
    /// `Retry-After` and `Connection: close` when the error asks for them.
    var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = Response.jsonContentType
        if closesConnection { headers[.connection] = "close" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: Response.errorJSON(self)))
    }
}
