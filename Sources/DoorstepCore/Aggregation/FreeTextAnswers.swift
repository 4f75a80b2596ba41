/// What residents typed in answer to one free-text question that is not sensitive, for an
/// organiser's report when asked for (never in aggregates, snapshots or a viewer's copy).
public struct FreeTextAnswers: Codable, Sendable, Hashable {
    /// The question's name.
    public var name: String
    /// The question's label, as officers read it.
    public var label: String
    /// How many responses answered it.
    public var total: Int
    /// The answers, the newest first; at most the number asked for.
    public var answers: [String]

    public init(name: String, label: String, total: Int, answers: [String]) {
        self.name = name
        self.label = label
        self.total = total
        self.answers = answers
    }
}
