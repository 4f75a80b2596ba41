import Testing

@testable import DoorstepCore

/// Reading a YAML form into the model: every key, groups, choice lists.
@Suite struct FormParsingTests {
    static let complete = """
        id: street-survey
        version: 3
        title: Street survey
        questions:
          - name: welcome
            type: note
            label: Say hello.
          - name: consent
            type: select_one yes_no
            label: May we ask you some questions?
            hint: It takes two minutes.
            required: true
          - name: about
            type: group
            label: About you
            hint: Skip any question.
            relevant: ${consent} = 'yes'
            questions:
              - name: age
                type: integer
                label: Age
                constraint: . >= 16
                constraint_message: Only people aged 16 or over take part.
              - name: height
                type: decimal
                label: Height in metres
              - name: moved_in
                type: date
                label: When did you move in?
                default: today
              - name: worries
                type: select_multiple worry
                label: What worries you?
              - name: details
                type: group
                label: Details
                relevant: selected(${worries}, 'other')
                questions:
                  - name: worries_other
                    type: text
                    label: What else?
                    required: yes
          - name: worry_count
            type: calculate
            calculate: count-selected(${worries})
          - name: phone
            type: text
            label: Phone
            sensitive: true
          - name: concern
            type: select_one yes_no
            label: Safeguarding concern?
            safeguarding: true
            default: no
        choices:
          yes_no:
            - name: yes
              label: "Yes"
            - name: no
              label: "No"
          worry:
            - name: noise
              label: Noise
            - name: other
              label: Something else
        """

    @Test func readsEveryKey() throws {
        let form = try FormDefinition.parse(yaml: Self.complete)
        #expect(form.id == "street-survey")
        #expect(form.version == "3")
        #expect(form.title == "Street survey")
        #expect(form.questions.map(\.name) == [
            "welcome", "consent", "age", "height", "moved_in", "worries", "worries_other", "worry_count", "phone", "concern",
        ])
        let consent = try #require(form.question(named: "consent"))
        #expect(consent.type == .selectOne(list: "yes_no"))
        #expect(consent.label == "May we ask you some questions?")
        #expect(consent.hint == "It takes two minutes.")
        #expect(consent.required)
        #expect(consent.choices == [Choice(name: "yes", label: "Yes"), Choice(name: "no", label: "No")])
        #expect(consent.group == nil)

        let age = try #require(form.question(named: "age"))
        #expect(age.type == .integer)
        #expect(age.constraint == ". >= 16")
        #expect(age.constraintMessage == "Only people aged 16 or over take part.")
        #expect(age.group == "about")
        #expect(!age.required)

        #expect(form.question(named: "height")?.type == .decimal)
        #expect(form.question(named: "moved_in")?.type == .date)
        #expect(form.question(named: "moved_in")?.defaultValue == "today")
        #expect(form.question(named: "worries")?.type == .selectMultiple(list: "worry"))
        #expect(form.question(named: "worries_other")?.required == true)
        #expect(form.question(named: "worries_other")?.group == "details")
        #expect(form.question(named: "worry_count")?.type == .calculate)
        #expect(form.question(named: "worry_count")?.calculate == "count-selected(${worries})")
        #expect(form.question(named: "worry_count")?.group == nil)
        #expect(form.question(named: "welcome")?.type == .note)
        #expect(form.sensitiveQuestionNames == ["phone"])
        #expect(form.question(named: "concern")?.safeguarding == true)
        #expect(form.question(named: "concern")?.defaultValue == "no")
        #expect(form.choiceLists["worry"]?.map(\.name) == ["noise", "other"])
    }

    @Test func groupsAreFlattenedAndKept() throws {
        let form = try FormDefinition.parse(yaml: Self.complete)
        #expect(form.groups == [
            QuestionGroup(name: "about", label: "About you", hint: "Skip any question.", relevant: "${consent} = 'yes'"),
            QuestionGroup(name: "details", label: "Details", relevant: "selected(${worries}, 'other')", parent: "about"),
        ])
        #expect(form.group(named: "details")?.parent == "about")
        #expect(form.question(named: "about") == nil)
    }

    @Test(arguments: [
        ("3", "3"), ("'3'", "3"), ("2026-11-01", "2026-11-01"), ("1.10", "1.10"), ("v2", "v2"), ("\"2\"", "2"),
    ])
    func versionIsAnyScalarAsWritten(written: String, expected: String) throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: \(written)
            title: T
            questions:
              - name: q
                type: text
                label: Q
            """)
        #expect(form.version == expected)
    }

    @Test func titleDefaultsToTheId() throws {
        let form = try FormDefinition.parse(yaml: """
            id: quick-check
            version: 1
            questions:
              - {name: q, type: text, label: Q}
            """)
        #expect(form.title == "quick-check")
    }

    @Test func yesAndNoStayChoiceNamesNotBooleans() throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            questions:
              - name: q
                type: select_one yn
                label: Q
                default: yes
            choices:
              yn:
                - {name: yes, label: Yes}
                - {name: no, label: No}
                - {name: 1, label: One}
            """)
        #expect(form.choiceLists["yn"] == [
            Choice(name: "yes", label: "Yes"), Choice(name: "no", label: "No"), Choice(name: "1", label: "One"),
        ])
    }

    @Test(arguments: [("true", true), ("yes", true), ("True", true), ("on", true), ("false", false), ("no", false), ("", false)])
    func flagsAcceptYAMLBooleans(written: String, expected: Bool) throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            questions:
              - name: q
                type: text
                label: Q
                required: \(written)
                sensitive: \(written)
            """)
        #expect(form.questions[0].required == expected)
        #expect(form.questions[0].sensitive == expected)
    }

    @Test func foldedAndQuotedTextIsTrimmed() throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            questions:
              - name: q
                type: text
                label: >-
                  A long label
                  over two lines
                hint: "  spaced  "
            """)
        #expect(form.questions[0].label == "A long label over two lines")
        #expect(form.questions[0].hint == "spaced")
    }

    @Test func selectTypesAcceptExtraSpaces() throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            questions:
              - {name: q, type: "select_one   yn", label: Q}
            choices:
              yn:
                - {name: y, label: Yes}
            """)
        #expect(form.questions[0].type == .selectOne(list: "yn"))
    }
}
