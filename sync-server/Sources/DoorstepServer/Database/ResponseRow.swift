import DoorstepCore
import Foundation
import GRDB

/// A response's row as the push path reads and rewrites it: metadata plus the merged fields.
struct ResponseRow {
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

    /// The current answers: every field that holds a value.
    var answers: Answers { fields.compactMapValues(\.value) }

    /// Reads the response `id`; `nil` when the server has never seen it.
    static func fetch(_ db: Database, id: String) throws -> ResponseRow? {
        let statement = try db.cachedStatement(sql: """
            SELECT campaign, address, form, form_version, recorded_at, device, token_id, erased, fields_json
            FROM responses WHERE id = ?
            """)
        guard let row = try Row.fetchOne(statement, arguments: [id]) else { return nil }
        return ResponseRow(row: row, id: id)
    }

    init(row: Row, id: String) {
        self.id = id
        campaign = row["campaign"]
        address = row["address"]
        form = row["form"]
        formVersion = row["form_version"]
        recordedAt = row["recorded_at"]
        device = row["device"]
        tokenID = row["token_id"]
        erased = (row["erased"] as String?).flatMap(Erasure.Scope.init(rawValue:))
        fields = Self.decodeFields(row["fields_json"])
    }

    init(
        id: String, campaign: String, address: String, form: String, formVersion: String, recordedAt: String,
        device: String, tokenID: String, erased: Erasure.Scope?, fields: [String: FieldValue]
    ) {
        self.id = id
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.device = device
        self.tokenID = tokenID
        self.erased = erased
        self.fields = fields
    }

    static func decodeFields(_ json: String?) -> [String: FieldValue] {
        guard let json else { return [:] }
        return (try? JSONDecoder().decode([String: FieldValue].self, from: Data(json.utf8))) ?? [:]
    }

    /// The wire form pulled by devices.
    var state: ResponseState {
        ResponseState(
            id: UUID(uuidString: id) ?? UUID(), campaign: campaign, address: address, form: form,
            formVersion: formVersion, recordedAt: recordedAt, device: device, fields: fields, erased: erased
        )
    }
}
