import GRDB

extension ClientStoreError {
    /// The store's own words for an error its database threw, so callers need not know SQLite:
    /// ``busy`` when another process holds the write lock, ``database(_:)`` otherwise; `nil` for
    /// an error that is not the database's.
    public init?(databaseError error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            self = .busy
        } else {
            self = .database(error.message ?? error.resultCode.description)
        }
    }
}
