public import Foundation
import Glibc

/// A plain TCP connection to a server on 127.0.0.1, for HTTP exchanges byte by byte: requests no
/// well-behaved client sends, and conversations such as `Expect: 100-continue`.
///
/// Every read waits at most `timeout` seconds, so a test never hangs on a silent server.
public final class RawHTTPConnection {
    private let descriptor: Int32
    private var buffered = Data()
    private var closedByPeer = false

    /// Connects to 127.0.0.1 on the port of `url` (such as `http://127.0.0.1:41234`).
    ///
    /// - Parameters:
    ///   - url: The server's base URL, as ``RunningServer/url`` holds it.
    ///   - timeout: The longest any single read or write waits, in seconds.
    /// - Throws: ``RawHTTPError`` when the URL has no port or the connection fails.
    public init(url: String, timeout: Int = 10) throws {
        guard let port = URL(string: url)?.port else { throw RawHTTPError("\(url) names no port.") }
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawHTTPError("socket() failed with errno \(errno).") }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw RawHTTPError("connect() to port \(port) failed with errno \(code).")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends `data`; returns false when the server closed the connection before taking all of it.
    @discardableResult
    public func send(_ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = Glibc.send(descriptor, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return false }
                sent += count
            }
            return true
        }
    }

    /// Sends `text` as UTF-8.
    @discardableResult
    public func send(_ text: String) -> Bool {
        send(Data(text.utf8))
    }

    /// Tells the server nothing more will be sent (the read side stays open).
    public func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Reads the next response: its head, then a body of `Content-Length` bytes (or, without one,
    /// everything until the server closes). An interim `1xx` response is returned on its own.
    ///
    /// - Returns: nil when the connection closed, or a read timed out, before a whole head came.
    public func readResponse() -> RawHTTPResponse? {
        let separator = Data("\r\n\r\n".utf8)
        var headEnd = buffered.range(of: separator)
        while headEnd == nil {
            guard receive() else { return nil }
            headEnd = buffered.range(of: separator)
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: buffered[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        buffered.removeSubrange(..<headEnd.upperBound)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if (100..<200).contains(status) {
            return RawHTTPResponse(statusLine: lines[0], status: status, headers: headers, body: Data())
        }
        if let length = headers["content-length"].flatMap(Int.init) {
            while buffered.count < length {
                guard receive() else { return nil }
            }
            let body = buffered.prefix(length)
            buffered.removeSubrange(..<length)
            return RawHTTPResponse(statusLine: lines[0], status: status, headers: headers, body: Data(body))
        }
        while receive() {}
        defer { buffered.removeAll() }
        return RawHTTPResponse(statusLine: lines[0], status: status, headers: headers, body: buffered)
    }

    /// Everything the server sends until it closes the connection, or nil when a read times out
    /// first (the server kept the connection open).
    public func readUntilClosed() -> Data? {
        while receive() {}
        guard closedByPeer else { return nil }
        defer { buffered.removeAll() }
        return buffered
    }

    /// Reads once into the buffer; false on close, reset or timeout.
    private func receive() -> Bool {
        guard !closedByPeer else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &chunk, chunk.count, 0)
        if count > 0 {
            buffered.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 || errno == ECONNRESET { closedByPeer = true }
        return false
    }
}

/// One response read off a ``RawHTTPConnection``.
public struct RawHTTPResponse: Sendable {
    /// The first line as sent, such as `HTTP/1.1 100 Continue`.
    public var statusLine: String
    public var status: Int
    /// The header fields, names in lower case.
    public var headers: [String: String]
    public var body: Data

    /// The body as a JSON object, if it is one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Whether the response says the server closes the connection after it.
    public var closesConnection: Bool { headers["connection"]?.lowercased() == "close" }
}

/// A raw connection could not be made.
public struct RawHTTPError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
