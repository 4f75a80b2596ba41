import Crypto
import DoorstepCore
import DoorstepWire
import Foundation

/// Reads rows of `field_writes` back into merge-rule writes.
///
/// A row is one write to one field, except the row of a `response.create`: its `field` is
/// ``createField`` and its `value_json` the object of every answer the create wrote, each a write
/// with the row's stamp and no base. One row instead of one per answer keeps the push of new
/// responses fast; reading a field's history expands it.
enum FieldWriteRow {
    /// The `field` of a create's row; no question can be named so.
    static let createField = "*"

    /// The write to `field` that a `field_writes` row holds; `nil` when a create's row did not
    /// write that field.
    ///
    /// - Throws: ``UnreadableStoredText`` when the row's text does not read: a write is never
    ///   merged over as if it were empty.
    static func write(_ row: SQLRow, field: String) throws(UnreadableStoredText) -> FieldHistory.Write? {
        let stamp = try UnreadableStoredText.stamp(row["stamp"], "a field write's stamp")
        let value: AnswerValue?
        if (row["field"] as String) == createField {
            guard let answers = answerObject(row["value_json"]) else {
                throw UnreadableStoredText(what: "the answers of a create's field write")
            }
            guard let written = answers[field] else { return nil }
            value = written
        } else {
            value = try answer(row["value_json"])
        }
        return FieldHistory.Write(
            stamp: stamp,
            aliases: try stamps(row["aliases_json"]),
            base: try (row["base"] as String?).map { text throws(UnreadableStoredText) in try UnreadableStoredText.stamp(text, "a field write's base") },
            resolves: try stamps(row["resolves_json"]),
            value: value,
            device: row["device"]
        )
    }

    /// A create's answers object: each written field with its value, `nil` where erased.
    static func answerObject(_ json: String?) -> [String: AnswerValue?]? {
        json.flatMap(JSONValue.answerObject)
    }

    /// A create's answers object written back with the values of `erased` (every field when `nil`) removed.
    static func erasing(_ answers: [String: AnswerValue?], _ erased: Set<String>?) -> String {
        var json = JSONWriter(capacity: answers.count * 24)
        json.byte(UInt8(ascii: "{"))
        for (index, name) in answers.keys.sorted().enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.string(name)
            json.byte(UInt8(ascii: ":"))
            json.answer(erased?.contains(name) ?? true ? nil : (answers[name] ?? nil))
        }
        json.byte(UInt8(ascii: "}"))
        return json.text
    }

    /// A list of stamps stored as JSON text; empty for SQL NULL.
    static func stamps(_ json: String?) throws(UnreadableStoredText) -> [HLCTimestamp] {
        guard let json else { return [] }
        guard let texts = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
            throw UnreadableStoredText(what: "a list of stamps")
        }
        return try texts.map { text throws(UnreadableStoredText) in try UnreadableStoredText.stamp(text, "a stamp in a list") }
    }

    /// An answer stored as JSON text; `nil` for SQL NULL or JSON `null`.
    static func answer(_ json: String?) throws(UnreadableStoredText) -> AnswerValue? {
        guard let json, json != "null" else { return nil }
        guard let value = try? JSONDecoder().decode(AnswerValue.self, from: Data(json.utf8)) else {
            throw UnreadableStoredText(what: "a stored answer")
        }
        return value
    }
}

/// Text the server stored itself that does not read back: the database was changed outside the
/// server, or damaged. What meets it fails (the request answers 500 and nothing is written), so a
/// stored value is never read as empty and merged over.
struct UnreadableStoredText: Error, CustomStringConvertible {
    /// What could not be read.
    var what: String

    var description: String { "The database holds \(what) that does not read; restore it from a backup." }

    /// `text` read as a stamp.
    static func stamp(_ text: String, _ what: String) throws(UnreadableStoredText) -> HLCTimestamp {
        guard let stamp = HLCTimestamp(text) else { throw UnreadableStoredText(what: what) }
        return stamp
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
    ///
    /// - Returns: How many of `open` were not open before, and how many open before are not in it.
    static func replace(
        _ db: any SQLSession, response: String, campaign: String, field: String, with open: [FieldHistory.Write]
    ) throws -> (opened: Int, resolved: Int) {
        let before = Set(try SQLRow.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM conflicts WHERE response = ? AND field = ?"), arguments: [response, field]
        ).map { $0[0] as String })
        let after = Set(open.map { id(response: response, field: field, stamp: $0.stamp) })
        try db.cachedStatement(sql: "DELETE FROM conflicts WHERE response = ? AND field = ?")
            .execute(arguments: [response, field])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO conflicts(id, response, campaign, field, stamp, value_json, device) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for write in open {
            try insert.execute(arguments: [
                id(response: response, field: field, stamp: write.stamp), response, campaign, field,
                write.stamp.description, write.value.map { JSONWriter.answer($0) }, write.device,
            ])
        }
        return (after.subtracting(before).count, before.subtracting(after).count)
    }
}

/// Removes erased values from every copy the server keeps: field history, conflicts and the log.
enum Erasing {
    /// Erases `fields` (every field when `nil`) of `response`.
    static func scrub(_ db: any SQLSession, response: String, number: Int64, fields: Set<String>?) throws {
        let creates = try SQLRow.fetchAll(
            db, sql: "SELECT stamp, value_json FROM field_writes WHERE response = ? AND field = ?",
            arguments: [number, FieldWriteRow.createField]
        )
        for create in creates {
            guard let answers = FieldWriteRow.answerObject(create["value_json"]) else { continue }
            try db.execute(
                sql: "UPDATE field_writes SET value_json = ? WHERE response = ? AND field = ? AND stamp = ?",
                arguments: [FieldWriteRow.erasing(answers, fields), number, FieldWriteRow.createField, create["stamp"] as String]
            )
        }
        if let fields {
            for field in fields {
                try db.execute(
                    sql: "UPDATE field_writes SET value_json = NULL WHERE response = ? AND field = ?",
                    arguments: [number, field]
                )
                try db.execute(sql: "DELETE FROM conflicts WHERE response = ? AND field = ?", arguments: [response, field])
            }
        } else {
            try db.execute(
                sql: "UPDATE field_writes SET value_json = NULL WHERE response = ? AND field <> ?",
                arguments: [number, FieldWriteRow.createField]
            )
            try db.execute(sql: "DELETE FROM conflicts WHERE response = ?", arguments: [response])
            // An agency's note on a follow-up may name the resident: it goes with the response.
            try db.execute(sql: "UPDATE followup_outcomes SET note = NULL WHERE response = ?", arguments: [number])
        }
        let logged = try SQLRow.fetchAll(
            db, sql: "SELECT seq, payload_json FROM operations WHERE response = ?", arguments: [number]
        )
        for row in logged {
            let json: String = row["payload_json"]
            guard let operation = SyncOperation(jsonText: json) else { continue }
            let scrubbed = scrub(operation, fields: fields)
            if scrubbed != operation {
                try db.execute(
                    sql: "UPDATE operations SET payload_json = ? WHERE seq = ?",
                    arguments: [scrubbed.jsonText, row["seq"] as Int64]
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
        case .recordOutcome(var outcome) where fields == nil:
            outcome.note = nil
            copy.body = .recordOutcome(outcome)
        case .recordVisit, .eraseResponse, .addAddress, .recordOutcome:
            break
        }
        return copy
    }
}
