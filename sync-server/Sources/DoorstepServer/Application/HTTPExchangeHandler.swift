import DoorstepCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

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
/// * **Limits** (``ConnectionLimits``): a connection beyond the cap is answered 503 with
///   `Retry-After` at once and closed; a connection with no request under way is closed after the
///   idle timeout; a request head that takes longer than the header timeout from its first byte
///   gets 408 and the connection is closed; a body that stalls longer than the body timeout while
///   it is read closes the connection. No timeout runs while the server is making an answer, or
///   while the client waits for `100 Continue`.
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

    /// What a connection is waiting for when its timer runs out.
    private enum Wait {
        case idle, head, body
    }

    private let logger: Logger
    private let limits: ConnectionLimits
    private let connections: ConnectionCounter
    /// Whether this connection is counted in ``connections``.
    private var counted = false
    /// Sees the connection's bytes before the HTTP parser does: when a request head began.
    private let arrivals = ByteArrivals()
    /// When the connection last had no request under way: opened, or its last answer written.
    private var idleSince = NIODeadline.now()
    /// When the request being read last made progress: its head, a piece of its body, or `100 Continue`.
    private var bodyProgress = NIODeadline.now()
    private var timer: Scheduled<Void>?
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
    /// - Parameters:
    ///   - logger: Where malformed requests and timeouts are logged, one line each.
    ///   - limits: The timeouts and the connection cap.
    ///   - connections: The count of open connections, shared by every connection of the server.
    init(logger: Logger, limits: ConnectionLimits, connections: ConnectionCounter) {
        self.logger = logger
        self.limits = limits
        self.connections = connections
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
        bodyProgress = .now()
        resetTimer(context: context)
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
            if responsesWritten == requestsRead, !requestOpen {
                idleSince = .now()
                arrivals.reset()
            }
            resetTimer(context: context)
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
        bodyProgress = .now()
        resetTimer(context: context)
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
        logger.info("Malformed request from \(Self.peer(context)): \(apiError.message)")
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

    func handlerAdded(context: ChannelHandlerContext) {
        arrivals.onFirstByte = { [weak self] in self?.resetTimer(context: context) }
        // Adding a handler to the pipeline being built cannot fail but by a closed channel, which
        // needs no timeouts.
        try? context.pipeline.syncOperations.addHandler(arrivals, position: .first)
        if context.channel.isActive { opened(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finished()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finished()
    }

    /// Counts the connection, and refuses it when it is over the cap.
    private func opened(context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        idleSince = .now()
        let open = connections.opened()
        guard open <= limits.maxConnections else {
            logger.debug("Refused a connection: \(open - 1) are open, the limit is \(limits.maxConnections).")
            answer(
                .unavailable("The server has too many open connections; try again in a few seconds.", retryAfter: 5, closesConnection: true),
                context: context
            )
            return
        }
        resetTimer(context: context)
    }

    /// Stops the timers and uncounts the connection, once.
    private func finished() {
        linger?.cancel()
        linger = nil
        timer?.cancel()
        timer = nil
        arrivals.onFirstByte = nil
        if counted {
            counted = false
            connections.closed()
        }
    }

    // MARK: Timeouts

    /// When the connection times out, and what it is then waiting for; `nil` while no timeout runs.
    private var deadline: (at: NIODeadline, wait: Wait)? {
        guard !closing else { return nil }
        if requestOpen {
            // The body being read, unless an earlier request is still being answered (this one
            // waits its turn) or the client is holding it back until 100 Continue.
            guard requestsRead - responsesWritten <= 1, continueOwed != requestsRead else { return nil }
            return (bodyProgress + TimeAmount(limits.bodyTimeout), .body)
        }
        // The server is making an answer.
        guard responsesWritten == requestsRead else { return nil }
        if let firstByte = arrivals.firstByte {
            return (firstByte + TimeAmount(limits.headerTimeout), .head)
        }
        return (idleSince + TimeAmount(limits.idleTimeout), .idle)
    }

    /// Sets the timer to the current deadline.
    private func resetTimer(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        guard let deadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline.at) {
            self.timer = nil
            self.timedOut(context: context)
        }
    }

    private func timedOut(context: ChannelHandlerContext) {
        guard let deadline else { return }
        guard deadline.at <= .now() else {
            resetTimer(context: context)
            return
        }
        let peer = Self.peer(context)
        switch deadline.wait {
        case .idle:
            logger.debug("Closed the idle connection from \(peer).")
            closing = true
            context.close(promise: nil)
        case .head:
            logger.info("The request head from \(peer) took longer than \(limits.headerTimeout); answered 408.")
            answer(.requestTimeout("The request's head took longer than \(limits.headerTimeout) to arrive."), context: context)
        case .body:
            logger.info("The request body from \(peer) stalled for longer than \(limits.bodyTimeout); closed the connection.")
            closing = true
            context.close(promise: nil)
        }
    }

    /// The client's address and port, for the log.
    private static func peer(_ context: ChannelHandlerContext) -> String {
        context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "an unknown peer"
    }

    /// Writes `error` as the JSON error body with `Connection: close`, then closes.
    private func answer(_ error: APIError, context: ChannelHandlerContext) {
        malformed = .handled
        closing = true
        let body = Response.errorJSON(error)
        var head = HTTPResponse(status: error.status)
        head.headerFields[.contentType] = Response.jsonContentType
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        if let retryAfter = error.retryAfter { head.headerFields[.retryAfter] = String(retryAfter) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in self.closeOutput(context: context) }
        // Over TLS the answer is held until the handshake ends: a client that never finishes its
        // handshake is closed all the same.
        closeLater(context: context)
    }

    /// Shuts output, and the whole connection after ``lingerTime`` unless the client closes first.
    private func closeOutput(context: ChannelHandlerContext) {
        context.close(mode: .output, promise: nil)
        closeLater(context: context)
    }

    /// Closes the whole connection after ``lingerTime`` unless it closes first; the first call counts.
    private func closeLater(context: ChannelHandlerContext) {
        guard linger == nil else { return }
        linger = context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerTime) {
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTPExchangeHandler: Sendable {}

/// Notes when the first byte of a request arrives, ahead of the HTTP parser, which reports a
/// request only once its whole head is read; ``HTTPExchangeHandler`` puts it first in the pipeline.
final class ByteArrivals: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// When the first byte arrived since the last ``reset()``; `nil` when none has.
    private(set) var firstByte: NIODeadline?
    /// Called when that first byte arrives.
    var onFirstByte: (() -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if firstByte == nil {
            firstByte = .now()
            onFirstByte?()
        }
        context.fireChannelRead(data)
    }

    /// Starts waiting for the next request's first byte.
    func reset() {
        firstByte = nil
    }
}

@available(*, unavailable)
extension ByteArrivals: Sendable {}

/// How many connections the server has open, shared by the handlers of all of them.
final class ConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)

    /// Counts a new connection; returns how many are open with it.
    func opened() -> Int {
        open.add(1, ordering: .relaxed).newValue
    }

    /// Uncounts a connection that closed.
    func closed() {
        open.subtract(1, ordering: .relaxed)
    }

    /// How many connections are open now.
    var count: Int {
        open.load(ordering: .relaxed)
    }
}

extension HTTPFields {
    /// Whether the request asks for `100 Continue` before it sends its body.
    var expectsContinue: Bool {
        self[values: .expect].contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "100-continue" }
        }
    }
}
