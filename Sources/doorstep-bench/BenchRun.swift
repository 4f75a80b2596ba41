import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// One benchmark run: the work folder, the executables, the scenario, and the report it fills in
/// phase by phase.
final class BenchRun {
    let folder: URL
    let sizes: Sizes
    let phases: Set<Phase>
    let quick: Bool
    let seed: UInt64
    /// Server instances on one database in the clients phase.
    let instances: Int
    let tools: Toolbox
    let scenario: Scenario
    var report: BenchReport

    /// What the push phase leaves for the phases that reuse its data.
    struct PushedData {
        /// The home that synced, holding every response.
        var home: URL
        /// The server that received them, still running.
        var server: ServerProcess
        /// The operations pushed, as the home's outbox held them.
        var operations: [SyncOperation]
        /// The request bodies of the sync's pushes, in order.
        var syncSeconds: Double
        var serverPushSeconds: Double?
    }

    init(
        folder: URL, sizes: Sizes, phases: Set<Phase>, quick: Bool, seed: UInt64, formFile: URL, database: String?,
        instances: Int, sealing: Bool
    ) throws {
        self.folder = folder
        self.sizes = sizes
        self.phases = phases
        self.quick = quick
        self.seed = seed
        self.instances = instances
        let tools = try Toolbox(logs: folder.appendingPathComponent("logs"))
        self.tools = tools
        let postgres = try database.map { try PostgresServer(url: $0, tools: tools) }
        if let postgres { Log.line("Servers keep their data on PostgreSQL, \(postgres.description), a database each") }
        Log.line("Preparing the template data directory (form, campaign of \(sizes.addresses) doors, tokens) in \(folder.path)")
        scenario = try Scenario(
            formFile: formFile, addressCount: sizes.addresses, folder: folder, tools: tools, postgres: postgres, sealing: sealing
        )
        var system = utsname()
        uname(&system)
        let release = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        report = BenchReport(
            mode: quick ? "quick" : "full", build: build,
            machine: .init(
                cores: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
                system: "Linux \(release)"
            ),
            startedAt: Date().formatted(.iso8601), store: postgres == nil ? "sqlite" : "postgres", instances: instances,
            sealing: sealing
        )
    }

    /// Runs the chosen phases in order and returns the filled-in report.
    func run() async throws -> BenchReport {
        let clock = ContinuousClock()
        let start = clock.now
        if phases.contains(.push) {
            let pushed = try await push()
            defer { pushed.server.stop() }
            if phases.contains(.naive) { try await naive(pushed) }
            if phases.contains(.limit) { try await limit(pushed) }
            if phases.contains(.pull) { try await pull(pushed) }
            if phases.contains(.latency) { try latency(pushed) }
        }
        if phases.contains(.aggregates) { try await aggregates() }
        if phases.contains(.clients) { try manyClients() }
        report.seconds = (clock.now - start).seconds
        report.targets = Targets.check(report)
        return report
    }

    /// A path in the work folder.
    func path(_ name: String) -> URL {
        folder.appendingPathComponent(name)
    }

    /// Logs a home in to a server and pulls the form and the campaign, with the real CLI.
    func enrol(home: URL, server: String, token: String) throws {
        try tools.client(["login", "--home", home.path, "--server", server, "--token", token])
        try tools.client(["sync", "--home", home.path, "--quiet"])
    }

    /// Parses `doorstep sync --json` and checks nothing was refused.
    func syncSummary(_ output: String, command: String) throws -> (pushed: Int, pulled: Int) {
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let pushed = object["pushed"] as? Int, let pulled = object["pulled"] as? Int
        else { throw BenchError.wrongResult("\(command) printed no JSON summary: \(output.prefix(500))") }
        if let rejected = object["rejected"] as? [Any], !rejected.isEmpty {
            throw BenchError.wrongResult("the server refused \(rejected.count) operations of \(command): \(rejected.prefix(3))")
        }
        return (pushed, pulled)
    }
}

/// Reads the server's request log (one line per request: method, path, status, duration).
enum RequestLog {
    /// Time spent, and requests answered, per `METHOD path`, in the log text after `offset` characters.
    static func totals(_ log: Substring) -> [String: (count: Int, seconds: Double, errors: Int)] {
        var totals: [String: (count: Int, seconds: Double, errors: Int)] = [:]
        for line in log.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            guard let last = words.last, last.hasSuffix("ms"), words.count >= 4,
                  let milliseconds = Double(last.dropLast(2)), let status = Int(words[words.count - 2])
            else { continue }
            let key = "\(words[words.count - 4]) \(words[words.count - 3])"
            var entry = totals[key] ?? (0, 0, 0)
            entry.count += 1
            entry.seconds += milliseconds / 1000
            if status >= 400 { entry.errors += 1 }
            totals[key] = entry
        }
        return totals
    }
}
