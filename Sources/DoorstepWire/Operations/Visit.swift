public import Foundation
public import DoorstepCore

/// A knock on a door: an append-only event.
public struct Visit: Codable, Hashable, Sendable {
    public var visit: UUID
    public var campaign: String
    public var address: String
    public var outcome: VisitOutcome
    public var note: String?
    /// When the knock happened, ISO 8601.
    public var at: String
    /// For a `revisit`: when to come back, as the resident said it ("after 6pm", "Saturday morning").
    public var callBack: String?

    public init(
        visit: UUID, campaign: String, address: String, outcome: VisitOutcome, note: String?, at: String,
        callBack: String? = nil
    ) {
        self.visit = visit
        self.campaign = campaign
        self.address = address
        self.outcome = outcome
        self.note = note
        self.at = at
        self.callBack = callBack
    }

    private enum CodingKeys: String, CodingKey {
        case visit, campaign, address, outcome, note, at
        case callBack = "call_back"
    }
}

// MARK: Fast reader and writer

extension Visit {
    /// Reads a `visit` payload from checked JSON text, as `Codable` does.
    package init(json: JSONValue) throws(JSONShapeError) {
        let object = try json.object(["outcome", "visit", "campaign", "address", "note", "at", "call_back"])
        outcome = try object.required("outcome").raw(
            VisitOutcome.self, expected: "one of " + VisitOutcome.allCases.map(\.rawValue).joined(separator: ", ")
        )
        visit = try object.required("visit").uuid()
        campaign = try object.required("campaign").string()
        address = try object.required("address").string()
        note = try object.optional("note")?.string()
        at = try object.required("at").string()
        callBack = try object.optional("call_back")?.string()
    }

    /// Writes the payload as `JSONEncoder.wire` does.
    package func write(to json: inout JSONWriter) {
        json.raw(#"{"address":"#)
        json.string(address)
        json.raw(#","at":"#)
        json.string(at)
        if let callBack {
            json.raw(#","call_back":"#)
            json.string(callBack)
        }
        json.raw(#","campaign":"#)
        json.string(campaign)
        if let note {
            json.raw(#","note":"#)
            json.string(note)
        }
        json.raw(#","outcome":"#)
        json.string(outcome.rawValue)
        json.raw(#","visit":"#)
        json.uuid(visit)
        json.byte(UInt8(ascii: "}"))
    }
}
