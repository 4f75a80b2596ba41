public import Foundation
public import Logging

/// How the server runs: where it listens, its data directory and its limits.
public struct ServerConfiguration: Sendable {
    /// The address to bind; `127.0.0.1` unless told.
    public var host: String
    /// The port; `0` picks a free one (the URL printed on start says which).
    public var port: Int
    /// The data directory holding `doorstep-server.sqlite`.
    public var dataDirectory: URL
    /// How far ahead of the server's clock a device stamp may be before the server re-stamps it.
    public var maxClockDrift: Duration
    /// The most operations one push may carry.
    public var maxBatchSize: Int
    /// The most items one pull page may carry.
    public var maxPullLimit: Int
    /// The least severe log level written to stderr.
    public var logLevel: Logger.Level

    /// Creates a configuration; every limit has a default.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: URL,
        maxClockDrift: Duration = .seconds(300), maxBatchSize: Int = 5_000, maxPullLimit: Int = 5_000,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.maxClockDrift = maxClockDrift
        self.maxBatchSize = maxBatchSize
        self.maxPullLimit = maxPullLimit
        self.logLevel = logLevel
    }
}
