import DoorstepCore
import DoorstepTestSupport
import Foundation

/// A made-up but plausible day of action on one of the sample forms of `forms/`: a walk list of
/// streets in two areas, visits, and answers that the form's own validator accepts.
struct ReportSampleData {
    let form: FormDefinition
    /// A newer version of the form, when the day's later doors were surveyed on it.
    let upgrade: (form: FormDefinition, fromDoor: Int)?
    var walkList: [WalkListAddress] = []
    var doors: [VisitFunnel.Door] = []
    var responses: [(address: WalkListAddress, answers: Answers)] = []
    /// The form version of each response, in the same order.
    var versions: [FormDefinition] = []

    static let streets = [
        ("Acre Street", "West End"), ("Birch Road", "West End"), ("Canal Walk", "West End"),
        ("Dale View", "Northfield"), ("Elm Court", "Northfield"),
    ]
    /// Where each street starts, in metres east and north of the neighbourhood's middle, and which way it runs.
    static let streetLines: [(east: Double, north: Double, angle: Double)] = [
        (-260, 120, 0), (-250, 30, -12), (-60, 200, -90), (60, -60, 35), (150, -180, 80),
    ]

    /// How the walk list says where its doors are.
    enum Located {
        case no, degrees, grid
    }

    /// Where door `number` of street `street` is: houses 16 m apart, odd numbers on one side.
    static func location(street: Int, number: Int, _ located: Located) -> DoorLocation? {
        let line = streetLines[street]
        let radians = line.angle * .pi / 180
        let along = Double((number - 1) / 2) * 16, side = number % 2 == 1 ? 7.0 : -7.0
        let east = line.east + cos(radians) * along - sin(radians) * side
        let north = line.north + sin(radians) * along + cos(radians) * side
        switch located {
        case .no: return nil
        case .grid: return .grid(easting: (449_400 + east).rounded(), northing: (520_550 + north).rounded())
        case .degrees:
            // Around 54.574° N, 1.235° W: about 111,230 m per degree north and 64,500 m per degree east.
            return .degrees(latitude: 54.574 + north / 111_230, longitude: -1.235 + east / 64_500)
        }
    }

    /// Loads a sample form by file name.
    static func form(_ file: String) throws -> FormDefinition {
        try FormDefinition.parse(yaml: try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8))
    }

    /// A day on `form`: `doorCount` addresses, most knocked, about two thirds surveyed. `mood` shifts
    /// every choice towards the end of its list (a later, perhaps worse, day) when positive.
    init(
        form: FormDefinition, doorCount: Int = 120, seed: UInt64, mood: Double = 0, located: Located = .no,
        upgrade: (form: FormDefinition, fromDoor: Int)? = nil
    ) {
        self.form = form
        self.upgrade = upgrade
        var random = SeededGenerator(seed: seed)
        let validators = [form.version: AnswerValidator(form: form, today: "2026-11-14")]
            .merging(upgrade.map { [$0.form.version: AnswerValidator(form: $0.form, today: "2026-11-14")] } ?? [:]) { first, _ in first }
        for index in 0..<doorCount {
            let (street, area) = Self.streets[index % Self.streets.count]
            let number = index / Self.streets.count + 1
            walkList.append(WalkListAddress(
                id: "d\(index + 1)", address: "\(number) \(street)", street: street, area: area,
                location: Self.location(street: index % Self.streets.count, number: number, located)
            ))
        }
        for (index, address) in walkList.enumerated() {
            let form = upgrade.flatMap { index >= $0.fromDoor ? $0.form : nil } ?? form
            let validator = validators[form.version]!
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
                if let answers {
                    responses.append((address, answers))
                    versions.append(form)
                }
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
            // Places and things many residents name, spelt their own way, and some only one names.
            let common = ["the park", "The park.", "Canal towpath", "canal towpath", "the underpass", "Outside the shops",
                          "outside the shops", "Station car park", "school gates"]
            return .text(Int.random(in: 0..<5, using: &random) == 0
                ? "near number \(Int.random(in: 1...90, using: &random))" : common.randomElement(using: &random)!)
        case .time:
            return .text("18:30")
        case .dateTime:
            return .text("2026-11-14T18:30")
        case .acknowledge:
            return .text("OK")
        case .note, .calculate:
            return .text("")
        }
    }

    /// The running tallies the server would hold.
    var tallies: [TallyKey: Int] {
        var tallies: [TallyKey: Int] = [:]
        for ((address, answers), form) in zip(responses, versions) {
            for key in Tally.contributions(of: answers, form: form, street: address.street, area: address.area) {
                tallies[key, default: 0] += 1
            }
        }
        return tallies
    }

    /// The campaign's figures.
    func aggregates(campaign: String, name: String, date: String) -> CampaignAggregates {
        let responded = Set(responses.map(\.address.id))
        var figures = CampaignAggregates.compute(
            campaign: campaign, name: name, date: date, forms: [form] + (upgrade.map { [$0.form] } ?? []), tallies: tallies,
            funnels: VisitFunnel.compute(addresses: walkList, doors: doors, respondedAddresses: responded)
        )
        figures.map = CampaignMap.compute(addresses: walkList, doors: doors, respondedAddresses: responded)
        return figures
    }
}
