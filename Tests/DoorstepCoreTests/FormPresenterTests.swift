import Testing

@testable import DoorstepCore
@testable import DoorstepWire

/// `doorstep forms show`: the form as an officer sees it.
@Suite struct FormPresenterTests {
    static let form: FormDefinition = {
        do {
            return try FormDefinition.parse(yaml: """
                id: show
                version: 4
                title: Show me
                questions:
                  - {name: intro, type: note, label: Say hello.}
                  - {name: consent, type: select_one yes_no, label: May we ask?, required: true}
                  - name: outer
                    type: group
                    label: Outer
                    hint: Ask every one.
                    relevant: ${consent} = 'yes'
                    questions:
                      - {name: age, type: integer, label: Age, constraint: ". >= 16 and . <= 120", default: 30}
                      - name: inner
                        type: group
                        label: Inner
                        relevant: ${age} >= 65
                        questions:
                          - {name: alone, type: select_one yes_no, label: Live alone?}
                      - {name: problems, type: select_multiple problem, label: Problems, hint: Read them out.}
                      - {name: other, type: text, label: Other, relevant: "selected(${problems}, 'other') and ${age} != ''"}
                      - {name: count, type: calculate, calculate: "count-selected(${problems})"}
                  - {name: phone, type: text, label: Phone, sensitive: true, relevant: "${consent} = 'yes' or not(${consent} = '')"}
                  - {name: visit, type: date, label: Visit date, constraint: ". >= today()", constraint_message: From today on.}
                  - {name: concern, type: select_one yes_no, label: Concern?, safeguarding: true, relevant: "count-selected(${problems}) > 1 and (${count} < 5 or string-length(${phone}) = 0)"}
                choices:
                  yes_no:
                    - {name: yes, label: "Yes"}
                    - {name: no, label: "No"}
                  problem:
                    - {name: noise, label: Noise}
                    - {name: other, label: Something else}
                """)
        } catch {
            fatalError("\(error)")
        }
    }()

    let text = FormPresenter.render(Self.form)

    @Test func headerNamesTheFormAndTheMarks() {
        #expect(text.hasPrefix("Show me\nForm show, version 4.\n* required, [personal] personal data, [safeguarding] safeguarding flag.\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func questionsAreNumberedNotesAndCalculationsAreNot() {
        #expect(text.contains("    Note: Say hello.\n"))
        #expect(text.contains("1. May we ask? *\n    (consent, choose one)\n      1) Yes\n      2) No\n"))
        #expect(text.contains("2. Age\n    (age, a whole number)\n    Default: 30\n"))
        #expect(text.contains("3. Live alone?\n"))
        #expect(text.contains("4. Problems\n    (problems, choose any, numbers separated by spaces)\n    Hint: Read them out.\n      1) Noise\n      2) Something else\n"))
        #expect(text.contains("    Calculated, not asked: count = count-selected(${problems})\n"))
        #expect(text.contains("6. Phone [personal]\n    (phone, text)\n"))
        #expect(text.contains("7. Visit date\n    (visit, a date, YYYY-MM-DD or today)\n    Rule: From today on.\n"))
        #expect(text.contains("8. Concern? [safeguarding]\n"))
    }

    @Test func sectionsShowTheirSkipLogicAndNesting() {
        #expect(text.contains("\n== Outer ==\nAsk every one.\nThis section is asked only if Q1 is “Yes”.\n"))
        #expect(text.contains("\n== Outer › Inner ==\nThis section is asked only if Q2 is at least 65.\n"))
        #expect(text.contains("\n== Outer (continued) ==\n\n4. Problems"))
        #expect(text.contains("\n==\n\n6. Phone"))
    }

    @Test func skipLogicAndRulesInWords() {
        #expect(text.contains("    Rule: the answer is at least 16 and the answer is at most 120.\n"))
        #expect(text.contains("    Only if Q4 includes “Something else” and Q2 is answered.\n"))
        #expect(text.contains("    Only if Q1 is “Yes” or not (Q1 is not answered).\n"))
        #expect(text.contains(
            "    Only if the number of choices at Q4 is more than 1 and (count is less than 5 or the\n      length of Q6 is 0).\n"
        ))
    }

    @Test func longLinesWrap() {
        for line in text.split(separator: "\n") { #expect(line.count <= FormPresenter.width, "\(line)") }
        #expect(FormPresenter.wrap("one two three", indent: "  ", first: "- ") == ["- one two three"])
        let long = Array(repeating: "word", count: 40).joined(separator: " ")
        let lines = FormPresenter.wrap(long, indent: "    ")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("    word") })
    }

    @Test func wordsFallBackToTheExpressionItself() {
        let words = ExpressionWords(form: Self.form, numbers: ["consent": 1])
        #expect(words.describe("concat(${consent}, 'x') = 'yesx'") == "concat(${consent}, 'x') = 'yesx'")
        #expect(words.describe("not(selected(${consent}, 'no'))") == "Q1 does not include “No”")
        #expect(words.describe("${consent} != 'no'") == "Q1 is not “No”")
        #expect(words.describe("today() > ${visit}") == "today is more than visit")
        #expect(words.describe("((") == "((")
    }

    @Test func sourceIsWrittenBackWithMinimalParentheses() throws {
        for source in ["(1 + 2) * 3", "1 - (2 - 3)", "-(${a} + 1)", "\"it's\"", "if(${a} or ${b}, 1, 2)"] {
            #expect(ExpressionWords.source(try FormExpression.parse(source)) == source)
        }
    }
}
