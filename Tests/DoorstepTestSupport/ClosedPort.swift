import Glibc

/// A port on 127.0.0.1 that nothing listens on: one the system picked as free, bound and closed
/// again, so a connection to it is refused at once, and a server started on it finds it free.
/// - Throws: ``RawHTTPError`` when no socket can be bound.
public func closedLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw RawHTTPError("socket() failed with errno \(errno).") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw RawHTTPError("bind() to a free port failed with errno \(errno).") }
    return Int(UInt16(bigEndian: address.sin_port))
}
