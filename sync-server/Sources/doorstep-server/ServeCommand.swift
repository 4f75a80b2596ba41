#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import ArgumentParser
public import DoorstepLogging
import DoorstepServer
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server; prints the URL it listens on, stops on SIGTERM or SIGINT.",
        discussion: """
            Examples:
              doorstep-server serve --data /var/lib/doorstep-server --host 127.0.0.1 --port 8080
              doorstep-server serve --port 0 --log-level warning     # a free port, printed
              doorstep-server serve --log-format json --metrics-port 9464
              doorstep-server serve --host 0.0.0.0 --port 8443 --tls-cert /etc/doorstep/tls/server.pem --tls-key /etc/doorstep/tls/server.key
              doorstep-server serve --database postgres://doorstep@db.internal/doorstep --instance web-1
              doorstep-server serve --purge-interval 0      # no purge here; doorstep-server purge runs from cron
            """
    )

    @OptionGroup var data: DataOptions
    @Option(help: "This instance's name among instances sharing a PostgreSQL database; part of every stamp it issues (default: host name and process id).")
    var instance: String?
    @Option(help: "Connections this instance opens to PostgreSQL at most, each with a thread waiting on it (default 8).")
    var databaseConnections: Int?
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one.") var port = 8080
    @Option(help: ArgumentHelp(
        "Serve over TLS with this PEM certificate (then any intermediate CA certificates); needs --tls-key.", valueName: "file"
    ))
    var tlsCert: String?
    @Option(help: ArgumentHelp("The PEM file of the --tls-cert certificate's private key, unencrypted.", valueName: "file"))
    var tlsKey: String?
    @Option(help: "Seconds a device's clock may run ahead before the server re-stamps its writes.")
    var maxClockDrift = 300
    @Option(help: "The most operations one push may carry.") var maxBatch = 5_000
    @Option(help: "Seconds a connection may stay open with no request under way.") var idleTimeout = 60.0
    @Option(help: "Seconds a client may take to send a request's head, from its first byte; then 408.")
    var headerTimeout = 20.0
    @Option(help: "Seconds a request's body may stall while it is read before the connection is closed.")
    var bodyTimeout = 30.0
    @Option(help: "The most connections open at once (default: the open-file limit less 128, at most 10000).")
    var maxConnections: Int?
    @Option(help: "Requests per token per quota window (0: no limit).") var quotaRequests = 60_000
    @Option(help: "Request-body MiB per token per quota window (0: no limit).") var quotaMib = 1_024
    @Option(help: "The quota window in seconds.") var quotaWindow = 60
    @Option(help: "/healthz answers 503 when the data directory's disk has fewer MiB free (embedded store).") var minFreeMib = 64
    @Option(help: "The least severe log level written to stderr (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"
    @Option(help: "How log lines are written on stderr: text, or json (one object per line).")
    var logFormat = LogFormat.text
    @Option(help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (off unless given; 0 picks a free port, logged).")
    var metricsPort: Int?
    @Option(help: "Seconds between runs of the purge of answers past their retention period, the first at start (0: never; run doorstep-server purge from cron instead).")
    var purgeInterval = 86_400

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("The port must be between 0 and 65535.") }
        if let metricsPort {
            guard (0...65_535).contains(metricsPort) else { throw ValidationError("The metrics port must be between 0 and 65535.") }
            guard metricsPort == 0 || metricsPort != port else {
                throw ValidationError("The metrics port must differ from the port the server listens on.")
            }
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together: pass both to serve over TLS, or neither for plain HTTP.")
        }
        guard maxClockDrift >= 0 else { throw ValidationError("The clock drift cannot be negative.") }
        guard maxBatch >= 1 else { throw ValidationError("The batch limit must be at least 1.") }
        for (name, seconds) in [("idle", idleTimeout), ("header", headerTimeout), ("body", bodyTimeout)] {
            guard seconds > 0, seconds <= 86_400 else {
                throw ValidationError("The \(name) timeout must be more than 0 and at most 86400 seconds.")
            }
        }
        guard (maxConnections ?? 1) >= 1 else { throw ValidationError("The connection limit must be at least 1.") }
        guard quotaRequests >= 0, quotaMib >= 0 else { throw ValidationError("A quota cannot be negative.") }
        guard quotaWindow >= 1 else { throw ValidationError("The quota window must be at least 1 second.") }
        guard minFreeMib >= 0 else { throw ValidationError("The free space cannot be negative.") }
        guard purgeInterval >= 0 else { throw ValidationError("The purge interval cannot be negative.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown log level \(logLevel).") }
        if let databaseConnections {
            guard data.url != nil else {
                throw ValidationError("--database-connections sizes the connections to PostgreSQL: pass --database URL too.")
            }
            guard (1...200).contains(databaseConnections) else {
                throw ValidationError("--database-connections must be from 1 to 200.")
            }
        }
        if let instance {
            guard !instance.isEmpty, instance.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                throw ValidationError("An instance name is ASCII letters, digits, '-' and '.'.")
            }
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler = format.handler(label: label)
            handler.logLevel = level
            return handler
        }
        OpenFileLimit.raise()
        var tls: ServerTLS?
        if let tlsCert, let tlsKey {
            try Failure.run { tls = try ServerTLS(certificateFile: tlsCert, keyFile: tlsKey) }
        }
        let configuration = ServerConfiguration(
            host: host, port: port, tls: tls, store: try data.location, maxClockDrift: .seconds(maxClockDrift),
            maxBatchSize: maxBatch,
            connections: ConnectionLimits(
                idleTimeout: .milliseconds(Int64(idleTimeout * 1_000)), headerTimeout: .milliseconds(Int64(headerTimeout * 1_000)),
                bodyTimeout: .milliseconds(Int64(bodyTimeout * 1_000)), maxConnections: maxConnections
            ),
            quota: QuotaLimits(window: .seconds(quotaWindow), requests: quotaRequests, bytes: Int64(quotaMib) * 1_048_576),
            minimumFreeBytes: Int64(minFreeMib) * 1_048_576, logLevel: level, metricsPort: metricsPort
        )
        let database: ServerDatabase
        do {
            database = try data.open(instance: instance ?? ServerDatabase.defaultInstance, connections: databaseConnections)
        } catch {
            throw Failure.report("Cannot open \(data.shown): \(error)", code: 1)
        }
        do {
            try database.checkClock(maxDrift: configuration.maxClockDrift)
        } catch {
            try? database.close()
            throw Failure.report(error.description, code: 1)
        }
        let interval = purgeInterval
        let purging = interval > 0 ? Task { await database.purgePeriodically(every: .seconds(interval)) } : nil
        do {
            try await buildApplication(configuration: configuration, database: database).runService()
        } catch {
            purging?.cancel()
            _ = await purging?.value
            try? database.close()
            throw Failure.report("The server stopped: \(error)", code: 1)
        }
        purging?.cancel()
        _ = await purging?.value
        try database.close()
    }
}

extension LogFormat: ExpressibleByArgument {}

/// The process's limit on open files, which caps how many connections it can hold.
enum OpenFileLimit {
    /// Raises the soft limit to the hard one, as servers do, so the connection cap's default
    /// (``ConnectionLimits/defaultMaxConnections()``) is not held at a login shell's 1,024.
    static func raise() {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }
}
