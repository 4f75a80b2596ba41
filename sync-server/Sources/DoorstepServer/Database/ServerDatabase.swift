import DoorstepCore
public import Foundation
import Logging
import Synchronization

/// The server's data and every rule that reads or changes it, over one ``SQLStore``: by default
/// the embedded SQLite file in the data directory, or a PostgreSQL database shared by several
/// server instances.
///
/// Each write the server makes is a named method holding one transaction; the reporting
/// controller reads the same tables through ``store``. The schema is described in
/// `docs/sync-protocol.md`, in ``ServerDatabase/migrator`` and in ``PostgresSchema``.
public struct ServerDatabase: Sendable {
    /// The database file's name inside the data directory of the embedded store.
    public static let fileName = SQLiteStore.fileName

    /// Where the data is kept.
    public let store: any SQLStore
    /// The data directory: the embedded store's database, and this instance's files.
    public let directory: URL
    /// Parsed form versions, by id and version (forms are immutable once published).
    let forms: FormCache
    /// The server's hybrid logical clock.
    let clock: ServerClock
    /// Whether a write erased personal data since the store was last scrubbed.
    private let erasures: ErasureMark

    /// Opens (creating if needed) the embedded database in `directory` and migrates it.
    ///
    /// - Parameter directory: The data directory; created with mode 0700 if missing, and set to
    ///   0700 (its database files to 0600) if it was more open.
    /// - Throws: A file-system error or GRDB's `DatabaseError`.
    public init(directory: URL) throws {
        try self.init(store: SQLiteStore(directory: directory, migrator: Self.migrator), directory: directory)
    }

    /// The server's data in `store`; `directory` holds this instance's own files.
    init(store: any SQLStore, directory: URL, node: String = ServerClock.node) throws {
        self.store = store
        self.directory = directory
        forms = FormCache()
        clock = ServerClock(node: node, last: try store.read { db in try ServerClock.saved(db) })
        erasures = ErasureMark()
    }

    /// Marks that the write transaction under way erases personal data, so that
    /// ``scrubAfterErasure()`` scrubs the store once it has committed.
    func noteErasure() {
        erasures.set()
    }

    /// After a write that erased personal data has committed: removes the erased values' old
    /// copies from the store's files (see ``SQLStore/scrubErasedCopies()``).
    ///
    /// It does nothing when no erasure was noted since the last scrub. When the scrub cannot
    /// finish, the erasure stays noted and the next call tries again.
    public func scrubAfterErasure() async {
        guard erasures.take() else { return }
        do {
            if try await !store.scrubErasedCopies() { erasures.set() }
        } catch {
            erasures.set()
            Logger(label: "doorstep-server").warning("The store could not be scrubbed after an erasure; it will be tried again: \(error)")
        }
    }

    /// The data's epoch: a new one after every restore, so devices re-send what it lost.
    public func epoch() throws -> String {
        try store.read { db in try Self.epoch(db) }
    }

    static func epoch(_ db: any SQLSession) throws -> String {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") ?? ""
    }

    /// The last change sequence number handed out.
    static func sequence(_ db: any SQLSession) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'seq'") ?? 0
    }

    static func setSequence(_ db: any SQLSession, _ value: Int64) throws {
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'seq'", arguments: [String(value)])
    }

    /// Closes every connection; call once the server has stopped.
    public func close() throws {
        try store.close()
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
