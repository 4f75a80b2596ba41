import DoorstepCore
public import Foundation
public import GRDB

/// The server's embedded store: one SQLite database, `doorstep-server.sqlite`, in the data directory.
///
/// It owns one GRDB `DatabasePool` (WAL, `synchronous=FULL`, foreign keys on) and migrates it when
/// opened. Each write the server makes is a named method holding one transaction; the reporting
/// controller reads the same tables through ``writer``. The schema is described in
/// `docs/sync-protocol.md` and in ``ServerDatabase/migrator``.
public struct ServerDatabase: Sendable {
    /// The database file's name inside the data directory.
    public static let fileName = "doorstep-server.sqlite"

    /// The connection pool: one writer, concurrent readers.
    public let writer: DatabasePool
    /// The data directory.
    public let directory: URL
    /// Parsed form versions, by id and version (forms are immutable once published).
    let forms: FormCache
    /// The server's hybrid logical clock.
    let clock: ServerClock

    /// Opens (creating if needed) the database in `directory` and migrates it.
    ///
    /// - Parameter directory: The data directory; created with mode 0700 if missing.
    /// - Throws: A file-system error or GRDB's `DatabaseError`.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
        )
        self.directory = directory
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 128 MiB of page cache per connection: the push path inserts into indexes keyed by
            // random UUIDs, which thrash SQLite's default 2 MiB cache on a large database.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            // Checkpoint every 32 MiB of WAL rather than 4 MiB: index pages that every push touches
            // are then copied back to the database once per checkpoint, not once per push.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            // Each pushed operation runs in a savepoint; keep its rollback journal in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        writer = try DatabasePool(path: directory.appendingPathComponent(Self.fileName).path, configuration: configuration)
        try Self.migrator.migrate(writer)
        forms = FormCache()
        let last = try writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'clock'").flatMap { HLCTimestamp($0) }
        }
        clock = ServerClock(last: last)
    }

    /// The data directory's epoch: a new one after every restore, so devices re-send what it lost.
    public func epoch() throws -> String {
        try writer.read { db in try Self.epoch(db) }
    }

    static func epoch(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") ?? ""
    }

    /// The last change sequence number handed out.
    static func sequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'") ?? 0
    }

    static func setSequence(_ db: Database, _ value: Int64) throws {
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'seq'", arguments: [String(value)])
    }

    /// Closes every connection; call once the server has stopped.
    public func close() throws {
        try writer.close()
    }
}
