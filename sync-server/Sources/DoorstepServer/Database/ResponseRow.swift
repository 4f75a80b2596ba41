import DoorstepCore
import DoorstepWire
import Foundation

/// A response's row as the push path reads and rewrites it: metadata plus the merged fields.
struct ResponseRow {
    /// The row's integer key, which `field_writes.response` refers to.
    var number: Int64
    var id: String
    var campaign: String
    var address: String
    var form: String
    var formVersion: String
    var recordedAt: String
    var device: String
    var tokenID: String
    var erased: Erasure.Scope?
    /// Every field's winning value and stamp; erased fields are absent.
    var fields: [String: FieldValue]
    /// The answers the response counts with in tallies and exports (`answers_json`): its valid
    /// answers, with non-relevant ones left out and calculations computed.
    var counted: Answers

    /// The current answers: every field that holds a value.
    var answers: Answers { fields.compactMapValues(\.value) }

    /// Reads the response `id`; `nil` when the server has never seen it.
    static func fetch(_ db: any SQLSession, id: String) throws -> ResponseRow? {
        let statement = try db.cachedStatement(sql: """
            SELECT number, campaign, address, form, form_version, recorded_at, device, token_id, erased,
                   answers_json, stamp, fields_json
            FROM responses WHERE id = ?
            """)
        guard let row = try SQLRow.fetchOne(statement, arguments: [id]) else { return nil }
        return try ResponseRow(row: row, id: id)
    }

    /// Reads a `responses` row.
    ///
    /// - Throws: ``UnreadableStoredText`` when its stored answers or fields do not read.
    init(row: SQLRow, id: String) throws(UnreadableStoredText) {
        self.id = id
        number = row["number"]
        campaign = row["campaign"]
        address = row["address"]
        form = row["form"]
        formVersion = row["form_version"]
        recordedAt = row["recorded_at"]
        device = row["device"]
        tokenID = row["token_id"]
        erased = (row["erased"] as String?).flatMap(Erasure.Scope.init(rawValue:))
        fields = try Self.fields(answersJSON: row["answers_json"], stamp: row["stamp"], fieldsJSON: row["fields_json"])
        guard let counted = FieldWriteRow.answerObject(row["answers_json"]) else {
            throw UnreadableStoredText(what: "the answers of response \(id)")
        }
        self.counted = counted.compactMapValues { $0 }
    }

    /// The merged fields of a `responses` row from its columns: `fields_json`, or, while it is NULL (a response no
    /// write has touched since its create), every answer with the create's `stamp`.
    static func fields(answersJSON: String?, stamp: String?, fieldsJSON: String?) throws(UnreadableStoredText) -> [String: FieldValue] {
        if let fieldsJSON { return try decodeFields(fieldsJSON) }
        guard let stamp = stamp.flatMap({ HLCTimestamp($0) }), let answers = answersJSON.flatMap(FieldWriteRow.answerObject) else {
            throw UnreadableStoredText(what: "a response's answers or stamp")
        }
        return answers.compactMapValues { value in value.map { FieldValue(value: $0, stamp: stamp) } }
    }

    static func decodeFields(_ json: String) throws(UnreadableStoredText) -> [String: FieldValue] {
        guard let fields = try? JSONDecoder().decode([String: FieldValue].self, from: Data(json.utf8)) else {
            throw UnreadableStoredText(what: "a response's merged fields")
        }
        return fields
    }

    /// The wire form pulled by devices.
    var state: ResponseState {
        ResponseState(
            id: UUID(uuidString: id) ?? UUID(), campaign: campaign, address: address, form: form,
            formVersion: formVersion, recordedAt: recordedAt, device: device, fields: fields, erased: erased
        )
    }
}
