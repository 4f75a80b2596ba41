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
