public import Foundation
public import DoorstepCore

/// `GET /v1/followups` (agency tokens only): every follow-up routed to the token's agency.
public struct FollowUpList: Codable, Sendable, Hashable {
    /// The token's agency.
    public var agency: String
    public var followUps: [FollowUp]

    public init(agency: String, followUps: [FollowUp]) {
        self.agency = agency
        self.followUps = followUps
    }

    private enum CodingKeys: String, CodingKey {
        case agency
        case followUps = "follow_ups"
    }
}

/// One resident an agency should contact: where, what they asked for, and the answers routed to
/// the agency (its sealed ones open only with the agency's private key).
public struct FollowUp: Codable, Sendable, Hashable {
    public var response: UUID
    public var campaign: String
    public var form: String
    public var formVersion: String
    /// When the response was recorded, ISO 8601.
    public var recordedAt: String
    /// The door.
    public var address: WalkListAddress
    /// The choices (names) of the routing questions that asked this agency.
    public var asked: [String]
    /// The answers that travel with the follow-up: the routes' `sealed` (sealed text) and `with` answers.
    public var answers: [String: AnswerValue]
    /// The latest outcome recorded, if any.
    public var outcome: RecordedOutcome?

    public init(
        response: UUID, campaign: String, form: String, formVersion: String, recordedAt: String,
        address: WalkListAddress, asked: [String], answers: [String: AnswerValue], outcome: RecordedOutcome? = nil
    ) {
        self.response = response
        self.campaign = campaign
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.address = address
        self.asked = asked
        self.answers = answers
        self.outcome = outcome
    }

    private enum CodingKeys: String, CodingKey {
        case response, campaign, form, address, asked, answers, outcome
        case formVersion = "form_version"
        case recordedAt = "recorded_at"
    }
}

/// An outcome as stored: what, the agency's note, and when.
public struct RecordedOutcome: Codable, Sendable, Hashable {
    public var outcome: FollowUpOutcome.Outcome
    public var note: String?
    /// The stamp of the operation that recorded it.
    public var stamp: HLCTimestamp

    public init(outcome: FollowUpOutcome.Outcome, note: String?, stamp: HLCTimestamp) {
        self.outcome = outcome
        self.note = note
        self.stamp = stamp
    }
}
