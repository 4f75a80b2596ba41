import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// Rows appended through `SQLSession.appendingStatement` (the push's history rows, log entries,
/// knocks and tallies): PostgreSQL sends them many to a statement, later; every read and the commit
/// must still see exactly what was appended and not rolled back, as SQLite does at once.
@Suite("Appended rows: seen by every read, undone with their savepoint, kept at commit")
struct AppendedRowsTests {
    /// Text that `COPY`'s text format must escape, and text it must not touch.
    static let awkwardLabels: [String?] = [
        "tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\.", "\\N", "Cymraeg: ŵ ŷ, 🏠", "", nil,
    ]

    @Test(
        "Appends across savepoints, reads and more than one statement's worth of rows",
        arguments: ["", "ON CONFLICT(n) DO NOTHING"]
    )
    func appendedRowsFollowReadsAndSavepoints(suffix: String) async throws {
        let directory = try TemporaryDirectory("appended-rows")
        defer { directory.remove() }
        let database = try ServerDatabase.forTest(directory.url)
        defer { try? database.close() }

        let seen = try await database.store.write { db -> [Int64] in
            try db.execute(sql: "CREATE TABLE appended(n BIGINT PRIMARY KEY, label TEXT)")
            let append = try db.appendingStatement(SQLInsert(table: "appended", columns: ["n", "label"], suffix: suffix))
            func count() throws -> Int64 {
                try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM appended") ?? -1
            }
            var seen: [Int64] = []
            // Given a row appended before an operation's savepoint
            try append.execute(arguments: [1, "kept"])
            // When an operation that only appends is rolled back, its row is gone
            try db.beginSavepoint()
            try append.execute(arguments: [2, "rolled back, never read"])
            try db.rollbackToSavepoint()
            try db.releaseSavepoint()
            seen.append(try count())
            // And one that reads inside its savepoint, then appends and is rolled back, undoes both its rows
            try db.beginSavepoint()
            try append.execute(arguments: [3, "rolled back after a read"])
            seen.append(try count())
            try append.execute(arguments: [4, "rolled back, appended after the read"])
            try db.rollbackToSavepoint()
            try db.releaseSavepoint()
            seen.append(try count())
            // And one released keeps its rows
            try db.beginSavepoint()
            try append.execute(arguments: [5, "released"])
            try db.releaseSavepoint()
            // And more rows than one statement takes are all kept, in any number of statements
            for n in 6...1_300 {
                try append.execute(arguments: [n, "bulk \(n)"])
            }
            seen.append(try count())
            // And a row appended last, never read in the transaction, is kept at commit
            try append.execute(arguments: [1_301, "last"])
            // And text is kept as it was, whatever it holds
            for (offset, label) in Self.awkwardLabels.enumerated() {
                try append.execute(arguments: [2_000 + offset, label])
            }
            return seen
        }

        // Then every read saw exactly the rows kept so far, and the commit kept them all
        #expect(seen == [1, 2, 1, 1_297])
        let stored = try await database.store.read { db in
            try Int64.fetchAll(db, sql: "SELECT n FROM appended WHERE n < 2000 ORDER BY n")
        }
        #expect(stored.count == 1_298)
        #expect(stored == [1] + Array(5...1_301).map(Int64.init))
        let labels = try await database.store.read { db in
            try SQLRow.fetchAll(db, sql: "SELECT label FROM appended WHERE n >= 2000 ORDER BY n").map { $0["label"] as String? }
        }
        #expect(labels == Self.awkwardLabels)
    }

    @Test("A refused appended row fails the whole transaction, as a refused insert does")
    func refusedAppendFailsTheTransaction() async throws {
        let directory = try TemporaryDirectory("appended-refused")
        defer { directory.remove() }
        let database = try ServerDatabase.forTest(directory.url)
        defer { try? database.close() }
        try await database.store.write { db in
            try db.execute(sql: "CREATE TABLE appended(n BIGINT PRIMARY KEY)")
        }

        // When a transaction appends the same key twice
        await #expect(throws: (any Error).self) {
            try await database.store.write { db in
                let append = try db.appendingStatement(SQLInsert(table: "appended", columns: ["n"]))
                try append.execute(arguments: [1])
                try append.execute(arguments: [1])
            }
        }

        // Then nothing of it is stored
        let count = try await database.store.read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM appended") }
        #expect(count == 0)
    }
}
