import Foundation

/// How far the doors of a walk list got: from on the list, to knocked, to answered, to surveyed.
///
/// Each address has one status derived from every team's visits, as officers see it in
/// `doorstep addresses`: **surveyed** once any visit surveyed it or a response was recorded there
/// (unless the latest knock says the resident declined); otherwise the latest knock (by clock
/// stamp, so every replica agrees) decides: **declined** (came to the door but did not consent to
/// the questionnaire), **refused** (refused, or asked not to be contacted again), **revisit** (the
/// resident asked to be called on again) or **no answer** (no answer, a card left, the resident
/// moved away, or the home is empty); an address never knocked is only counted on the list.
/// So `answered = surveyed + declined + refused + revisits` and `knocked = answered + no_answer`.
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
    /// Addresses whose resident did not consent to the questionnaire, and were not surveyed later.
    public var declined: Int?
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
        addresses: Int?, knocked: Int?, answered: Int?, surveyed: Int?, declined: Int? = 0, refused: Int?,
        revisits: Int?, noAnswer: Int?, visits: Int?
    ) {
        self.addresses = addresses
        self.knocked = knocked
        self.answered = answered
        self.surveyed = surveyed
        self.declined = declined
        self.refused = refused
        self.revisits = revisits
        self.noAnswer = noAnswer
        self.visits = visits
    }

    /// A funnel with every count zero.
    public static let empty = VisitFunnel(
        addresses: 0, knocked: 0, answered: 0, surveyed: 0, declined: 0, refused: 0, revisits: 0, noAnswer: 0, visits: 0
    )

    private enum CodingKeys: String, CodingKey {
        case addresses, knocked, answered, surveyed, declined, refused, revisits, visits
        case noAnswer = "no_answer"
    }

    /// Decodes a funnel; `declined` may be absent (figures from before consent was counted).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addresses = try container.decodeIfPresent(Int.self, forKey: .addresses)
        knocked = try container.decodeIfPresent(Int.self, forKey: .knocked)
        answered = try container.decodeIfPresent(Int.self, forKey: .answered)
        surveyed = try container.decodeIfPresent(Int.self, forKey: .surveyed)
        declined = try container.decodeIfPresent(Int.self, forKey: .declined)
        refused = try container.decodeIfPresent(Int.self, forKey: .refused)
        revisits = try container.decodeIfPresent(Int.self, forKey: .revisits)
        noAnswer = try container.decodeIfPresent(Int.self, forKey: .noAnswer)
        visits = try container.decodeIfPresent(Int.self, forKey: .visits)
    }

    /// Encodes every key, a suppressed count as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(addresses, forKey: .addresses)
        try container.encode(knocked, forKey: .knocked)
        try container.encode(answered, forKey: .answered)
        try container.encode(surveyed, forKey: .surveyed)
        try container.encode(declined, forKey: .declined)
        try container.encode(refused, forKey: .refused)
        try container.encode(revisits, forKey: .revisits)
        try container.encode(noAnswer, forKey: .noAnswer)
        try container.encode(visits, forKey: .visits)
    }

    /// The status of one address.
    public enum Status: Sendable, Hashable {
        case notKnocked, noAnswer, revisit, refused, declined, surveyed

        /// The status of a door given its knocks and whether a response was recorded there.
        public init(_ door: Door?, hasResponse: Bool) {
            if door?.everSurveyed == true || (hasResponse && door?.latest != .declined) {
                self = .surveyed
                return
            }
            switch door?.latest {
            case nil: self = .notKnocked
            case .declined: self = .declined
            case .refused, .doNotContact: self = .refused
            case .revisit: self = .revisit
            case .noAnswer, .cardLeft, .moved, .empty: self = .noAnswer
            case .surveyed: self = .surveyed
            }
        }
    }

    /// The knocks at one address, as a `GROUP BY address` over the visits gives them.
    public struct Door: Sendable, Hashable {
        /// The address's id on the walk list.
        public var address: String
        /// The outcome of the latest knock (highest clock stamp).
        public var latest: VisitOutcome
        /// Whether any knock there surveyed it.
        public var everSurveyed: Bool
        /// How many knocks.
        public var knocks: Int

        /// Creates a door's summary.
        public init(address: String, latest: VisitOutcome, everSurveyed: Bool, knocks: Int) {
            self.address = address
            self.latest = latest
            self.everSurveyed = everSurveyed
            self.knocks = knocks
        }

        /// The summary of knocks given oldest first.
        public init(address: String, outcomesOldestFirst outcomes: [VisitOutcome]) {
            self.init(
                address: address, latest: outcomes.last ?? .noAnswer, everSurveyed: outcomes.contains(.surveyed),
                knocks: outcomes.count
            )
        }
    }

    /// The funnel of every dimension (`"all"`, `"street:<name>"`, `"area:<name>"`, as ``TallyKey``).
    ///
    /// - Parameters:
    ///   - addresses: The walk list.
    ///   - doors: The knocks of each address that has any.
    ///   - respondedAddresses: Addresses where a (not wholly erased) response was recorded without
    ///     a surveyed knock; pass none when every response comes with one, as `doorstep record` does.
    public static func compute(
        addresses: [WalkListAddress], doors: [Door], respondedAddresses: Set<String> = []
    ) -> [String: VisitFunnel] {
        let byAddress = Dictionary(doors.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var funnels: [String: VisitFunnel] = [TallyKey.allDimension: .empty]
        var listed = Set<String>()
        func add(_ status: Status, knocks: Int, to dimension: String, listed: Bool = true) {
            var funnel = funnels[dimension] ?? .empty
            funnel.count(status, knocks: knocks, listed: listed)
            funnels[dimension] = funnel
        }
        for address in addresses where listed.insert(address.id).inserted {
            let door = byAddress[address.id]
            let status = Status(door, hasResponse: respondedAddresses.contains(address.id))
            let knocks = door?.knocks ?? 0
            add(status, knocks: knocks, to: TallyKey.allDimension)
            if let street = address.street?.trimmingCharacters(in: .whitespaces), !street.isEmpty {
                add(status, knocks: knocks, to: TallyKey.streetDimension(street))
            }
            if let area = address.area?.trimmingCharacters(in: .whitespaces), !area.isEmpty {
                add(status, knocks: knocks, to: TallyKey.areaDimension(area))
            }
        }
        // Doors knocked that are not on the walk list still count in the campaign's totals.
        for address in Set(byAddress.keys).union(respondedAddresses).subtracting(listed).sorted() {
            let door = byAddress[address]
            let status = Status(door, hasResponse: respondedAddresses.contains(address))
            add(status, knocks: door?.knocks ?? 0, to: TallyKey.allDimension, listed: false)
        }
        return funnels
    }

    /// Adds one address with `status` to the counts.
    private mutating func count(_ status: Status, knocks: Int, listed: Bool) {
        func bump(_ figure: inout Int?, by amount: Int = 1) { figure = (figure ?? 0) + amount }
        if listed { bump(&addresses) }
        bump(&visits, by: knocks)
        switch status {
        case .surveyed: bump(&surveyed); bump(&answered); bump(&knocked)
        case .declined: bump(&declined); bump(&answered); bump(&knocked)
        case .refused: bump(&refused); bump(&answered); bump(&knocked)
        case .revisit: bump(&revisits); bump(&answered); bump(&knocked)
        case .noAnswer: bump(&noAnswer); bump(&knocked)
        case .notKnocked: break
        }
    }
}
