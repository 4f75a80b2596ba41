public import Foundation

/// What an agency did about a follow-up routed to it (`followup.outcome`): pushed by an agency's
/// laptop, and by the server when a purge removes the follow-up's personal answers.
public struct FollowUpOutcome: Codable, Hashable, Sendable {
    /// The outcomes an agency records, and the one the server records.
    public enum Outcome: String, Codable, Hashable, Sendable, CaseIterable {
        /// The resident was reached.
        case contacted
        /// Tried, and nobody answered.
        case noReply = "no-reply"
        /// The resident no longer wants the follow-up.
        case declined
        /// The follow-up is complete.
        case done
        /// The server purged the personal answers at the end of their retention (never pushed).
        case purged

        /// The outcomes an agency may record (all but ``purged``).
        public static let recordable: [Outcome] = [.contacted, .noReply, .declined, .done]
    }

    /// The response followed up.
    public var response: UUID
    /// The agency that followed it up (``DoorstepCore/AgencyID``).
    public var agency: String
    public var outcome: Outcome
    /// The agency's own note; organisers never see it.
    public var note: String?

    public init(response: UUID, agency: String, outcome: Outcome, note: String? = nil) {
        self.response = response
        self.agency = agency
        self.outcome = outcome
        self.note = note
    }
}

extension FollowUpOutcome.Outcome {
    /// The outcomes an agency may record, for an error message.
    package static let expected = "one of " + recordable.map(\.rawValue).joined(separator: ", ")
}

// MARK: Fast reader and writer

extension FollowUpOutcome {
    /// Reads a `followup.outcome` payload from checked JSON text, as `Codable` does.
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(["response", "agency", "outcome", "note"])
        response = try object.required("response").uuid()
        agency = try object.required("agency").string()
        outcome = try object.required("outcome").raw(Outcome.self, expected: Outcome.expected)
        note = try object.optional("note")?.string()
    }

    /// Writes the payload as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"agency":"#)
        json.string(agency)
        if let note {
            json.raw(#","note":"#)
            json.string(note)
        }
        json.raw(#","outcome":"#)
        json.string(outcome.rawValue)
        json.raw(#","response":"#)
        json.uuid(response)
        json.byte(UInt8(ascii: "}"))
    }
}
