import DoorstepCore
import DoorstepWire
import Foundation

/// A pull page written straight from the `responses` rows: `JSONEncoder` over 100,000
/// ``ResponseState``s was most of the server's time in a pull.
///
/// A response's stored `answers_json` / `fields_json` is JSON the server wrote itself, so its
/// answers are copied into the page as they are, each with its stamp
/// (``ResponseState/writeFields(answers:stamp:to:)``). A row whose text the copy does not vouch
/// for (a decimal answer, an unreadable id or stamp) is written from its decoded
/// ``ResponseRow/state``, so a device decodes the same page either way.
struct PullPage {
    var cursor: Int64
    var more = false
    var epoch: String
    var forms: [PublishedForm] = []
    var campaigns: [CampaignInfo] = []
    var visits: [VisitEvent] = []
    /// Every agency's current key, on every page.
    var agencies: [AgencyKey] = []
    /// The elements of the `responses` array, joined by commas.
    private var responses = JSONWriter(capacity: 1 << 16)
    private var responseCount = 0
    /// Where ``Column`` sits in the rows, found by name in the first row.
    private var columns: [Column: Int] = [:]

    /// How many items the page carries: forms, campaigns, knocks and responses.
    var itemCount: Int { forms.count + campaigns.count + visits.count + responseCount }

    init(cursor: Int64, epoch: String) {
        self.cursor = cursor
        self.epoch = epoch
    }

    /// The columns of `responses` that a page reads.
    enum Column: String, CaseIterable {
        case number, id, campaign, address, form, formVersion = "form_version", recordedAt = "recorded_at", device
        case tokenID = "token_id", erased, answersJSON = "answers_json", stamp, fieldsJSON = "fields_json"
        case changedSeq = "changed_seq"

        /// The columns for a `SELECT`.
        static let selected = allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// Where `column` sits in `row` (a row of ``Column/selected``).
    mutating func index(of column: Column, in row: SQLRow) -> Int {
        if columns.isEmpty {
            let names = Array(row.columnNames)
            for column in Column.allCases { columns[column] = names.firstIndex(of: column.rawValue) }
        }
        return columns[column]!
    }

    /// The value of `column` in `row`.
    mutating func value<Value: SQLColumnValue>(_ column: Column, in row: SQLRow) -> Value {
        row[index(of: column, in: row)]
    }

    /// Adds a `responses` row (its columns ``Column/selected``) to the page.
    mutating func appendResponse(_ row: SQLRow) throws {
        if responseCount > 0 { responses.byte(UInt8(ascii: ",")) }
        responseCount += 1
        var element = JSONWriter(capacity: 1024)
        if try !write(row, to: &element) {
            element = JSONWriter(capacity: 1024)
            try ResponseRow(row: row, id: value(.id, in: row)).state.write(to: &element)
        }
        responses.raw(element.bytes)
    }

    /// Writes the row's state; `false` when its stored text needs decoding first.
    private mutating func write(_ row: SQLRow, to json: inout JSONWriter) throws -> Bool {
        guard let id = UUID(uuidString: value(.id, in: row) as String) else { return false }
        let fieldsIndex = index(of: .fieldsJSON, in: row)
        let answersIndex = index(of: .answersJSON, in: row)
        let stamp = (value(.stamp, in: row) as String?).flatMap(HLCTimestamp.init)
        return ResponseState.write(
            id: id, campaign: value(.campaign, in: row), address: value(.address, in: row), form: value(.form, in: row),
            formVersion: value(.formVersion, in: row), recordedAt: value(.recordedAt, in: row), device: value(.device, in: row),
            erased: (value(.erased, in: row) as String?).flatMap(Erasure.Scope.init(rawValue:))?.rawValue, to: &json
        ) { json in
            let stored = row.isNull(at: fieldsIndex) ? answersIndex : fieldsIndex
            return (try? row.withUnsafeText(at: stored) { bytes -> Bool in
                guard let bytes else { return false }
                let text = JSONBytes(bytes)
                if stored == fieldsIndex { return ResponseState.writeFields(stored: text, to: &json) }
                guard let stamp else { return false }
                return ResponseState.writeFields(answers: text, stamp: stamp, to: &json)
            }) ?? false
        }
    }

    /// The page's JSON, keys sorted as `JSONEncoder` sorts them.
    func json(serverTime: HLCTimestamp) throws -> [UInt8] {
        var json = JSONWriter(capacity: responses.bytes.count + 4096)
        try PullResponse.write(
            cursor: cursor, more: more, epoch: epoch, serverTime: serverTime, forms: forms, campaigns: campaigns,
            visits: visits, responses: responses.bytes, agencies: agencies, to: &json
        )
        return json.bytes
    }
}
