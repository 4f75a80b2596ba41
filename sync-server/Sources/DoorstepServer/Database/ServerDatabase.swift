import DoorstepCore
public import Foundation
public import GRDB
import Logging
import Synchronization

/// The server's embedded store: one SQLite database, `doorstep-server.sqlite`, in the data directory.
///
/// It owns one GRDB `DatabasePool` (WAL, `synchronous=FULL`, foreign keys on, `secure_delete` on)
/// and migrates it when opened. Each write the server makes is a named method holding one
/// transaction; the reporting controller reads the same tables through ``writer``. The schema is
/// described in `docs/sync-protocol.md` and in ``ServerDatabase/migrator``.
///
/// The data directory is kept at mode 0700 and the database at 0600 (SQLite gives its `-wal` and
/// `-shm` files the database's mode), since they hold personal data and token hashes.
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
    /// Whether a write erased personal data since the WAL was last scrubbed.
    private let erasures: ErasureMark

    /// Opens (creating if needed) the database in `directory` and migrates it.
    ///
    /// - Parameter directory: The data directory; created with mode 0700 if missing, and set to
    ///   0700 (its database files to 0600) if it was more open.
    /// - Throws: A file-system error or GRDB's `DatabaseError`.
    public init(directory: URL) throws {
        let database = directory.appendingPathComponent(Self.fileName)
        try PrivateFiles.prepare(directory: directory, files: [database])
        self.directory = directory
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
        writer = try DatabasePool(path: database.path, configuration: configuration)
        try Self.migrator.migrate(writer)
        forms = FormCache()
        clock = ServerClock(last: try writer.read { db in try ServerClock.saved(db) })
        erasures = ErasureMark()
    }

    /// Marks that the write transaction under way erases personal data, so that
    /// ``scrubAfterErasure()`` scrubs the WAL once it has committed.
    func noteErasure() {
        erasures.set()
    }

    /// After a write that erased personal data has committed: copies the WAL into the database
    /// and truncates it to nothing, so the erased values' old pages are left in no file.
    ///
    /// With `secure_delete` on, the database's own pages hold zeros where the values were; the
    /// WAL still holds the pages as they were before the erasure until this checkpoint
    /// (<https://www.sqlite.org/pragma.html#pragma_wal_checkpoint>). It does nothing when no
    /// erasure was noted since the last scrub. When readers keep the checkpoint from finishing,
    /// the erasure stays noted and the next call tries again.
    public func scrubAfterErasure() async {
        do {
            try await writer.writeWithoutTransaction { db in
                guard erasures.take() else { return }
                do {
                    let (walFrames, checkpointed) = try db.checkpoint(.truncate)
                    if walFrames > 0, checkpointed < walFrames { erasures.set() }
                } catch {
                    erasures.set()
                    throw error
                }
            }
        } catch {
            Logger(label: "doorstep-server").warning("The WAL could not be scrubbed after an erasure; it will be tried again: \(error)")
        }
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

/// Whether an erasure awaits its WAL scrub; shared by every copy of the ``ServerDatabase`` value.
private final class ErasureMark: Sendable {
    private let pending = Mutex(false)

    func set() {
        pending.withLock { $0 = true }
    }

    /// Whether an erasure was marked; clears the mark.
    func take() -> Bool {
        pending.withLock { pending in
            defer { pending = false }
            return pending
        }
    }
}
