public import Foundation
public import DoorstepCore

/// A new response: every answer is written with the operation's stamp and no base.
public struct NewResponse: Codable, Hashable, Sendable {
    public var response: UUID
    public var campaign: String
    public var address: String
    public var form: String
    public var formVersion: String
    /// When the officer saved the response, ISO 8601.
    public var recordedAt: String
    public var answers: Answers
    /// The officer flagged a safeguarding concern on this response.
    public var safeguarding: Bool
    /// Set when the resident withdrew consent before this response first reached the server: the
    /// erased answers are absent, and the server accepts it without them.
    public var erased: Erasure.Scope?

    public init(
        response: UUID, campaign: String, address: String, form: String, formVersion: String,
        recordedAt: String, answers: Answers, safeguarding: Bool = false, erased: Erasure.Scope? = nil
    ) {
        self.response = response
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.answers = answers
        self.safeguarding = safeguarding
        self.erased = erased
    }

    private enum CodingKeys: String, CodingKey {
        case response, campaign, address, form, answers, safeguarding, erased
        case formVersion = "form_version", recordedAt = "recorded_at"
    }
}

// MARK: Fast reader and writer

extension NewResponse {
    /// Reads a `response.create` payload from checked JSON text, as `Codable` does.
    package init(json: JSONValue, recordedAt check: SyncOperation.RecordedAtCheck?) throws(JSONShapeError) {
        let object = try json.object([
            "answers", "response", "campaign", "address", "form", "form_version", "recorded_at", "safeguarding", "erased",
        ])
        answers = try object.required("answers").answers()
        response = try object.required("response").uuid()
        campaign = try object.required("campaign").string()
        address = try object.required("address").string()
        form = try object.required("form").string()
        formVersion = try object.required("form_version").string()
        let recordedAtValue = try object.required("recorded_at")
        recordedAt = try recordedAtValue.string()
        if let fault = check?(recordedAt) { throw recordedAtValue.invalid(fault) }
        safeguarding = try object.optional("safeguarding")?.bool() ?? false
        erased = try object.optional("erased")?.raw(Erasure.Scope.self, expected: Erasure.Scope.expected)
    }

    /// Writes the payload as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"address":"#)
        json.string(address)
        json.raw(#","answers":"#)
        json.answers(answers)
        json.raw(#","campaign":"#)
        json.string(campaign)
        if let erased {
            json.raw(#","erased":"#)
            json.string(erased.rawValue)
        }
        json.raw(#","form":"#)
        json.string(form)
        json.raw(#","form_version":"#)
        json.string(formVersion)
        json.raw(#","recorded_at":"#)
        json.string(recordedAt)
        json.raw(#","response":"#)
        json.uuid(response)
        json.raw(#","safeguarding":"#)
        json.bool(safeguarding)
        json.byte(UInt8(ascii: "}"))
    }
}
