import DoorstepCore
import DoorstepServer
import DoorstepStore
import DoorstepTestSupport
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

// The fault-injection suite's harness: a server on a fixed loopback port that can be killed and
// restarted on the same data, laptops driven through the built `doorstep` binary, processes that
// can be killed at any moment, the server's database read with `/usr/bin/sqlite3`, and the
// canonical state every replica must converge to. See docs/reliability.md.

// MARK: Budget and seeds

/// How much the suite does: a short form in `swift test`, more trials with `DOORSTEP_FAULT_TRIALS`.
enum FaultBudget {
    /// Independent trials per test: `DOORSTEP_FAULT_TRIALS` (what `scripts/fault-injection --long`
    /// sets), or 1 in the short form.
    static let trials: Int = {
        guard let text = ProcessInfo.processInfo.environment["DOORSTEP_FAULT_TRIALS"], let value = Int(text) else { return 1 }
        return min(max(value, 1), 1_000)
    }()

    /// Whether the long form runs (more trials, and faults that take longer, such as long stalls).
    static var isLong: Bool { trials > 1 }
}

/// The seed of one test, printed so a failure can be replayed with `DOORSTEP_SEED=<seed>`.
struct FaultSeed: CustomStringConvertible {
    let test: String
    let value: UInt64

    /// Takes ``SeededGenerator/seed()`` (`DOORSTEP_SEED`, else a fresh seed with
    /// `DOORSTEP_RANDOM_SEEDS=1`, else a fixed one), and prints it.
    init(_ test: String) {
        self.test = test
        value = SeededGenerator.seed()
        print("fault-injection \(test): seed \(value), \(FaultBudget.trials) trial(s) (replay: DOORSTEP_SEED=\(value))")
    }

    /// The generator of trial `index`; trial 0 uses the printed seed itself.
    func generator(trial index: Int) -> SeededGenerator {
        SeededGenerator(seed: value &+ UInt64(index) &* 0x9E37_79B9)
    }

    var description: String { "\(test) seed \(value)" }
}

// MARK: Processes

/// What a finished child process left behind.
struct ChildResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// The process was killed by a signal (ours, or a crash).
    var signalled: Bool
}

/// A process started in the background, to be waited for or killed at any moment.
final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL
    private let stdoutHandle: FileHandle
    private let stderrHandle: FileHandle
    let started = Date()

    /// Starts `executable` with `arguments`, and `environment` added to this process's.
    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let folder = FileManager.default.temporaryDirectory
        let name = "doorstep-child-\(UUID().uuidString.prefix(8))"
        stdoutURL = folder.appendingPathComponent("\(name).out")
        stderrURL = folder.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        stderrHandle = try FileHandle(forWritingTo: stderrURL)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL, as a power cut or the OOM killer would.
    func killNow() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits at most `timeout` seconds (then kills it and reports status -1).
    func wait(timeout: TimeInterval = 300) -> ChildResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? stdoutHandle.close()
        try? stderrHandle.close()
        let result = ChildResult(
            status: timedOut ? -1 : process.terminationStatus,
            stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "",
            signalled: process.terminationReason == .uncaughtSignal
        )
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
        return result
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }
}

/// A command that should have succeeded did not.
struct FaultCommandFailed: Error, CustomStringConvertible {
    let command: String
    let status: Int32
    let output: String
    var description: String { "\(command) exited \(status): \(output)" }
}

/// Sleeps `seconds` (a fraction is fine).
func sleepSeconds(_ seconds: Double) {
    guard seconds > 0 else { return }
    usleep(UInt32(min(seconds, 60) * 1_000_000))
}

// MARK: JSON

/// JSON helpers of the suite.
enum FaultJSON {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(500))")
    }

    static func array(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not a JSON array: \(text.prefix(500))")
    }

    /// `{question: value}` of any JSON object, parsed into answers.
    static func answers(_ object: Any?) throws -> Answers {
        guard let object else { return [:] }
        let data = try JSONSerialization.data(withJSONObject: object)
        return try JSONDecoder().decode(Answers.self, from: data)
    }

    /// One answer as JSON parsed it (a string, a number, an array of strings); nil for `null`.
    static func answer(_ value: Any) throws -> AnswerValue? {
        if value is NSNull { return nil }
        let data = try JSONSerialization.data(withJSONObject: [value])
        return try JSONDecoder().decode([AnswerValue].self, from: data).first
    }

    /// Answers as canonical JSON: sorted keys, one spelling per value.
    static func canonical(_ answers: Answers) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(answers)) ?? Data(), as: UTF8.self)
    }
}

/// Every response of a replica, by lower-case id: its answers as canonical JSON.
struct ReplicaState: Equatable, CustomStringConvertible {
    var responses: [String: String]

    /// A 64-bit FNV-1a hash of every response and field in id order, printed to compare replicas at a glance.
    var hash: String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for id in responses.keys.sorted() {
            for byte in (id + "=" + responses[id]! + "\n").utf8 {
                value ^= UInt64(byte)
                value = value &* 0x0000_0100_0000_01b3
            }
        }
        return String(value, radix: 16)
    }

    /// The same state restricted to `ids`.
    func restricted(to ids: Set<String>) -> ReplicaState {
        ReplicaState(responses: responses.filter { ids.contains($0.key) })
    }

    /// The responses that differ, for a failure message.
    func difference(from other: ReplicaState) -> String {
        var lines: [String] = []
        for id in Set(responses.keys).union(other.responses.keys).sorted() where responses[id] != other.responses[id] {
            lines.append("\(id): \(responses[id] ?? "absent") vs \(other.responses[id] ?? "absent")")
        }
        return lines.prefix(10).joined(separator: "\n")
    }

    var description: String { "\(responses.count) responses, hash \(hash)" }
}

// MARK: Server

/// A real `doorstep-server` on a fixed loopback port over one data directory, with the
/// safe-and-well form and a campaign published; it can be killed and restarted on the same data.
final class FaultServer: @unchecked Sendable {
    let data: TemporaryDirectory
    let campaign = "west-end"
    let formID = "safe-and-well"
    /// The walk list's address ids, `W0001`, `W0002`, ...
    let addresses: [String]
    /// Street and area of each address, for the tallies check.
    let places: [String: (street: String, area: String)]
    let form: FormDefinition
    /// The `doorstep-server serve` process the test talks to.
    private let instance: FaultInstance

    /// Publishes the form, creates the campaign with `addressCount` addresses, and starts serving.
    init(addressCount: Int = 200, arguments: [String] = []) throws {
        data = try TemporaryDirectory("doorstep-faults-server")
        let formFile = BuiltProducts.sampleForm("safe-and-well.yaml")
        form = try FormDefinition.parse(yaml: try String(contentsOf: formFile, encoding: .utf8))
        _ = try LaptopSealing.registerAgencies(of: form, data: data)
        try Self.admin(["forms", "publish", "--data", data.path, formFile.path])
        addresses = (1...addressCount).map { String(format: "W%04d", $0) }
        var places: [String: (street: String, area: String)] = [:]
        var csv = "id,address,street,area,postcode\n"
        let streets = ["Mill Street", "Canal Row", "Foundry Lane", "Weavers Close"]
        for (index, id) in addresses.enumerated() {
            let street = streets[index % streets.count]
            let area = index % 3 == 0 ? "Riverside" : "West End"
            places[id] = (street, area)
            csv += "\(id),\(index + 1) \(street),\(street),\(area),WE1 \(index % 9)AB\n"
        }
        self.places = places
        let walkList = try data.write(csv, to: "walk-list.csv")
        try Self.admin([
            "campaigns", "create", "--data", data.path, "--id", campaign, "--name", "West End day of action",
            "--form", formID, "--addresses", walkList,
        ])
        instance = try FaultInstance(data: data.path, arguments: arguments)
    }

    /// The PostgreSQL store, once ``read(_:)`` opened it.
    private var shared: ServerDatabase?

    deinit {
        try? shared?.close()
        instance.kill9()
        data.remove()
    }

    /// The fixed port of the server, across restarts.
    var port: Int { instance.port }

    /// `http://127.0.0.1:PORT`, the same across restarts.
    var url: String { instance.url }

    /// The server's SQLite file.
    var databasePath: String { data.appending("doorstep-server.sqlite").path }

    var isRunning: Bool { instance.isRunning }

    /// How the server process ended and the end of its log, when it is no longer running.
    func death() -> String? { instance.death() }

    /// Starts `doorstep-server serve` again on the fixed port.
    func start() throws { try instance.start() }

    /// `kill -9` the server: no shutdown, no checkpoint, whatever was in flight is cut.
    func kill9() { instance.kill9() }

    /// Stops the server with SIGTERM (a clean shutdown).
    func stop() { instance.stop() }

    /// Every request-log line, of every server process so far, that reports a 5xx status.
    func serverErrors() -> [String] { instance.serverErrors() }

    /// Another `doorstep-server serve` on this server's data, on a port of its own: on
    /// PostgreSQL, a second instance on the same database (``TestStore``).
    func secondInstance(arguments: [String]) throws -> FaultInstance {
        try FaultInstance(data: data.path, arguments: arguments)
    }

    /// Runs a `doorstep-server` administration command and requires success.
    @discardableResult
    static func admin(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.server(arguments)
        guard result.status == 0 else {
            throw FaultCommandFailed(command: "doorstep-server " + arguments.joined(separator: " "), status: result.status, output: result.stderr)
        }
        return result.stdout
    }

    /// A new token with `role`.
    func token(_ role: String, name: String) throws -> String {
        try Self.admin(["tokens", "create", "--data", data.path, "--role", role, "--name", name])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Logs `officer` in with a new collector token of its name, through `url` (this server's
    /// own when nil; another instance's or a proxy's), takes the form and the campaign, and
    /// records `count` responses on the walk list; returns their ids.
    func enrol(
        _ officer: FaultLaptop, through url: String? = nil, recording count: Int, using random: inout SeededGenerator
    ) throws -> [String] {
        try officer.login(server: url ?? self.url, token: try token("collector", name: officer.name))
        try officer.syncUntilDone()
        return try officer.recordMany(count, campaign: campaign, addresses: addresses, using: &random)
    }

    /// Reads the server's database in this process (WAL lets it read while the server writes),
    /// or its PostgreSQL database when the tests run on PostgreSQL.
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        guard TestStore.isPostgres else { return try SQLiteFile.read(databasePath) { db in try body(SQLiteSession(db)) } }
        return try postgres().store.read(body)
    }

    /// The server's PostgreSQL database, opened from this process once.
    private func postgres() throws -> ServerDatabase {
        if let shared { return shared }
        let database = try ServerDatabase(location: .postgres(PostgresLocation(url: TestStore.databaseURL(forData: data.path))))
        shared = database
        return database
    }

    /// One number from a query.
    func count(_ query: String, _ arguments: [String] = []) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: query, arguments: arguments) ?? -1 }
    }

    /// "ok" when the store is sound: SQLite's `PRAGMA integrity_check` of the file, or, on
    /// PostgreSQL, `amcheck`'s check of every B-tree index against its table.
    func integrityCheck() throws -> String {
        guard TestStore.isPostgres else { return try SQLiteFile.integrityCheck(databasePath) }
        return try postgres().store.write { db in
            try db.execute(sql: "CREATE EXTENSION IF NOT EXISTS amcheck")
            try db.execute(sql: """
                SELECT bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
                """)
            return "ok"
        }
    }

    /// Every table's schema and rows as text, to tell whether anything at all changed.
    func dump() throws -> String {
        try read { db in
            var lines: [String] = []
            let tables = db.dialect == .sqlite
                ? "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
                : """
                    SELECT table_name AS name, string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) AS sql
                    FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name ORDER BY 1
                    """
            for (name, sql) in try SQLRow.fetchAll(db, sql: tables).map({ ($0["name"] as String, $0["sql"] as String? ?? "") }) {
                lines.append(sql)
                let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM \"\(name)\"").map { row in
                    "\(name) " + (0..<row.columnNames.count).map { "\(row.value(at: $0))" }.joined(separator: " ")
                }
                lines += rows.sorted()
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The server's merged state of every response, from its database.
    func state() throws -> ReplicaState {
        var responses: [String: String] = [:]
        for row in try read({ db in try SQLRow.fetchAll(db, sql: "SELECT id, answers_json FROM responses") }) {
            let id = (row["id"] as String).lowercased()
            let answers = try JSONDecoder().decode(Answers.self, from: Data((row["answers_json"] as String).utf8))
            responses[id] = FaultJSON.canonical(answers)
        }
        return ReplicaState(responses: responses)
    }

    /// The tallies the server should hold, recomputed from its responses with `Tally.contributions`,
    /// compared with the `tallies` table; returns the differences (none when they agree).
    func tallyDifferences() throws -> [String] {
        var expected: [String: Int] = [:]
        let responses = try read { db in
            try SQLRow.fetchAll(db, sql: "SELECT address, erased, answers_json FROM responses WHERE campaign = ?", arguments: [campaign])
        }
        for row in responses {
            if row["erased"] as String? == "all" { continue }
            let answers = try JSONDecoder().decode(Answers.self, from: Data((row["answers_json"] as String).utf8))
            let place = places[row["address"] as String]
            for key in Tally.contributions(of: answers, form: form, street: place?.street, area: place?.area) {
                expected["\(key.dimension)|\(key.question)|\(key.bucket)", default: 0] += 1
            }
        }
        var actual: [String: Int] = [:]
        let tallies = try read { db in
            try SQLRow.fetchAll(db, sql: "SELECT dimension, question, bucket, count FROM tallies WHERE campaign = ?", arguments: [campaign])
        }
        for row in tallies {
            actual["\(row["dimension"] as String)|\(row["question"] as String)|\(row["bucket"] as String)"] = row["count"] as Int
        }
        return Set(expected.keys).union(actual.keys).sorted()
            .filter { expected[$0] != actual[$0] }
            .map { "\($0): expected \(expected[$0] ?? 0), stored \(actual[$0] ?? 0)" }
    }

    /// Checks what every test checks at its end: a sound database file, tallies that match the
    /// responses, each operation id logged once, and no 5xx in the request logs.
    func expectSound(_ seed: FaultSeed, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try integrityCheck() == "ok", "server database integrity (\(seed))", sourceLocation: sourceLocation)
        let tallies = try tallyDifferences()
        #expect(tallies.isEmpty, "tallies disagree with the responses (\(seed)): \(tallies.prefix(5))", sourceLocation: sourceLocation)
        let duplicates = try count("SELECT COUNT(*) - COUNT(DISTINCT id) FROM operations")
        #expect(duplicates == 0, "operation ids logged twice (\(seed))", sourceLocation: sourceLocation)
        let errors = serverErrors()
        #expect(errors.isEmpty, "the server answered 5xx (\(seed)): \(errors.prefix(5))", sourceLocation: sourceLocation)
    }
}

/// One `doorstep-server serve` process on a data directory, on a fixed loopback port, that can be
/// killed and started again; it keeps the request log of every process it ran.
final class FaultInstance: @unchecked Sendable {
    private let data: String
    private let arguments: [String]
    /// The fixed port, the same across restarts.
    let port: Int
    private var running: RunningServer?
    /// The stderr of every process so far (its request log).
    private var logs: [String] = []

    /// Starts serving `data` with `arguments` added.
    init(data: String, arguments: [String]) throws {
        self.data = data
        self.arguments = arguments
        port = try closedLoopbackPort()
        try start()
    }

    deinit {
        running?.stop(signal: SIGKILL)
    }

    /// `http://127.0.0.1:PORT`, the same across restarts.
    var url: String { "http://127.0.0.1:\(port)" }

    var isRunning: Bool { running?.isRunning ?? false }

    /// Starts `doorstep-server serve` on the fixed port (retrying while the port is released).
    func start() throws {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                running = try RunningServer(data: data, arguments: ["--port", String(port)] + arguments)
                return
            } catch {
                lastError = error
                sleepSeconds(0.1)
            }
        }
        throw lastError!
    }

    /// `kill -9`: no shutdown, no checkpoint, whatever was in flight is cut.
    func kill9() {
        guard let running else { return }
        running.stop(signal: SIGKILL)
        logs.append(running.log())
        self.running = nil
    }

    /// Stops the process with SIGTERM (a clean shutdown).
    func stop() {
        guard let running else { return }
        running.stop()
        logs.append(running.log())
        self.running = nil
    }

    /// How the current process ended and the end of its log, when it is no longer running.
    func death() -> String? {
        guard let running, let termination = running.termination else { return nil }
        return "doorstep-server ended (\(termination)); its log ends:\n" + running.log().suffix(3_000)
    }

    /// Every request-log line, of every process so far, that reports a 5xx status.
    func serverErrors() -> [String] {
        (logs + [running?.log() ?? ""]).flatMap { $0.split(separator: "\n") }
            .filter { $0.range(of: #" (GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ 5\d\d "#, options: .regularExpression) != nil }
            .map(String.init)
    }
}

/// A SQLite file opened read-only in this process, for a moment, next to the process that owns it.
///
/// Read-only, so a file left by kill -9 stays as it was: the connection reads the WAL but never
/// checkpoints or removes it, and the owner recovers it itself on its next start.
enum SQLiteFile {
    /// Runs `body` in a read transaction on the file at `path`.
    static func read<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound, else SQLite's list of faults.
    static func integrityCheck(_ path: String) throws -> String {
        try read(path) { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}

// MARK: Laptops

/// An officer's response and a correction the officer and an organiser made at the same moment,
/// leaving one open conflict on it: the state the bad-input and strict-HTTP tests start from.
struct ConflictedResponse {
    let officer: FaultLaptop
    let organiser: FaultLaptop
    /// The response's id.
    let response: String
    /// The open conflict's id.
    let conflict: String

    /// Records one response of generated answers on `server` and makes both laptops edit it.
    ///
    /// - Parameter prefix: Names the laptops' homes (`PREFIXofficer`, `PREFIXorganiser`).
    init(on server: FaultServer, using random: inout SeededGenerator, prefix: String = "") throws {
        officer = try FaultLaptop(name: prefix + "officer")
        organiser = try FaultLaptop(name: prefix + "organiser")
        try officer.login(server: server.url, token: try server.token("collector", name: "officer"))
        try organiser.login(server: server.url, token: try server.token("organiser", name: "organiser"))
        try officer.syncUntilDone()
        let answers = String(decoding: try JSONSerialization.data(withJSONObject: FaultInjectionConvergenceTests.answers(using: &random)), as: UTF8.self)
        response = try officer.expect(["record", "--campaign", server.campaign, "--address", server.addresses[0], "--answers", "-"], input: answers)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try officer.syncUntilDone()
        try organiser.syncUntilDone()
        // (values the recorded answers never hold, so both edits are real changes)
        try officer.expect(["edit", response, "--set", "occupants=13"])
        try organiser.expect(["edit", response, "--set", "occupants=14"])
        try officer.syncUntilDone()
        try organiser.syncUntilDone()
        guard let conflict = try FaultJSON.array(try organiser.expect(["conflicts", "--json"])).first?["id"] as? String else {
            throw FaultCommandFailed(command: "doorstep conflicts --json", status: 0, output: "no conflict listed")
        }
        self.conflict = conflict
    }
}

/// One laptop: a Doorstep home used through the built `doorstep` binary.
final class FaultLaptop: @unchecked Sendable {
    let name: String
    let home: TemporaryDirectory
    private(set) var token = ""

    init(name: String) throws {
        self.name = name
        home = try TemporaryDirectory("doorstep-faults-\(name)")
    }

    deinit {
        home.remove()
    }

    var environment: [String: String] { ["DOORSTEP_HOME": home.path] }

    /// Runs `doorstep` with this home.
    func run(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 300) throws -> ProcessResult {
        try ProcessRunner.doorstep(arguments, input: input, environment: environment, timeout: timeout)
    }

    /// Runs `doorstep` and requires exit 0; returns stdout.
    @discardableResult
    func expect(_ arguments: [String], input: String? = nil) throws -> String {
        let result = try run(arguments, input: input)
        guard result.status == 0 else {
            throw FaultCommandFailed(command: "doorstep " + arguments.joined(separator: " ") + " (\(name))", status: result.status, output: result.stderr)
        }
        return result.stdout
    }

    /// `doorstep login` with `token` against `server`, tried a few times (through a faulty proxy
    /// a login may fail as a user would see it fail, and be typed again).
    func login(server: String, token: String, attempts: Int = 5) throws {
        self.token = token
        var last: ProcessResult?
        for _ in 0..<attempts {
            let result = try run(["login", "--server", server, "--token", token, "--retry-max-time", "20"])
            if result.status == 0 { return }
            last = result
        }
        throw FaultCommandFailed(command: "doorstep login (\(name))", status: last?.status ?? -1, output: last?.stderr ?? "")
    }

    /// Starts `doorstep sync --json` in the background.
    func startSync(_ extra: [String] = []) throws -> ChildProcess {
        try ChildProcess(BuiltProducts.executable("doorstep"), ["sync", "--json"] + extra, environment: environment)
    }

    /// Runs `doorstep sync` until it exits 0, at most `attempts` times (exit 75 means "try later",
    /// which a cron wrapper does); returns the summary of the run that finished.
    @discardableResult
    func syncUntilDone(_ extra: [String] = [], attempts: Int = 10) throws -> [String: Any] {
        var last: ProcessResult?
        for _ in 0..<attempts {
            let result = try run(["sync", "--json"] + extra)
            if result.status == 0 { return try FaultJSON.object(result.stdout) }
            guard result.status == 75 else {
                throw FaultCommandFailed(command: "doorstep sync (\(name))", status: result.status, output: result.stderr)
            }
            last = result
        }
        throw FaultCommandFailed(command: "doorstep sync (\(name)), \(attempts) runs", status: last?.status ?? -1, output: last?.stderr ?? "")
    }

    /// `status --json`.
    func status() throws -> [String: Any] {
        try FaultJSON.object(try expect(["status", "--json"]))
    }

    /// `show ID --json`.
    func show(_ id: String) throws -> [String: Any] {
        try FaultJSON.object(try expect(["show", id, "--json"]))
    }

    /// The ids (lower case) of every response on this laptop, from `responses --json`.
    func responseIDs() throws -> [String] {
        try FaultJSON.array(try expect(["responses", "--json"])).compactMap { ($0["id"] as? String)?.lowercased() }
    }

    /// Every response on this laptop and its answers, from `responses --json` and `show --json`.
    func state() throws -> ReplicaState {
        var responses: [String: String] = [:]
        for id in try responseIDs() {
            responses[id] = FaultJSON.canonical(try FaultJSON.answers(try show(id)["answers"]))
        }
        return ReplicaState(responses: responses)
    }

    /// The server's responses of `campaign` as an organiser downloads them: `doorstep export --format json`.
    func exportState(campaign: String) throws -> ReplicaState {
        let file = home.appending("export.json").path
        try expect(["export", "--campaign", campaign, "--format", "json", "--output", file, "--retry-max-time", "20"])
        let exported = try FaultJSON.array(try String(contentsOfFile: file, encoding: .utf8))
        var responses: [String: String] = [:]
        for response in exported {
            let id = (response["id"] as? String ?? "").lowercased()
            #expect(responses[id] == nil, "response \(id) exported twice")
            responses[id] = FaultJSON.canonical(try FaultJSON.answers(response["answers"]))
        }
        return ReplicaState(responses: responses)
    }

    /// Every response on this laptop and its answers, read through `ClientStore` in this process:
    /// the same reads as `show --json`, for replicas too large for a process per response.
    func storeState() throws -> ReplicaState {
        let store = try ClientStore(home: home.url)
        var responses: [String: String] = [:]
        for summary in try store.responses() {
            responses[summary.id.uuidString.lowercased()] = FaultJSON.canonical(try store.response(id: summary.id).answers)
        }
        return ReplicaState(responses: responses)
    }

    /// `PRAGMA integrity_check` of the laptop's store.
    func integrityCheck() throws -> String {
        try SQLiteFile.integrityCheck(home.appending(ClientStore.databaseFileName).path)
    }

    /// Records `count` valid responses straight into the store (as `doorstep record` does, without
    /// a process per response), spread over `addresses`; returns their ids (lower case).
    func recordMany(_ count: Int, campaign: String, addresses: [String], using generator: inout SeededGenerator) throws -> [String] {
        let store = try ClientStore(home: home.url)
        let form = try store.form(id: store.campaign(id: campaign).form).definition()
        let validator = LaptopSealing.validator(form)
        var ids: [String] = []
        for _ in 0..<count {
            let answers = try validator.validate(FaultAnswers.random(using: &generator)).get()
            let address = addresses[Int.random(in: 0..<addresses.count, using: &generator)]
            let id = UUID()
            _ = try store.recordResponse(
                campaign: campaign, address: address, form: form,
                answers: try LaptopSealing.sealed(answers, form: form, response: id, store: store),
                safeguarding: validator.flagsSafeguarding(answers), id: id
            )
            ids.append(id.uuidString.lowercased())
            if Int.random(in: 0..<4, using: &generator) == 0 {
                let outcomes: [VisitOutcome] = [.noAnswer, .cardLeft, .refused, .revisit]
                try store.recordVisit(
                    campaign: campaign, address: addresses[Int.random(in: 0..<addresses.count, using: &generator)],
                    outcome: outcomes[Int.random(in: 0..<outcomes.count, using: &generator)], note: nil
                )
            }
        }
        return ids
    }
}

// MARK: Answers

/// Random answers to the safe-and-well form, valid once `AnswerValidator` has dropped what skip
/// logic makes irrelevant.
enum FaultAnswers {
    static func random(using generator: inout SeededGenerator) -> Answers {
        func pick(_ choices: [String]) -> AnswerValue { .text(choices[Int.random(in: 0..<choices.count, using: &generator)]) }
        if Int.random(in: 0..<10, using: &generator) == 0 {
            return ["consent": .text("no"), "safeguarding_concern": .text("no")]
        }
        var answers: Answers = [
            "consent": .text("yes"),
            "occupants": .integer(Int.random(in: 1...8, using: &generator)),
            "oldest_age_band": pick(["under_50", "50_64", "65_74", "75_84", "85_plus"]),
            "lives_alone": pick(["yes", "no"]),
            "escape_difficulty": pick(["yes", "no", "unsure"]),
            "smoke_alarms": pick(["every_floor", "some_floors", "not_working", "none", "dont_know"]),
            "alarm_last_tested": pick(["last_month", "last_6_months", "longer", "never"]),
            "co_alarm": pick(["yes", "no", "no_fuel_appliances"]),
            "escape_plan": pick(["yes", "no"]),
            "alarm_fitted": .integer(Int.random(in: 0...3, using: &generator)),
            "visit_wanted": .text("no"),
            "safeguarding_concern": .text("no"),
        ]
        let risks = ["smoking_indoors", "candles", "portable_heaters", "overloaded_sockets", "chip_pan", "charging_ebikes"]
        let chosen = risks.filter { _ in Int.random(in: 0..<4, using: &generator) == 0 }
        answers["risks"] = .list(chosen.isEmpty ? ["none"] : chosen)
        if Int.random(in: 0..<3, using: &generator) == 0 {
            answers["visit_wanted"] = .text("yes")
            answers["visit_name"] = .text("Resident \(Int.random(in: 1...999, using: &generator))")
            answers["visit_phone"] = .text("01632 960\(Int.random(in: 100...999, using: &generator))")
        }
        if Int.random(in: 0..<20, using: &generator) == 0 {
            answers["safeguarding_concern"] = .text("yes")
            answers["safeguarding_details"] = .text("Hoarding seen in the hall.")
        }
        return answers
    }
}

// MARK: Proxy

/// `Tests/EndToEndTests/Fixtures/chaos_proxy.py` in front of a server: drops, stalls and 502/503s
/// drawn from a seed. In front of several servers it is also a round-robin balancer that moves on
/// from a server refusing connections. Stopped when released.
final class ChaosProxy: @unchecked Sendable {
    private(set) var port = 0
    private let process = Process()
    private let output = Pipe()
    private let logURL: URL
    private let logHandle: FileHandle

    /// The proxy script in the source tree.
    static let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/chaos_proxy.py")

    /// Starts the proxy in front of `upstreamPort` with `arguments` (fault probabilities, seed,
    /// script) and waits for the port it prints.
    convenience init(upstreamPort: Int, arguments: [String]) throws {
        try self.init(upstreamPorts: [upstreamPort], arguments: arguments)
    }

    /// Starts the proxy in front of `upstreamPorts`, each new client connection given the next one
    /// in turn, with `arguments` (fault probabilities, seed, script; none for a plain balancer),
    /// and waits for the port it prints.
    init(upstreamPorts: [Int], arguments: [String]) throws {
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-chaos-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        logHandle = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--port", "0"]
            + upstreamPorts.flatMap { ["--upstream-port", String($0)] } + arguments
        process.standardOutput = output
        process.standardError = logHandle
        try process.run()
        if let port = PrintedPort.read(from: output, of: process) { self.port = port }
        guard port > 0 else {
            stop()
            throw FaultCommandFailed(command: "chaos_proxy.py", status: process.isRunning ? 0 : process.terminationStatus, output: log())
        }
    }

    /// `http://127.0.0.1:PORT`.
    var url: String { "http://127.0.0.1:\(port)" }

    /// What the proxy logged: one "fault KIND METHOD PATH" line per request, one
    /// "upstream PORT METHOD PATH" per connection to a server, one "refused PORT METHOD PATH" per
    /// connection a server refused.
    func log() -> String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// How many log lines starting with `word` there are so far, by their second word.
    private func counts(of word: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in log().split(separator: "\n") where line.hasPrefix(word + " ") {
            counts[String(line.split(separator: " ")[1]), default: 0] += 1
        }
        return counts
    }

    /// How many requests met each kind of fault so far.
    func faults() -> [String: Int] { counts(of: "fault") }

    /// How many requests each server (by port) was sent so far.
    func upstreams() -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: counts(of: "upstream").map { (Int($0.key) ?? 0, $0.value) })
    }

    /// How many connections each server (by port) refused so far, each moving the request on to the next server.
    func refusals() -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: counts(of: "refused").map { (Int($0.key) ?? 0, $0.value) })
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? logHandle.close()
        try? FileManager.default.removeItem(at: logURL)
    }
}

// MARK: Raw HTTP

/// One request as bytes on the wire, for requests no well-behaved client would send.
struct RawRequest {
    var label: String
    var method: String
    /// The request target exactly as sent (may hold `%` escapes, `..` or junk).
    var target: String
    var headers: [(String, String)] = []
    var body: Data?
    /// Whether to add a truthful `Content-Length` for the body.
    var addLength = true

    /// The request's bytes: request line, `Host`, `Connection: close`, the headers, the body.
    var bytes: Data {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body, addLength { head += "Content-Length: \(body.count)\r\n" }
        var data = Data(head.utf8)
        data.append(Data("\r\n".utf8))
        if let body { data.append(body) }
        return data
    }
}

/// Sends raw bytes to 127.0.0.1:`port` and reads one HTTP answer (after any interim `1xx`); nil
/// when the server closed the connection without answering.
func rawExchange(port: Int, _ request: Data, timeout: Int = 30) throws -> RawHTTPResponse? {
    let connection = try RawHTTPConnection(url: "http://127.0.0.1:\(port)", timeout: timeout)
    // Send everything the server reads; a server that answers early (413) may close before the end.
    connection.send(request)
    connection.finishSending()
    var answer = connection.readResponse()
    while let interim = answer, (100..<200).contains(interim.status) {
        answer = connection.readResponse()
    }
    return answer
}
