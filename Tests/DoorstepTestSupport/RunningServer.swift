public import Foundation

/// A real `doorstep-server serve` process on a free loopback port, stopped when released.
public final class RunningServer: @unchecked Sendable {
    /// The data directory the server runs on.
    public let data: String
    /// The base URL it printed, such as `http://127.0.0.1:41234`.
    public private(set) var url: String = ""
    private let process = Process()
    private let output = Pipe()
    private let errors: TemporaryFile

    /// Starts `doorstep-server serve --data DATA --port 0` (plus `arguments`) on the tests' store
    /// (``TestStore``) and waits for its URL.
    public init(data: String, arguments: [String] = [], timeout: TimeInterval = 30) throws {
        self.data = data
        errors = try TemporaryFile()
        process.executableURL = BuiltProducts.executable("doorstep-server")
        process.arguments = try TestStore.serverArguments(["serve", "--data", data, "--host", "127.0.0.1", "--port", "0"] + arguments)
        process.standardOutput = output
        process.standardError = errors.handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = Data()
        let reader = output.fileHandleForReading
        while Date() < deadline, process.isRunning {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            if let text = String(data: buffer, encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("http://") || $0.hasPrefix("https://") }) {
                url = line.trimmingCharacters(in: .whitespaces)
                break
            }
        }
        guard !url.isEmpty else {
            stop(signal: SIGKILL)
            throw ServerStartError(log: errors.contents())
        }
    }

    /// The process id, for fault injection.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// How the process ended, such as `exit status 1` or `signal 9`; nil while it runs.
    public var termination: String? {
        guard !process.isRunning else { return nil }
        let status = process.terminationStatus
        return process.terminationReason == .uncaughtSignal ? "signal \(status)" : "exit status \(status)"
    }

    /// What the server wrote on stderr so far (its logs).
    public func log() -> String {
        (try? String(contentsOf: errors.url, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// The server did not print its URL in time.
public struct ServerStartError: Error, CustomStringConvertible {
    public let log: String
    public var description: String { "doorstep-server did not start:\n\(log)" }
}
