import DoorstepCore
import DoorstepSealing
import Foundation

/// A small deterministic random generator (SplitMix64), so the same seed makes the same data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Realistic answers to `forms/community-safety.yaml`, as officers record them at the door.
///
/// Each response follows the form's skip logic with plausible proportions (most residents agree
/// to answer, a few raise a safeguarding concern, some ask to be contacted), and is passed through
/// ``AnswerValidator`` so that what the benchmark stores and pushes is exactly what the client would
/// store: calculates computed, choices in form order, and the answers the form's follow-up routes
/// seal sealed to the agencies chosen, as `doorstep record` seals them. A consenting resident gives
/// about twenty answers; one response in five carries contact details.
struct AnswerGenerator {
    /// The form the answers are for.
    let form: FormDefinition
    private let validator: AnswerValidator
    private let keys: [String: AgencyPublicKey]
    private var random: SplitMix64

    /// - Parameters:
    ///   - form: `community-safety`, parsed.
    ///   - keys: Each routed agency's public key, by agency id (empty for a form without routes).
    ///   - seed: The same seed gives the same answers.
    init(form: FormDefinition, today: String, keys: [String: AgencyPublicKey], seed: UInt64) {
        self.form = form
        var validator = AnswerValidator(form: form, today: today)
        validator.sealedAnswers = .plain
        self.validator = validator
        self.keys = keys
        random = SplitMix64(seed: seed)
    }

    /// The next response's validated answers, as typed at the door (nothing sealed yet), and
    /// whether they flag a safeguarding concern.
    ///
    /// - Throws: ``BenchError/invalidGeneratedResponse(_:)`` if the form rejects them (a bug here
    ///   or a change of the form).
    mutating func nextPlain() throws -> (answers: Answers, safeguarding: Bool) {
        let raw = draw()
        switch validator.validate(raw) {
        case .success(let clean): return (clean, validator.flagsSafeguarding(clean))
        case .failure(let problems): throw BenchError.invalidGeneratedResponse(problems.description)
        }
    }

    /// The next response's answers as the laptop stores them for response `id`: validated, and
    /// the personal answers the form's routes seal sealed to the agencies chosen.
    mutating func next(response id: UUID) throws -> (answers: Answers, safeguarding: Bool) {
        var (answers, safeguarding) = try nextPlain()
        for name in form.sealedQuestionNames {
            guard let value = answers[name] else { continue }
            let agencies = form.sealingAgencies(for: name, given: answers)
            let recipients = try agencies.map { agency in
                guard let key = keys[agency] else { throw BenchError.invalidGeneratedResponse("no key for agency \(agency)") }
                return key
            }
            answers[name] = .text(try AnswerSealer.seal(value.description, response: id, question: name, to: recipients).text)
        }
        return (answers, safeguarding)
    }

    // MARK: Drawing

    private mutating func draw() -> Answers {
        var answers: Answers = [:]
        let consent = chance(0.88)
        answers["consent"] = .text(consent ? "yes" : "no")
        if consent {
            answers["years_at_address"] = pick(["under_1": 12, "1_to_5": 35, "6_to_10": 20, "over_10": 33])
            answers["safe_day"] = pick(["very_safe": 30, "fairly_safe": 42, "a_bit_unsafe": 16, "very_unsafe": 6, "dont_know": 6])
            answers["safe_after_dark"] = pick(["very_safe": 10, "fairly_safe": 30, "a_bit_unsafe": 32, "very_unsafe": 22, "dont_know": 6])
            answers["safety_change"] = pick(["safer": 12, "same": 48, "less_safe": 30, "dont_know": 10])
            streetProblems(&answers)
            reporting(&answers)
            followUp(&answers)
        }
        officer(&answers)
        return answers
    }

    private mutating func streetProblems(_ answers: inout Answers) {
        guard !chance(0.22) else {
            answers["problems"] = .list(["none"])
            return
        }
        let problems = some(
            of: ["drug_dealing": 45, "county_lines": 20, "cuckooing": 6, "asb": 55, "arson": 12, "knife_crime": 8,
                 "vehicles": 35, "other": 5],
            count: 1 + Int.random(in: 0...3, using: &random)
        )
        answers["problems"] = .list(problems)
        if problems.contains("other") {
            answers["problems_other"] = .text(element(Self.otherProblems))
        }
        if chance(0.7) { answers["problem_places"] = .text(element(Self.places)) }
        answers["problem_times"] = .list(some(of: ["daytime": 15, "evening": 45, "late_night": 40, "weekends": 25], count: 1 + Int.random(in: 0...1, using: &random)))
    }

    private mutating func reporting(_ answers: inout Answers) {
        let would = pick(["yes": 58, "no": 18, "unsure": 24])
        answers["would_report"] = would
        if would == .text("yes") {
            answers["report_how"] = .list(some(
                of: ["police_101": 60, "police_999": 20, "crimestoppers": 25, "council": 20, "landlord": 12, "councillor": 4],
                count: 1 + Int.random(in: 0...2, using: &random)
            ))
        } else {
            answers["report_barriers"] = .list(some(
                of: ["fear_reprisal": 45, "nothing_done": 40, "dont_know_how": 15, "not_serious": 12, "distrust": 18, "other": 4],
                count: 1 + Int.random(in: 0...1, using: &random)
            ))
        }
        let reported = chance(0.24)
        answers["reported_before"] = .text(reported ? "yes" : "no")
        if reported {
            answers["report_satisfaction"] = pick(["very_satisfied": 15, "fairly_satisfied": 30, "fairly_dissatisfied": 30, "very_dissatisfied": 25])
        }
    }

    private mutating func followUp(_ answers: inout Answers) {
        // 88% consent × 25% want a follow-up × 90% give contact details: one response in five.
        let wants = chance(0.25)
        answers["follow_up"] = .text(wants ? "yes" : "no")
        guard wants else { return }
        answers["follow_up_agency"] = .list(some(
            of: ["police": 40, "council_asb": 35, "fire_rescue": 20, "housing": 20, "victim_support": 8, "drug_alcohol": 6],
            count: 1 + Int.random(in: 0...1, using: &random)
        ))
        let consents = chance(0.9)
        answers["contact_consent"] = .text(consents ? "yes" : "no")
        guard consents else { return }
        answers["contact_name"] = .text(element(Self.firstNames) + " " + element(Self.surnames))
        let method = pick(["phone": 60, "email": 30, "letter": 10])
        answers["contact_method"] = method
        if method == .text("phone") {
            answers["contact_phone"] = .text("07700 9\(Int.random(in: 10_000...99_999, using: &random))")
            answers["contact_time"] = pick(["morning": 25, "afternoon": 25, "evening": 30, "any_time": 20])
        } else if method == .text("email") {
            answers["contact_email"] = .text("resident\(Int.random(in: 1...99_999, using: &random))@example.org")
        }
    }

    private mutating func officer(_ answers: inout Answers) {
        let concern = chance(0.03)
        answers["safeguarding_concern"] = .text(concern ? "yes" : "no")
        if concern {
            answers["safeguarding_details"] = .text(element(Self.concerns))
            answers["referral"] = pick(["made_now": 30, "will_make_today": 50, "already_known": 20])
        }
        if chance(0.15) {
            answers["advice_given"] = .list(["none"])
        } else {
            answers["advice_given"] = .list(some(
                of: ["crime_prevention": 50, "fire_safety": 35, "reporting": 45, "support_services": 20],
                count: 1 + Int.random(in: 0...2, using: &random)
            ))
        }
        if chance(0.4) { answers["officer_notes"] = .text(element(Self.notes)) }
    }

    // MARK: Random helpers

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }

    private mutating func element(_ list: [String]) -> String {
        list[Int.random(in: 0..<list.count, using: &random)]
    }

    /// One choice, drawn by weight.
    private mutating func pick(_ weights: KeyValuePairs<String, Int>) -> AnswerValue {
        let total = weights.reduce(0) { $0 + $1.value }
        var draw = Int.random(in: 0..<total, using: &random)
        for (name, weight) in weights {
            if draw < weight { return .text(name) }
            draw -= weight
        }
        return .text(weights[weights.startIndex].key)
    }

    /// Up to `count` distinct choices, drawn by weight.
    private mutating func some(of weights: KeyValuePairs<String, Int>, count: Int) -> [String] {
        var chosen: [String] = []
        var attempts = 0
        while chosen.count < count, attempts < count * 8 {
            attempts += 1
            if case .text(let name) = pick(weights), !chosen.contains(name) { chosen.append(name) }
        }
        return chosen
    }

    // MARK: Text

    private static let otherProblems = [
        "Fly-tipping behind the garages", "Dogs off the lead in the play area", "Graffiti on the underpass",
        "Shoplifting from the corner shop", "Needles left in the stairwell",
    ]
    private static let places = [
        "The alley behind the parade of shops", "Outside the off-licence", "The park near the canal",
        "The garages at the end of the road", "The bus shelter", "Stairwells of the flats", "The recreation ground",
    ]
    private static let concerns = [
        "Several young men coming and going at all hours; the tenant seemed frightened to talk.",
        "Older resident living alone, no heating, said people have been staying at the flat.",
        "Child answered the door late in the morning on a school day; no adult appeared.",
    ]
    private static let notes = [
        "Street lights out at the north end.", "Residents mention cars racing at night.",
        "Several bins burnt out last month.", "Good relations with the neighbourhood team.",
        "Overgrown hedges make the footpath feel unsafe.",
    ]
    private static let firstNames = ["Sam", "Alex", "Jo", "Priya", "Tomasz", "Grace", "Mohammed", "Ellen"]
    private static let surnames = ["Taylor", "Khan", "Nowak", "Evans", "Okafor", "Smith", "Hughes", "Patel"]
}
