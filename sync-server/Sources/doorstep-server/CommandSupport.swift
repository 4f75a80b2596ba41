import ArgumentParser
import DoorstepCore
import DoorstepServer
import Foundation

/// The store options every subcommand takes: the embedded store's data directory, or a
/// PostgreSQL database.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The server's data directory, for the embedded SQLite store (default: $DOORSTEP_DATA).")
    var data: String?

    @Option(
        name: .long,
        help: "A PostgreSQL database to keep the data in instead, postgres://USER@HOST:PORT/DATABASE (default: $DOORSTEP_DATABASE)."
    )
    var database: String?

    init() {}

    /// The options as given.
    init(data: String?, database: String?) {
        self.data = data
        self.database = database
    }

    func validate() throws {
        guard path != nil || url != nil else {
            throw ValidationError("No data directory: pass --data DIR or set DOORSTEP_DATA (or --database URL for PostgreSQL).")
        }
        if let url { _ = try Self.postgres(url) }
    }

    /// `--data`, else `$DOORSTEP_DATA`.
    var path: String? {
        Self.given(data, "DOORSTEP_DATA")
    }

    /// `--database`, else `$DOORSTEP_DATABASE`.
    var url: String? {
        Self.given(database, "DOORSTEP_DATABASE")
    }

    /// The store: PostgreSQL when a database URL is given, else the data directory.
    var location: StoreLocation {
        get throws {
            if let url { return .postgres(try Self.postgres(url)) }
            return .embedded(URL(fileURLWithPath: path ?? "."))
        }
    }

    /// The store, for messages: the data directory or the database URL without its password.
    var shown: String {
        switch try? location {
        case .postgres(let database): "the database \(database)"
        case .embedded(let directory): "the data directory \(directory.path)"
        case nil: "the database \(url ?? "")"
        }
    }

    /// The data directory of the embedded store; a usage error with PostgreSQL, for the commands
    /// that copy its file.
    func embeddedDirectory(for command: String) throws -> URL {
        guard url == nil else {
            throw Failure.report(
                "\(command) copies the embedded SQLite store; with PostgreSQL use pg_dump and pg_restore (see docs/operations.md).",
                code: 64
            )
        }
        return URL(fileURLWithPath: path ?? ".")
    }

    /// Opens the store; on PostgreSQL with at most `connections` connections (default 8).
    func open(instance: String = ServerDatabase.defaultInstance, connections: Int? = nil) throws -> ServerDatabase {
        var location = try location
        if case .postgres(var database) = location, let connections {
            database.maximumConnections = connections
            location = .postgres(database)
        }
        return try ServerDatabase(location: location, instance: instance)
    }

    private static func given(_ option: String?, _ variable: String) -> String? {
        if let option, !option.isEmpty { return option }
        return ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func postgres(_ url: String) throws -> PostgresLocation {
        do {
            return try PostgresLocation(url: url)
        } catch let error as AdminError {
            throw ValidationError(error.message)
        }
    }
}

/// Maps failures to sysexits codes and prints them as one sentence on stderr.
enum Failure {
    /// Runs `body`, turning domain errors into an exit code.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as FormError {
            throw report(error.description, code: 65)
        } catch let error as WalkListError {
            throw report(error.description, code: 65)
        } catch let error as AdminError {
            throw report(error.message, code: 65)
        } catch let error as ServerTLSError {
            throw report(error.description, code: 65)
        } catch let error as ExitCode {
            throw error
        } catch let failure as StoreFailure {
            throw report("\(failure.reason); try again once it is back.", code: 75)
        } catch {
            throw report(StoreFailure.reason(error), code: 1)
        }
    }

    static func report(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("doorstep-server: \(message)\n".utf8))
        return ExitCode(code)
    }
}

/// Aligned columns on stdout, and the same rows as JSON, for the listing commands.
enum Table {
    static func print(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            Swift.print(cells.joined(separator: "  "))
        }
    }

    static func printJSON(_ rows: [[String: String]]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        Swift.print(String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self))
    }
}
