import Crypto
import DoorstepCore
import Foundation
import GRDB

/// Reads rows of `field_writes` back into merge-rule writes.
enum FieldWriteRow {
    /// The write a `field_writes` row holds; `nil` for a row whose stamp is unreadable.
    static func write(_ row: Row) -> FieldHistory.Write? {
        guard let stamp = HLCTimestamp(row["stamp"] as String) else { return nil }
        return FieldHistory.Write(
            stamp: stamp,
            aliases: stamps(row["aliases_json"]),
            base: (row["base"] as String?).flatMap { HLCTimestamp($0) },
            resolves: stamps(row["resolves_json"]),
            value: answer(row["value_json"]),
            device: row["device"]
        )
    }

    static func stamps(_ json: String?) -> [HLCTimestamp] {
        guard let json, let texts = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else { return [] }
        return texts.compactMap { HLCTimestamp($0) }
    }

    /// An answer stored as JSON text; `nil` for SQL NULL or JSON `null`.
    static func answer(_ json: String?) -> AnswerValue? {
        guard let json, json != "null" else { return nil }
        return try? JSONDecoder().decode(AnswerValue.self, from: Data(json.utf8))
    }
}

/// The `conflicts` table: the open conflicts of every field, rewritten whenever the field changes.
enum ConflictRows {
    /// The stable id of the conflict left by the write `stamp` on `field` of `response`.
    static func id(response: String, field: String, stamp: HLCTimestamp) -> String {
        let digest = SHA256.hash(data: Data("\(response)\u{0}\(field)\u{0}\(stamp)".utf8))
        return digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// Replaces the stored open conflicts of one field.
    static func replace(
        _ db: Database, response: String, campaign: String, field: String, with open: [FieldHistory.Write]
    ) throws {
        try db.cachedStatement(sql: "DELETE FROM conflicts WHERE response = ? AND field = ?")
            .execute(arguments: [response, field])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO conflicts(id, response, campaign, field, stamp, value_json, device) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for write in open {
            try insert.execute(arguments: [
                id(response: response, field: field, stamp: write.stamp), response, campaign, field,
                write.stamp.description, write.value.map { JSONText.answer($0) }, write.device,
            ])
        }
    }
}

/// Removes erased values from every copy the server keeps: field history, conflicts and the log.
enum Erasing {
    /// Erases `fields` (every field when `nil`) of `response`.
    static func scrub(_ db: Database, response: String, fields: Set<String>?) throws {
        if let fields {
            for field in fields {
                try db.execute(
                    sql: "UPDATE field_writes SET value_json = NULL WHERE response = ? AND field = ?",
                    arguments: [response, field]
                )
                try db.execute(sql: "DELETE FROM conflicts WHERE response = ? AND field = ?", arguments: [response, field])
            }
        } else {
            try db.execute(sql: "UPDATE field_writes SET value_json = NULL WHERE response = ?", arguments: [response])
            try db.execute(sql: "DELETE FROM conflicts WHERE response = ?", arguments: [response])
        }
        let logged = try Row.fetchAll(
            db, sql: "SELECT seq, payload_json FROM operations WHERE response = ?", arguments: [response]
        )
        for row in logged {
            let json: String = row["payload_json"]
            guard let operation = try? JSONDecoder().decode(SyncOperation.self, from: Data(json.utf8)) else { continue }
            let scrubbed = scrub(operation, fields: fields)
            if scrubbed != operation {
                try db.execute(
                    sql: "UPDATE operations SET payload_json = ? WHERE seq = ?",
                    arguments: [JSONText.operation(scrubbed), row["seq"] as Int64]
                )
            }
        }
    }

    /// The operation without the values of `fields` (every field when `nil`).
    static func scrub(_ operation: SyncOperation, fields: Set<String>?) -> SyncOperation {
        var copy = operation
        switch operation.body {
        case .createResponse(var new):
            new.answers = new.answers.filter { answer in fields.map { !$0.contains(answer.key) } ?? false }
            copy.body = .createResponse(new)
        case .updateResponse(var update):
            update.fields = update.fields.map { change in
                var change = change
                if fields?.contains(change.name) ?? true { change.value = nil }
                return change
            }
            copy.body = .updateResponse(update)
        case .recordVisit, .eraseResponse:
            break
        }
        return copy
    }
}
