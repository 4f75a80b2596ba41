/// Why a request got no HTTP response, in one sentence each.
///
/// ``isTransient`` separates "the server is unreachable, try later" (no network, a server that is
/// down, a timeout, a connection cut mid-transfer) from failures that retrying will not fix
/// (an untrusted certificate, a malformed URL). libcurl's codes are listed at
/// https://curl.se/libcurl/c/libcurl-errors.html.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL is malformed or uses a scheme other than http and https.
    case invalidURL(String)
    /// The server's name (or the proxy's) could not be resolved: usually no network.
    case cannotResolveHost(host: String, detail: String)
    /// Nothing accepted the connection: the server is down or unreachable.
    case cannotConnect(host: String, detail: String)
    /// The connection or the transfer took too long, or stalled below the low-speed limit.
    case timedOut(host: String, detail: String)
    /// The connection broke before the whole response arrived.
    case connectionLost(host: String, detail: String)
    /// The TLS handshake failed before the certificate could be checked.
    case tlsHandshakeFailed(host: String, detail: String)
    /// The server's certificate is not trusted (unknown CA, wrong name, expired) or the CA file is unusable.
    case certificateNotTrusted(host: String, detail: String)
    /// The server sent a body in an encoding that could not be decoded.
    case badContentEncoding(host: String, detail: String)
    /// The response body exceeded the configured maximum size.
    case responseTooLarge(host: String, limit: Int)
    /// Any other libcurl failure, with its code.
    case failed(host: String, code: Int, detail: String)

    /// Whether no connection could be made at all: the server's name is unknown, or nothing
    /// accepted the connection (refused, no route). The request never reached the server, as
    /// opposed to a connection that timed out, broke or failed its TLS handshake.
    public var isNoConnection: Bool {
        switch self {
        case .cannotResolveHost, .cannotConnect: true
        default: false
        }
    }

    /// Whether the failure means "unreachable, try again later" and a retry may succeed.
    public var isTransient: Bool {
        switch self {
        case .cannotResolveHost, .cannotConnect, .timedOut, .connectionLost, .tlsHandshakeFailed: true
        case .invalidURL, .certificateNotTrusted, .badContentEncoding, .responseTooLarge, .failed: false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url):
            "The address \(url) is not a valid http or https URL."
        case .cannotResolveHost(let host, let detail):
            "Could not find the server \(host); check the network connection (\(detail))."
        case .cannotConnect(let host, let detail):
            "Could not connect to \(host); the server may be down or unreachable, try again later (\(detail))."
        case .timedOut(let host, let detail):
            "The connection to \(host) timed out; try again later (\(detail))."
        case .connectionLost(let host, let detail):
            "The connection to \(host) broke before the answer arrived; try again later (\(detail))."
        case .tlsHandshakeFailed(let host, let detail):
            "The secure connection to \(host) could not be set up (\(detail))."
        case .certificateNotTrusted(let host, let detail):
            "The certificate of \(host) is not trusted; pass the organisation's CA file with --cacert (\(detail))."
        case .badContentEncoding(let host, let detail):
            "The answer from \(host) could not be decompressed (\(detail))."
        case .responseTooLarge(let host, let limit):
            "The answer from \(host) is larger than the \(limit)-byte limit."
        case .failed(let host, let code, let detail):
            "The request to \(host) failed with libcurl error \(code) (\(detail))."
        }
    }
}
