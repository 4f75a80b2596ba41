import Foundation
import GRDB
import Synchronization

/// Where one benchmark server keeps its data: a data directory of its own (the embedded SQLite
/// store), or a database of its own on the PostgreSQL server of `--database`.
struct ServerData: Sendable {
    enum Place: Sendable {
        case directory(URL)
        case postgres(PostgresServer, database: String)
    }

    let place: Place

    /// `--data DIR` or `--database URL`, for any `doorstep-server` command on this data.
    var arguments: [String] {
        switch place {
        case .directory(let folder): ["--data", folder.path]
        case .postgres(let server, let database): ["--database", server.url(database: database)]
        }
    }

    /// The number `sql` (one `SELECT COUNT(*) …`) reads from the store.
    func count(_ sql: String) throws -> Int {
        switch place {
        case .directory(let folder):
            return try DatabaseQueue(path: folder.appendingPathComponent("doorstep-server.sqlite").path).read { db in
                try Int.fetchOne(db, sql: sql) ?? 0
            }
        case .postgres(let server, let database):
            let output = try server.psql(database: database, ["-Atc", sql])
            guard let count = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw BenchError.wrongResult("psql printed \(output.prefix(200)) for \(sql)")
            }
            return count
        }
    }
}

/// The PostgreSQL server of `--database`, driven with `psql`: the benchmark creates one database
/// per fresh server on it (named `doorstep_bench_RUN_PHASE`) and drops them at the end.
final class PostgresServer: Sendable {
    /// The URL given, whose user must be allowed to create databases.
    private let components: URLComponents
    /// The URL without its password, for messages.
    let description: String
    /// This run's prefix of database names.
    private let prefix: String
    private let tools: Toolbox
    private let created = Mutex<[String]>([])

    /// Reads `url` and checks that `psql` can reach the server.
    ///
    /// - Throws: ``BenchError`` when the URL is not a PostgreSQL URL or `psql` cannot connect.
    init(url: String, tools: Toolbox) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw BenchError.commandFailed("doorstep-bench --database", "\(url) is not a postgres:// URL")
        }
        self.components = components
        var shown = components
        if shown.password != nil { shown.password = "…" }
        description = shown.string ?? "postgres://"
        prefix = "doorstep_bench_" + UUID().uuidString.prefix(8).lowercased() + "_"
        self.tools = tools
        _ = try psql(database: nil, ["-Atc", "SELECT 1"])
    }

    /// The URL of `database` on this server, with the given URL's user, password and options.
    func url(database: String) -> String {
        var url = components
        url.path = "/" + database
        return url.string ?? description
    }

    /// Creates an empty database for `name` (a phase's folder name) and returns its name.
    func createDatabase(_ name: String) throws -> String {
        let database = prefix + name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.map(String.init).joined()
        _ = try psql(database: nil, ["-qXc", "CREATE DATABASE \(database)"])
        created.withLock { $0.append(database) }
        return database
    }

    /// Drops every database this run created.
    func dropDatabases() {
        for database in created.withLock({ $0 }) {
            _ = try? psql(database: nil, ["-qXc", "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"])
        }
        created.withLock { $0.removeAll() }
    }

    /// Runs `psql` on `database` (the given URL's own when nil) and returns its standard output.
    @discardableResult
    func psql(database: String?, _ arguments: [String]) throws -> String {
        let target = database.map(url(database:)) ?? components.string ?? description
        return try tools.run(URL(fileURLWithPath: "/usr/bin/env"), ["psql", "-X", "-v", "ON_ERROR_STOP=1", target] + arguments)
            .checkedOutput()
    }

    /// Runs the `psql` script `file` on `database` in one transaction, and returns how long it took.
    func runScript(_ file: URL, database: String) throws -> Duration {
        let exit = try tools.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", file.path, url(database: database)]
        )
        _ = try exit.checkedOutput()
        return exit.elapsed
    }
}
