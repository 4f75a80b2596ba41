import Foundation
public import Hummingbird

/// Percent-decodes the path parameters of the matched route, such as a campaign id, before any
/// handler reads them ([RFC 3986 §2.1](https://www.rfc-editor.org/rfc/rfc3986#section-2.1)).
///
/// The router matches the path as it was sent, so `/v1/campaigns/caf%C3%A9/aggregates` reaches the
/// aggregates route with the id `caf%C3%A9`; this makes it `café`. A parameter whose escapes are
/// not valid UTF-8 gets 400.
public struct PathParametersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard context.parameters.contains(where: { $0.value.contains("%") }) else {
            return try await next(request, context)
        }
        var decoded = Parameters()
        for (name, value) in context.parameters {
            guard let text = String(value).removingPercentEncoding else {
                throw APIError.badRequest("The path part \(value.prefix(100)) holds a % escape that is not valid UTF-8.")
            }
            decoded.append(key: name, value: Substring(text))
        }
        var context = context
        context.coreContext.parameters = decoded
        return try await next(request, context)
    }
}
