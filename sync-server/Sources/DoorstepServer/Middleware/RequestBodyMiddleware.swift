public import Hummingbird
import NIOCore

/// Decides about a request's body before any handler reads it.
///
/// * A `Content-Length` over the server's limit gets 413 at once, without reading the body, and
///   the connection is closed after the answer.
/// * A request sent with `Expect: 100-continue` gets `100 Continue` when a handler starts reading
///   its body ([RFC 9110 §10.1.1](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1)), so a
///   request refused before that (401, 403, 404, 405, 413, 415) never makes the client send it.
///   ``HTTPExchangeHandler`` writes the `100 Continue` and closes the connection after a refusal
///   the client is still holding its body back for.
public struct RequestBodyMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength], let length = Int(declared), length > context.maxUploadSize {
            throw APIError.bodyTooLarge(limit: context.maxUploadSize)
        }
        guard request.headers.expectsContinue else {
            return try await next(request, context)
        }
        var request = request
        request.body = RequestBody(asyncSequence: ContinueOnFirstRead(base: request.body, channel: context.channel))
        return try await next(request, context)
    }
}

/// A request body that asks the connection for `100 Continue` when it is first read.
struct ContinueOnFirstRead: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let base: RequestBody
    let channel: any Channel

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        var channel: (any Channel)?

        mutating func next() async throws -> ByteBuffer? {
            if let channel {
                self.channel = nil
                // Fails only on a closed connection, which the read below reports.
                try? await channel.triggerUserOutboundEvent(HTTPExchangeHandler.SendContinue())
            }
            return try await base.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), channel: channel)
    }
}
