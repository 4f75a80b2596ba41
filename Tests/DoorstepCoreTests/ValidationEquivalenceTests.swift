@testable import DoorstepCore
import DoorstepTestSupport
import Foundation
import Testing

/// Validation and tally contributions read answers by position and work out per form what they
/// need once. On random answers — valid, loose and wrong — they must give exactly the reference
/// outputs saved in `Corpus/validation.json` (``ValidationCorpus``), and agree with themselves on
/// seeded random answers.
@Suite("Validation and tallies equivalence")
struct ValidationEquivalenceTests {
    static let sampleForms = ["community-safety.yaml", "safe-and-well.yaml", "women-girls-safety.yaml"]

    /// A checked form with every kind of question, nested groups, defaults, calculations that read
    /// each other, constraints and a follow-up on both a yes/no and an agency list.
    static let awkwardYAML = """
        id: awkward
        version: 2
        title: Every kind of question
        questions:
          - name: consent
            type: select_one yes_no
            label: Consent?
            required: true
          - name: outer
            type: group
            label: Outer
            relevant: ${consent} = 'yes'
            questions:
              - name: age
                type: integer
                label: Age
                constraint: . >= 16 and . < 120
                constraint_message: Age must be between 16 and 119
              - name: score
                type: decimal
                label: Score
                default: "2.5"
              - name: seen
                type: date
                label: When?
                constraint: . <= today()
              - name: inner
                type: group
                label: Inner
                relevant: ${age} > 60
                questions:
                  - name: mobility
                    type: select_multiple mobility
                    label: Mobility
                    required: true
                  - name: carer
                    type: text
                    label: Carer
                    sensitive: true
                    required: true
          - name: doubled
            type: calculate
            calculate: ${age} * 2
          - name: label
            type: calculate
            calculate: concat(${consent}, '-', ${doubled})
          - name: halves
            type: calculate
            calculate: ${score} div 2
          - name: follow_up
            type: select_one yes_no_unsure
            label: Follow up?
            default: "no"
          - name: follow_up_agency
            type: select_multiple agency
            label: Who?
            relevant: ${follow_up} = 'yes'
          - name: concern
            type: text
            label: Any concern?
            safeguarding: true
          - name: phone
            type: text
            label: Phone
            sensitive: true
            constraint: regex(., '^0[0-9 ]{9,12}$')
          - name: note
            type: note
            label: Thank them.
        choices:
          yes_no:
            - name: "yes"
              label: "Yes"
            - name: "no"
              label: "No"
          yes_no_unsure:
            - name: "yes"
              label: "Yes"
            - name: "no"
              label: "No"
            - name: unsure
              label: Not sure
          mobility:
            - name: walks
              label: Walks
            - name: stick
              label: Uses a stick
            - name: chair
              label: Wheelchair
            - name: none
              label: None
          agency:
            - name: police
              label: Police
            - name: fire
              label: Fire
            - name: no_follow_up
              label: Nobody
        """

    /// A form the checker would refuse — repeated names, a repeated choice — built directly, as a
    /// caller of the public initialiser may.
    static let repeatedNames = FormDefinition(
        id: "repeated", version: "1", title: "Repeated names",
        questions: [
            Question(name: "q", type: .selectOne(list: "l"), label: "Q", required: true, choices: [
                Choice(name: "a", label: "A"), Choice(name: "b", label: "B"), Choice(name: "a", label: "A again"),
            ]),
            Question(name: "n", type: .integer, label: "N"),
            Question(name: "q", type: .text, label: "Q as text", safeguarding: true),
            Question(name: "follow_up_who", type: .selectMultiple(list: "w"), label: "Who", choices: [
                Choice(name: "police", label: "Police"), Choice(name: "none", label: "None"), Choice(name: "police", label: "Police"),
            ]),
            Question(name: "n", type: .calculate, label: "N again", calculate: "${n} + 1"),
        ],
        choiceLists: [:],
        followUps: [FollowUpRoute(question: "follow_up_who", agencies: [("police", "police")])]
    )

    static func forms() throws -> [FormDefinition] {
        try sampleForms.map { file in
            try FormDefinition.parse(yaml: try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8))
        } + [try FormDefinition.parse(yaml: awkwardYAML), repeatedNames]
    }

    /// Random answers to `form`: right, loose, wrong and absent.
    static func answers(_ form: FormDefinition, _ random: inout SeededGenerator) -> Answers {
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        var answers: Answers = [:]
        for question in form.questions where random.next() % (question.required ? 12 : 4) != 0 {
            let names = question.choices.map(\.name)
            let choice = names.isEmpty ? "x" : pick(names)
            if random.next() % 10 < 8, let valid = Self.valid(question, choice: choice, names: names, &random) {
                answers[question.name] = valid
                continue
            }
            let value: AnswerValue
            switch question.type {
            case .selectOne:
                value = pick([
                    .text(choice), .text(choice), .text(" \(choice) "), .text(""), .text("nonsense"), .integer(1),
                    .list([choice]), .list([choice, choice]), .text(question.choices.first?.label ?? "x"),
                ])
            case .selectMultiple:
                value = pick([
                    .list([choice]), .list(names.reversed()), .list([choice, choice]), .list([]), .text("\(choice) \(choice)"),
                    .list(["nonsense"]), .text(""), .integer(2), .list(names),
                ])
            case .integer:
                value = pick([.integer(Int(random.next() % 130)), .decimal(61), .decimal(2.5), .text(" 70 "), .text("+3"), .text("x"), .text(""), .list([])])
            case .decimal:
                value = pick([.decimal(Double(random.next() % 100) / 4), .integer(3), .text("1.25"), .text("1e3"), .text(""), .decimal(.infinity)])
            case .date:
                value = pick([.text("2025-03-14"), .text("2025-02-30"), .text("2999-01-01"), .text(" 2024-02-29 "), .integer(3), .text("")])
            case .text, .time, .dateTime, .acknowledge:
                value = pick([.text("yes"), .text("  padded  "), .text(""), .text("07700 900123"), .text("0"), .integer(5), .list(["a"])])
            case .note, .calculate:
                value = pick([.text(""), .text("given"), .integer(4)])
            }
            answers[question.name] = value
        }
        if random.next() % 5 == 0 { answers[pick(["unknown", "other_thing", "zzz"])] = .text("?") }
        return answers
    }

    /// An answer `question` takes as it is, when it takes one.
    static func valid(_ question: Question, choice: String, names: [String], _ random: inout SeededGenerator) -> AnswerValue? {
        switch question.type {
        case .selectOne: return .text(choice)
        case .selectMultiple:
            // "None" alone, as the sample forms' constraints ask.
            if choice == "none" { return .list([choice]) }
            return .list(names.filter { name in name != "none" && (random.next() % 3 == 0 || name == choice) })
        case .integer: return .integer(16 + Int(random.next() % 80))
        case .decimal: return .decimal(Double(random.next() % 40) / 8)
        case .date: return .text("2025-0\(1 + random.next() % 9)-1\(random.next() % 9)")
        case .text: return .text(question.name.contains("phone") ? "07700 900123" : "some words")
        case .time: return .text("18:30")
        case .dateTime: return .text("2025-03-14T18:30")
        case .acknowledge: return .text("OK")
        case .note, .calculate: return nil
        }
    }

    /// The corpus's forms by id: the saved sources, and the form with repeated names.
    static func corpusForms(_ corpus: ValidationCorpus) throws -> [String: FormDefinition] {
        var forms = try corpus.forms.mapValues { try FormDefinition.parse(yaml: $0) }
        forms[repeatedNames.id] = repeatedNames
        return forms
    }

    @Test func validationGivesWhatItGaveBefore() throws {
        let corpus = try ValidationCorpus.load()
        let forms = try Self.corpusForms(corpus)
        var validators: [String: AnswerValidator] = [:]
        #expect(corpus.cases.count == 1_500)
        for (index, entry) in corpus.cases.enumerated() {
            let form = try #require(forms[entry.form])
            let validator = validators[form.id] ?? AnswerValidator(form: form, today: corpus.today)
            validators[form.id] = validator
            let answers = ValidationCorpus.answers(entry.answers)
            let expected: Result<Answers, AnswerProblems> = if let valid = entry.valid {
                .success(ValidationCorpus.answers(valid))
            } else {
                .failure(AnswerProblems(problems: (entry.problems ?? []).map { AnswerProblem(question: $0[0], message: $0[1]) }))
            }
            #expect(validator.validate(answers, personalDataErased: entry.personalDataErased) == expected, "case \(index): \(answers)")
        }
        // Both outcomes are well exercised.
        #expect(corpus.cases.filter { $0.valid != nil }.count >= 100)
        #expect(corpus.cases.filter { $0.problems != nil }.count >= 1_000)
    }

    @Test func contributionsAreWhatTheCorpusSays() throws {
        let corpus = try ValidationCorpus.load()
        let forms = try Self.corpusForms(corpus)
        // The corpus has no version or free-text dimension; the keys in every other one are the same.
        func withoutNewDimensions(_ keys: [TallyKey]) -> [TallyKey] {
            keys.filter { !$0.dimension.hasPrefix("version:") && $0.dimension != TallyKey.textDimension }
        }
        for (index, entry) in corpus.cases.enumerated() {
            let form = try #require(forms[entry.form])
            let raw = ValidationCorpus.answers(entry.answers)
            // The corpus predates follow-up routes: a raw answer that is no choice of a follow-up
            // question asked for a follow-up under the former name rule, and asks none under routes.
            let unroutedChoice = form.followUpQuestions.contains { question in
                raw[question.name].map { Tally.buckets(of: $0, for: question) }?
                    .contains { bucket in !question.choices.contains { $0.name == bucket } } ?? false
            }
            func comparable(_ keys: [TallyKey]) -> [TallyKey] {
                unroutedChoice ? keys.filter { !($0.question == Tally.responseQuestion && $0.bucket == Tally.followUpBucket) } : keys
            }
            #expect(
                comparable(withoutNewDimensions(Tally.contributions(of: raw, form: form, street: entry.street, area: entry.area)))
                    == comparable(entry.contributions.tallyKeys),
                "case \(index): \(raw)"
            )
            let validator = AnswerValidator(form: form, today: corpus.today)
            guard case .success(let values) = validator.validateInFormOrder(raw) else {
                #expect(entry.validContributions == nil, "case \(index)")
                continue
            }
            let plan = Tally.Plan(form: form)
            let valid = validator.answers(inFormOrder: values)
            #expect(
                withoutNewDimensions(plan.contributions(of: valid, street: entry.street, area: entry.area))
                    == entry.validContributions?.tallyKeys, "case \(index)"
            )
        }
    }

    /// What the two readings of answers (by name and in form order) give agrees, on fresh answers.
    @Test(arguments: SeededGenerator.seeds)
    func bothReadingsAgree(seed: UInt64) throws {
        print("bothReadingsAgree seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        for form in try Self.forms() {
            let validator = AnswerValidator(form: form, today: "2026-11-23")
            let plan = Tally.Plan(form: form)
            for trial in 0..<500 {
                let answers = Self.answers(form, &random)
                let erased = random.next() % 4 == 0
                let result = validator.validate(answers, personalDataErased: erased)
                #expect(
                    validator.validateInFormOrder(answers, personalDataErased: erased).map(validator.answers(inFormOrder:)) == result,
                    "seed \(seed), form \(form.id), trial \(trial)"
                )
                guard case .success(let values) = validator.validateInFormOrder(answers) else { continue }
                #expect(plan.keys(inFormOrder: values) == plan.keys(of: validator.answers(inFormOrder: values)), "seed \(seed), form \(form.id), trial \(trial)")
            }
        }
    }

    @Test func aNameSpeltWithAnotherUnicodeFormFindsItsQuestion() {
        // "\u{212A}" (KELVIN SIGN) is canonically equivalent to "K"; "e\u{301}" to "é".
        let form = FormDefinition(
            id: "names", version: "1", title: "Names",
            questions: [
                Question(name: "Key", type: .text, label: "Key"),
                Question(name: "caf\u{E9}", type: .text, label: "Café"),
            ],
            choiceLists: [:]
        )
        let validator = AnswerValidator(form: form, today: "2026-11-23")
        // Canonically equivalent spellings name the question; another case does not.
        #expect(validator.validate(["\u{212A}ey": .text("k")]) == .success(["Key": .text("k")]))
        #expect(validator.validate(["cafe\u{301}": .text("c")]) == .success(["caf\u{E9}": .text("c")]))
        #expect(validator.validate(["Key": .text("k"), "kEY": .text("x")]) == .failure(AnswerProblems(problems: [
            AnswerProblem(question: "kEY", message: "There is no such question in form names version 1."),
        ])))
    }

    @Test func longMultiSelectsCountEachChoiceOnce() {
        let question = Question(name: "follow_up_who", type: .selectMultiple(list: "w"), label: "Who")
        let chosen = (0..<500).map { ["police", "fire", "", "police"][$0 % 4] }
        #expect(Tally.buckets(of: .list(chosen), for: question) == ["police", "fire"])
    }
}
