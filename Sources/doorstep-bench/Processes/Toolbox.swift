import Foundation
import Synchronization

/// The real executables the benchmark drives, `doorstep` and `doorstep-server`, found next to
/// `doorstep-bench` itself, and the folder their output goes to.
final class Toolbox: Sendable {
    /// The client CLI.
    let doorstep: URL
    /// The server CLI.
    let server: URL
    /// Where every child's standard output and error are kept.
    let logs: URL
    private let counter = Atomic<Int>(0)

    /// Finds the executables beside this one.
    ///
    /// - Throws: ``BenchError/missingExecutable(_:)``.
    init(logs: URL) throws {
        let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        doorstep = folder.appendingPathComponent("doorstep")
        server = folder.appendingPathComponent("doorstep-server")
        for executable in [doorstep, server] where !FileManager.default.isExecutableFile(atPath: executable.path) {
            throw BenchError.missingExecutable(executable.path)
        }
        self.logs = logs
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    }

    /// Starts `executable` with `arguments`; its output goes to a numbered file in ``logs``.
    func spawn(_ executable: URL, _ arguments: [String]) throws -> Subprocess {
        let number = counter.add(1, ordering: .relaxed).newValue
        let name = String(format: "%05d-%@-%@", number, executable.lastPathComponent, arguments.first ?? "run")
        return try Subprocess(executable, arguments, output: logs.appendingPathComponent(name))
    }

    /// Runs `executable` to the end.
    func run(_ executable: URL, _ arguments: [String]) throws -> Subprocess.Exit {
        try spawn(executable, arguments).wait()
    }

    /// Runs a `doorstep-server` administration command and returns its standard output.
    @discardableResult
    func admin(_ arguments: [String]) throws -> String {
        try run(server, arguments).checkedOutput()
    }

    /// Runs a `doorstep` command and returns its standard output.
    @discardableResult
    func client(_ arguments: [String]) throws -> String {
        try run(doorstep, arguments).checkedOutput()
    }

    /// Creates a token on a server's data and returns it.
    func createToken(data: ServerData, role: String, name: String) throws -> String {
        let output = try admin(["tokens", "create"] + data.arguments + ["--role", role, "--name", name])
        guard let token = output.split(whereSeparator: \.isNewline).last?.trimmingCharacters(in: .whitespaces),
              !token.isEmpty
        else { throw BenchError.commandFailed("doorstep-server tokens create", "no token printed") }
        return token
    }
}

/// A running `doorstep-server serve` on a free loopback port.
final class ServerProcess: Sendable {
    /// The data it serves.
    let data: ServerData
    /// Its base URL, such as `http://127.0.0.1:41234`.
    let url: String
    let process: Subprocess

    /// Starts the server, as instance `instance` when several serve one PostgreSQL database, and
    /// waits (at most 30 s) for the URL it prints.
    ///
    /// - Throws: ``BenchError/serverDidNotStart(_:)``.
    init(data: ServerData, tools: Toolbox, instance: String? = nil) throws {
        self.data = data
        process = try tools.spawn(
            tools.server,
            ["serve"] + data.arguments + ["--host", "127.0.0.1", "--port", "0"] + (instance.map { ["--instance", $0] } ?? [])
        )
        let deadline = ContinuousClock.now + .seconds(30)
        var found: String?
        while found == nil, ContinuousClock.now < deadline {
            found = process.output().split(whereSeparator: \.isNewline)
                .first { $0.hasPrefix("http://") }
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if found == nil { usleep(5_000) }
        }
        guard let found else {
            process.send(SIGKILL)
            _ = process.wait()
            throw BenchError.serverDidNotStart(String(process.errors().suffix(2_000)))
        }
        url = found
    }

    /// Peak resident memory so far, in bytes.
    func peakMemory() -> Int { process.peakMemory() ?? 0 }

    /// CPU time used so far, in seconds.
    func cpuSeconds() -> Double { process.cpuSeconds() ?? 0 }

    /// Stops the server with SIGTERM (graceful shutdown) and waits for it.
    func stop() {
        process.send(SIGTERM)
        _ = process.wait()
    }
}
