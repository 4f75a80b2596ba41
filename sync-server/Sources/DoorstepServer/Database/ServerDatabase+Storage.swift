import Foundation

extension ServerDatabase {
    /// The bytes the data takes: the SQLite file and its write-ahead log, or on PostgreSQL the
    /// database's size (`pg_database_size`), whose WAL is the cluster's, not the database's.
    func storageSize() async throws -> (database: Int64, wal: Int64?) {
        guard let directory else {
            let size = try await store.read { db in
                try Int64.fetchOne(db, sql: "SELECT pg_database_size(current_database())") ?? 0
            }
            return (size, nil)
        }
        func size(_ name: String) -> Int64 {
            let path = directory.appendingPathComponent(name).path
            return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return (size(Self.fileName), size(Self.fileName + "-wal"))
    }

    /// The backups `doorstep-server backup` made of the embedded store, and when the last one
    /// finished (unix seconds); `nil` on PostgreSQL.
    func backupRuns() async throws -> (runs: Int, last: Double?)? {
        guard directory != nil else { return nil }
        return try await store.read { db in
            let runs = try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'backup_runs'") ?? 0
            let last = try Double.fetchOne(db, sql: "SELECT CAST(value AS REAL) FROM meta WHERE key = 'last_backup_at'")
            return (runs, last)
        }
    }
}
