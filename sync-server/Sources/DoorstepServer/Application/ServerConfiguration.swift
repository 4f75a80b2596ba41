#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import Logging

/// How the server runs: where it listens and whether over TLS, its data directory and its limits.
public struct ServerConfiguration: Sendable {
    /// The address to bind; `127.0.0.1` unless told.
    public var host: String
    /// The port; `0` picks a free one (the URL printed on start says which).
    public var port: Int
    /// The certificate and key every connection speaks TLS with (`https://`); `nil` for plain HTTP.
    public var tls: ServerTLS?
    /// Where the data is: a data directory holding `doorstep-server.sqlite`, or PostgreSQL.
    public var store: StoreLocation
    /// How far ahead of the server's clock a device stamp may be before the server re-stamps it.
    public var maxClockDrift: Duration
    /// The most operations one push may carry.
    public var maxBatchSize: Int
    /// The most items one pull page may carry.
    public var maxPullLimit: Int
    /// How long a connection may take over each part of a request, and how many may be open.
    public var connections: ConnectionLimits
    /// How much each token may ask of the server in a window of time.
    public var quota: QuotaLimits
    /// `/healthz` answers 503 when the data directory's file system has less free space than this
    /// (the embedded store only: PostgreSQL's disk is its own).
    public var minimumFreeBytes: Int64
    /// The least severe log level written to stderr.
    public var logLevel: Logger.Level
    /// The port of the Prometheus metrics listener on 127.0.0.1 (`0` picks a free one); `nil`
    /// serves no metrics. See ``ServerMetrics``.
    public var metricsPort: Int?

    /// Creates a configuration; every limit has a default.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, tls: ServerTLS? = nil, store: StoreLocation,
        maxClockDrift: Duration = .seconds(300), maxBatchSize: Int = 5_000, maxPullLimit: Int = 5_000,
        connections: ConnectionLimits = ConnectionLimits(), quota: QuotaLimits = QuotaLimits(),
        minimumFreeBytes: Int64 = 64 * 1_048_576, logLevel: Logger.Level = .info, metricsPort: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.store = store
        self.maxClockDrift = maxClockDrift
        self.maxBatchSize = maxBatchSize
        self.maxPullLimit = maxPullLimit
        self.connections = connections
        self.quota = quota
        self.minimumFreeBytes = minimumFreeBytes
        self.logLevel = logLevel
        self.metricsPort = metricsPort
    }
}

/// How long a client may take over a request, and how many connections may be open at once.
///
/// A client that holds a connection without finishing its request (sending nothing, or a header
/// line every few seconds, or a body a byte at a time) is cut off, so that idle and slow
/// connections cannot use up the server's file descriptors.
public struct ConnectionLimits: Sendable, Hashable {
    /// How long a connection may stay open with no request under way (before its first request,
    /// or after its last answer) before the server closes it.
    public var idleTimeout: Duration
    /// How long a client may take to send a request's head (request line and headers), from its
    /// first byte; then the server answers 408 and closes the connection.
    public var headerTimeout: Duration
    /// How long a request's body may stall (no byte arriving while the server reads it) before
    /// the server closes the connection.
    public var bodyTimeout: Duration
    /// The most connections open at once; a connection beyond it is answered 503 at once and closed.
    public var maxConnections: Int

    /// Creates limits; the connection cap defaults to ``defaultMaxConnections()``.
    public init(
        idleTimeout: Duration = .seconds(60), headerTimeout: Duration = .seconds(20), bodyTimeout: Duration = .seconds(30),
        maxConnections: Int? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections ?? Self.defaultMaxConnections()
    }

    /// File descriptors kept back from connections for the database, its journal files, the
    /// listening socket, backups and logs.
    public static let reservedDescriptors = 128

    /// The process's open-file limit less ``reservedDescriptors``, at most 10,000 and at least 16.
    public static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1_000 }
        let soft = min(UInt64(limit.rlim_cur), 1 << 32)
        return Int(min(max(soft, UInt64(16 + reservedDescriptors)) - UInt64(reservedDescriptors), 10_000))
    }
}

/// How much one token may ask of the server in each window of time (`0` is no limit).
///
/// Requests over the quota get 429 with `Retry-After` (the seconds left in the window). The
/// defaults are generous: a day of action's laptops come nowhere near them, and neither does the
/// benchmark's naive upload of one request per operation; they stop a runaway or stolen token.
public struct QuotaLimits: Sendable, Hashable {
    /// The length of a window.
    public var window: Duration
    /// The most requests per token in one window.
    public var requests: Int
    /// The most request-body bytes per token in one window.
    public var bytes: Int64

    /// Creates limits: by default 60,000 requests and 1 GiB of request bodies per token per minute.
    public init(window: Duration = .seconds(60), requests: Int = 60_000, bytes: Int64 = 1 << 30) {
        self.window = window
        self.requests = requests
        self.bytes = bytes
    }
}
