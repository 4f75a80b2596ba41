public import Hummingbird
import Logging

/// Authenticates `Authorization: Bearer TOKEN` against the token table and sets the identity.
///
/// A missing, malformed, unknown or revoked token gets 401 before any route runs; routes then
/// check the role with ``AppRequestContext/requireRole(_:)``.
public struct TokenAuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let database: ServerDatabase

    /// Creates the middleware over the server's token table.
    public init(database: ServerDatabase) {
        self.database = database
    }

    public func handle(
        _ request: Request, context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("This request needs an Authorization: Bearer token.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIError.unauthorized("The Authorization header must be \"Bearer\" followed by a token.")
        }
        guard let identity = try await database.identity(forToken: String(parts[1])) else {
            throw APIError.unauthorized("The token is unknown or has been revoked.")
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "token"] = .string(identity.name)
        return try await next(request, context)
    }
}
