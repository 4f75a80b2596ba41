public import Foundation
public import DoorstepCore

/// The merged state of one response, as the server holds it.
public struct ResponseState: Codable, Sendable, Hashable {
    public var id: UUID
    public var campaign: String
    public var address: String
    public var form: String
    public var formVersion: String
    public var recordedAt: String
    public var device: String
    /// Every field's winning value and stamp; a cleared field has a `nil` value.
    public var fields: [String: FieldValue]
    /// Set when a resident withdrew consent; erased fields are absent from `fields`.
    public var erased: Erasure.Scope?

    public init(
        id: UUID, campaign: String, address: String, form: String, formVersion: String,
        recordedAt: String, device: String, fields: [String: FieldValue], erased: Erasure.Scope? = nil
    ) {
        self.id = id
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.device = device
        self.fields = fields
        self.erased = erased
    }

    private enum CodingKeys: String, CodingKey {
        case id, campaign, address, form, device, fields, erased
        case formVersion = "form_version", recordedAt = "recorded_at"
    }
}

/// A field's current value and the stamp of the write that set it.
public struct FieldValue: Codable, Sendable, Hashable {
    public var value: AnswerValue?
    public var stamp: HLCTimestamp

    public init(value: AnswerValue?, stamp: HLCTimestamp) {
        self.value = value
        self.stamp = stamp
    }
}
