/// Where a form sends follow-ups: one question whose chosen choices name partner agencies, the
/// personal answers sealed to those agencies, and the plain answers that travel with them
/// (`follow_ups:` in the form; see `docs/forms.md`).
///
/// ```yaml
/// follow_ups:
///   - question: follow_up_agency
///     agencies: {fire_rescue: fire, council_asb: council-asb}
///     sealed: [contact_name, contact_phone]
///     with: [contact_method, contact_time]
/// ```
public struct FollowUpRoute: Sendable, Hashable {
    /// The `select_one` or `select_multiple` question whose answer routes the follow-up.
    public var question: String
    /// Choice name → agency id, in the order the form lists them. A choice not listed asks no agency.
    public var agencies: [(choice: String, agency: String)]
    /// The `sensitive` questions whose answers are sealed, on the laptop, to exactly the agencies
    /// the resident chose; nobody else can read them.
    public var sealed: [String]
    /// Plain answers the agency sees with the follow-up (how and when to call).
    public var with: [String]

    public init(question: String, agencies: [(choice: String, agency: String)], sealed: [String] = [], with: [String] = []) {
        self.question = question
        self.agencies = agencies
        self.sealed = sealed
        self.with = with
    }

    /// The agency a choice asks for, if any.
    public func agency(for choice: String) -> String? {
        agencies.first { $0.choice == choice }?.agency
    }

    /// The agencies `answer` (this route's question's answer) asks for, in the order of the route.
    public func agencies(askedBy answer: AnswerValue?) -> [String] {
        let chosen: Set<String>
        switch answer {
        case .text(let choice)?: chosen = [choice]
        case .list(let choices)?: chosen = Set(choices)
        default: return []
        }
        var result: [String] = []
        for (choice, agency) in agencies where chosen.contains(choice) && !result.contains(agency) {
            result.append(agency)
        }
        return result
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.question == rhs.question && lhs.sealed == rhs.sealed && lhs.with == rhs.with
            && lhs.agencies.elementsEqual(rhs.agencies) { $0.choice == $1.choice && $0.agency == $1.agency }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(question)
        for (choice, agency) in agencies {
            hasher.combine(choice)
            hasher.combine(agency)
        }
        hasher.combine(sealed)
        hasher.combine(with)
    }
}

/// An agency's id as forms, tokens and keys spell it: lower-case letters, digits and `-`,
/// starting with a letter, at most 40 characters (`fire`, `council-asb`).
public enum AgencyID {
    public static func isValid(_ id: String) -> Bool {
        guard let first = id.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), id.utf8.count <= 40 else {
            return false
        }
        return id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    /// What a valid id looks like, for error messages.
    public static let rule = "lower-case letters, digits and '-', starting with a letter (such as fire or council-asb)"
}

extension FormDefinition {
    /// The names of the questions whose answers are sealed to agencies (every route's `sealed`).
    public var sealedQuestionNames: Set<String> {
        Set(followUps.flatMap(\.sealed))
    }

    /// Every agency a follow-up route of this form can ask, in the order the form names them.
    public var routedAgencies: [String] {
        var result: [String] = []
        for route in followUps {
            for (_, agency) in route.agencies where !result.contains(agency) { result.append(agency) }
        }
        return result
    }

    /// The agencies these answers ask for a follow-up, over every route, in route order.
    public func agenciesAsked(by answers: Answers) -> [String] {
        var result: [String] = []
        for route in followUps {
            for agency in route.agencies(askedBy: answers[route.question]) where !result.contains(agency) {
                result.append(agency)
            }
        }
        return result
    }

    /// The agencies an answer to sealed question `name` must be sealed to, given the other
    /// answers: those asked by every route that seals it. Empty when no route asks any agency.
    public func sealingAgencies(for name: String, given answers: Answers) -> [String] {
        var result: [String] = []
        for route in followUps where route.sealed.contains(name) {
            for agency in route.agencies(askedBy: answers[route.question]) where !result.contains(agency) {
                result.append(agency)
            }
        }
        return result
    }

    /// The routes that send a follow-up to `agency` given these answers.
    public func routes(to agency: String, given answers: Answers) -> [FollowUpRoute] {
        followUps.filter { $0.agencies(askedBy: answers[$0.question]).contains(agency) }
    }
}
