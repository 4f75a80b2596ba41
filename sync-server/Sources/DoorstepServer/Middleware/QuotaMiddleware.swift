public import Hummingbird
import NIOCore
import Synchronization

/// Keeps each token within its ``QuotaLimits``: requests and request-body bytes per window.
///
/// It runs after ``TokenAuthMiddleware``, so the quota is the token's, whichever laptop or address
/// uses it. A request that would go over either limit is refused with 429 and `Retry-After`, the
/// seconds left in the token's window, before its body is read. A body's size is counted from its
/// `Content-Length`, or, for a chunked body, as it is read (a chunked body is refused only by the
/// next request).
public struct QuotaMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let quota: RequestQuota

    /// Creates the middleware over the server's quota ledger.
    public init(quota: RequestQuota) {
        self.quota = quota
    }

    public func handle(
        _ request: Request, context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else { return try await next(request, context) }
        let declared = request.headers[.contentLength].flatMap { Int64($0) }
        try quota.charge(token: identity.tokenID, bytes: declared ?? 0)
        guard declared == nil, request.headers[.transferEncoding] != nil else {
            return try await next(request, context)
        }
        var request = request
        request.body = RequestBody(asyncSequence: CountedBody(base: request.body, token: identity.tokenID, quota: quota))
        return try await next(request, context)
    }
}

/// The running count of each token's requests and bytes in its current window.
///
/// Windows are fixed: a token's window starts with its first request after the last one ended.
/// Counts are kept in memory, so a restart starts every token afresh.
public final class RequestQuota: Sendable {
    /// A token's current window.
    private struct Window {
        var start: ContinuousClock.Instant
        var requests = 0
        var bytes: Int64 = 0
    }

    /// The limits applied.
    public let limits: QuotaLimits
    private let windows = Mutex<[String: Window]>([:])

    /// Creates an empty ledger.
    public init(limits: QuotaLimits) {
        self.limits = limits
    }

    /// Counts one request of `bytes` bytes for `token`, or refuses it when it would go over a limit.
    ///
    /// - Throws: ``APIError/tooManyRequests(_:retryAfter:)`` naming the limit; nothing is counted.
    func charge(token: String, bytes: Int64) throws(APIError) {
        let now = ContinuousClock.now
        let seconds = limits.window.components.seconds
        let refusal: (quota: String, retryAfter: Int)? = windows.withLock { windows in
            var window = windows[token] ?? Window(start: now)
            if now - window.start >= limits.window { window = Window(start: now) }
            let left = limits.window - (now - window.start)
            let retryAfter = Int(left.components.seconds) + (left.components.attoseconds > 0 ? 1 : 0)
            if limits.requests > 0, window.requests >= limits.requests {
                return ("\(limits.requests) requests", retryAfter)
            }
            if limits.bytes > 0, window.bytes + bytes > limits.bytes {
                return ("\(limits.bytes) bytes of request bodies", retryAfter)
            }
            window.requests += 1
            window.bytes += bytes
            windows[token] = window
            return nil
        }
        if let refusal {
            throw .tooManyRequests(
                "This token has used its quota of \(refusal.quota) per \(seconds) s; try again in \(refusal.retryAfter) s.",
                retryAfter: refusal.retryAfter
            )
        }
    }

    /// Adds `bytes` read from a chunked body to `token`'s count, without refusing anything.
    func record(token: String, bytes: Int64) {
        windows.withLock { windows in
            windows[token]?.bytes += bytes
        }
    }
}

/// A chunked request body that adds what it reads to its token's byte count.
struct CountedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let base: RequestBody
    let token: String
    let quota: RequestQuota

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let token: String
        let quota: RequestQuota

        mutating func next() async throws -> ByteBuffer? {
            let buffer = try await base.next()
            if let buffer { quota.record(token: token, bytes: Int64(buffer.readableBytes)) }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), token: token, quota: quota)
    }
}
