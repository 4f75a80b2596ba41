public import DoorstepCore
public import Foundation

/// One response as exported to organisers: where and when it was recorded, and its merged answers.
///
/// In JSON it has the shape of `doorstep show --json`: `id`, `campaign`, `address`, `form`,
/// `form_version`, `recorded_at`, `device` and `answers` (`{question name: value}`).
public struct ExportedResponse: Codable, Sendable, Hashable {
    public var id: UUID
    public var campaign: String
    public var address: String
    public var form: String
    public var formVersion: String
    /// When the officer saved it, ISO 8601.
    public var recordedAt: String
    /// The device that recorded it.
    public var device: String
    /// The merged answers; erased fields are absent.
    public var answers: Answers

    /// Creates an exported response.
    public init(
        id: UUID, campaign: String, address: String, form: String, formVersion: String,
        recordedAt: String, device: String, answers: Answers
    ) {
        self.id = id
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.device = device
        self.answers = answers
    }

    private enum CodingKeys: String, CodingKey {
        case id, campaign, address, form, device, answers
        case formVersion = "form_version", recordedAt = "recorded_at"
    }

    /// Encodes every key, the id in lower case as Doorstep prints ids (``Foundation/UUID/lowercasedString``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(address, forKey: .address)
        try container.encode(form, forKey: .form)
        try container.encode(formVersion, forKey: .formVersion)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(device, forKey: .device)
        try container.encode(answers, forKey: .answers)
    }
}

/// The raw export of a campaign's responses, as CSV or JSON, written row by row so a large
/// campaign can be streamed.
///
/// CSV: a header row, then one row per response. The columns are `id`, `campaign`, `address`,
/// `form`, `form_version`, `recorded_at`, `device`, then one column per question (every question
/// that takes an answer or computes one, across the form's versions, newest order first); a
/// multi-select has its raw space-separated list in its own column and then one `name/choice` column
/// per choice holding `1` or `0`. Text that a spreadsheet would run as a formula is made inert
/// (``CSV/inert(_:)``). JSON: an array of ``ExportedResponse`` objects.
public struct ResponseExport: Sendable {
    /// The columns every export starts with.
    public static let fixedColumns = ["id", "campaign", "address", "form", "form_version", "recorded_at", "device"]

    /// One question's columns.
    struct QuestionColumns: Sendable {
        var question: Question
        /// For a multi-select, its choice names, each with a 0/1 column.
        var choices: [String]
    }

    private let questionColumns: [QuestionColumns]

    /// An export for responses recorded on any of these versions of a form (oldest first).
    public init(forms: [FormDefinition]) {
        var columns: [QuestionColumns] = []
        var index: [String: Int] = [:]
        for form in forms.reversed() {
            for question in form.questions where question.type.takesInput || question.type == .calculate {
                let choices: [String]
                if case .selectMultiple = question.type { choices = question.choices.map(\.name) } else { choices = [] }
                if let position = index[question.name] {
                    for choice in choices where !columns[position].choices.contains(choice) {
                        columns[position].choices.append(choice)
                    }
                } else {
                    index[question.name] = columns.count
                    columns.append(QuestionColumns(question: question, choices: choices))
                }
            }
        }
        questionColumns = columns
    }

    /// The header's column names.
    public var columnNames: [String] {
        Self.fixedColumns + questionColumns.flatMap { column in
            [column.question.name] + column.choices.map { column.question.name + "/" + $0 }
        }
    }

    /// The CSV header record.
    public func csvHeader() -> String {
        CSV.row(columnNames)
    }

    /// One response as a CSV record.
    public func csvRow(_ response: ExportedResponse) -> String {
        var fields = [
            response.id.lowercasedString, response.campaign, response.address, response.form,
            response.formVersion, response.recordedAt, response.device,
        ].map(CSV.inert)
        for column in questionColumns {
            let value = response.answers[column.question.name]
            fields.append(value.map { CSV.inert($0.description) } ?? "")
            guard !column.choices.isEmpty else { continue }
            let chosen = Set(value.map { Tally.buckets(of: $0, for: column.question) } ?? [])
            for choice in column.choices {
                fields.append(value == nil ? "" : (chosen.contains(choice) ? "1" : "0"))
            }
        }
        return CSV.row(fields)
    }

    /// The whole CSV of these responses.
    public func csv(_ responses: [ExportedResponse]) -> String {
        responses.reduce(into: csvHeader()) { $0 += csvRow($1) }
    }

    /// One response as a JSON object (keys sorted), for the elements of the JSON array.
    /// - Throws: `EncodingError` if an answer cannot be encoded (a number that is not finite).
    public static func jsonObject(_ response: ExportedResponse) throws -> String {
        String(decoding: try encoder.encode(response), as: UTF8.self)
    }

    /// The whole JSON array of these responses.
    /// - Throws: `EncodingError` if an answer cannot be encoded.
    public static func json(_ responses: [ExportedResponse]) throws -> String {
        "[" + (try responses.map(jsonObject).joined(separator: ",\n")) + "]\n"
    }

    private static var encoder: JSONEncoder { .wire }
}
