import Dispatch
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The shared store: one PostgreSQL database that several server instances use at once.
///
/// Every write of every instance takes one transaction-scoped advisory lock
/// (``PostgresStore/writeLock``) first, so writes run one at a time, as in the embedded store:
/// change numbers are handed out in commit order (a device that read the cursor past a number
/// has seen every change up to it), an operation id is looked up after the write that stored it
/// committed, and tallies' read-modify-write loses nothing. Reads run on a `REPEATABLE READ`
/// snapshot, alongside writes.
///
/// Sessions run on the store's own threads, one per connection, and wait there for PostgreSQL's
/// answers.
public final class PostgresStore: SQLStore {
    /// The advisory lock every write takes: `'door'` in ASCII.
    static let writeLock: Int64 = 0x646F_6F72

    /// Where the database is.
    public let location: PostgresLocation
    private let connections: PostgresConnectionPool
    private let threads: NIOThreadPool
    private let closed = Atomic<Bool>(false)

    /// Connects to the database at `location` and brings its schema up to date
    /// (``PostgresSchema``). It uses ``PostgresLocation/maximumConnections`` connections at most.
    ///
    /// - Throws: ``StoreFailure`` when the database cannot be reached, or PostgreSQL's error.
    public init(location: PostgresLocation) throws {
        self.location = location
        connections = PostgresConnectionPool(location: location, capacity: location.maximumConnections)
        threads = NIOThreadPool(numberOfThreads: location.maximumConnections)
        threads.start()
        do {
            try write { db in try PostgresSchema.migrate(db) }
        } catch {
            try? close()
            throw error
        }
    }

    public var dialect: SQLDialect { .postgres }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    public func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction(begin: "BEGIN; SELECT pg_advisory_xact_lock(\(Self.writeLock))", body)
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await offload { store in try store.read(body) }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await offload { store in try store.write(body) }
    }

    /// Runs `work` on one of the store's threads and waits for it without holding a thread of
    /// Swift's cooperative pool.
    ///
    /// `work` does not escape: the thread takes it from a ``PendingWork`` and lets it go before
    /// the caller resumes.
    private func offload<T: Sendable>(_ work: (PostgresStore) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(work) { work in
            let pending = PendingWork(work, store: self)
            return try await withCheckedThrowingContinuation { continuation in
                threads.submit { state in
                    let result: Result<T, any Error> = state == .active
                        ? pending.run() : .failure(StoreFailure(reason: "the server is stopping"))
                    continuation.resume(with: result)
                }
            }
        }
    }

    /// Reclaims the dead row versions that held erased values (`VACUUM`), so no table keeps them.
    ///
    /// PostgreSQL's write-ahead log, its archives and base backups keep what they held until they
    /// are recycled: `docs/operations.md` says how long that is.
    public func scrubErasedCopies() async throws -> Bool {
        let connections = connections
        try await threads.runIfActive {
            try connections.withConnection { session in
                _ = try session.run("VACUUM responses, field_writes, operations, conflicts", UnsafeBufferPointer(start: nil, count: 0))
            }
        }
        return true
    }

    /// Closes every connection and stops the store's threads; the store is closed when it goes
    /// away too.
    public func close() throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        connections.closeAll()
        try threads.syncShutdownGracefully()
    }

    deinit {
        try? close()
    }

    /// Runs `body` between `begin` and `COMMIT` on a pooled connection; rolls back when it throws.
    private func transaction<T>(begin: String, _ body: (any SQLSession) throws -> T) throws -> T {
        try connections.withConnection { session in
            for statement in begin.split(separator: ";") {
                _ = try session.run(String(statement), UnsafeBufferPointer(start: nil, count: 0))
            }
            let result: T
            do {
                result = try body(session)
                try session.sendAppends()
            } catch {
                try session.rollback()
                throw error
            }
            _ = try session.run("COMMIT", UnsafeBufferPointer(start: nil, count: 0))
            return result
        }
    }
}

/// Work handed to one of the store's threads while its caller waits: run once, then let go.
private final class PendingWork<T>: @unchecked Sendable {
    private var work: ((PostgresStore) throws -> T)?
    private let store: PostgresStore

    init(_ work: @escaping (PostgresStore) throws -> T, store: PostgresStore) {
        self.work = work
        self.store = store
    }

    /// Runs the work and drops it, so nothing holds it once its caller resumes.
    func run() -> Result<T, any Error> {
        guard let work else { return .failure(StoreFailure(reason: "the work was already run")) }
        self.work = nil
        return Result { try work(store) }
    }
}

/// The store's connections: opened as needed up to a limit, kept open while they work, closed
/// when they fail.
final class PostgresConnectionPool: Sendable {
    private let location: PostgresLocation
    private let logger = Logger(label: "doorstep-server.postgres")
    /// Free places: a session waits here when every connection is in use.
    private let places: DispatchSemaphore
    private let capacity: Int
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)

    /// How long a session waits for a connection before the request is answered 503.
    static let wait = DispatchTimeInterval.seconds(30)

    init(location: PostgresLocation, capacity: Int) {
        self.location = location
        self.capacity = max(1, capacity)
        places = DispatchSemaphore(value: max(1, capacity))
    }

    /// Runs `body` on a connection of the pool, opening one if none is idle. A connection that
    /// fails, or is left in a transaction, is closed rather than kept.
    func withConnection<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        guard places.wait(timeout: .now() + Self.wait) == .success else {
            throw StoreFailure(reason: "all \(capacity) PostgreSQL connections stayed busy")
        }
        defer { places.signal() }
        let connection = try idleConnection() ?? connect()
        do {
            let result = try body(PostgresSession(connection: connection, logger: logger))
            idle.withLock { $0.append(connection) }
            return result
        } catch {
            if StoreFailure(error) == nil, !connection.isClosed {
                idle.withLock { $0.append(connection) }
            } else {
                try? connection.close().wait()
            }
            throw error
        }
    }

    /// An idle connection that is still open; those PostgreSQL closed meanwhile (a restart, a
    /// failover) are let go.
    private func idleConnection() -> PostgresConnection? {
        while let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
            try? connection.close().wait()
        }
        return nil
    }

    /// Closes every idle connection.
    func closeAll() {
        for connection in idle.withLock({ idle in defer { idle.removeAll() }; return idle }) {
            try? connection.close().wait()
        }
    }

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: location.configuration,
                id: nextID.wrappingAdd(1, ordering: .relaxed).oldValue, logger: logger
            ).wait()
        } catch {
            throw StoreFailure(reason: "PostgreSQL at \(location) cannot be reached: \(String(reflecting: error))")
        }
    }
}
