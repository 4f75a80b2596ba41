import Testing

@testable import DoorstepCore

/// `on_withdrawal`: which answers a resident's withdrawal of consent erases, decided by the form.
@Suite struct OnWithdrawalTests {
    static let form = """
        id: f
        version: 1
        questions:
          - {name: name, type: text, label: Name, sensitive: true}
          - {name: phone, type: text, label: Phone, sensitive: true, on_withdrawal: erase}
          - {name: details, type: text, label: Details, sensitive: true, on_withdrawal: keep}
          - {name: street_note, type: text, label: Street, on_withdrawal: erase}
          - {name: rating, type: integer, label: Rating}
        """

    @Test func sensitiveAnswersAreErasedUnlessMarkedKeep() throws {
        let form = try FormDefinition.parse(yaml: Self.form)
        #expect(form.questionsErasedOnWithdrawal == ["name", "phone", "street_note"])
        #expect(form.question(named: "name")?.onWithdrawal == nil)
        #expect(form.question(named: "details")?.onWithdrawal == .keep)
        #expect(form.question(named: "rating")?.erasedOnWithdrawal == false)
        #expect(form.sensitiveQuestionNames == ["name", "phone", "details"])
    }

    @Test func aWithdrawalMayLeaveAnswersTheFormRequiresOnlyWhereItErasesThem() throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            questions:
              - {name: name, type: text, label: Name, sensitive: true, required: true}
              - {name: details, type: text, label: Details, sensitive: true, on_withdrawal: keep, required: true}
            """)
        let validator = AnswerValidator(form: form, today: "2026-11-23")
        guard case .failure(let problems) = validator.validate([:], personalDataErased: true) else {
            Issue.record("a kept required answer may not go missing")
            return
        }
        #expect(problems.problems.map(\.description) == ["details: An answer is required."])
    }

    @Test func otherValuesAndNotesAreFaults() {
        let yaml = """
            id: f
            version: 1
            questions:
              - {name: details, type: text, label: Details, sensitive: true, on_withdrawal: retain}
              - {name: intro, type: note, label: Hello, on_withdrawal: keep}
            """
        #expect(throws: FormError(faults: [
            "Question 'details' has on_withdrawal 'retain'; use erase or keep.",
            "Question 'intro' is a note and holds no answer, so it cannot have on_withdrawal.",
        ])) {
            try FormDefinition.parse(yaml: yaml)
        }
    }
}
