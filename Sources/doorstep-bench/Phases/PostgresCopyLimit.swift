import DoorstepCore
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
        var responses = "COPY responses(number, id, campaign, address, form, form_version, recorded_at, device, token_id, answers_json, stamp, changed_seq) FROM STDIN;\n"
        var writes = "COPY field_writes(response, field, stamp, value_json, device, operation) FROM STDIN;\n"
        var visits = "COPY visits(id, campaign, address, outcome, note, at, device, token_id, stamp, changed_seq) FROM STDIN;\n"
        var log = "COPY operations(seq, id, received_at, device, token_id, type, stamp, applied_stamp, response, payload_json, status, conflicts) FROM STDIN;\n"
        var number: Int64 = 0
        for (offset, row) in rows.operations.enumerated() {
            let seq = Int64(offset + 1)
            var response: Int64?
            if let values = row.responseRow {
                number += 1
                response = number
                responses += Self.line([number] + values)
                writes += Self.line([number, "*", row.stamp, row.answersJSON, row.device, seq])
            }
            if let values = row.visitRow {
                visits += Self.line(values)
            }
            log += Self.line([
                seq, row.id, rows.receivedAt, row.device, rows.tokenID, row.kind, row.stamp, row.stamp, response, row.payload,
                "applied", 0,
            ])
        }
        var tallies = "COPY tallies(campaign, dimension, question, bucket, count) FROM STDIN;\n"
        for (key, count) in rows.tallies {
            tallies += Self.line([Scenario.campaign, key.dimension, key.question, key.bucket, count])
        }
        let end = "\\.\n"
        let script = responses + end + writes + end + visits + end + log + end + tallies + end
            + "UPDATE meta SET value = '\(rows.operations.count)' WHERE key = 'seq';\n"
        try script.write(to: file, atomically: false, encoding: .utf8)
    }

    /// One row in `COPY`'s text format: tab-separated, `\N` for NULL, backslash escapes.
    private static func line(_ values: [(any DatabaseValueConvertible)?]) -> String {
        values.map { value -> String in
            switch value?.databaseValue.storage ?? .null {
            case .null: return "\\N"
            case .int64(let number): return String(number)
            case .double(let number): return String(number)
            case .string(let text): return escaped(text)
            case .blob(let data): return escaped(String(decoding: data, as: UTF8.self))
            }
        }.joined(separator: "\t") + "\n"
    }

    private static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
