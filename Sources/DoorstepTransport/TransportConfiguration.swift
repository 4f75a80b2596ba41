/// How the client connects: timeouts, TLS trust and limits.
///
/// Proxies come from the usual environment variables (`http_proxy`, `https_proxy`, `no_proxy`),
/// which libcurl reads itself; nothing here overrides them.
public struct TransportConfiguration: Sendable, Hashable {
    /// How long to wait for a connection (TCP and TLS handshake) before giving up.
    public var connectTimeout: Duration
    /// A transfer slower than this many bytes per second for ``lowSpeedTime`` is abandoned, so a
    /// stalled connection does not hang an overnight job.
    public var lowSpeedLimit: Int
    /// See ``lowSpeedLimit``.
    public var lowSpeedTime: Duration
    /// An upper bound on one whole request, or `nil` for none (the low-speed limit still applies).
    public var requestTimeout: Duration?
    /// A PEM file of certificate authorities to trust instead of the system's, for a private CA.
    public var caFile: String?
    /// The `User-Agent` header.
    public var userAgent: String
    /// A response body larger than this many bytes is refused.
    public var maximumResponseSize: Int

    /// Creates a configuration; the defaults suit a laptop on a patchy mobile connection.
    public init(
        connectTimeout: Duration = .seconds(10),
        lowSpeedLimit: Int = 1,
        lowSpeedTime: Duration = .seconds(30),
        requestTimeout: Duration? = nil,
        caFile: String? = nil,
        userAgent: String = "doorstep/1",
        maximumResponseSize: Int = 1 << 30
    ) {
        self.connectTimeout = connectTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.requestTimeout = requestTimeout
        self.caFile = caFile
        self.userAgent = userAgent
        self.maximumResponseSize = maximumResponseSize
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a small positive duration never becomes "no limit".
    var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let remainder = attoseconds % 1_000_000_000_000_000
        return Int(milliseconds + (remainder > 0 ? 1 : 0))
    }
}
