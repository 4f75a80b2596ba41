import DoorstepCore
import DoorstepTestSupport
import Foundation

/// A made-up but plausible day of action on one of the sample forms of `forms/`: a walk list of
/// streets in two areas, visits, and answers that the form's own validator accepts.
struct ReportSampleData {
    let form: FormDefinition
    var walkList: [WalkListAddress] = []
    var doors: [VisitFunnel.Door] = []
    var responses: [(address: WalkListAddress, answers: Answers)] = []

    static let streets = [
        ("Acre Street", "West End"), ("Birch Road", "West End"), ("Canal Walk", "West End"),
        ("Dale View", "Northfield"), ("Elm Court", "Northfield"),
    ]

    /// Loads a sample form by file name.
    static func form(_ file: String) throws -> FormDefinition {
        try FormDefinition.parse(yaml: try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8))
    }

    /// A day on `form`: `doorCount` addresses, most knocked, about two thirds surveyed. `mood` shifts
    /// every choice towards the end of its list (a later, perhaps worse, day) when positive.
    init(form: FormDefinition, doorCount: Int = 120, seed: UInt64, mood: Double = 0) {
        self.form = form
        var random = SeededGenerator(seed: seed)
        let validator = AnswerValidator(form: form, today: "2026-11-14")
        for index in 0..<doorCount {
            let (street, area) = Self.streets[index % Self.streets.count]
            let number = index / Self.streets.count + 1
            walkList.append(WalkListAddress(id: "d\(index + 1)", address: "\(number) \(street)", street: street, area: area))
        }
        for address in walkList {
            let roll = Double.random(in: 0..<1, using: &random)
            switch roll {
            case ..<0.08: continue
            case ..<0.2: doors.append(.init(address: address.id, outcomesOldestFirst: [.noAnswer]))
            case ..<0.25: doors.append(.init(address: address.id, outcomesOldestFirst: [.noAnswer, .cardLeft]))
            case ..<0.31: doors.append(.init(address: address.id, outcomesOldestFirst: [.refused]))
            case ..<0.35: doors.append(.init(address: address.id, outcomesOldestFirst: [.noAnswer, .revisit]))
            default:
                let answers = Self.answers(for: form, validator: validator, mood: mood, using: &random)
                // As `doorstep record` does: a resident who did not consent is a declined knock.
                let consented = answers.map(form.recordsConsent) ?? true
                doors.append(.init(address: address.id, outcomesOldestFirst: [consented ? .surveyed : .declined]))
                if let answers { responses.append((address, answers)) }
            }
        }
    }

    /// Answers the validator accepts, drawn at random with earlier choices more likely.
    static func answers(
        for form: FormDefinition, validator: AnswerValidator, mood: Double, using random: inout SeededGenerator
    ) -> Answers? {
        var answers: Answers = [:]
        for question in form.questions where question.type.takesInput {
            answers[question.name] = value(for: question, mood: mood, using: &random)
        }
        for attempt in 0..<30 {
            switch validator.validate(answers) {
            case .success(let clean):
                return clean
            case .failure(let problems):
                for problem in problems.problems {
                    guard let question = form.question(named: problem.question) else {
                        answers[problem.question] = nil
                        continue
                    }
                    answers[problem.question] = attempt > 20 && !question.required
                        ? nil : value(for: question, mood: mood, using: &random, simple: attempt > 10)
                }
            }
        }
        return nil
    }

    static func value(
        for question: Question, mood: Double, using random: inout SeededGenerator, simple: Bool = false
    ) -> AnswerValue {
        func pick() -> String {
            let choices = question.choices.map(\.name)
            if question.safeguarding, choices.contains("yes") {
                return Double.random(in: 0..<1, using: &random) < 0.07 ? "yes" : "no"
            }
            if question.name == "consent", choices.contains("yes") {
                return Double.random(in: 0..<1, using: &random) < 0.93 ? "yes" : "no"
            }
            if Set(choices) == ["yes", "no"] {
                return Double.random(in: 0..<1, using: &random) < 0.3 + mood * 0.2 ? "yes" : "no"
            }
            let weights = choices.indices.map { index in
                1 / (Double(index) + 1.4 - mood * Double(index) / Double(max(choices.count, 1)))
            }
            var roll = Double.random(in: 0..<weights.reduce(0, +), using: &random)
            for (choice, weight) in zip(choices, weights) {
                roll -= weight
                if roll < 0 { return choice }
            }
            return choices.last ?? ""
        }
        switch question.type {
        case .selectOne:
            return .text(pick())
        case .selectMultiple:
            if simple { return .list([question.choices.first?.name ?? ""]) }
            var chosen = Set<String>()
            for _ in 0..<Int.random(in: 1...3, using: &random) { chosen.insert(pick()) }
            if chosen.count > 1 { chosen = chosen.filter { !["none", "prefer_not_to_say"].contains($0) } }
            return .list(question.choices.map(\.name).filter(chosen.contains))
        case .integer:
            return .integer(simple ? 1 : Int.random(in: 1...6, using: &random) + Int.random(in: 0...2, using: &random))
        case .decimal:
            return .decimal(Double(Int.random(in: 10...90, using: &random)) / 10)
        case .date:
            return .text(String(format: "2026-%02d-%02d", Int.random(in: 11...12, using: &random), Int.random(in: 1...28, using: &random)))
        case .text:
            if question.name.contains("phone") { return .text("07700 900123") }
            if question.name.contains("email") { return .text("resident@example.org") }
            return .text("Some words")
        case .note, .calculate:
            return .text("")
        }
    }

    /// The running tallies the server would hold.
    var tallies: [TallyKey: Int] {
        var tallies: [TallyKey: Int] = [:]
        for (address, answers) in responses {
            for key in Tally.contributions(of: answers, form: form, street: address.street, area: address.area) {
                tallies[key, default: 0] += 1
            }
        }
        return tallies
    }

    /// The campaign's figures.
    func aggregates(campaign: String, name: String, date: String) -> CampaignAggregates {
        CampaignAggregates.compute(
            campaign: campaign, name: name, date: date, forms: [form], tallies: tallies,
            funnels: VisitFunnel.compute(
                addresses: walkList, doors: doors, respondedAddresses: Set(responses.map(\.address.id))
            )
        )
    }
}
