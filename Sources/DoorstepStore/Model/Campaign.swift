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
/// A door where any team recorded *do not contact* stays so: every team leaves it alone. Otherwise
/// the latest knock (by clock stamp, so every laptop agrees) gives the status, except that a door
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
    case doNotContact = "do-not-contact"
    case moved
    case empty

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
        case .doNotContact: "do not contact"
        case .moved: "moved"
        case .empty: "empty"
        }
    }

    /// Whether the door is still to knock (or knock again): not visited, nobody answered, a card
    /// left, or a call-back asked for.
    public var isToDo: Bool {
        switch self {
        case .notVisited, .noAnswer, .cardLeft, .revisit: true
        case .refused, .declined, .surveyed, .doNotContact, .moved, .empty: false
        }
    }

    /// The status after knocks with these outcomes, oldest first, and whether a response exists.
    public init(outcomesOldestFirst outcomes: [VisitOutcome], hasResponse: Bool) {
        if outcomes.contains(.doNotContact) {
            self = .doNotContact
        } else if outcomes.contains(.surveyed) || (hasResponse && outcomes.last != .declined) {
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
            case .doNotContact: self = .doNotContact
            case .moved: self = .moved
            case .empty: self = .empty
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
    /// When to come back, if the latest knock was a `revisit` with a call-back time.
    public var callBack: String?
    /// Whether a questionnaire was recorded there by any team.
    public var hasResponse: Bool
}
