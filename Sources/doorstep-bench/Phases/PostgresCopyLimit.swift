import DoorstepCore
import DoorstepServer
import Foundation
import GRDB

/// The storage half of "the limit" on PostgreSQL: the same rows as ``RawInsertLimit`` (per new
/// response its row, its one field-history row and its log entry; per knock its row and log entry;
/// the campaign's tallies) loaded with PostgreSQL's own `COPY … FROM STDIN`, one `COPY` per table
/// in one transaction, into a fresh database with the server's schema (the template migrated by
/// `doorstep-server migrate`). `psql` streams a script written before the clock starts; no HTTP,
/// no JSON decoding, no validation, no merge.
struct PostgresCopyLimit {
    let server: PostgresServer

    /// Loads `rows` into `data`'s database and times the transaction, `psql` included.
    func copy(_ rows: RawInsertLimit.PreparedRows, into data: ServerData, script: URL) throws -> Duration {
        guard case .postgres(_, let database) = data.place else {
            throw BenchError.wrongResult("the COPY limit needs a PostgreSQL database")
        }
        try write(rows, to: script)
        return try server.runScript(script, database: database)
    }

    /// Writes the `COPY` script: every table's rows in `COPY`'s text format, then the log's last number.
    private func write(_ rows: RawInsertLimit.PreparedRows, to file: URL) throws {
        var responses: [SQLValue] = []
        var writes: [SQLValue] = []
        var visits: [SQLValue] = []
        var log: [SQLValue] = []
        var number: Int64 = 0
        for (offset, row) in rows.operations.enumerated() {
            let seq = Int64(offset + 1)
            var response: Int64?
            if let values = row.responseRow {
                number += 1
                response = number
                responses += Self.values([number] + values)
                writes += Self.values([number, "*", row.stamp, row.answersJSON, row.device, seq])
            }
            if let values = row.visitRow {
                visits += Self.values(values)
            }
            log += Self.values([
                seq, row.id, rows.receivedAt, row.device, rows.tokenID, row.kind, row.stamp, row.stamp, response, row.payload,
                "applied", 0,
            ])
        }
        var tallies: [SQLValue] = []
        for (key, count) in rows.tallies {
            tallies += Self.values([Scenario.campaign, key.dimension, key.question, key.bucket, count])
        }
        var script: [UInt8] = []
        for (table, values) in [
            ("responses(number, id, campaign, address, form, form_version, recorded_at, device, token_id, answers_json, stamp, changed_seq)", responses),
            ("field_writes(response, field, stamp, value_json, device, operation)", writes),
            ("visits(id, campaign, address, outcome, note, at, device, token_id, stamp, changed_seq)", visits),
            ("operations(seq, id, received_at, device, token_id, type, stamp, applied_stamp, response, payload_json, status, conflicts)", log),
            ("tallies(campaign, dimension, question, bucket, count)", tallies),
        ] {
            script += Array("COPY \(table) FROM STDIN;\n".utf8)
            let width = table.split(separator: ",").count
            PostgresCopyText.append(values, width: width, to: &script)
            script += Array("\\.\n".utf8)
        }
        script += Array("UPDATE meta SET value = '\(rows.operations.count)' WHERE key = 'seq';\n".utf8)
        try Data(script).write(to: file)
    }

    /// Values as the server binds them.
    private static func values(_ values: [(any DatabaseValueConvertible)?]) -> [SQLValue] {
        values.map { value in
            switch value?.databaseValue.storage ?? .null {
            case .null: .null
            case .int64(let number): .integer(number)
            case .double(let number): .real(number)
            case .string(let text): .text(text)
            case .blob(let data): .text(String(decoding: data, as: UTF8.self))
            }
        }
    }
}
