import ArgumentParser
import Foundation

/// `doorstep-bench`: measures Doorstep on loopback with the real `doorstep` and `doorstep-server`
/// processes and real stores, against the naive way and the machine's limit, and prints a table.
///
/// Build everything in release first (`swift build -c release`); the benchmark finds `doorstep`
/// and `doorstep-server` next to itself. `docs/performance.md` explains every figure.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doorstep-bench",
        abstract: "Measure sync, pull, aggregates and client latency on loopback, against the naive way and the limit.",
        discussion: """
            Phases: push (one home's outbox by `doorstep sync`), naive (one request per operation), \
            limit (raw SQLite insert and an HTTP sink), pull (a fresh organiser device), latency \
            (`doorstep status` and `doorstep record`), aggregates, clients (many syncs at once). \
            naive, limit, pull and latency reuse the push phase's data, so choosing any of them runs push too.

            With --database, every server keeps its data in a database of its own on that PostgreSQL \
            server (created with psql, which must be installed, and dropped afterwards), and the limit \
            is PostgreSQL's own COPY of the same rows.
            """
    )

    @Flag(help: "Small sizes (500 responses, 5,000 for aggregates, 5 clients): the same code in seconds.")
    var quick = false

    @Option(help: "Responses recorded in one home and pushed (default 100,000; 500 with --quick).")
    var responses: Int?

    @Option(help: "Doors on the campaign's walk list (default 2,000; 100 with --quick).")
    var addresses: Int?

    @Option(help: "Responses loaded for the aggregates query (default 1,000,000; 5,000 with --quick).")
    var aggregateResponses: Int?

    @Option(help: "Client homes syncing at once (default 50; 5 with --quick).")
    var clients: Int?

    @Option(help: "Responses in each of those homes (default 200; 20 with --quick).")
    var clientResponses: Int?

    @Option(help: "Runs of each client command for the latency figures (default 20; 5 with --quick).")
    var latencyRuns: Int?

    @Option(help: "Runs of the aggregates query (default 9; 3 with --quick).")
    var queryRuns: Int?

    @Option(help: "Comma-separated phases to run: push, naive, limit, pull, latency, aggregates, clients (default all).")
    var phases: String = Phase.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "A PostgreSQL server to keep the servers' data on instead of SQLite, postgres://USER@HOST:PORT/DB (a user that may create databases).")
    var database: String?

    @Option(help: "Server instances on one PostgreSQL database in the clients phase (default 1; needs --database).")
    var instances: Int = 1

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "The questionnaire to generate answers for (default forms/community-safety.yaml of the package).")
    var form: String?

    @Option(help: "Work in this folder (default a new folder in the temporary directory).")
    var work: String?

    @Flag(help: "Keep the work folder (homes, server data, every process's output) and the PostgreSQL databases afterwards.")
    var keep = false

    @Flag(help: "Send the contact details in plain, the form's follow-up routes removed: the figure sealing is compared with.")
    var unsealed = false

    @Option(help: "Seed of the generated answers.")
    var seed: UInt64 = 20_251_122

    func validate() throws {
        for value in [responses, addresses, aggregateResponses, clients, clientResponses, latencyRuns, queryRuns] {
            if let value, value < 1 { throw ValidationError("Sizes and counts must be 1 or more.") }
        }
        if instances < 1 { throw ValidationError("--instances must be 1 or more.") }
        if instances > 1, database == nil {
            throw ValidationError("Several instances share one PostgreSQL database: pass --database URL with --instances.")
        }
        for name in phases.split(separator: ",") where Phase(rawValue: String(name)) == nil {
            throw ValidationError("Unknown phase \(name); the phases are \(Phase.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() async throws {
        let sizes = Sizes(
            responses: responses ?? (quick ? 500 : 100_000),
            addresses: addresses ?? (quick ? 100 : 2_000),
            aggregateResponses: aggregateResponses ?? (quick ? 5_000 : 1_000_000),
            clients: clients ?? (quick ? 5 : 50),
            clientResponses: clientResponses ?? (quick ? 20 : 200),
            latencyRuns: latencyRuns ?? (quick ? 5 : 20),
            queryRuns: queryRuns ?? (quick ? 3 : 9)
        )
        var chosen = Set(phases.split(separator: ",").compactMap { Phase(rawValue: String($0)) })
        if !chosen.isDisjoint(with: [.naive, .limit, .pull, .latency]) { chosen.insert(.push) }

        let folder = work.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let runner = try BenchRun(
            folder: folder, sizes: sizes, phases: chosen, quick: quick, seed: seed, formFile: try formFile(),
            database: database, instances: instances, sealing: !unsealed
        )
        let report: BenchReport
        do {
            report = try await runner.run()
        } catch {
            Log.line("Stopped: \(error). The work folder \(folder.path) and its databases are kept.")
            throw ExitCode.failure
        }
        let table = Table.render(report)
        print(table)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        if keep {
            Log.line("Work folder kept: \(folder.path)")
        } else {
            // psql's output goes to the work folder: drop the databases first.
            runner.scenario.postgres?.dropDatabases()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// The form file: `--form`, else `forms/community-safety.yaml` in the current folder or a
    /// parent of the executable (the package root when run from `.build`).
    private func formFile() throws -> URL {
        if let form { return URL(fileURLWithPath: form) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            candidates.append(folder)
            folder.deleteLastPathComponent()
        }
        for candidate in candidates {
            let file = candidate.appendingPathComponent("forms/community-safety.yaml")
            if FileManager.default.fileExists(atPath: file.path) { return file }
        }
        throw ValidationError("Cannot find forms/community-safety.yaml; pass --form FILE.")
    }
}

/// The parts of a run.
enum Phase: String, CaseIterable, Sendable {
    case push, naive, limit, pull, latency, aggregates, clients
}

/// How big each part of a run is.
struct Sizes: Sendable {
    var responses: Int
    var addresses: Int
    var aggregateResponses: Int
    var clients: Int
    var clientResponses: Int
    var latencyRuns: Int
    var queryRuns: Int
}

/// Progress lines on standard error, so standard output holds only the table.
enum Log {
    private static let start = ContinuousClock.now

    static func line(_ text: String) {
        let elapsed = (ContinuousClock.now - start).seconds
        FileHandle.standardError.write(Data(String(format: "[%7.1fs] %@\n", elapsed, text).utf8))
    }
}
