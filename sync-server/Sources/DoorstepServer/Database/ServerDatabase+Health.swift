import Foundation
import GRDB

extension ServerDatabase {
    /// Takes the write lock and writes one row, then rolls back, to show the database takes writes.
    ///
    /// It fails as a push would on a database that is read-only, whose lock another process
    /// holds, or that SQLite cannot open for writing; and it changes nothing. (A disk that is full
    /// is seen by ``HealthCheck``'s free-space check: a rolled-back write does not reach the disk.)
    /// - Throws: ``HealthProblem`` naming the SQLite failure.
    func probeWrite() async throws(HealthProblem) {
        do {
            try await writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: """
                            INSERT INTO meta(key, value) VALUES ('health_probe', ?)
                            ON CONFLICT(key) DO UPDATE SET value = excluded.value
                            """,
                        arguments: [Timestamps.now()]
                    )
                    return .rollback
                }
            }
        } catch let error as DatabaseError {
            throw HealthProblem(reason: error.message ?? error.resultCode.description)
        } catch {
            throw HealthProblem(reason: "\(error)")
        }
    }
}

/// Why the database cannot be written, in a few words from SQLite.
struct HealthProblem: Error, CustomStringConvertible {
    var reason: String

    var description: String { reason }
}
