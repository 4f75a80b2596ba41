import DoorstepTestSupport
import Foundation
import Testing

@testable import DoorstepCore

/// The questionnaires in `forms/`: they parse, and good and bad answer sets from real doorsteps
/// are accepted or refused with the right message.
@Suite struct SampleFormTests {
    static let files = ["community-safety.yaml", "community-safety-cy.yaml", "safe-and-well.yaml", "women-girls-safety.yaml"]
    static let today = "2026-11-23"

    static func source(_ file: String) throws -> String {
        try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8)
    }

    static func load(_ file: String) throws -> FormDefinition {
        try FormDefinition.parse(yaml: try source(file))
    }

    static func validator(_ file: String) throws -> AnswerValidator {
        // The answers as typed at the door, before the laptop seals the personal ones.
        var validator = AnswerValidator(form: try load(file), today: today)
        validator.sealedAnswers = .plain
        return validator
    }

    static func problems(_ validator: AnswerValidator, _ answers: Answers) -> [String] {
        switch validator.validate(answers) {
        case .success: []
        case .failure(let problems): problems.problems.map(\.description)
        }
    }

    // MARK: Every form

    @Test(arguments: files) func parsesWithoutFaults(file: String) throws {
        do {
            let form = try Self.load(file)
            #expect(form.id + ".yaml" == file)
            #expect(form.version == "1")
            #expect(!form.title.isEmpty)
        } catch let error as FormError {
            Issue.record("\(file): \(error.faults)")
        }
    }

    @Test(arguments: files) func namesAreSnakeCaseAndLabelled(file: String) throws {
        let form = try Self.load(file)
        for question in form.questions {
            #expect(question.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(question.name)")
            if question.type != .calculate { #expect(!question.label.isEmpty, "\(question.name)") }
        }
        for group in form.groups { #expect(group.name.allSatisfy { $0.isLowercase || $0 == "_" }, "\(group.name)") }
    }

    @Test(arguments: files) func consentComesFirstAndSafeguardingIsFlagged(file: String) throws {
        let form = try Self.load(file)
        let asked = form.questions.filter(\.type.takesInput)
        #expect(asked.first?.name == "consent")
        #expect(asked.first?.required == true)
        #expect(form.consent == "consent", "the form names its consent question")
        #expect(form.questions.contains { $0.safeguarding && $0.name == "safeguarding_concern" })
        #expect(form.sensitiveQuestionNames.contains("safeguarding_details"))
        // The officer's record of a concern stays when the resident withdraws consent.
        #expect(form.question(named: "safeguarding_details")?.onWithdrawal == .keep)
        #expect(!form.questionsErasedOnWithdrawal.contains("safeguarding_details"))
        #expect(form.questionsErasedOnWithdrawal == form.sensitiveQuestionNames.subtracting(["safeguarding_details"]))
    }

    @Test(arguments: files) func declinedVisitNeedsOnlyTheOfficersSection(file: String) throws {
        let validator = try Self.validator(file)
        let result = try validator.validate(["consent": .text("no"), "safeguarding_concern": .text("no")]).get()
        #expect(result["consent"] == .text("no"))
        #expect(Self.problems(validator, ["consent": .text("no")]) == ["safeguarding_concern: An answer is required."])
    }

    @Test(arguments: files) func presenterShowsEveryQuestion(file: String) throws {
        let form = try Self.load(file)
        let text = FormPresenter.render(form)
        #expect(text.hasPrefix(form.title))
        for question in form.questions where question.type.takesInput {
            #expect(text.contains("(\(question.name), "), "\(question.name)")
        }
        for group in form.groups { #expect(text.contains("== \(group.label)"), "\(group.name)") }
    }

    // MARK: Community safety

    @Test("community-safety-cy is community-safety with its resident questions also in Welsh")
    func welshCommunitySafety() throws {
        let english = try Self.load("community-safety.yaml")
        var welsh = try Self.load("community-safety-cy.yaml")
        #expect(welsh.defaultLanguage == "en")
        #expect(welsh.languages == [FormLanguage(code: "en", name: "English"), FormLanguage(code: "cy", name: "Cymraeg")])
        // Every question residents hear, and each of its choices, is in Welsh; the officer's are not.
        let officers: Set<String> = ["introduction", "declined", "no_contact_note", "safeguarding_concern", "safeguarding_details", "referral", "advice_given", "officer_notes"]
        for question in welsh.questions where question.type != .calculate {
            let translated = question.localizedLabel.translations["cy"] != nil
            #expect(translated == !officers.contains(question.name), "\(question.name)")
            if translated {
                for choice in question.choices { #expect(choice.localizedLabel.translations["cy"] != nil, "\(question.name): \(choice.name)") }
            }
        }
        // Without the Welsh, it is the English form: same names, types, rules and English text.
        func withoutWelsh(_ text: LocalizedText?) -> LocalizedText? { text.map { LocalizedText($0.text) } }
        for index in welsh.questions.indices {
            welsh.questions[index].localizedLabel = LocalizedText(welsh.questions[index].label)
            welsh.questions[index].localizedHint = withoutWelsh(welsh.questions[index].localizedHint)
            welsh.questions[index].localizedConstraintMessage = withoutWelsh(welsh.questions[index].localizedConstraintMessage)
            for choice in welsh.questions[index].choices.indices {
                welsh.questions[index].choices[choice].localizedLabel.translations = [:]
            }
        }
        for list in welsh.choiceLists.keys {
            welsh.choiceLists[list] = welsh.choiceLists[list]?.map { Choice(name: $0.name, label: LocalizedText($0.label), replaces: $0.replaces) }
        }
        for index in welsh.groups.indices {
            welsh.groups[index].localizedLabel = LocalizedText(welsh.groups[index].label)
            welsh.groups[index].localizedHint = withoutWelsh(welsh.groups[index].localizedHint)
        }
        welsh.id = english.id
        welsh.title = english.title
        welsh.defaultLanguage = nil
        welsh.languages = []
        #expect(welsh == english)
    }

    static let fullCommunity: Answers = [
        "consent": .text("yes"), "years_at_address": .text("over_10"), "safe_day": .text("fairly_safe"),
        "safe_after_dark": .text("very_unsafe"), "safety_change": .text("less_safe"),
        "problems": .list(["cuckooing", "drug_dealing", "arson", "other"]), "problems_other": .text("Needles in the alley"),
        "problem_places": .text("Alley behind the shops"), "problem_times": .list(["late_night", "evening"]),
        "would_report": .text("unsure"), "report_barriers": .list(["fear_reprisal"]), "reported_before": .text("yes"),
        "report_satisfaction": .text("fairly_dissatisfied"), "follow_up": .text("yes"),
        "follow_up_agency": .list(["police", "fire_rescue"]), "contact_consent": .text("yes"),
        "contact_name": .text("Pat Smith"), "contact_method": .text("phone"), "contact_phone": .text("07700 900123"),
        "contact_time": .text("evening"), "safeguarding_concern": .text("yes"),
        "safeguarding_details": .text("Resident says number 12 has had a stream of visitors since the tenant's new friends moved in."),
        "referral": .text("will_make_today"), "advice_given": .list(["reporting", "crime_prevention"]),
    ]

    @Test func communitySafetyFullResponse() throws {
        let validator = try Self.validator("community-safety.yaml")
        let result = try validator.validate(Self.fullCommunity).get()
        #expect(result["problems"] == .list(["drug_dealing", "cuckooing", "arson", "other"]))
        #expect(result["problem_times"] == .list(["evening", "late_night"]))
        #expect(result["advice_given"] == .list(["crime_prevention", "reporting"]))
        #expect(result["problem_count"] == .integer(4))
        #expect(validator.flagsSafeguarding(result))
        #expect(validator.form.sensitiveQuestionNames.isSuperset(of: ["contact_name", "contact_phone", "contact_email"]))
    }

    @Test func communitySafetyMinimalResponse() throws {
        let validator = try Self.validator("community-safety.yaml")
        let result = try validator.validate([
            "consent": .text("yes"), "safe_day": .text("very_safe"), "safe_after_dark": .text("fairly_safe"),
            "problems": .list(["none"]), "would_report": .text("yes"), "follow_up": .text("no"),
            "safeguarding_concern": .text("no"),
        ]).get()
        #expect(result["problem_count"] == .integer(0))
        #expect(!validator.flagsSafeguarding(result))
    }

    @Test func communitySafetyContactDetailsOnlyWithConsent() throws {
        let validator = try Self.validator("community-safety.yaml")
        var answers = Self.fullCommunity
        answers["contact_consent"] = .text("no")
        let result = try validator.validate(answers).get()
        for name in ["contact_name", "contact_method", "contact_phone", "contact_time"] {
            #expect(result[name] == nil, "\(name) kept without consent")
        }
        answers["follow_up"] = .text("no")
        answers["contact_consent"] = .text("yes")
        let noFollowUp = try validator.validate(answers).get()
        #expect(noFollowUp["contact_name"] == nil)
        #expect(noFollowUp["contact_consent"] == nil)
        #expect(noFollowUp["follow_up_agency"] == nil)
    }

    @Test(arguments: [
        (["problems": AnswerValue.list(["none", "asb"])],
         ["problems: “None of these” cannot be chosen together with a problem."]),
        (["problems": .list(["other"]), "problems_other": .text("")], ["problems_other: An answer is required."]),
        (["contact_phone": .text("12345")], ["contact_phone: Enter a UK phone number, such as 07700 900123."]),
        (["contact_method": .text("email"), "contact_email": .text("pat at example")],
         ["contact_email: Enter an email address, such as name@example.org."]),
        (["contact_method": .text("email")], ["contact_email: An answer is required."]),
        (["safe_day": .text("quite_safe")],
         ["safe_day: 'quite_safe' is not one of the choices (very_safe, fairly_safe, a_bit_unsafe, very_unsafe, dont_know)."]),
        (["safeguarding_details": .text("")], ["safeguarding_details: An answer is required."]),
        (["referral": .text("")], ["referral: An answer is required."]),
        // With no agency chosen, the contact details have nobody to be sealed to.
        (["follow_up_agency": .list([])], [
            "follow_up_agency: An answer is required.",
            "contact_name: No agency was chosen to receive this answer, so it cannot be kept; leave it out.",
            "contact_phone: No agency was chosen to receive this answer, so it cannot be kept; leave it out.",
        ]),
        (["advice_given": .list(["none", "fire_safety"])],
         ["advice_given: “None” cannot be chosen together with advice that was given."]),
        (["safe_after_dark": .integer(2)],
         ["safe_after_dark: '2' is not one of the choices (very_safe, fairly_safe, a_bit_unsafe, very_unsafe, dont_know)."]),
        (["contact_name": .text(" "), "contact_phone": .text("0770")],
         ["contact_name: An answer is required.", "contact_phone: Enter a UK phone number, such as 07700 900123."]),
    ] as [(Answers, [String])])
    func communitySafetyBadAnswers(change: Answers, expected: [String]) throws {
        let validator = try Self.validator("community-safety.yaml")
        let answers = Self.fullCommunity.merging(change) { $1 }
        #expect(Self.problems(validator, answers) == expected)
    }

    @Test(arguments: ["+44 7700 900123", "07700900123", "0113 496 0000", "+447700900123"])
    func communitySafetyAcceptsUKPhoneNumbers(phone: String) throws {
        let validator = try Self.validator("community-safety.yaml")
        var answers = Self.fullCommunity
        answers["contact_phone"] = .text(phone)
        #expect(Self.problems(validator, answers).isEmpty)
    }

    @Test func communitySafetyCoercesWhatAnOfficerTypes() throws {
        let validator = try Self.validator("community-safety.yaml")
        let problems = try #require(validator.form.question(named: "problems"))
        #expect(try validator.coerce("3 1 8", for: problems).get() == .list(["drug_dealing", "cuckooing", "other"]))
        let safeDay = try #require(validator.form.question(named: "safe_day"))
        #expect(try validator.coerce("a bit unsafe", for: safeDay).get() == .text("a_bit_unsafe"))
    }

    @Test func communitySafetySkipLogicForTheInteractiveQuestionnaire() throws {
        let validator = try Self.validator("community-safety.yaml")
        let form = validator.form
        func asked(_ answers: Answers) -> [String] {
            let full = validator.withCalculations(answers)
            return form.questions.filter { $0.type.takesInput && validator.isRelevant($0, given: full) }.map(\.name)
        }
        #expect(asked(["consent": .text("no")]) == ["consent", "safeguarding_concern", "advice_given", "officer_notes"])
        let withProblems = asked(["consent": .text("yes"), "problems": .list(["asb"]), "would_report": .text("no")])
        #expect(withProblems.contains("problem_places"))
        #expect(withProblems.contains("report_barriers"))
        #expect(!withProblems.contains("report_how"))
        #expect(!withProblems.contains("problems_other"))
        #expect(!withProblems.contains("contact_name"))
    }

    // MARK: Safe and well

    static let fullSafeAndWell: Answers = [
        "consent": .text("yes"), "occupants": .integer(1), "oldest_age_band": .text("75_84"), "lives_alone": .text("yes"),
        "escape_difficulty": .text("no"), "smoke_alarms": .text("some_floors"), "alarm_last_tested": .text("longer"),
        "co_alarm": .text("no"), "risks": .list(["portable_heaters", "smoking_indoors"]), "escape_plan": .text("no"),
        "visit_wanted": .text("yes"), "visit_name": .text("Mrs J Evans"), "visit_phone": .text("01632 960123"),
        "visit_earliest_date": .text("2026-12-01"), "visit_access": .text("Key safe by the door, code held by carer"),
        "alarm_fitted": .integer(1), "safeguarding_concern": .text("no"),
    ]

    @Test func safeAndWellOlderResidentLivingAloneIsAPriority() throws {
        let validator = try Self.validator("safe-and-well.yaml")
        let result = try validator.validate(Self.fullSafeAndWell).get()
        #expect(result["over_65"] == .text("yes"))
        #expect(result["priority"] == .text("high"))
        #expect(result["risks"] == .list(["smoking_indoors", "portable_heaters"]))
        #expect(result["visit_earliest_date"] == .text("2026-12-01"))
        #expect(!validator.flagsSafeguarding(result))
    }

    @Test func safeAndWellYoungerHouseholdWithAlarmsIsNotOfferedAVisit() throws {
        let validator = try Self.validator("safe-and-well.yaml")
        let result = try validator.validate([
            "consent": .text("yes"), "occupants": .text("4"), "oldest_age_band": .text("50_64"),
            "escape_difficulty": .text("no"), "smoke_alarms": .text("every_floor"), "risks": .list(["none"]),
            "visit_wanted": .text("yes"), "visit_name": .text("Should be dropped"), "safeguarding_concern": .text("no"),
        ]).get()
        #expect(result["over_65"] == .text("no"))
        #expect(result["priority"] == .text("standard"))
        #expect(result["visit_wanted"] == nil)
        #expect(result["visit_name"] == nil)
        #expect(result["lives_alone"] == nil)
        #expect(result["alarm_fitted"] == .integer(0))
        #expect(result["occupants"] == .integer(4))
    }

    @Test func safeAndWellNoSmokeAlarmMakesAnyHomeAPriority() throws {
        let validator = try Self.validator("safe-and-well.yaml")
        let answers: Answers = [
            "consent": .text("yes"), "occupants": .integer(3), "oldest_age_band": .text("under_50"),
            "escape_difficulty": .text("no"), "smoke_alarms": .text("none"), "risks": .list(["chip_pan"]),
            "safeguarding_concern": .text("no"),
        ]
        #expect(Self.problems(validator, answers) == ["visit_wanted: An answer is required."])
        var withVisit = answers
        withVisit["visit_wanted"] = .text("no")
        let result = try validator.validate(withVisit).get()
        #expect(result["priority"] == .text("high"))
        #expect(result["alarm_last_tested"] == nil)
    }

    @Test(arguments: [
        (["occupants": AnswerValue.integer(0)], ["occupants: Enter a number of people from 1 to 20."]),
        (["occupants": .integer(25)], ["occupants: Enter a number of people from 1 to 20."]),
        (["occupants": .text("2.5")], ["occupants: Enter a whole number, such as 3, not '2.5'."]),
        (["occupants": .decimal(1.5)], ["occupants: Enter a whole number, such as 3, not 1.5."]),
        (["visit_earliest_date": .text("2026-11-22")], ["visit_earliest_date: Choose today or a later date."]),
        (["visit_earliest_date": .text("2026-02-30")],
         ["visit_earliest_date: Enter a real date as YYYY-MM-DD, such as 2025-03-14, not '2026-02-30'."]),
        (["visit_earliest_date": .text("01/12/2026")],
         ["visit_earliest_date: Enter a real date as YYYY-MM-DD, such as 2025-03-14, not '01/12/2026'."]),
        (["visit_phone": .text("ring the bell")], ["visit_phone: Enter a UK phone number, such as 01632 960123."]),
        (["alarm_fitted": .integer(9)], ["alarm_fitted: Enter how many alarms you fitted, from 0 to 6."]),
        (["risks": .list(["none", "candles"])], ["risks: “None of these” cannot be chosen together with a risk."]),
        (["risks": .list([])], ["risks: An answer is required."]),
        (["visit_name": .text("")], ["visit_name: An answer is required."]),
        (["oldest_age_band": .text("65+")],
         ["oldest_age_band: '65+' is not one of the choices (under_50, 50_64, 65_74, 75_84, 85_plus)."]),
    ] as [(Answers, [String])])
    func safeAndWellBadAnswers(change: Answers, expected: [String]) throws {
        let validator = try Self.validator("safe-and-well.yaml")
        #expect(Self.problems(validator, Self.fullSafeAndWell.merging(change) { $1 }) == expected)
    }

    @Test func safeAndWellTodayIsAnAcceptableVisitDate() throws {
        let validator = try Self.validator("safe-and-well.yaml")
        var answers = Self.fullSafeAndWell
        answers["visit_earliest_date"] = .text(Self.today)
        #expect(Self.problems(validator, answers).isEmpty)
        let question = try #require(validator.form.question(named: "visit_earliest_date"))
        #expect(try validator.coerce("today", for: question).get() == .text(Self.today))
    }

    @Test func safeAndWellSafeguardingConcernIsFlagged() throws {
        let validator = try Self.validator("safe-and-well.yaml")
        var answers = Self.fullSafeAndWell
        answers["safeguarding_concern"] = .text("yes")
        #expect(Self.problems(validator, answers) == ["safeguarding_details: An answer is required."])
        answers["safeguarding_details"] = .text("Severe hoarding blocking the stairs; resident seems confused.")
        let result = try validator.validate(answers).get()
        #expect(validator.flagsSafeguarding(result))
    }

    // MARK: Women and girls' safety

    static let fullWomenGirls: Answers = [
        "consent": .text("yes"), "gender": .text("woman"), "age_band": .text("16_24"), "visit_frequency": .text("weekly"),
        "safe_day": .text("fairly_safe"), "safe_night": .text("very_unsafe"), "avoids_places": .text("yes"),
        "avoided_places": .list(["underpasses", "bus_station", "other"]), "avoided_places_other": .text("The canal towpath"),
        "experiences": .list(["followed", "verbal_harassment"]), "reported": .text("no"),
        "what_would_help": .list(["late_transport", "lighting", "police_patrols"]),
        "one_change": .text("Lights on the towpath and a later last bus."), "wants_support_info": .text("yes"),
        "safeguarding_concern": .text("no"),
    ]

    @Test func womenGirlsFullResponse() throws {
        let validator = try Self.validator("women-girls-safety.yaml")
        let result = try validator.validate(Self.fullWomenGirls).get()
        #expect(result["experienced_count"] == .integer(2))
        #expect(result["avoided_places"] == .list(["bus_station", "underpasses", "other"]))
        #expect(result["what_would_help"] == .list(["lighting", "police_patrols", "late_transport"]))
        #expect(result["reported"] == .text("no"))
    }

    @Test func womenGirlsNeverVisitingSkipsTheTownCentreSection() throws {
        let validator = try Self.validator("women-girls-safety.yaml")
        var answers = Self.fullWomenGirls
        answers["visit_frequency"] = .text("never")
        let result = try validator.validate(answers).get()
        for name in ["safe_day", "safe_night", "avoids_places", "avoided_places", "avoided_places_other"] {
            #expect(result[name] == nil, "\(name)")
        }
        #expect(result["experiences"] != nil)
    }

    @Test func womenGirlsPreferNotToSayAsksNothingFurther() throws {
        let validator = try Self.validator("women-girls-safety.yaml")
        var answers = Self.fullWomenGirls
        answers["experiences"] = .list(["prefer_not_to_say"])
        let result = try validator.validate(answers).get()
        #expect(result["experienced_count"] == .integer(0))
        #expect(result["reported"] == nil)
    }

    @Test(arguments: [
        (["what_would_help": AnswerValue.list(["lighting", "cctv", "police_patrols", "reporting"])],
         ["what_would_help: Choose up to three."]),
        (["experiences": .list(["none", "followed"])],
         ["experiences: “None of these” and “Prefer not to say” must be chosen on their own."]),
        (["experiences": .list(["prefer_not_to_say", "spiking"])],
         ["experiences: “None of these” and “Prefer not to say” must be chosen on their own."]),
        (["avoided_places": .list([])], ["avoided_places: An answer is required."]),
        (["one_change": .text(String(repeating: "x", count: 501))], ["one_change: Keep it to 500 characters or fewer."]),
        (["gender": .text("")], ["gender: An answer is required."]),
        (["age_band": .text("15")],
         ["age_band: '15' is not one of the choices (16_24, 25_34, 35_54, 55_plus, prefer_not_to_say)."]),
        (["what_would_help": .list(["other"])], ["what_would_help_other: An answer is required."]),
    ] as [(Answers, [String])])
    func womenGirlsBadAnswers(change: Answers, expected: [String]) throws {
        let validator = try Self.validator("women-girls-safety.yaml")
        #expect(Self.problems(validator, Self.fullWomenGirls.merging(change) { $1 }) == expected)
    }

    // MARK: Broken copies

    @Test func brokenCopyFailsWithTheRightMessages() throws {
        var source = try Self.source("community-safety.yaml")
        source = source.replacingOccurrences(of: "relevant: selected(${problems}, 'other')", with: "relevant: selected(${problem}, 'other')")
        source = source.replacingOccurrences(of: "type: select_one safety_scale", with: "type: select_one safety")
        source = source.replacingOccurrences(of: "version: 1\n", with: "")
        source = source.replacingOccurrences(of: "relevant: ${reported_before} = 'yes'", with: "relevant: ${reported_before} = 'yes' and")
        do {
            _ = try FormDefinition.parse(yaml: source)
            Issue.record("a broken copy of community-safety.yaml passed")
        } catch {
            #expect(error.faults == [
                "The form has no version.",
                "Question 'safe_day' uses choice list 'safety', which is not defined under choices.",
                "Question 'safe_after_dark' uses choice list 'safety', which is not defined under choices.",
                "Question 'problems_other' refers to ${problem} in its relevant (column 10), but there is no question 'problem'.",
                "Question 'report_satisfaction' has a bad relevant '${reported_before} = 'yes' and': at column 31, a value is missing after 'and'.",
            ])
        }
    }

    @Test func duplicatedQuestionInACopyIsCaught() throws {
        let source = try Self.source("women-girls-safety.yaml")
            .replacingOccurrences(of: "- name: safe_night", with: "- name: safe_day")
        #expect(throws: FormError(faults: [
            "The name 'safe_day' is used by more than one question or group; each name must be unique.",
        ])) {
            try FormDefinition.parse(yaml: source)
        }
    }

    @Test func calculationCycleInACopyIsCaught() throws {
        let source = try Self.source("safe-and-well.yaml")
            .replacingOccurrences(of: "calculate: if(${oldest_age_band} = '65_74'", with: "calculate: if(${priority} = 'high' or ${oldest_age_band} = '65_74'")
        #expect(throws: FormError(faults: ["Question 'over_65' is part of a cycle of calculations: over_65 → priority → over_65."])) {
            try FormDefinition.parse(yaml: source)
        }
    }
}
