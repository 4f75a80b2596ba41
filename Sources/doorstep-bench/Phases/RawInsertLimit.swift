import DoorstepCore
import DoorstepWire
import Foundation
import GRDB

/// The storage half of "the limit": the rows a push of `operations` leaves on the server,
/// inserted straight into a database with the server's own schema (a copy of the template data
/// directory, migrated by `doorstep-server`) and the server's settings (WAL, `synchronous=FULL`, a
/// 128 MiB page cache, a WAL checkpoint every 8,192 pages). The rows are the server's: per new
/// response, its row (answers JSON and stamp), one field-history row holding every answer, and its
/// operation-log entry; per knock, its row and log entry; the campaign's tallies. No HTTP, no JSON
/// decoding, no validation, no merge: every value is prepared before the clock starts.
///
/// The limit itself is one transaction. Two diagnostic variants commit every 2,000 operations, as
/// the sync's pushes do, with those settings and with SQLite's defaults (2 MiB cache, checkpoint
/// every 1,000 pages), to show what the commit size and the cache cost.
struct RawInsertLimit {
    /// How the rows are committed.
    struct Variant {
        /// Operations per transaction; `nil` for one transaction.
        var transactionSize: Int?
        /// The server's cache and checkpoint settings; `false` for SQLite's defaults.
        var tuned = true
    }

    /// Rows and the time of the transactions, commits included.
    struct Outcome {
        var rows: Int
        var elapsed: Duration
        /// Bytes written through `write` and `pwrite` meanwhile (database and WAL).
        var writtenBytes: Int
    }

    /// One operation's rows, prepared.
    struct PreparedOperation {
        var id: String
        var device: String
        var kind: String
        var stamp: String
        var payload: String
        var responseRow: [(any DatabaseValueConvertible)?]?
        /// The answers JSON of a new response, its one field-history row's value.
        var answersJSON: String?
        var visitRow: [(any DatabaseValueConvertible)?]?
    }

    /// Every row's values, ready to bind.
    struct PreparedRows {
        var operations: [PreparedOperation]
        var tallies: [TallyKey: Int]
        var tokenID: String
        var receivedAt: String

        /// How many rows an insert writes.
        var count: Int {
            operations.reduce(0) { $0 + 1 + ($1.responseRow == nil ? 0 : 2) + ($1.visitRow == nil ? 0 : 1) }
                + tallies.count
        }
    }

    let scenario: Scenario

    /// Opens a copy of the template database the way the server does.
    private func open(_ data: URL, tuned: Bool) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if tuned {
                try db.execute(sql: "PRAGMA cache_size = -131072")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            }
        }
        return try DatabasePool(path: data.appendingPathComponent("doorstep-server.sqlite").path, configuration: configuration)
    }

    /// Prepares the rows a push of `operations` leaves, reading the token and the walk list from `data`.
    func prepare(_ operations: [SyncOperation], data: URL) throws -> PreparedRows {
        let pool = try open(data, tuned: false)
        defer { try? pool.close() }
        let tokenID = try pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM tokens WHERE name = ?", arguments: [Scenario.collectorName])
        } ?? ""
        let streets = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, street, area FROM addresses WHERE campaign = ?", arguments: [Scenario.campaign])
        }
        var places: [String: (street: String?, area: String?)] = [:]
        for row in streets { places[row["id"]] = (row["street"], row["area"]) }

        let encoder = JSONEncoder.wire
        let receivedAt = Date().formatted(.iso8601)
        var prepared: [PreparedOperation] = []
        prepared.reserveCapacity(operations.count)
        var tallies: [TallyKey: Int] = [:]
        for (index, operation) in operations.enumerated() {
            let sequence = Int64(index + 1)
            var row = PreparedOperation(
                id: operation.id.uuidString, device: operation.device, kind: operation.kind,
                stamp: operation.stamp.description,
                payload: String(decoding: try encoder.encode(operation), as: UTF8.self), responseRow: nil, answersJSON: nil,
                visitRow: nil
            )
            switch operation.body {
            case .createResponse(let new):
                let answers = JSONWriter.answers(new.answers)
                row.responseRow = [
                    new.response.uuidString, new.campaign, new.address, new.form, new.formVersion, new.recordedAt,
                    operation.device, tokenID, answers, operation.stamp.description, sequence,
                ]
                row.answersJSON = answers
                let place = places[new.address]
                for key in Tally.contributions(of: new.answers, form: scenario.form, street: place?.street, area: place?.area) {
                    tallies[key, default: 0] += 1
                }
            case .recordVisit(let visit):
                row.visitRow = [
                    visit.visit.uuidString, visit.campaign, visit.address, visit.outcome.rawValue, visit.note, visit.at,
                    operation.device, tokenID, operation.stamp.description, sequence,
                ]
            case .updateResponse, .eraseResponse, .addAddress, .recordOutcome:
                break
            }
            prepared.append(row)
        }
        return PreparedRows(operations: prepared, tallies: tallies, tokenID: tokenID, receivedAt: receivedAt)
    }

    /// Inserts the prepared rows into the database in `data` and times the transactions.
    func insert(_ rows: PreparedRows, data: URL, variant: Variant) throws -> Outcome {
        let pool = try open(data, tuned: variant.tuned)
        defer { try? pool.close() }
        let size = variant.transactionSize ?? max(rows.operations.count, 1)
        let tokenID = rows.tokenID
        let receivedAt = rows.receivedAt
        let writtenBefore = Subprocess.writtenBytes(procFile: "/proc/self/io") ?? 0
        let ((), elapsed) = try timed {
            var start = 0
            repeat {
                let batch = rows.operations[start..<min(start + size, rows.operations.count)]
                let last = batch.endIndex == rows.operations.endIndex
                try pool.write { db in
                    let logOperation = try db.makeStatement(sql: """
                        INSERT INTO operations(seq, id, received_at, device, token_id, type, stamp, applied_stamp, response,
                                               payload_json, status, reason, conflicts)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', NULL, 0)
                        """)
                    let insertResponse = try db.makeStatement(sql: """
                        INSERT INTO responses(id, campaign, address, form, form_version, recorded_at, device, token_id,
                                              erased, answers_json, stamp, fields_json, changed_seq)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?)
                        """)
                    let insertWrite = try db.makeStatement(sql: """
                        INSERT INTO field_writes(response, field, stamp, aliases_json, base, resolves_json, value_json, device, operation)
                        VALUES (?, '*', ?, NULL, NULL, NULL, ?, ?, ?)
                        """)
                    let insertVisit = try db.makeStatement(sql: """
                        INSERT INTO visits(id, campaign, address, outcome, note, at, device, token_id, stamp, changed_seq)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    let upsertTally = try db.makeStatement(sql: """
                        INSERT INTO tallies(campaign, dimension, question, bucket, count) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(campaign, dimension, question, bucket) DO UPDATE SET count = count + excluded.count
                        """)
                    for (offset, row) in zip(batch.indices, batch) {
                        let seq = offset + 1
                        var response: Int64?
                        if let values = row.responseRow {
                            try insertResponse.execute(arguments: StatementArguments(values))
                            response = db.lastInsertedRowID
                            try insertWrite.execute(arguments: [response, row.stamp, row.answersJSON, row.device, seq])
                        }
                        if let values = row.visitRow {
                            try insertVisit.execute(arguments: StatementArguments(values))
                        }
                        try logOperation.execute(arguments: [
                            seq, row.id, receivedAt, row.device, tokenID, row.kind, row.stamp, row.stamp, response, row.payload,
                        ])
                    }
                    if last {
                        for (key, count) in rows.tallies {
                            try upsertTally.execute(arguments: [Scenario.campaign, key.dimension, key.question, key.bucket, count])
                        }
                    }
                    try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'seq'", arguments: [String(batch.endIndex)])
                }
                start = batch.endIndex
            } while start < rows.operations.count
        }
        let written = (Subprocess.writtenBytes(procFile: "/proc/self/io") ?? 0) - writtenBefore
        return Outcome(rows: rows.count, elapsed: elapsed, writtenBytes: written)
    }
}
