import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that forwards every connection to a target port and counts the bytes
/// that pass each way: what "bytes on the wire" means here (HTTP headers and bodies, not the
/// TCP/IP framing).
///
/// Blocking sockets, one thread per direction of each connection: simple, and fast enough that the
/// benchmark only uses it on untimed replays.
final class CountingProxy: Sendable {
    /// The port the proxy listens on.
    let port: Int
    private let listener: Int32
    private let targetPort: Int
    private let upstreamBytes = Atomic<Int>(0)
    private let downstreamBytes = Atomic<Int>(0)
    private let connectionCount = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    /// Starts listening on a free port and forwarding to `127.0.0.1:targetPort`.
    ///
    /// - Throws: ``BenchError/requestFailed(_:)`` when the socket cannot be set up.
    init(targetPort: Int) throws {
        self.targetPort = targetPort
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError.requestFailed("the proxy could not open a socket") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 128) == 0 else {
            close(socket)
            throw BenchError.requestFailed("the proxy could not listen on 127.0.0.1")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        listener = socket
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Bytes sent by clients towards the server so far.
    var requestBytes: Int { upstreamBytes.load(ordering: .relaxed) }
    /// Bytes sent by the server back to clients so far.
    var responseBytes: Int { downstreamBytes.load(ordering: .relaxed) }
    /// Connections accepted so far.
    var connections: Int { connectionCount.load(ordering: .relaxed) }

    /// Stops accepting connections; open ones end when their peers close them.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let upstream = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard upstream >= 0, connected == 0 else {
                close(client)
                if upstream >= 0 { close(upstream) }
                continue
            }
            for socket in [client, upstream] {
                var one: Int32 = 1
                setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            connectionCount.add(1, ordering: .relaxed)
            let pair = SocketPair(client, upstream)
            Thread { [self] in pump(from: client, to: upstream, counting: upstreamBytes, pair: pair) }.start()
            Thread { [self] in pump(from: upstream, to: client, counting: downstreamBytes, pair: pair) }.start()
        }
    }

    /// Copies bytes until the source closes, then half-closes the destination.
    private func pump(from source: Int32, to destination: Int32, counting counter: borrowing Atomic<Int>, pair: SocketPair) {
        let size = 256 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        copying: while true {
            let count = recv(source, buffer, size, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            counter.add(count, ordering: .relaxed)
            var sent = 0
            while sent < count {
                let written = send(destination, buffer + sent, count - sent, Int32(MSG_NOSIGNAL))
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { break copying }
                sent += written
            }
        }
        shutdown(destination, Int32(SHUT_WR))
        pair.finishOne()
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// The two sockets of one proxied connection, closed once both directions have finished.
private final class SocketPair: Sendable {
    private let sockets: (Int32, Int32)
    private let running = Atomic<Int>(2)

    init(_ first: Int32, _ second: Int32) {
        sockets = (first, second)
    }

    /// Called by each direction when it is done; the second call closes both sockets.
    func finishOne() {
        if running.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            close(sockets.0)
            close(sockets.1)
        }
    }
}
