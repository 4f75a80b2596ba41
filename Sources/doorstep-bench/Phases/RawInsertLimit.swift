import DoorstepCore
import Foundation
import GRDB

/// The storage half of "the limit": the rows a push of `operations` leaves on the server,
/// inserted straight into a database with the server's own schema (a copy of the template data
/// directory, migrated by `doorstep-server`) in one transaction, with the server's settings (WAL,
/// `synchronous=FULL`, foreign keys). No HTTP, no JSON decoding, no validation, no merge: every
/// row's text is prepared before the clock starts.
struct RawInsertLimit {
    /// Rows and the time of the transaction, commit included.
    struct Outcome {
        var rows: Int
        var elapsed: Duration
        var writtenBytes: Int
    }

    /// One operation's rows, prepared.
    private struct PreparedOperation {
        var id: String
        var device: String
        var kind: String
        var stamp: String
        var response: String?
        var payload: String
        var responseRow: [(any DatabaseValueConvertible)?]?
        var fieldRows: [(name: String, value: String)]
        var visitRow: [(any DatabaseValueConvertible)?]?
    }

    let scenario: Scenario

    /// Inserts the rows for `operations` into the database in `data` and times the transaction.
    func run(_ operations: [SyncOperation], data: URL) throws -> Outcome {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: data.appendingPathComponent("doorstep-server.sqlite").path, configuration: configuration)
        defer { try? pool.close() }
        let tokenID = try pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM tokens WHERE name = ?", arguments: [Scenario.collectorName])
        } ?? ""
        let streets = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, street, area FROM addresses WHERE campaign = ?", arguments: [Scenario.campaign])
        }
        var places: [String: (street: String?, area: String?)] = [:]
        for row in streets { places[row["id"]] = (row["street"], row["area"]) }

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let receivedAt = Date().formatted(.iso8601)
        var prepared: [PreparedOperation] = []
        prepared.reserveCapacity(operations.count)
        var tallies: [TallyKey: Int] = [:]
        for (index, operation) in operations.enumerated() {
            let sequence = Int64(index + 1)
            var row = PreparedOperation(
                id: operation.id.uuidString, device: operation.device, kind: operation.kind,
                stamp: operation.stamp.description, response: nil,
                payload: String(decoding: try encoder.encode(operation), as: UTF8.self), responseRow: nil, fieldRows: [],
                visitRow: nil
            )
            switch operation.body {
            case .createResponse(let new):
                row.response = new.response.uuidString
                row.responseRow = [
                    new.response.uuidString, new.campaign, new.address, new.form, new.formVersion, new.recordedAt,
                    operation.device, tokenID, JSONLiteral.answers(new.answers),
                    JSONLiteral.fields(new.answers, stamp: operation.stamp), sequence,
                ]
                row.fieldRows = new.answers.map { ($0.key, JSONLiteral.answer($0.value)) }
                let place = places[new.address]
                for key in Tally.contributions(of: new.answers, form: scenario.form, street: place?.street, area: place?.area) {
                    tallies[key, default: 0] += 1
                }
            case .recordVisit(let visit):
                row.visitRow = [
                    visit.visit.uuidString, visit.campaign, visit.address, visit.outcome.rawValue, visit.note, visit.at,
                    operation.device, tokenID, operation.stamp.description, sequence,
                ]
            case .updateResponse, .eraseResponse:
                break
            }
            prepared.append(row)
        }
        let talliesToWrite = tallies

        let writtenBefore = Subprocess.writtenBytes(procFile: "/proc/self/io") ?? 0
        let ((), elapsed) = try timed {
            try pool.write { db in
                let logOperation = try db.makeStatement(sql: """
                    INSERT INTO operations(id, received_at, device, token_id, type, stamp, applied_stamp, response,
                                           payload_json, status, reason, conflicts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', NULL, 0)
                    """)
                let insertResponse = try db.makeStatement(sql: """
                    INSERT INTO responses(id, campaign, address, form, form_version, recorded_at, device, token_id,
                                          erased, answers_json, fields_json, changed_seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)
                    """)
                let insertWrite = try db.makeStatement(sql: """
                    INSERT INTO field_writes(response, field, stamp, aliases_json, base, resolves_json, value_json, device, operation)
                    VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?, ?)
                    """)
                let insertVisit = try db.makeStatement(sql: """
                    INSERT INTO visits(id, campaign, address, outcome, note, at, device, token_id, stamp, changed_seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let upsertTally = try db.makeStatement(sql: """
                    INSERT INTO tallies(campaign, dimension, question, bucket, count) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(campaign, dimension, question, bucket) DO UPDATE SET count = count + excluded.count
                    """)
                for row in prepared {
                    try logOperation.execute(arguments: [
                        row.id, receivedAt, row.device, tokenID, row.kind, row.stamp, row.stamp, row.response, row.payload,
                    ])
                    if let values = row.responseRow {
                        try insertResponse.execute(arguments: StatementArguments(values))
                        for field in row.fieldRows {
                            try insertWrite.execute(arguments: [row.response, field.name, row.stamp, field.value, row.device, row.id])
                        }
                    }
                    if let values = row.visitRow {
                        try insertVisit.execute(arguments: StatementArguments(values))
                    }
                }
                for (key, count) in talliesToWrite {
                    try upsertTally.execute(arguments: [Scenario.campaign, key.dimension, key.question, key.bucket, count])
                }
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'seq'", arguments: [String(prepared.count)])
            }
        }
        let rows = prepared.reduce(0) { $0 + 1 + ($1.responseRow == nil ? 0 : 1 + $1.fieldRows.count) + ($1.visitRow == nil ? 0 : 1) }
        let written = (Subprocess.writtenBytes(procFile: "/proc/self/io") ?? 0) - writtenBefore
        return Outcome(rows: rows + talliesToWrite.count, elapsed: elapsed, writtenBytes: written)
    }
}
