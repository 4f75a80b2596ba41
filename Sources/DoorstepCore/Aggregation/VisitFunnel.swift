import Foundation

/// How far the doors of a walk list got: from on the list, to knocked, to answered, to surveyed.
///
/// Each address has one status derived from every team's visits, whatever order they arrived in:
/// **surveyed** if any visit says so or a response was recorded there; else **refused** if any
/// visit was refused; else **revisit** if a resident asked to be called on again; else **no answer**
/// if it was knocked (no answer or a card left); else not knocked. So
/// `answered = surveyed + refused + revisits` and `knocked = answered + no_answer`.
/// A count that is `nil` is suppressed.
public struct VisitFunnel: Codable, Sendable, Hashable {
    /// Addresses on the walk list.
    public var addresses: Int?
    /// Addresses knocked at least once.
    public var knocked: Int?
    /// Addresses where someone came to the door.
    public var answered: Int?
    /// Addresses with a questionnaire.
    public var surveyed: Int?
    /// Addresses that declined, and were not surveyed later.
    public var refused: Int?
    /// Addresses whose resident asked for another call, not yet surveyed or refused.
    public var revisits: Int?
    /// Addresses knocked where nobody answered (a card may have been left).
    public var noAnswer: Int?
    /// Knocks recorded, counting every team's repeat visits.
    public var visits: Int?

    /// Creates a funnel.
    public init(
        addresses: Int?, knocked: Int?, answered: Int?, surveyed: Int?, refused: Int?, revisits: Int?,
        noAnswer: Int?, visits: Int?
    ) {
        self.addresses = addresses
        self.knocked = knocked
        self.answered = answered
        self.surveyed = surveyed
        self.refused = refused
        self.revisits = revisits
        self.noAnswer = noAnswer
        self.visits = visits
    }

    /// A funnel with every count zero.
    public static let empty = VisitFunnel(
        addresses: 0, knocked: 0, answered: 0, surveyed: 0, refused: 0, revisits: 0, noAnswer: 0, visits: 0
    )

    private enum CodingKeys: String, CodingKey {
        case addresses, knocked, answered, surveyed, refused, revisits, visits
        case noAnswer = "no_answer"
    }

    /// Encodes every key, a suppressed count as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(addresses, forKey: .addresses)
        try container.encode(knocked, forKey: .knocked)
        try container.encode(answered, forKey: .answered)
        try container.encode(surveyed, forKey: .surveyed)
        try container.encode(refused, forKey: .refused)
        try container.encode(revisits, forKey: .revisits)
        try container.encode(noAnswer, forKey: .noAnswer)
        try container.encode(visits, forKey: .visits)
    }

    /// The status of one address, from the outcomes of its visits.
    public enum Status: Sendable, Hashable {
        case notKnocked, noAnswer, revisit, refused, surveyed

        /// The status given the outcomes seen there and whether a response was recorded there.
        public init(outcomes: Set<VisitOutcome>, hasResponse: Bool) {
            if hasResponse || outcomes.contains(.surveyed) {
                self = .surveyed
            } else if outcomes.contains(.refused) {
                self = .refused
            } else if outcomes.contains(.revisit) {
                self = .revisit
            } else if !outcomes.isEmpty {
                self = .noAnswer
            } else {
                self = .notKnocked
            }
        }
    }

    /// Visits of a campaign counted by address and outcome, as a `GROUP BY` gives them.
    public struct VisitCount: Sendable, Hashable {
        public var address: String
        public var outcome: VisitOutcome
        public var count: Int

        /// Creates a count.
        public init(address: String, outcome: VisitOutcome, count: Int) {
            self.address = address
            self.outcome = outcome
            self.count = count
        }
    }

    /// The funnel of every dimension (`"all"`, `"street:<name>"`, `"area:<name>"`, as ``TallyKey``).
    ///
    /// - Parameters:
    ///   - addresses: The walk list.
    ///   - visits: The visits, counted by address and outcome.
    ///   - respondedAddresses: Addresses where at least one (not wholly erased) response was recorded.
    public static func compute(
        addresses: [WalkListAddress], visits: [VisitCount], respondedAddresses: Set<String>
    ) -> [String: VisitFunnel] {
        var outcomes: [String: Set<VisitOutcome>] = [:]
        var knocks: [String: Int] = [:]
        for visit in visits where visit.count > 0 {
            outcomes[visit.address, default: []].insert(visit.outcome)
            knocks[visit.address, default: 0] += visit.count
        }
        var funnels: [String: VisitFunnel] = [TallyKey.allDimension: .empty]
        var listed = Set<String>()
        func add(_ status: Status?, knocks: Int, to dimension: String) {
            var funnel = funnels[dimension] ?? .empty
            funnel.count(status, knocks: knocks)
            funnels[dimension] = funnel
        }
        for address in addresses where listed.insert(address.id).inserted {
            let status = Status(outcomes: outcomes[address.id] ?? [], hasResponse: respondedAddresses.contains(address.id))
            let count = knocks[address.id] ?? 0
            add(status, knocks: count, to: TallyKey.allDimension)
            if let street = address.street?.trimmingCharacters(in: .whitespaces), !street.isEmpty {
                add(status, knocks: count, to: TallyKey.streetDimension(street))
            }
            if let area = address.area?.trimmingCharacters(in: .whitespaces), !area.isEmpty {
                add(status, knocks: count, to: TallyKey.areaDimension(area))
            }
        }
        // Doors knocked that are not on the walk list still count in the campaign's totals.
        let offList = Set(outcomes.keys).union(respondedAddresses).subtracting(listed)
        for address in offList {
            let status = Status(outcomes: outcomes[address] ?? [], hasResponse: respondedAddresses.contains(address))
            funnels[TallyKey.allDimension]?.count(status, knocks: knocks[address] ?? 0, listed: false)
        }
        return funnels
    }

    /// Adds one address with `status` to the counts.
    private mutating func count(_ status: Status?, knocks: Int, listed: Bool = true) {
        func bump(_ figure: inout Int?, by amount: Int = 1) { figure = (figure ?? 0) + amount }
        if listed { bump(&addresses) }
        bump(&visits, by: knocks)
        switch status {
        case .surveyed: bump(&surveyed); bump(&answered); bump(&knocked)
        case .refused: bump(&refused); bump(&answered); bump(&knocked)
        case .revisit: bump(&revisits); bump(&answered); bump(&knocked)
        case .noAnswer: bump(&noAnswer); bump(&knocked)
        case .notKnocked, nil: break
        }
    }
}
