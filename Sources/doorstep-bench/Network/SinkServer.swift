import Foundation
import Hummingbird
import Logging
import Synchronization

/// An HTTP server on 127.0.0.1, in this process, that reads every request body and throws it away:
/// what posting the sync's bytes costs with no processing at all, the network half of "the limit".
///
/// It runs the same HTTP stack as `doorstep-server` (Hummingbird 2 on SwiftNIO), so the difference
/// between the two is the server's own work: decoding, validating, merging and storing.
final class SinkServer: Sendable {
    /// The port it listens on.
    let port: Int
    private let task: Task<Void, any Error>
    private let received: ByteCounter

    /// Bytes of request bodies read so far.
    var bodyBytes: Int { received.value }

    /// Starts the sink on a free port and waits until it listens.
    init() async throws {
        let counter = ByteCounter()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("v1/push") { request, _ -> Response in
            var bytes = 0
            for try await buffer in request.body { bytes += buffer.readableBytes }
            counter.add(bytes)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        var logger = Logger(label: "doorstep-bench.sink")
        logger.logLevel = .critical
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "sink"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        task = Task { try await application.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            throw BenchError.requestFailed("the sink server did not start")
        }
        self.port = port
        received = counter
    }

    /// Stops the sink.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A count of bytes shared between the sink's request handlers.
private final class ByteCounter: Sendable {
    private let total = Atomic<Int>(0)

    func add(_ count: Int) { total.add(count, ordering: .relaxed) }
    var value: Int { total.load(ordering: .relaxed) }
}
