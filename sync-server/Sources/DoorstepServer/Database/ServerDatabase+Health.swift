import Foundation

extension ServerDatabase {
    /// Takes the write lock and writes one row, then rolls back, to show the store takes writes.
    ///
    /// It fails as a push would on a database that is read-only, whose lock another process
    /// holds, that cannot be opened for writing or that cannot be reached; and it changes nothing.
    /// (A disk that is full is seen by ``HealthCheck``'s free-space check: a rolled-back write does
    /// not reach the disk.)
    /// - Throws: ``HealthProblem`` naming the store's failure.
    func probeWrite() async throws(HealthProblem) {
        /// Thrown to roll the probe's write back.
        struct RolledBack: Error {}
        do {
            try await store.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO meta(key, value) VALUES ('health_probe', ?)
                        ON CONFLICT(key) DO UPDATE SET value = excluded.value
                        """,
                    arguments: [Timestamps.now()]
                )
                throw RolledBack()
            }
        } catch is RolledBack {
            return
        } catch {
            throw HealthProblem(reason: StoreFailure.reason(error))
        }
    }
}

/// Why the database cannot be written, in a few words from the store.
struct HealthProblem: Error, CustomStringConvertible {
    var reason: String

    var description: String { reason }
}
