public import Hummingbird

/// Answers 405 `method_not_allowed`, with `Allow`, to a request whose path is served with other
/// methods ([RFC 9110 §15.5.6](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6)).
///
/// Hummingbird's router answers a path it serves, asked with a method it does not take, as if the
/// path were unknown (404). Added to the router after every route, this middleware sits in front
/// of the router's not-found answer only, so it sees just the requests no route matched.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One path pattern the router serves, split in segments (a capture, `{id}`, matches any one
    /// segment), with the methods it takes.
    struct Route: Sendable {
        var pattern: String
        var segments: [Substring]
        var methods: [HTTPRequest.Method]

        /// Whether the path's segments fit the pattern.
        func matches(_ path: [Substring]) -> Bool {
            path.count == segments.count && zip(segments, path).allSatisfy { ($0.hasPrefix("{") && $0.hasSuffix("}")) || $0 == $1 }
        }
    }

    let routes: [Route]

    /// Creates the middleware over the routes the router serves.
    ///
    /// - Parameter routes: The router's routes (``Router/routes``), read once all are added.
    public init(routes: [Router<Context>.RouteDescription]) {
        let patterns = Dictionary(grouping: routes, by: { $0.path.description })
        self.routes = patterns.map { pattern, routes in
            Route(
                pattern: pattern, segments: pattern.split(separator: "/"),
                methods: routes.map(\.method).sorted { $0.rawValue < $1.rawValue }
            )
        }
    }

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path.split(separator: "/")
        guard let route = routes.first(where: { $0.matches(path) }) else {
            return try await next(request, context)
        }
        context.coreContext.endpointPath.value = route.pattern
        var response = APIError(
            status: .methodNotAllowed, code: "method_not_allowed",
            message: "This endpoint does not take \(request.method.rawValue); it takes \(route.methods.map(\.rawValue).joined(separator: ", "))."
        ).response
        response.headers[.allow] = route.methods.map(\.rawValue).joined(separator: ", ")
        return response
    }
}
