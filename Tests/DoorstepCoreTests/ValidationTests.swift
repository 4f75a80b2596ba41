import Testing

@testable import DoorstepCore

/// AnswerValidator on a small form that uses every type, groups, skip logic and calculations.
@Suite struct ValidationTests {
    static let form: FormDefinition = {
        do {
            return try FormDefinition.parse(yaml: """
                id: checks
                version: 2
                title: Checks
                questions:
                  - {name: consent, type: select_one yes_no, label: Consent, required: true}
                  - name: main
                    type: group
                    label: Main
                    relevant: ${consent} = 'yes'
                    questions:
                      - {name: people, type: integer, label: People, required: true, constraint: ". >= 1 and . <= 20", constraint_message: From 1 to 20}
                      - {name: rent, type: decimal, label: Rent}
                      - {name: moved_in, type: date, label: Moved in, constraint: ". <= today()"}
                      - {name: problems, type: select_multiple problem, label: Problems, constraint: "not(selected(., 'none')) or count-selected(.) = 1"}
                      - {name: problems_other, type: text, label: Other problem, relevant: "selected(${problems}, 'other')", required: true}
                      - {name: problem_count, type: calculate, calculate: "if(selected(${problems}, 'none'), 0, count-selected(${problems}))"}
                      - {name: worst, type: select_one problem, label: Worst, relevant: "${problem_count} > 1"}
                      - {name: postcode, type: text, label: Postcode, constraint: "regex(., '^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$')"}
                      - {name: visits, type: integer, label: Visits, default: 0}
                  - {name: summary, type: calculate, calculate: "concat(${consent}, '/', coalesce(${people}, 'none'))"}
                  - {name: intro, type: note, label: Thanks}
                  - {name: concern, type: select_one yes_no, label: Concern, safeguarding: true}
                  - {name: concern_level, type: integer, label: Level, safeguarding: true, relevant: "${concern} = 'yes'"}
                choices:
                  yes_no:
                    - {name: yes, label: "Yes"}
                    - {name: no, label: "No"}
                  problem:
                    - {name: noise, label: Noise}
                    - {name: litter, label: Litter}
                    - {name: drugs, label: Drug dealing}
                    - {name: other, label: Something else}
                    - {name: none, label: None of these}
                """)
        } catch {
            fatalError("\(error)")
        }
    }()

    let validator = AnswerValidator(form: Self.form, today: "2026-11-23")

    func question(_ name: String) throws -> Question {
        try #require(Self.form.question(named: name))
    }

    func problems(_ answers: Answers) -> [String] {
        switch validator.validate(answers) {
        case .success: []
        case .failure(let problems): problems.problems.map(\.description)
        }
    }

    func clean(_ answers: Answers) throws -> Answers {
        try validator.validate(answers).get()
    }

    // MARK: Whole responses

    @Test func goodResponseIsCleanedAndCalculated() throws {
        let result = try clean([
            "consent": .text("yes"), "people": .text("3"), "rent": .integer(450), "moved_in": .text("2020-02-29"),
            "problems": .list(["other", "noise", "noise"]), "problems_other": .text("  Fireworks "),
            "worst": .text("noise"), "postcode": .text("LS1 4AB"),
        ])
        #expect(result == [
            "consent": .text("yes"), "people": .integer(3), "rent": .decimal(450), "moved_in": .text("2020-02-29"),
            "problems": .list(["noise", "other"]), "problems_other": .text("Fireworks"), "problem_count": .integer(2),
            "worst": .text("noise"), "postcode": .text("LS1 4AB"), "visits": .integer(0), "summary": .text("yes/3"),
        ])
    }

    @Test func declinedResponseDropsEverythingBehindConsent() throws {
        let result = try clean([
            "consent": .text("no"), "people": .integer(99), "problems": .list(["bogus"]), "worst": .text("noise"),
        ])
        #expect(result == ["consent": .text("no"), "summary": .text("no/none")])
    }

    @Test func requiredOnlyWhereRelevant() {
        #expect(problems([:]) == ["consent: An answer is required."])
        #expect(problems(["consent": .text("no")]).isEmpty)
        #expect(problems(["consent": .text("yes")]) == ["people: An answer is required."])
        #expect(problems(["consent": .text("yes"), "people": .integer(1), "problems": .list(["other"])]) == [
            "problems_other: An answer is required.",
        ])
        #expect(problems(["consent": .text("yes"), "people": .integer(1), "problems": .list(["other"]), "problems_other": .text("  ")]) == [
            "problems_other: An answer is required.",
        ])
    }

    @Test func emptyAnswersCountAsNone() throws {
        let result = try clean(["consent": .text("yes"), "people": .integer(2), "rent": .text(""), "problems": .list([])])
        #expect(result["rent"] == nil)
        #expect(result["problems"] == nil)
        #expect(result["problem_count"] == .integer(0))
    }

    @Test func typeProblemsAreReportedInFormOrder() {
        #expect(problems([
            "consent": .text("yes"), "people": .text("2.5"), "rent": .text("cheap"), "moved_in": .text("2026-02-29"),
            "problems": .text("noise fireworks"), "postcode": .list(["x"]),
        ]) == [
            "people: Enter a whole number, such as 3, not '2.5'.",
            "rent: Enter a number, such as 2.5, not 'cheap'.",
            "moved_in: Enter a real date as YYYY-MM-DD, such as 2025-03-14, not '2026-02-29'.",
            "problems: 'fireworks' is not one of the choices (noise, litter, drugs, other, none).",
            "postcode: Enter text, not a list.",
        ])
    }

    @Test func typeProblemsOfQuestionsNotAskedAreIgnored() {
        #expect(problems(["consent": .text("no"), "people": .text("lots"), "moved_in": .text("yesterday")]).isEmpty)
    }

    @Test func constraintsUseTheirMessagesOrTheRule() {
        #expect(problems(["consent": .text("yes"), "people": .integer(0)]) == ["people: From 1 to 20."])
        #expect(problems(["consent": .text("yes"), "people": .integer(21)]) == ["people: From 1 to 20."])
        #expect(problems(["consent": .text("yes"), "people": .integer(2), "moved_in": .text("2026-11-24")]) == [
            "moved_in: The answer 2026-11-24 does not meet the rule . <= today().",
        ])
        #expect(problems(["consent": .text("yes"), "people": .integer(2), "moved_in": .text("2026-11-23")]).isEmpty)
        #expect(problems(["consent": .text("yes"), "people": .integer(2), "problems": .list(["none", "noise"])]) == [
            "problems: The answer noise none does not meet the rule not(selected(., 'none')) or count-selected(.) = 1.",
        ])
        #expect(problems(["consent": .text("yes"), "people": .integer(2), "postcode": .text("not a postcode")]).count == 1)
    }

    @Test func relevanceSettlesThroughChains() throws {
        // worst depends on problem_count, which depends on problems, which depends on consent.
        let asked = try clean([
            "consent": .text("yes"), "people": .integer(1), "problems": .list(["noise", "litter"]), "worst": .text("litter"),
        ])
        #expect(asked["worst"] == .text("litter"))
        let oneProblem = try clean([
            "consent": .text("yes"), "people": .integer(1), "problems": .list(["noise"]), "worst": .text("litter"),
        ])
        #expect(oneProblem["worst"] == nil)
        #expect(oneProblem["problem_count"] == .integer(1))
        let declined = try clean(["consent": .text("no"), "problems": .list(["noise", "litter"]), "worst": .text("litter")])
        #expect(declined["worst"] == nil)
        #expect(declined["problem_count"] == nil)
    }

    @Test func calculatesSentByAClientAreRecomputed() throws {
        let result = try clean(["consent": .text("yes"), "people": .integer(1), "problem_count": .integer(99)])
        #expect(result["problem_count"] == .integer(0))
    }

    @Test func defaultsFillOnlyMissingAnswers() throws {
        #expect(try clean(["consent": .text("yes"), "people": .integer(1)])["visits"] == .integer(0))
        #expect(try clean(["consent": .text("yes"), "people": .integer(1), "visits": .integer(4)])["visits"] == .integer(4))
        #expect(try clean(["consent": .text("yes"), "people": .integer(1), "visits": .text("")])["visits"] == nil)
        #expect(try clean(["consent": .text("no")])["visits"] == nil)
    }

    @Test func unknownQuestionsAndNotesAreRefused() {
        #expect(problems(["consent": .text("no"), "colour": .text("blue"), "intro": .text("hi")]) == [
            "colour: There is no such question in form checks version 2.",
            "intro: A note takes no answer.",
        ])
    }

    @Test func problemsDescribeThemselves() {
        let problems = AnswerProblems(problems: [
            AnswerProblem(question: "a", message: "An answer is required."),
            AnswerProblem(question: "b", message: "From 1 to 20."),
        ])
        #expect(problems.description == "a: An answer is required. b: From 1 to 20.")
    }

    // MARK: Coercion of typed input

    @Test func coerceIntegers() throws {
        let people = try question("people")
        #expect(try validator.coerce(" 12 ", for: people).get() == .integer(12))
        #expect(try validator.coerce("-3", for: people).get() == .integer(-3))
        #expect(try validator.coerce("+3", for: people).get() == .integer(3))
        for bad in ["2.5", "2.0", "1e3", "twelve", "1 2", "12a", "-", "99999999999999999999999"] {
            #expect(throws: AnswerProblem.self, "\(bad)") { try validator.coerce(bad, for: people).get() }
        }
        #expect(try validator.coerce("", for: people).get() == .text(""))
    }

    @Test func coerceDecimals() throws {
        let rent = try question("rent")
        #expect(try validator.coerce("450", for: rent).get() == .decimal(450))
        #expect(try validator.coerce("450.75", for: rent).get() == .decimal(450.75))
        #expect(try validator.coerce(".5", for: rent).get() == .decimal(0.5))
        for bad in ["£450", "4,50", "1e3", "nan", "inf", "1.2.3"] {
            #expect(throws: AnswerProblem.self, "\(bad)") { try validator.coerce(bad, for: rent).get() }
        }
    }

    @Test func coerceDates() throws {
        let movedIn = try question("moved_in")
        #expect(try validator.coerce("2024-02-29", for: movedIn).get() == .text("2024-02-29"))
        #expect(try validator.coerce("today", for: movedIn).get() == .text("2026-11-23"))
        #expect(try validator.coerce("Today", for: movedIn).get() == .text("2026-11-23"))
        for bad in ["2023-02-29", "2026-04-31", "2026-13-01", "23/11/2026", "2026-11-3", "yesterday"] {
            #expect(throws: AnswerProblem.self, "\(bad)") { try validator.coerce(bad, for: movedIn).get() }
        }
    }

    @Test func coerceSingleChoices() throws {
        let consent = try question("consent")
        #expect(try validator.coerce("yes", for: consent).get() == .text("yes"))
        #expect(try validator.coerce("YES", for: consent).get() == .text("yes"))
        #expect(try validator.coerce("2", for: consent).get() == .text("no"))
        #expect(try validator.coerce("No", for: consent).get() == .text("no"))
        let worst = try question("worst")
        #expect(try validator.coerce("drug dealing", for: worst).get() == .text("drugs"))
        #expect(throws: AnswerProblem.self) { try validator.coerce("3", for: consent).get() }
        #expect(throws: AnswerProblem.self) { try validator.coerce("0", for: consent).get() }
        #expect(throws: AnswerProblem.self) { try validator.coerce("maybe", for: consent).get() }
    }

    @Test func coerceMultipleChoicesInListOrderWithoutRepeats() throws {
        let problems = try question("problems")
        #expect(try validator.coerce("other noise", for: problems).get() == .list(["noise", "other"]))
        #expect(try validator.coerce("4, 1,1", for: problems).get() == .list(["noise", "other"]))
        #expect(try validator.coerce("LITTER drugs", for: problems).get() == .list(["litter", "drugs"]))
        #expect(try validator.coerce("", for: problems).get() == .list([]))
        #expect(validator.coerce("noise 9", for: problems) == .failure(AnswerProblem(
            question: "problems", message: "'9' is not one of the choices (noise, litter, drugs, other, none)."
        )))
    }

    @Test func coerceRefusesNotesAndCalculations() throws {
        #expect(throws: AnswerProblem.self) { try validator.coerce("x", for: try question("intro")).get() }
        #expect(throws: AnswerProblem.self) { try validator.coerce("1", for: try question("problem_count")).get() }
    }

    @Test func coerceTextKeepsInnerSpaces() throws {
        #expect(try validator.coerce("  two  words ", for: try question("postcode")).get() == .text("two  words"))
    }

    // MARK: Normalising loose JSON

    @Test func normalizeAcceptsLooseJSON() throws {
        #expect(try validator.normalize(.decimal(3), for: try question("people")).get() == .integer(3))
        #expect(try validator.normalize(.text("3"), for: try question("people")).get() == .integer(3))
        #expect(try validator.normalize(.integer(3), for: try question("rent")).get() == .decimal(3))
        #expect(try validator.normalize(.integer(12), for: try question("postcode")).get() == .text("12"))
        #expect(try validator.normalize(.text("other noise noise"), for: try question("problems")).get() == .list(["noise", "other"]))
        #expect(try validator.normalize(.list(["yes"]), for: try question("consent")).get() == .text("yes"))
        #expect(try validator.normalize(.text(""), for: try question("problems")).get() == .list([]))
    }

    @Test func normalizeRefusesWrongShapes() throws {
        #expect(throws: AnswerProblem.self) { try validator.normalize(.decimal(2.5), for: try question("people")).get() }
        #expect(throws: AnswerProblem.self) { try validator.normalize(.decimal(.nan), for: try question("rent")).get() }
        #expect(throws: AnswerProblem.self) { try validator.normalize(.list(["1"]), for: try question("people")).get() }
        #expect(throws: AnswerProblem.self) { try validator.normalize(.integer(20261123), for: try question("moved_in")).get() }
        #expect(throws: AnswerProblem.self) { try validator.normalize(.list(["yes", "no"]), for: try question("consent")).get() }
        #expect(throws: AnswerProblem.self) { try validator.normalize(.text("Yes"), for: try question("consent")).get() }
    }

    // MARK: Per-field checks

    @Test func checkTypeLooksOnlyAtTypeAndChoices() throws {
        #expect(validator.checkType(.integer(500), for: try question("people")) == nil)
        #expect(validator.checkType(.text("soon"), for: try question("moved_in"))?.question == "moved_in")
        #expect(validator.checkType(.text("bogus"), for: try question("consent"))?.message == "'bogus' is not one of the choices (yes, no).")
        #expect(validator.checkType(.text(""), for: try question("consent")) == nil)
    }

    @Test func checkAddsTheConstraintInContext() throws {
        let people = try question("people")
        #expect(validator.check(.integer(500), for: people, given: [:]) == AnswerProblem(question: "people", message: "From 1 to 20."))
        #expect(validator.check(.integer(5), for: people, given: [:]) == nil)
        #expect(validator.check(.text(""), for: people, given: [:]) == AnswerProblem(question: "people", message: "An answer is required."))
        #expect(validator.check(.text(""), for: try question("rent"), given: [:]) == nil)
        #expect(validator.check(.list(["none", "litter"]), for: try question("problems"), given: [:]) != nil)
    }

    @Test func isRelevantFollowsGroupsAndQuestions() throws {
        let people = try question("people")
        let other = try question("problems_other")
        #expect(!validator.isRelevant(people, given: [:]))
        #expect(validator.isRelevant(people, given: ["consent": .text("yes")]))
        #expect(!validator.isRelevant(other, given: ["consent": .text("yes")]))
        #expect(validator.isRelevant(other, given: ["consent": .text("yes"), "problems": .list(["other"])]))
        #expect(!validator.isRelevant(other, given: ["consent": .text("no"), "problems": .list(["other"])]))
        #expect(validator.isRelevant(try question("consent"), given: [:]))
    }

    @Test func withCalculationsFeedsTheInteractiveQuestionnaire() throws {
        let answers = validator.withCalculations(["consent": .text("yes"), "problems": .list(["noise", "drugs"])])
        #expect(answers["problem_count"] == .integer(2))
        #expect(validator.isRelevant(try question("worst"), given: answers))
        #expect(validator.withCalculations(["consent": .text("no")])["problem_count"] == nil)
    }

    // MARK: Safeguarding

    @Test func safeguardingFlags() {
        #expect(!validator.flagsSafeguarding([:]))
        #expect(!validator.flagsSafeguarding(["concern": .text("no")]))
        #expect(validator.flagsSafeguarding(["concern": .text("yes")]))
        #expect(validator.flagsSafeguarding(["concern": .text("yes"), "concern_level": .integer(0)]))
        // concern_level counts only while it is asked.
        #expect(!validator.flagsSafeguarding(["concern": .text("no"), "concern_level": .integer(3)]))
    }

    @Test func truthiness() {
        #expect(AnswerValue.text("yes").isTruthy)
        #expect(AnswerValue.text("unsure").isTruthy)
        #expect(!AnswerValue.text("No").isTruthy)
        #expect(!AnswerValue.text("none").isTruthy)
        #expect(!AnswerValue.text("FALSE").isTruthy)
        #expect(!AnswerValue.text("0").isTruthy)
        #expect(!AnswerValue.text("").isTruthy)
        #expect(AnswerValue.integer(2).isTruthy)
        #expect(!AnswerValue.integer(0).isTruthy)
        #expect(!AnswerValue.decimal(0).isTruthy)
        #expect(AnswerValue.list(["neglect"]).isTruthy)
        #expect(!AnswerValue.list(["none"]).isTruthy)
        #expect(!AnswerValue.list([]).isTruthy)
    }

    // MARK: Forms built in code

    @Test func formsBuiltInCodeWithBrokenExpressionsStillValidate() throws {
        let form = FormDefinition(
            id: "hand", version: "1", title: "Hand made",
            questions: [
                Question(name: "a", type: .integer, label: "A", relevant: "${", constraint: ". >"),
                Question(name: "b", type: .calculate, label: "", calculate: "(("),
            ],
            choiceLists: [:]
        )
        let validator = AnswerValidator(form: form, today: "2026-01-01")
        #expect(try validator.validate(["a": .integer(1)]).get() == ["a": .integer(1)])
    }

    @Test func relevanceCyclesSettle() throws {
        let form = try FormDefinition.parse(yaml: """
            id: loop
            version: 1
            questions:
              - {name: a, type: text, label: A, relevant: "${b} = ''"}
              - {name: b, type: text, label: B, relevant: "${a} = ''"}
            """)
        let validator = AnswerValidator(form: form, today: "2026-01-01")
        // Either outcome is acceptable; what matters is that it ends.
        _ = validator.validate(["a": .text("x"), "b": .text("y")])
    }
}

/// The types XLSForms bring that have no choices and no number: a time, a date and time, an
/// acknowledgement.
@Suite struct TimeAndAcknowledgementTests {
    let form: FormDefinition
    let validator: AnswerValidator

    init() throws {
        form = try FormDefinition.parse(yaml: """
            id: times
            version: 1
            questions:
              - {name: arrived, type: time, label: Arrived at, constraint: ". != '00:00'"}
              - {name: incident, type: datetime, label: When did it happen?}
              - {name: read_out, type: acknowledge, label: I have read out the privacy notice, required: true}
              - {name: started, type: calculate, calculate: "${incident} < '2026-11-14T12:00'"}
            """)
        validator = AnswerValidator(form: form, today: "2026-11-14")
    }

    func question(_ name: String) throws -> Question { try #require(form.question(named: name)) }

    @Test(arguments: [
        ("18:30", "18:30"), ("9:05", "09:05"), (" 23:59:59 ", "23:59:59"), ("00:00:00", "00:00:00"),
    ])
    func timesAreHoursAndMinutes(typed: String, stored: String) throws {
        #expect(validator.coerce(typed, for: try question("arrived")) == .success(.text(stored)))
    }

    @Test(arguments: ["24:00", "18:60", "6pm", "18.30", "1830", "18:3", "18:30:5", "-1:00"])
    func notATime(typed: String) throws {
        #expect(validator.coerce(typed, for: try question("arrived")) == .failure(AnswerProblem(
            question: "arrived", message: "Enter a time as HH:MM, such as 18:30, not '\(typed)'."
        )))
    }

    @Test(arguments: [
        ("2026-11-14 18:30", "2026-11-14T18:30"), ("2026-11-14T18:30:05", "2026-11-14T18:30:05"),
        ("2026-11-14T18:30Z", "2026-11-14T18:30Z"), ("2026-11-14 18:30+01:00", "2026-11-14T18:30+01:00"),
    ])
    func dateTimes(typed: String, stored: String) throws {
        #expect(validator.coerce(typed, for: try question("incident")) == .success(.text(stored)))
    }

    @Test(arguments: ["2026-11-14", "2026-02-30 10:00", "14/11/2026 18:30", "2026-11-14 25:00", "now"])
    func notADateTime(typed: String) throws {
        #expect(validator.coerce(typed, for: try question("incident")) == .failure(AnswerProblem(
            question: "incident", message: "Enter a date and time as YYYY-MM-DD HH:MM, such as 2025-03-14 18:30, not '\(typed)'."
        )))
    }

    @Test func acknowledgementIsOK() throws {
        let readOut = try question("read_out")
        for typed in ["OK", "ok", "y", "Yes"] { #expect(validator.coerce(typed, for: readOut) == .success(.text("OK"))) }
        #expect(validator.coerce("no", for: readOut) == .failure(AnswerProblem(question: "read_out", message: "Type OK to acknowledge, not 'no'.")))
        #expect(validator.normalize(.integer(1), for: readOut) == .failure(AnswerProblem(question: "read_out", message: "Type OK to acknowledge, not 1.")))
    }

    @Test func aWholeResponseAndExpressionsOverIt() throws {
        let result = try validator.validate(["arrived": .text("9:05"), "incident": .text("2026-11-14 10:00"), "read_out": .text("ok")]).get()
        #expect(result == [
            "arrived": .text("09:05"), "incident": .text("2026-11-14T10:00"), "read_out": .text("OK"), "started": .text("true"),
        ])
        guard case .failure(let problems) = validator.validate(["arrived": .text("00:00")]) else {
            Issue.record("an unacknowledged notice and a failed constraint were accepted")
            return
        }
        #expect(problems.problems.map(\.description) == [
            "arrived: The answer 00:00 does not meet the rule . != '00:00'.", "read_out: An answer is required.",
        ])
    }

    @Test func theyAreNotCounted() {
        #expect(form.aggregatedQuestions.map(\.name) == ["started"])
        #expect(form.countedTextQuestions.isEmpty)
    }
}
