/// What happened at a door.
public enum VisitOutcome: String, Codable, Hashable, Sendable, CaseIterable {
    case noAnswer = "no-answer"
    case refused
    case cardLeft = "card-left"
    /// Come back: the resident asked for another time (the visit's call-back says when).
    case revisit
    case surveyed
    /// The resident asked not to be contacted again: every team leaves the door alone.
    case doNotContact = "do-not-contact"
    /// The resident has moved away.
    case moved
    /// Nobody lives there (empty or derelict).
    case empty
    /// The resident came to the door but did not consent to the questionnaire (a response whose
    /// consent question is not answered `yes` records this knock, not `surveyed`).
    case declined
}
