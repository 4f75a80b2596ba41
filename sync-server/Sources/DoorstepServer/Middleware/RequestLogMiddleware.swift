public import Hummingbird
import Logging
import NIOCore

/// Logs one line per request — method, path, status and duration in milliseconds, with the route,
/// method, status and `duration_ms` as metadata — and, when metrics are served, records the
/// request in ``ServerMetrics``.
///
/// The route is the pattern the router matched (`/v1/conflicts/{id}/resolve`; for a 405, the
/// pattern the path fits), or `NotFound`: never a path with ids in it, so it can label a metric.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics?

    /// Creates the middleware.
    ///
    /// - Parameter metrics: Where each request is counted and timed; `nil` when metrics are off.
    public init(metrics: ServerMetrics? = nil) {
        self.metrics = metrics
    }

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            finished(request, status: response.status.code, since: start, context: context)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            finished(request, status: status, since: start, context: context)
            throw error
        }
    }

    private func finished(_ request: Request, status: Int, since start: ContinuousClock.Instant, context: Context) {
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "NotFound"
        metrics?.request(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        let milliseconds = Double(elapsed.components.seconds) * 1_000
            + Double(elapsed.components.attoseconds) / 1e15
        let duration = (milliseconds * 10).rounded() / 10
        context.logger.info(
            "\(request.method) \(request.uri.path) \(status) \(duration)ms",
            metadata: [
                "route": .string(route), "method": .string(request.method.rawValue),
                "status": .stringConvertible(status), "duration_ms": .stringConvertible(duration),
            ]
        )
    }
}
