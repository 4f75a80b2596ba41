public import Foundation
import Crypto

/// What ``ServerDatabase/migrate(from:to:)`` copied and checked.
public struct StoreMigration: Sendable {
    /// Rows copied per table, in the order copied; the same number was counted on both sides.
    public var rows: [(table: String, count: Int)]
    /// SHA-256 of every response's stored state, in number order: the same on both sides.
    public var responsesDigest: String
}

extension ServerDatabase {
    /// The tables, parents before children, as ``migrate(from:to:)`` copies them.
    static let copiedTables = [
        "meta", "agencies", "agency_keys", "tokens", "forms", "campaigns", "addresses", "visits", "responses",
        "field_writes", "conflicts", "followup_outcomes", "tallies", "operations", "unapplied_operations", "audit_log",
        "snapshots",
    ]

    /// Copies an embedded deployment into an empty PostgreSQL database and checks the copy: run
    /// it with the server stopped, then serve from PostgreSQL.
    ///
    /// Every table is copied whole, with its numbers: the epoch, the change sequence, the
    /// clock, response numbers and the operation log are the same, so devices keep syncing
    /// without noticing (their cursors and pending operations mean the same on the copy). The
    /// report-link secret moves into the database, so links already handed out keep working.
    /// The copy is one PostgreSQL transaction: it is all there, or none of it.
    ///
    /// - Returns: What was copied; each table's rows were counted on both sides and the digests
    ///   of every response's stored state compared.
    /// - Throws: ``AdminError`` when the target already holds data or the copy differs, or a
    ///   store error.
    public static func migrate(from directory: URL, to location: PostgresLocation) throws -> StoreMigration {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path) else {
            throw AdminError("\(directory.path) holds no \(fileName) to migrate.")
        }
        let source = try ServerDatabase(directory: directory)
        defer { try? source.close() }
        let target = try PostgresStore(location: location)
        defer { try? target.close() }
        let linkSecret = directory.appendingPathComponent(ReportLinks.fileName)
        return try source.store.read { from in
            try target.write { to in
                let held = try Int.fetchOne(to, sql: """
                    SELECT (SELECT COUNT(*) FROM forms) + (SELECT COUNT(*) FROM tokens) + (SELECT COUNT(*) FROM operations)
                    """) ?? 0
                guard held == 0 else {
                    throw AdminError("The PostgreSQL database \(location) holds Doorstep data already; migrate into an empty one.")
                }
                try to.execute(sql: "DELETE FROM meta")
                var rows: [(table: String, count: Int)] = []
                for table in copiedTables {
                    let copied = try copy(table, from: from, to: to)
                    let counted = try Int.fetchOne(to, sql: "SELECT COUNT(*) FROM \(table)") ?? -1
                    guard counted == copied else {
                        throw AdminError("\(table): \(copied) rows read but \(counted) stored; nothing was migrated.")
                    }
                    rows.append((table, copied))
                }
                for (table, column) in [("responses", "number"), ("audit_log", "id")] {
                    try to.execute(sql: """
                        SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), COALESCE((SELECT MAX(\(column)) FROM \(table)), 0) + 1, false)
                        """)
                }
                if let secret = try? Data(contentsOf: linkSecret), secret.count >= 32 {
                    try to.execute(
                        sql: "INSERT INTO meta(key, value) VALUES ('report_links_key', ?)", arguments: [secret.base64EncodedString()]
                    )
                }
                let digest = try responsesDigest(from)
                guard try responsesDigest(to) == digest else {
                    throw AdminError("The responses read back from PostgreSQL differ from the embedded store's; nothing was migrated.")
                }
                return StoreMigration(rows: rows, responsesDigest: digest)
            }
        }
    }

    /// Copies every row of `table`, in batches of one multi-row `INSERT`; returns how many.
    private static func copy(_ table: String, from: any SQLSession, to: any SQLSession) throws -> Int {
        let columns = try String.fetchAll(to, sql: """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
            """, arguments: [table])
        let list = columns.joined(separator: ", ")
        let batch = max(1, 30_000 / columns.count)
        var pending: [SQLValue] = []
        var count = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            let rows = Array(repeating: row, count: pending.count / columns.count).joined(separator: ", ")
            try to.execute(sql: "INSERT INTO \(table)(\(list)) OVERRIDING SYSTEM VALUE VALUES \(rows)", arguments: pending)
            pending.removeAll(keepingCapacity: true)
        }
        let cursor = try SQLRow.fetchCursor(from, sql: "SELECT \(list) FROM \(table)")
        while let row = try cursor.next() {
            for index in columns.indices { pending.append(row.value(at: index)) }
            count += 1
            if count.isMultiple(of: batch) { try flush() }
        }
        try flush()
        return count
    }

    /// SHA-256 over every response's stored state (its row, column by column), in number order.
    private static func responsesDigest(_ db: any SQLSession) throws -> String {
        var hash = SHA256()
        let cursor = try SQLRow.fetchCursor(db, sql: """
            SELECT number, id, campaign, address, form, form_version, recorded_at, device, token_id, erased,
                   answers_json, stamp, fields_json, changed_seq
            FROM responses ORDER BY number
            """)
        while let row = try cursor.next() {
            for index in 0..<14 {
                hash.update(data: Data("\(row.value(at: index))\u{1F}".utf8))
            }
            hash.update(data: Data([0x1E]))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
