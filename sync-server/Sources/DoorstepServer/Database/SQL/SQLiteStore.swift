import Foundation
public import GRDB

/// The embedded store: one SQLite database, `doorstep-server.sqlite`, in the data directory.
///
/// It owns one GRDB `DatabasePool` (WAL, `synchronous=FULL`, foreign keys on, `secure_delete` on):
/// one writer and concurrent readers, each reader on a snapshot.
///
/// The data directory is kept at mode 0700 and the database at 0600 (SQLite gives its `-wal` and
/// `-shm` files the database's mode), since they hold personal data and token hashes.
public struct SQLiteStore: SQLStore {
    /// The database file's name inside the data directory.
    public static let fileName = "doorstep-server.sqlite"

    /// The connection pool: one writer, concurrent readers.
    public let pool: DatabasePool

    /// Opens (creating if needed) the database in `directory`, and migrates it with `migrator`.
    ///
    /// - Parameter directory: The data directory; created with mode 0700 if missing, and set to
    ///   0700 (its database files to 0600) if it was more open.
    /// - Throws: A file-system error or GRDB's `DatabaseError`.
    init(directory: URL, migrator: DatabaseMigrator) throws {
        let database = directory.appendingPathComponent(Self.fileName)
        try PrivateFiles.prepare(directory: directory, files: [database])
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted and overwritten content is zeroed, so an erased answer leaves no copy in a
            // free page or a free block of a page (https://www.sqlite.org/pragma.html#pragma_secure_delete).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // 128 MiB of page cache per connection: the push path inserts into indexes keyed by
            // random UUIDs, which thrash SQLite's default 2 MiB cache on a large database.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            // Checkpoint every 32 MiB of WAL rather than 4 MiB: index pages that every push touches
            // are then copied back to the database once per checkpoint, not once per push.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            // A pushed operation that may be refused after its first write (any but a new response,
            // whose checks all come first) runs in a savepoint: keep its rollback journal in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        pool = try DatabasePool(path: database.path, configuration: configuration)
        try migrator.migrate(pool)
    }

    public var dialect: SQLDialect { .sqlite }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteSession(db)) }
    }

    public func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try pool.write { db in try body(SQLiteSession(db)) }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteSession(db)) }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await pool.write { db in try body(SQLiteSession(db)) }
    }

    /// Copies the WAL into the database and truncates it to nothing, so the erased values' old
    /// pages are left in no file.
    ///
    /// With `secure_delete` on, the database's own pages hold zeros where the values were; the
    /// WAL still holds the pages as they were before the erasure until this checkpoint
    /// (<https://www.sqlite.org/pragma.html#pragma_wal_checkpoint>). When readers keep the
    /// checkpoint from finishing, it answers `false`.
    public func scrubErasedCopies() async throws -> Bool {
        try await pool.writeWithoutTransaction { db in
            let (walFrames, checkpointed) = try db.checkpoint(.truncate)
            return walFrames == 0 || checkpointed >= walFrames
        }
    }

    public func close() throws {
        try pool.close()
    }
}
