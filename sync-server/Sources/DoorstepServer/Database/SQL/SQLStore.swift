public import Foundation

/// Where the server keeps its data: the embedded SQLite file (``SQLiteStore``) or a PostgreSQL
/// database shared by several server instances (``PostgresStore``).
///
/// Every rule of the sync semantics is written once, above this protocol, as SQL run in the
/// sessions a store hands out. A store guarantees what those rules rely on:
/// * a write runs in one transaction, alone: no other write of any instance interleaves with it,
///   so change numbers are handed out in commit order and a tally's read-modify-write loses nothing;
/// * a read sees one consistent snapshot, while writes go on.
public protocol SQLStore: Sendable {
    /// The SQL the store speaks.
    var dialect: SQLDialect { get }

    /// Runs `body` in a read-only transaction on one consistent snapshot.
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T

    /// Runs `body` in a write transaction, alone among writes; commits when it returns and rolls
    /// back when it throws.
    func write<T>(_ body: (any SQLSession) throws -> T) throws -> T

    /// ``read(_:)`` off the caller's thread.
    func read<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T

    /// ``write(_:)`` off the caller's thread.
    func write<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T

    /// After a write that erased personal data has committed: removes the erased values' old copies
    /// from the store's files where it can. Returns `false` when it should be tried again later.
    func scrubErasedCopies() async throws -> Bool

    /// Closes every connection; call once the server has stopped.
    func close() throws
}

/// Where a server's data is: the embedded store's data directory, or a PostgreSQL database.
public enum StoreLocation: Sendable {
    /// The SQLite file in this data directory.
    case embedded(URL)
    /// A PostgreSQL database, which several instances may share.
    case postgres(PostgresLocation)
}
