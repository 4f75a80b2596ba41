/// How far one agency got with the follow-ups routed to it, as counts only: organisers see it in
/// the report and the live view, never the answers or the agency's notes.
public struct FollowUpCompletion: Codable, Sendable, Hashable {
    /// The key counting follow-ups with no outcome yet.
    public static let noOutcome = "none"
    /// The keys of ``outcomes``, in the order a table shows them.
    public static let outcomeOrder = ["contacted", "no-reply", "declined", "done", "purged", noOutcome]

    /// The agency's id.
    public var agency: String
    /// Follow-ups routed to it.
    public var routed: Int
    /// By latest outcome (`contacted`, `no-reply`, `declined`, `done`, `purged`, ``noOutcome``).
    public var outcomes: [String: Int]

    public init(agency: String, routed: Int, outcomes: [String: Int]) {
        self.agency = agency
        self.routed = routed
        self.outcomes = outcomes
    }

    /// Follow-ups with any outcome but ``noOutcome``.
    public var answered: Int { routed - (outcomes[Self.noOutcome] ?? 0) }
}
