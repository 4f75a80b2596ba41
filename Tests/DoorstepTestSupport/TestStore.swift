import Foundation
import Synchronization

/// Where the tests keep a server's data: the embedded SQLite store in each test's data directory,
/// or, when `DOORSTEP_TEST_POSTGRES` names a PostgreSQL server (a URL such as
/// `postgres://postgres@127.0.0.1:55432/postgres`), a database of its own for each data
/// directory, created on first use. `scripts/test` runs the server and end-to-end suites once
/// with each.
public enum TestStore {
    /// The PostgreSQL server the tests run on, if any.
    public static let postgresServer: String? = {
        let url = ProcessInfo.processInfo.environment["DOORSTEP_TEST_POSTGRES"] ?? ""
        return url.isEmpty ? nil : url
    }()

    /// Whether the tests run on PostgreSQL.
    public static var isPostgres: Bool { postgresServer != nil }

    /// Why a test of the embedded store's own file (backup, restore, file modes, its WAL) does
    /// not run on PostgreSQL.
    public static let embeddedOnly = "tests the embedded SQLite store's own file; skipped while the tests run on PostgreSQL"

    private static let created = Mutex<Set<String>>([])

    /// The URL of the database that stands for data directory `path`, created the first time.
    ///
    /// - Throws: ``TestStoreError`` when `psql` cannot create it.
    public static func databaseURL(forData path: String) throws -> String {
        guard let server = postgresServer, var components = URLComponents(string: server) else {
            throw TestStoreError(message: "DOORSTEP_TEST_POSTGRES is not set")
        }
        let name = "doorstep_" + hash(URL(fileURLWithPath: path).standardizedFileURL.path)
        components.path = "/" + name
        let url = components.string ?? server
        guard created.withLock({ $0.insert(name).inserted }) else { return url }
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["psql", server, "-qXc", "CREATE DATABASE \(name)"], timeout: 60
        )
        guard result.status == 0 || result.stderr.contains("already exists") else {
            created.withLock { _ = $0.remove(name) }
            throw TestStoreError(message: "psql could not create database \(name): \(result.stderr)")
        }
        return url
    }

    /// `arguments` for `doorstep-server`, with `--data DIR` replaced by `--database URL` when the
    /// tests run on PostgreSQL.
    public static func serverArguments(_ arguments: [String]) throws -> [String] {
        guard isPostgres, let index = arguments.firstIndex(of: "--data"), index + 1 < arguments.count else { return arguments }
        var rewritten = arguments
        rewritten.replaceSubrange(index...(index + 1), with: ["--database", try databaseURL(forData: arguments[index + 1])])
        return rewritten
    }

    /// FNV-1a, 64 bits, in hex: a database name per data directory.
    private static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

/// A database for a test could not be made.
public struct TestStoreError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
