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
