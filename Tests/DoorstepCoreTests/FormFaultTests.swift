import Testing

@testable import DoorstepCore

/// Every fault `forms check` reports, each one sentence naming the question.
@Suite struct FormFaultTests {
    /// The faults of a form made of `questions` (YAML lines indented by two) and `choices`.
    func faults(questions: String, choices: String = "", header: String = "id: f\nversion: 1\ntitle: T\n") -> [String] {
        var yaml = header + "questions:\n" + questions
        if !choices.isEmpty { yaml += "\nchoices:\n" + choices }
        return faults(yaml)
    }

    func faults(_ yaml: String) -> [String] {
        do {
            _ = try FormDefinition.parse(yaml: yaml)
            return []
        } catch {
            return error.faults
        }
    }

    static let yesNo = """
          yes_no:
            - {name: yes, label: "Yes"}
            - {name: no, label: "No"}
        """

    // MARK: The form itself

    @Test func missingIdAndVersion() {
        #expect(faults(questions: "  - {name: q, type: text, label: Q}", header: "title: T\n") == [
            "The form has no id.", "The form has no version.",
        ])
    }

    @Test func badId() {
        #expect(faults(questions: "  - {name: q, type: text, label: Q}", header: "id: my form\nversion: 1\n") == [
            "The form id 'my form' must be letters, digits, '_' or '-', starting with a letter.",
        ])
    }

    @Test func noQuestions() {
        #expect(faults("id: f\nversion: 1\n") == ["The form has no questions."])
        #expect(faults("id: f\nversion: 1\nquestions: []\n") == ["The form has no questions."])
    }

    @Test func notYAMLOrNotAMapping() {
        #expect(faults("id: f\n  version: [1\n").first?.hasPrefix("The form is not valid YAML at line") == true)
        #expect(faults("- just\n- a list\n") == [
            "The form must be a YAML mapping with id, version, title, questions and choices.",
        ])
        #expect(faults("") == ["The form must be a YAML mapping with id, version, title, questions and choices."])
    }

    @Test func repeatedKey() {
        #expect(faults(questions: "  - name: q\n    type: text\n    label: A\n    label: B\n") == [
            "The form repeats the key 'label' in one mapping (line 7).",
        ])
    }

    @Test func unknownFormKey() {
        #expect(faults(questions: "  - {name: q, type: text, label: Q}", header: "id: f\nversion: 1\nauthor: me\n") == [
            "The form has unknown key 'author'; use id, version, title, consent, default_language, languages, retention, follow_ups, questions and choices.",
        ])
    }

    // MARK: Consent

    @Test("consent names a select_one question with a choice yes")
    func consent() throws {
        let header = "id: f\nversion: 1\ntitle: T\nconsent: agree\n"
        #expect(faults(questions: "  - {name: agree, type: select_one yes_no, label: Agree?}", choices: Self.yesNo, header: header).isEmpty)
        let form = try FormDefinition.parse(yaml: header + "questions:\n  - {name: agree, type: select_one yes_no, label: Agree?}\nchoices:\n" + Self.yesNo)
        #expect(form.consent == "agree")
        #expect(form.recordsConsent(["agree": .text("yes")]))
        #expect(!form.recordsConsent(["agree": .text("no")]))
        #expect(!form.recordsConsent([:]), "no answer is no consent")
        let withoutConsent = try FormDefinition.parse(yaml: "id: f\nversion: 1\nquestions:\n  - {name: q, type: text, label: Q}\n")
        #expect(withoutConsent.recordsConsent([:]), "a form that names no consent question asks for none")
    }

    @Test func consentFaults() {
        let header = "id: f\nversion: 1\ntitle: T\nconsent: agree\n"
        #expect(faults(questions: "  - {name: q, type: text, label: Q}", header: header) == [
            "The form's consent 'agree' is not a question of the form; name a select_one question with a choice 'yes'.",
        ])
        #expect(faults(questions: "  - {name: agree, type: text, label: Agree?}", header: header) == [
            "The form's consent 'agree' is not a select_one question; name a select_one question with a choice 'yes'.",
        ])
        #expect(faults(
            questions: "  - {name: agree, type: select_one ok, label: Agree?}",
            choices: "  ok:\n    - {name: fine, label: Fine}\n    - {name: not_fine, label: Not fine}", header: header
        ) == [
            "The form's consent 'agree' has no choice 'yes' to record consent; name a select_one question with a choice 'yes'.",
        ])
        #expect(faults(
            questions: "  - name: agree\n    type: group\n    label: G\n    questions:\n      - {name: q, type: text, label: Q}", header: header
        ) == [
            "The form's consent 'agree' is a group, not a question; name a select_one question with a choice 'yes'.",
        ])
    }

    // MARK: Questions

    @Test func duplicateNames() {
        let found = faults(questions: """
              - {name: q, type: text, label: A}
              - {name: q, type: text, label: B}
              - {name: q, type: integer, label: C}
              - name: g
                type: group
                label: G
                questions:
                  - {name: g, type: text, label: D}
            """)
        #expect(found == [
            "The name 'q' is used by more than one question or group; each name must be unique.",
            "The name 'g' is used by more than one question or group; each name must be unique.",
        ])
    }

    @Test func badName() {
        #expect(faults(questions: "  - {name: Safe Day?, type: text, label: Q}") == [
            "Question name 'Safe Day?' must be letters, digits and '_', starting with a letter (such as safe_day).",
        ])
        #expect(faults(questions: "  - {name: 2nd_visit, type: text, label: Q}") == [
            "Question name '2nd_visit' must be letters, digits and '_', starting with a letter (such as q_2nd_visit).",
        ])
    }

    @Test func missingNameTypeAndLabel() {
        #expect(faults(questions: "  - {type: text, label: Q}") == ["The question (line 5) has no name."])
        #expect(faults(questions: "  - {name: q, label: Q}") == ["Question 'q' has no type."])
        #expect(faults(questions: "  - {name: q, type: text}") == ["Question 'q' has no label."])
        #expect(faults(questions: "  - {name: n, type: note}") == ["Question 'n' is a note with no label."])
        #expect(faults(questions: "  - just text") == ["The question (line 5) must be a mapping with name, type and label."])
    }

    @Test func unknownType() {
        #expect(faults(questions: "  - {name: q, type: string, label: Q}") == [
            "Question 'q' has unknown type 'string'; use text, integer, decimal, date, time, datetime, select_one LIST, select_multiple LIST, acknowledge, note, calculate or group.",
        ])
        #expect(faults(questions: "  - {name: q, type: text extra, label: Q}").count == 1)
    }

    @Test func selectWithoutAList() {
        #expect(faults(questions: "  - {name: q, type: select_one, label: Q}") == [
            "Question 'q' is a select_one with no choice list; write 'type: select_one LIST'.",
        ])
        #expect(faults(questions: "  - {name: q, type: select_multiple a b, label: Q}") == [
            "Question 'q' has type 'select_multiple a b'; write 'type: select_multiple LIST' with one list name.",
        ])
    }

    @Test func unknownList() {
        #expect(faults(questions: "  - {name: q, type: select_one colours, label: Q}", choices: Self.yesNo) == [
            "Question 'q' uses choice list 'colours', which is not defined under choices.",
        ])
    }

    @Test func unknownQuestionKey() {
        #expect(faults(questions: "  - {name: q, type: text, lable: Q, label: Q}") == ["Question 'q' has unknown key 'lable'."])
        #expect(faults(questions: "  - {name: q, type: text, label: Q, questions: []}") == [
            "Question 'q' has unknown key 'questions' (only a question of type group holds questions).",
        ])
    }

    @Test func listWhereAValueBelongs() {
        #expect(faults(questions: "  - {name: q, type: text, label: [a, b]}") == [
            "Question 'q' has a list or mapping for 'label' (line 5); write a single value.",
            "Question 'q' has no label.",
        ])
        #expect(faults(questions: "  - {name: q, type: text, label: Q}", header: "id: f\nversion: {major: 1}\n") == [
            "The form has a list or mapping for 'version' (line 2); write a single value.",
            "The form has no version.",
        ])
    }

    @Test func badFlag() {
        #expect(faults(questions: "  - {name: q, type: text, label: Q, required: maybe}") == [
            "Question 'q' has required 'maybe'; use true or false.",
        ])
    }

    @Test func keysThatDoNotFitTheType() {
        let found = faults(questions: """
              - {name: n, type: note, label: N, required: true, constraint: ". = 1", default: x, safeguarding: true, sensitive: true}
              - {name: c, type: calculate, required: true}
              - {name: t, type: text, label: T, calculate: "1 + 1"}
              - {name: m, type: text, label: M, constraint_message: Too long.}
            """)
        #expect(found == [
            "Question 'n' is a note and cannot be required.",
            "Question 'n' is a note and cannot have a constraint.",
            "Question 'n' is a note and cannot have a default.",
            "Question 'n' is a note and cannot flag safeguarding; mark the question that records it.",
            "Question 'n' is a note and holds no personal data, so it cannot be sensitive.",
            "Question 'c' is a calculation and cannot be required.",
            "Question 'c' is a calculation with no calculate expression.",
            "Question 't' has a calculate, but only a question of type calculate may have one.",
            "Question 'm' has a constraint_message but no constraint.",
        ])
    }

    @Test func badDefaults() {
        let found = faults(
            questions: """
                  - {name: a, type: integer, label: A, default: 2.5}
                  - {name: b, type: select_one yes_no, label: B, default: maybe}
                  - {name: c, type: date, label: C, default: 2026-02-30}
                  - {name: d, type: date, label: D, default: today}
                  - {name: e, type: select_multiple yes_no, label: E, default: yes no}
                """,
            choices: Self.yesNo
        )
        #expect(found == [
            "Question 'a' has default '2.5', which is not a valid answer: Enter a whole number, such as 3, not '2.5'.",
            "Question 'b' has default 'maybe', which is not a valid answer: 'maybe' is not one of the choices (yes, no).",
            "Question 'c' has default '2026-02-30', which is not a valid answer: Enter a real date as YYYY-MM-DD, such as 2025-03-14, not '2026-02-30'.",
        ])
    }

    // MARK: Groups

    @Test func groupFaults() {
        let found = faults(questions: """
              - name: g
                type: group
                questions:
                  - {name: q, type: text, label: Q}
              - {name: empty, type: group, label: Empty}
              - {name: h, type: group, label: H, required: true, questions: [{name: r, type: text, label: R}]}
              - {name: i, type: group, label: I, questions: not a list}
            """)
        #expect(found == [
            "Group 'g' has no label.",
            "Group 'empty' has no questions.",
            "Group 'h' has unknown key 'required'; a group takes name, label, hint, relevant and questions.",
            "Group 'i' must list its questions as a YAML sequence (lines starting with '-') (line 11).",
        ])
    }

    // MARK: Choices

    @Test func choiceFaults() {
        let found = faults(
            questions: "  - {name: q, type: select_one l, label: Q}\n  - {name: r, type: select_one empty, label: R}",
            choices: """
                  l:
                    - {name: a, label: A}
                    - {name: a, label: Again}
                    - {name: b c, label: B}
                    - {label: Nameless}
                    - {name: d}
                    - {name: e, label: E, value: 1}
                  empty: []
                  Bad List:
                    - {name: x, label: X}
                """
        )
        #expect(found == [
            "Choice list 'l' has the choice 'a' twice.",
            "Choice 'b c' of list 'l' has a space in its name; use '_' instead.",
            "Choice list 'l' has a choice (line 12) with no name.",
            "Choice 'd' of list 'l' has no label.",
            "Choice list 'empty' has no choices; list them as '- name: ...' with a label each.",
            "Choice list 'Bad List' must be named with letters, digits and '_', starting with a letter.",
            "Choice list 'l' has a choice with unknown key 'value'; a choice takes name, label, replaces and the columns a choice_filter of its questions reads.",
        ])
    }

    // MARK: Expressions

    @Test func badExpressionNamesQuestionExpressionAndColumn() {
        let found = faults(
            questions: """
                  - {name: consent, type: select_one yes_no, label: C}
                  - {name: age, type: integer, label: A, relevant: "${consent} = 'yes' and", constraint: ". >> 3"}
                  - {name: total, type: calculate, calculate: "count-selected(${age}"}
                """,
            choices: Self.yesNo
        )
        #expect(found == [
            "Question 'age' has a bad relevant '${consent} = 'yes' and': at column 23, a value is missing after 'and'.",
            "Question 'age' has a bad constraint '. >> 3': at column 4, '>' was not expected here.",
            "Question 'total' has a bad calculate 'count-selected(${age}': at column 22, the call to count-selected() at column 1 is never closed.",
        ])
    }

    @Test func unknownReferences() {
        let found = faults(
            questions: """
                  - {name: a, type: text, label: A, relevant: "${b} = 'x' or ${nope} != ''"}
                  - {name: b, type: text, label: B, constraint: ". != ${typo}"}
                  - {name: c, type: calculate, calculate: "${missing} + 1"}
                  - name: g
                    type: group
                    label: G
                    relevant: ${ghost} = 1
                    questions:
                      - {name: d, type: text, label: D}
                """
        )
        #expect(found == [
            "Question 'a' refers to ${nope} in its relevant (column 15), but there is no question 'nope'.",
            "Question 'b' refers to ${typo} in its constraint (column 6), but there is no question 'typo'.",
            "Question 'c' refers to ${missing} in its calculate (column 1), but there is no question 'missing'.",
            "Group 'g' refers to ${ghost} in its relevant (column 1), but there is no question 'ghost'.",
        ])
    }

    @Test func referencesToGroupsNotesAndSelf() {
        let found = faults(questions: """
              - {name: intro, type: note, label: Hello}
              - {name: a, type: text, label: A, relevant: "${intro} = '' and ${a} = ''"}
              - name: g
                type: group
                label: G
                relevant: ${inside} = 'x'
                questions:
                  - {name: inside, type: text, label: I}
              - {name: b, type: text, label: B, relevant: "${g} = ''"}
            """)
        #expect(found == [
            "Question 'a' refers to ${intro} in its relevant (column 1), but 'intro' is a note, which holds no answer.",
            "Question 'a' refers to ${a} in its relevant (column 19); a question cannot decide from its own answer whether it is asked.",
            "Question 'b' refers to ${g} in its relevant (column 1), but 'g' is a group, not a question.",
            "Group 'g' refers to ${inside} in its relevant (column 1), but 'inside' is inside the group, so it cannot decide whether the group is asked.",
        ])
    }

    @Test func dotOnlyInConstraints() {
        #expect(faults(questions: "  - {name: a, type: text, label: A, relevant: \". = 'x'\"}") == [
            "Question 'a' uses '.' in its relevant (column 1); '.' is the question's own answer and belongs only in a constraint.",
        ])
        #expect(faults(questions: "  - {name: a, type: text, label: A, constraint: \"string-length(.) < 5\"}").isEmpty)
    }

    @Test func choicesInComparisonsMustExist() {
        let found = faults(
            questions: """
                  - {name: consent, type: select_one yes_no, label: C}
                  - {name: m, type: select_multiple yes_no, label: M, constraint: "not(selected(., 'maybe'))"}
                  - {name: a, type: text, label: A, relevant: "${consent} = 'Yes' or 'nope' != ${consent} or ${consent} = ''"}
                  - {name: b, type: text, label: B, relevant: "selected(${m}, 'yess') or ${m} = 'yes no'"}
                """,
            choices: Self.yesNo
        )
        #expect(found == [
            "Question 'm' compares m with 'maybe' in its constraint (column 5), but 'maybe' is not a choice of m.",
            "Question 'a' compares consent with 'Yes' in its relevant (column 12), but 'Yes' is not a choice of consent.",
            "Question 'a' compares consent with 'nope' in its relevant (column 30), but 'nope' is not a choice of consent.",
            "Question 'b' compares m with 'yess' in its relevant (column 1), but 'yess' is not a choice of m.",
        ])
    }

    @Test func invalidRegexPattern() {
        #expect(faults(questions: "  - {name: a, type: text, label: A, constraint: \"regex(., '[a-')\"}") == [
            "Question 'a' has regex pattern '[a-' in its constraint (column 1), which is not a valid regular expression.",
        ])
    }

    @Test func anEmptyRegexPatternMatchesAnythingAndIsNoFault() {
        #expect(faults(questions: "  - {name: a, type: text, label: A, constraint: \"regex(., '')\"}").isEmpty)
    }

    @Test func choiceNameMustNameAQuestionWithChoices() {
        let found = faults(
            questions: """
                  - {name: consent, type: select_one yes_no, label: Consent}
                  - {name: note_text, type: text, label: Note}
                  - {name: a, type: calculate, calculate: "jr:choice-name(${consent}, '${consent}')"}
                  - {name: b, type: calculate, calculate: "jr:choice-name(${consent}, '${nowhere}')"}
                  - {name: c, type: calculate, calculate: "jr:choice-name(${consent}, '${note_text}')"}
                  - {name: d, type: calculate, calculate: "jr:choice-name(${consent}, ${consent})"}
                """,
            choices: Self.yesNo
        )
        #expect(found == [
            "Question 'b' calls jr:choice-name() in its calculate (column 1), but '${nowhere}' names no question.",
            "Question 'c' calls jr:choice-name() in its calculate (column 1), but note_text has no choices.",
            "Question 'd' calls jr:choice-name() in its calculate (column 1), but its second argument must be the question written as text, such as '${safe}'.",
        ])
    }

    @Test func calculationCycles() {
        let found = faults(questions: """
              - {name: a, type: calculate, calculate: "${b} + 1"}
              - {name: b, type: calculate, calculate: "${c} + 1"}
              - {name: c, type: calculate, calculate: "${a} + ${d}"}
              - {name: d, type: calculate, calculate: "1"}
              - {name: self_ref, type: calculate, calculate: "${self_ref} + 1"}
              - {name: x, type: text, label: X, relevant: "${a} > 1"}
            """)
        #expect(found == [
            "Question 'a' is part of a cycle of calculations: a → b → c → a.",
            "Question 'self_ref' is part of a cycle of calculations: self_ref → self_ref.",
        ])
    }

    @Test func calculationsMayReadLaterCalculationsWithoutACycle() {
        #expect(faults(questions: """
              - {name: total, type: calculate, calculate: "${part} * 2"}
              - {name: part, type: calculate, calculate: "${n} + 1"}
              - {name: n, type: integer, label: N}
            """).isEmpty)
    }

    // MARK: All at once

    @Test func everyFaultIsCollected() {
        let found = faults("""
            title: Broken
            questions:
              - {name: a, type: select_one missing, label: A}
              - {name: a, type: text}
              - {name: b, type: integer, label: B, relevant: "${zzz} ="}
            """)
        #expect(found == [
            "The form has no id.",
            "The form has no version.",
            "The name 'a' is used by more than one question or group; each name must be unique.",
            "Question 'a' uses choice list 'missing', which is not defined under choices.",
            "Question 'a' has no label.",
            "Question 'b' has a bad relevant '${zzz} =': at column 9, a value is missing after '='.",
        ])
        let error = FormError(faults: found)
        #expect(error.description == found.joined(separator: "\n"))
    }
}
