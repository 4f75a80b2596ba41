public import DoorstepCore

/// A campaign (day of action) on this laptop.
public struct Campaign: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The id of the form its questionnaires use (the latest version stored).
    public var form: String
    /// The day, as the organiser wrote it (usually `YYYY-MM-DD`).
    public var date: String?
    public var area: String?
}

/// A campaign as listed, with what this laptop holds of it.
public struct CampaignSummary: Sendable, Hashable {
    public var campaign: Campaign
    /// Addresses on its walk list.
    public var addresses: Int
    /// Responses recorded for it that this laptop holds.
    public var responses: Int
}

/// Where a door stands, derived from every team's knocks there.
///
/// The latest knock (by clock stamp, so every laptop agrees) gives the status, except that a door
/// once surveyed, or with a response recorded there, stays surveyed (unless the latest knock says
/// the resident declined: a response without consent records a `declined` knock, never `surveyed`).
public enum DoorStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case notVisited = "not-visited"
    case noAnswer = "no-answer"
    case refused
    case cardLeft = "card-left"
    case revisit
    case declined
    case surveyed

    /// The status as officers read it.
    public var label: String {
        switch self {
        case .notVisited: "not visited"
        case .noAnswer: "no answer"
        case .refused: "refused"
        case .cardLeft: "card left"
        case .revisit: "revisit"
        case .declined: "declined"
        case .surveyed: "surveyed"
        }
    }

    /// The status after knocks with these outcomes, oldest first, and whether a response exists.
    public init(outcomesOldestFirst outcomes: [VisitOutcome], hasResponse: Bool) {
        if outcomes.contains(.surveyed) || (hasResponse && outcomes.last != .declined) {
            self = .surveyed
        } else {
            switch outcomes.last {
            case nil: self = .notVisited
            case .noAnswer: self = .noAnswer
            case .refused: self = .refused
            case .cardLeft: self = .cardLeft
            case .revisit: self = .revisit
            case .declined: self = .declined
            case .surveyed: self = .surveyed
            }
        }
    }
}

/// One door of a walk list with its derived status.
public struct AddressState: Sendable, Hashable {
    public var address: WalkListAddress
    public var status: DoorStatus
    /// Knocks recorded there by any team.
    public var visits: Int
    /// When the latest knock happened, ISO 8601.
    public var lastVisit: String?
    /// The note of the latest knock that had one.
    public var lastNote: String?
}
