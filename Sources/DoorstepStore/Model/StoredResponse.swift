public import DoorstepCore
public import DoorstepWire
public import Foundation

/// A response as this laptop holds it: its answers and the clock stamp of each field's last write.
public struct StoredResponse: Sendable, Hashable {
    public var id: UUID
    public var campaign: String
    /// The address id on the campaign's walk list.
    public var address: String
    public var form: String
    public var formVersion: String
    /// The device that recorded it.
    public var device: String
    /// When it was saved, ISO 8601.
    public var recordedAt: String
    /// Set when the resident withdrew consent.
    public var erased: Erasure.Scope?
    /// Every field written, with its value (`nil` when cleared) and stamp.
    public var fields: [String: FieldValue]
    /// Where its changes stand with the server.
    public var delivery: Delivery

    /// The answers: every field that holds a value.
    public var answers: Answers {
        fields.compactMapValues(\.value)
    }
}

/// A line of the responses list.
public struct ResponseSummary: Sendable, Hashable {
    public var id: UUID
    public var campaign: String
    public var address: String
    /// The address as written on the walk list, when the address is on it.
    public var addressLine: String?
    public var form: String
    public var formVersion: String
    public var recordedAt: String
    public var erased: Erasure.Scope?
    /// Where its changes stand with the server.
    public var delivery: Delivery
}

/// A questionnaire in progress, saved after every answer so nothing is lost.
public struct Draft: Sendable, Hashable {
    public var id: UUID
    public var campaign: String
    public var address: String
    public var form: String
    public var formVersion: String
    /// The answers given so far.
    public var answers: Answers
    /// Where the officer stopped: a question to ask next, or the review; `nil` means from the
    /// first question not yet answered.
    public var position: DraftPosition?
    /// When the questionnaire was started and last saved, ISO 8601.
    public var startedAt: String
    public var updatedAt: String

    /// Creates a draft.
    public init(
        id: UUID = UUID(), campaign: String, address: String, form: String, formVersion: String,
        answers: Answers = [:], position: DraftPosition? = nil, startedAt: String = "", updatedAt: String = ""
    ) {
        self.id = id
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.answers = answers
        self.position = position
        self.startedAt = startedAt
        self.updatedAt = updatedAt
    }
}

/// Where a questionnaire in progress stopped.
public enum DraftPosition: Sendable, Hashable {
    /// Before this question (its name).
    case question(String)
    /// At the review, every question having been through.
    case review
}

/// A draft put aside when the officer started the same door again (`doorstep record --new`), or
/// when a store held two drafts for one door before drafts became one per door. Kept, never sent.
public struct SupersededDraft: Sendable, Hashable {
    public var draft: Draft
    /// When it was put aside, ISO 8601.
    public var supersededAt: String
}
