import DoorstepCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes

/// Keeps each HTTP/1.1 exchange on a connection to the protocol where Hummingbird leaves it open.
///
/// It sits in the channel pipeline between the HTTP/1.1 codec and Hummingbird (see
/// `buildApplication`) and counts requests read and responses written, so that it can:
///
/// * **`Expect: 100-continue`** ([RFC 9110 §10.1.1](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1)):
///   write `100 Continue` when ``RequestBodyMiddleware`` reports that a handler started reading
///   the body (``SendContinue``), and only for a request that asked. A final answer written while
///   the client still holds its body back gets `Connection: close`, since the client may then
///   either send the body or not.
/// * **Malformed HTTP**: answer a request that SwiftNIO's parser refuses (a garbage request line, a
///   malformed header, a bad `Content-Length`) with the JSON 400 of every other error, then close.
///   When the fault is inside the body of a request being handled (a broken chunk), the error goes
///   on to the handler reading that body, whose 400 closes the connection; when that request was
///   answered already, the connection is closed with nothing more to say.
/// * **`Connection: close`** on a response: close the connection once it is written. Output is
///   shut first and input read and dropped for a moment (``lingerTime``), so that a client still
///   sending a body it was refused reads the answer rather than a reset.
final class HTTPExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The outbound user event that asks for `100 Continue` to the request being handled.
    struct SendContinue: Sendable {}

    /// How long a closing connection keeps reading what the client still sends.
    static let lingerTime = TimeAmount.seconds(2)

    private enum Malformed {
        /// No parse error on this connection.
        case none
        /// A request after those being answered is malformed: its 400 follows their answers.
        case answerAfterPending(APIError)
        /// The parse error has been answered or passed on.
        case handled
    }

    private let logger: Logger
    /// Request heads read, and responses completed, on this connection.
    private var requestsRead = 0
    private var responsesWritten = 0
    /// Whether the last request's end has still to be read.
    private var requestOpen = false
    /// Whether a final response head has been written whose end has not.
    private var responseStarted = false
    /// The number of the request that expects `100 Continue` and has not had it.
    private var continueOwed: Int?
    /// The number of the request whose answer ends the connection.
    private var closeAfter: Int?
    private var malformed = Malformed.none
    /// Set once the last answer is written: nothing more is written, what is read is dropped.
    private var closing = false
    private var linger: Scheduled<Void>?

    /// Creates the handler of one connection.
    ///
    /// - Parameter logger: Where malformed requests are logged, one line each.
    init(logger: Logger) {
        self.logger = logger
    }

    /// The request number the next final response answers (requests are answered in order).
    private var requestAnswered: Int { responsesWritten + 1 }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard !closing else { return }
        switch part {
        case .head(let request):
            requestsRead += 1
            requestOpen = true
            if request.headerFields.expectsContinue { continueOwed = requestsRead }
        case .body, .end:
            // A client that sends its body without waiting for 100 Continue no longer needs one.
            if continueOwed == requestsRead { continueOwed = nil }
            if case .end = part { requestOpen = false }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.kind != .informational:
            responseStarted = true
            if continueOwed == requestAnswered {
                continueOwed = nil
                closeAfter = min(closeAfter ?? requestAnswered, requestAnswered)
            }
            if response.headerFields[values: .connection].contains(where: { $0.lowercased() == "close" }) {
                closeAfter = min(closeAfter ?? requestAnswered, requestAnswered)
            }
            if closeAfter == requestAnswered { response.headerFields[.connection] = "close" }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end:
            responsesWritten += 1
            responseStarted = false
            if let closeAfter, responsesWritten >= closeAfter {
                closing = true
                let written = promise ?? context.eventLoop.makePromise()
                context.writeAndFlush(data, promise: written)
                written.futureResult.assumeIsolated().whenComplete { _ in self.closeOutput(context: context) }
            } else if case .answerAfterPending(let error) = malformed, responsesWritten == requestsRead {
                context.write(data, promise: promise)
                answer(error, context: context)
            } else {
                context.write(data, promise: promise)
            }
        case .head, .body:
            context.write(data, promise: promise)
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is SendContinue else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        guard continueOwed == requestAnswered, !responseStarted, !closing, case .none = malformed else {
            promise?.succeed(())
            return
        }
        continueOwed = nil
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let apiError = APIError.malformedRequest(for: error) else {
            context.fireErrorCaught(error)
            return
        }
        // The parser reports again on every read after its first fault; one answer is enough.
        guard case .none = malformed, !closing else { return }
        malformed = .handled
        let peer = context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "an unknown peer"
        logger.info("Malformed request from \(peer): \(apiError.message)")
        if requestOpen {
            if responsesWritten >= requestsRead {
                // Answered before its body was read: the client has all it will get.
                closing = true
                closeOutput(context: context)
            } else {
                // The body being read is broken: its handler fails reading it, answers 400, and
                // the connection closes after that answer.
                closeAfter = min(closeAfter ?? requestsRead, requestsRead)
                context.fireErrorCaught(error)
            }
        } else if responsesWritten < requestsRead {
            malformed = .answerAfterPending(apiError)
        } else {
            answer(apiError, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        linger?.cancel()
        linger = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        linger?.cancel()
        linger = nil
    }

    /// Writes `error` as the JSON error body with `Connection: close`, then closes.
    private func answer(_ error: APIError, context: ChannelHandlerContext) {
        malformed = .handled
        closing = true
        let body = Response.jsonBuffer(ErrorBody(error: error.code, message: error.message))
        var head = HTTPResponse(status: error.status)
        head.headerFields[.contentType] = Response.jsonContentType
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in self.closeOutput(context: context) }
    }

    /// Shuts output, and the whole connection after ``lingerTime`` unless the client closes first.
    private func closeOutput(context: ChannelHandlerContext) {
        context.close(mode: .output, promise: nil)
        guard linger == nil else { return }
        linger = context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerTime) {
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTPExchangeHandler: Sendable {}

extension HTTPFields {
    /// Whether the request asks for `100 Continue` before it sends its body.
    var expectsContinue: Bool {
        self[values: .expect].contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "100-continue" }
        }
    }
}
