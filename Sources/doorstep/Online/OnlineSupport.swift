#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import ArgumentParser
public import DoorstepLogging
import DoorstepStore
import DoorstepSync
import DoorstepTransport
import Foundation
import Logging

extension SyncError: ExitCodeProviding {
    var exitCode: DoorstepExit { DoorstepExit(rawValue: exitStatus) ?? .failure }
    var messageLines: [String] { [description] }
}

extension TransportError: ExitCodeProviding {
    var exitCode: DoorstepExit { isTransient ? .tryLater : .unavailable }
    var messageLines: [String] { [description] }
}

/// Options of every command that talks to the server: how long to keep retrying, how much to log.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("retry-max-time"),
        help: ArgumentHelp(
            "Keep retrying an unreachable or failing server for at most this many seconds (default 120; 0: one "
                + "attempt). Without it, a sync gives up at once on a server it cannot connect to at all.",
            valueName: "seconds"
        )
    )
    var retryMaxTime: Double?

    /// How long to keep retrying when `--retry-max-time` is not given.
    static let defaultRetryMaxTime = 120.0

    @Flag(name: .long, help: "Log each request and batch on stderr.")
    var verbose = false

    func validate() throws {
        guard let retryMaxTime else { return }
        guard retryMaxTime >= 0, retryMaxTime <= 86_400 else {
            throw ValidationError("--retry-max-time must be between 0 and 86400 seconds.")
        }
    }

    /// The retry policy: the standard backoff within the time allowed.
    var retryPolicy: RetryPolicy {
        let seconds = retryMaxTime ?? Self.defaultRetryMaxTime
        guard seconds > 0 else { return .never }
        var policy = RetryPolicy.standard
        policy.totalBudget = .milliseconds(Int(seconds * 1000))
        policy.maximumAttempts = 1000
        return policy
    }

    /// Whether the command was asked to wait for the server (`--retry-max-time` given), so that a
    /// server it cannot connect to at all is retried rather than given up at once.
    var waitsForServer: Bool { retryMaxTime != nil }

    /// A logger writing to stderr at notice level (info with `--verbose`, warnings only when `quiet`).
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - quiet: Log warnings and errors only.
    ///   - format: Text lines, or one JSON object per line.
    func logger(_ label: String, quiet: Bool = false, format: LogFormat = .text) -> Logger {
        var logger = Logger(label: label, factory: format.handler)
        logger.logLevel = verbose ? .info : quiet ? .warning : .notice
        return logger
    }
}

extension LogFormat: ExpressibleByArgument {}

/// The store, the server and the token of an enrolled laptop.
struct OnlineSession {
    /// Where login keeps a copy of the server's CA certificate, inside the home folder.
    static let caFileName = "server-ca.pem"

    let home: URL
    let store: ClientStore
    let settings: SyncSettings
    let api: ServerAPI

    /// Opens the store and prepares the API with the stored server, token and CA file.
    /// - Throws: ``SyncError/notLoggedIn`` when the laptop is not enrolled.
    init(home options: HomeOptions, connection: ConnectionOptions, logger: Logger) throws {
        home = try options.homeURL()
        store = try options.openStore()
        settings = try store.syncSettings()
        guard let server = settings.server, let token = settings.token, let url = URL(string: server) else {
            throw SyncError.notLoggedIn
        }
        let caFile = home.appendingPathComponent(Self.caFileName)
        let transport = try HTTPClient(
            configuration: TransportConfiguration(
                caFile: FileManager.default.fileExists(atPath: caFile.path) ? caFile.path : nil
            ),
            logger: logger
        )
        api = ServerAPI(server: url, token: token, transport: transport, retry: connection.retryPolicy)
    }
}

/// Writes what the server sent to a file (mode 0600: exports hold personal data) or to stdout.
enum Download {
    /// Writes `data` to `output` whole or not at all: into a temporary file beside it, created
    /// with mode 0600 before any byte is written, then renamed over it.
    static func write(_ data: Data, to output: String?) throws {
        guard let output, output != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        let url = URL(fileURLWithPath: output)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8).lowercased()).part")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CLIError(.usage, "The file \(output) cannot be written.")
        }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try file.write(contentsOf: data)
            try file.synchronize()
            try file.close()
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError(.usage, "The file \(output) cannot be written.")
        }
    }
}
