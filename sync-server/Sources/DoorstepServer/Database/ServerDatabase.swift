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
    /// The data directory of the embedded store; `nil` on PostgreSQL.
    public let directory: URL?
    /// The option that names the store, for messages: `--data DIR` or `--database URL`.
    public let storeOption: String
    /// Parsed form versions, by id and version (forms are immutable once published).
    let forms: FormCache
    /// The server's hybrid logical clock.
    let clock: ServerClock
    /// Whether a write erased personal data since the store was last scrubbed.
    private let erasures: ErasureMark
    /// Where pushes, pulls and conflict resolutions are recorded once committed; `nil` when the
    /// server serves no metrics.
    public internal(set) var metrics: ServerMetrics?

    /// Opens (creating if needed) the embedded database in `directory` and migrates it.
    ///
    /// - Parameter directory: The data directory; created with mode 0700 if missing, and set to
    ///   0700 (its database files to 0600) if it was more open.
    /// - Throws: A file-system error or GRDB's `DatabaseError`.
    public init(directory: URL) throws {
        try self.init(store: SQLiteStore(directory: directory, migrator: Self.migrator), directory: directory)
    }

    /// Opens the data at `location`, migrating its schema.
    ///
    /// - Parameters:
    ///   - location: The embedded store's data directory or a PostgreSQL database.
    ///   - instance: This server instance's name, unique among the instances that share a
    ///     PostgreSQL database: it is part of every stamp the instance issues. Ignored for the
    ///     embedded store, which one instance owns.
    /// - Throws: A file-system error, GRDB's `DatabaseError`, ``StoreFailure`` for a PostgreSQL
    ///   database that cannot be reached, or PostgreSQL's error.
    public init(location: StoreLocation, instance: String = ServerDatabase.defaultInstance) throws {
        switch location {
        case .embedded(let directory):
            try self.init(directory: directory)
        case .postgres(let database):
            try self.init(store: PostgresStore(location: database), directory: nil, node: "\(ServerClock.node)-\(instance)")
        }
    }

    /// This process's name among server instances: its host name and process id.
    public static var defaultInstance: String {
        let host = ProcessInfo.processInfo.hostName.lowercased().map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" }
        return String(host) + "-" + String(ProcessInfo.processInfo.processIdentifier)
    }

    /// The server's data in `store`; `directory` is the embedded store's data directory.
    init(store: any SQLStore, directory: URL?, node: String = ServerClock.node) throws {
        self.store = store
        self.directory = directory
        storeOption = directory.map { "--data \($0.path)" } ?? "--database \((store as? PostgresStore)?.location.description ?? "URL")"
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

    /// The node name in the stamps this server issues: `server`, or `server-INSTANCE` on PostgreSQL.
    public var clockNode: String { clock.node }

    /// Moves the clock past the one saved by the last write of any instance; call at the start
    /// of a write that issues stamps, so stamps stay ordered across instances.
    func catchUpClock(_ db: any SQLSession) throws {
        if let saved = try ServerClock.saved(db) { clock.observe(saved) }
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
