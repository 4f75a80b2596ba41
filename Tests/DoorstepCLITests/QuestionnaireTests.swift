import DoorstepTestSupport
import Foundation
import Testing

@Suite("doorstep record: the questionnaire driven through standard input")
struct QuestionnaireTests {
    static let record = ["record", "--campaign", "west", "--address", "a1"]

    /// Lines typed by the officer, one answer a line.
    static func typed(_ lines: String...) -> String {
        lines.joined(separator: "\n") + "\n"
    }

    @Test func goingBackAFailedConstraintAndASkippedBranch() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let result = try fixture.run(Self.record, input: Self.typed(
            "2",        // consent: no, so the questions about the street are skipped
            "25",       // adults: refused by the constraint
            "3",        // adults again
            "<",        // back from name to adults
            "",         // Enter keeps 3
            "",         // name: optional, skipped
            "2",        // concern: no
            ""          // review: save
        ))

        #expect(result.status == 0, "\(result.stderr)")
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(UUID(uuidString: id) != nil)
        #expect(try fixture.answers(id) == ["consent": "no", "adults": 3, "concern": "no"] as NSDictionary)
        #expect(result.stderr.contains("! Between 1 and 20 adults."))
        #expect(result.stderr.contains("Answer: 3. Enter keeps it."))
        #expect(!result.stderr.contains("How safe do you feel by day?"))
        #expect(result.stderr.contains("== Review: type a number to change that answer =="))
        #expect(try fixture.count("drafts") == 0)
    }

    @Test func changingAnAnswerFromTheReviewAsksWhatBecameRelevant() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let result = try fixture.run(Self.record, input: Self.typed(
            "no", "1", "", "2",   // consent, adults, name skipped, concern
            "1",                  // review: change question 1
            "1",                  // consent: yes
            "Fairly safe",        // safe_day, now asked
            "1 3",                // problems, several numbers
            "7",                  // review: 7 is not a question shown
            "y"                   // save
        ))

        #expect(result.status == 0, "\(result.stderr)")
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == [
            "consent": "yes", "safe_day": "fairly", "problems": ["drugs", "bins"], "adults": 1, "concern": "no",
        ] as NSDictionary)
        #expect(result.stderr.contains("! Type the number of a question above"))
    }

    @Test func requiredQuestionsAndBadChoicesAreAskedAgain() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let result = try fixture.run(Self.record, input: Self.typed(
            "", "maybe", "1",       // consent: empty, not a choice, then yes
            "9", "2",               // safe_day: not a choice, then fairly
            "-",                    // problems: cleared (none)
            "", "", "", ""          // adults, name skipped; concern skipped; save
        ))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("! An answer is required."))
        // Choice errors speak of the numbered list the officer sees, and a number is echoed as its label.
        #expect(result.stderr.contains("! Type a number from 1 to 2, from the list above."))
        #expect(result.stderr.contains("! Type a number from 1 to 3, from the list above."))
        #expect(result.stderr.contains("  = Fairly safe"))
        // Progress counts the questions this interview asks: consent yes opens the street questions.
        #expect(result.stderr.contains("[1 of about 4] May we ask a few questions?"))
        #expect(result.stderr.contains("[2 of about 6] How safe do you feel by day?"))
        #expect(result.stderr.contains("> -\n  (no answer)"))
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == ["consent": "yes", "safe_day": "fairly"] as NSDictionary)
    }

    @Test func anInterruptedQuestionnaireIsResumedFromItsDraft() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }

        // Given an officer who answered two questions when the input ended (a closed terminal)
        let stopped = try fixture.run(Self.record, input: Self.typed("1", "2"))
        #expect(stopped.status == 1)
        #expect(stopped.stdout.isEmpty)
        #expect(stopped.stderr.contains("doorstep record a1 --resume"))
        #expect(try fixture.count("responses") == 0)
        let drafts = try #require(try fixture.json(["drafts", "--json"]) as? [[String: String]])
        #expect(drafts.count == 1)
        #expect(drafts.first?["answers"] == "2")

        // When the questionnaire is resumed, it continues at the next question
        let resumed = try fixture.run(["record", "--resume"], input: Self.typed("", "4", "", "", ""))

        // Then the response holds every answer and the draft is gone
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("Continuing the draft"))
        let id = resumed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == ["consent": "yes", "safe_day": "fairly", "adults": 4] as NSDictionary)
        #expect(try fixture.count("drafts") == 0)
    }

    @Test func aDraftMovesToANewerFormVersionWithItsAnswers() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        _ = try fixture.run(Self.record, input: Self.typed("1", "3", "1 2"))

        // Given version 3 of the form arrives: `problems` is gone, a question about lighting is new
        let extra = """
              - name: lighting
                type: select_one yes_no
                label: Is the street lighting working?
                required: true
            """
        let newer = try fixture.directory.write(doorForm(version: "3", extra: extra, dropProblems: true), to: "door3.yaml")
        try fixture.expectSuccess(["forms", "add", newer])

        // When the draft is resumed
        let resumed = try fixture.run(["record", "--resume", "--campaign", "west"], input: Self.typed("2", "", "1", "2", ""))

        // Then the officer is told what changed, and the kept answers are saved on version 3
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("changed from version 2 to 3"))
        #expect(resumed.stderr.contains("New questions: Is the street lighting working?"))
        #expect(resumed.stderr.contains("Which problems do you see? (no longer asked)"))
        let id = resumed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try #require(try fixture.json(["show", id, "--json"]) as? [String: Any])
        #expect(shown["form_version"] as? String == "3")
        #expect(try fixture.answers(id) == [
            "consent": "yes", "safe_day": "not", "adults": 2, "lighting": "yes", "concern": "no",
        ] as NSDictionary)
    }

    /// A home whose door form has a version 3 with `extra` questions.
    static func fixture(adding extra: String) throws -> CLIFixture {
        let fixture = try CLIFixture()
        let newer = try fixture.directory.write(doorForm(version: "3", extra: extra), to: "door3.yaml")
        try fixture.expectSuccess(["forms", "add", newer])
        return fixture
    }

    @Test func aDateMayBeTypedTheUKWay() throws {
        let fixture = try Self.fixture(adding: """
              - name: last_incident
                type: date
                label: When did it last happen?
            """)
        defer { fixture.remove() }
        let result = try fixture.run(Self.record, input: Self.typed("2", "", "", "31/13/2025", "9/2/2025", "", ""))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("A date as DD/MM/YYYY or YYYY-MM-DD, or today."))
        #expect(result.stderr.contains("! Enter a real date"))
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == ["consent": "no", "last_incident": "2025-02-09"] as NSDictionary)
    }

    @Test func aTimeADateAndTimeAndAnAcknowledgement() throws {
        let fixture = try Self.fixture(adding: """
              - name: notice
                type: acknowledge
                label: I have read out the privacy notice.
                required: true
              - name: arrived
                type: time
                label: Time of arrival
              - name: incident
                type: datetime
                label: When did it last happen?
            """)
        defer { fixture.remove() }
        let result = try fixture.run(Self.record, input: Self.typed(
            "2", "", "",        // consent no, adults and name skipped
            "no", "y",          // the notice: only OK acknowledges it
            "6pm", "18:05",     // arrival
            "2026-11-14 17:40", // incident
            "", ""              // concern skipped; save
        ))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Type OK (or y) to acknowledge."))
        #expect(result.stderr.contains("! Type OK to acknowledge, not 'no'."))
        #expect(result.stderr.contains("A time as HH:MM, such as 18:30."))
        #expect(result.stderr.contains("! Enter a time as HH:MM, such as 18:30, not '6pm'."))
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == [
            "consent": "no", "notice": "OK", "arrived": "18:05", "incident": "2026-11-14T17:40",
        ] as NSDictionary)
    }

    @Test func labelsShowTheAnswersTheyName() throws {
        let fixture = try Self.fixture(adding: """
              - name: check_adults
                type: note
                label: You said ${adults} adults live here, and that you feel ${safe_day} by day.
            """)
        defer { fixture.remove() }
        let result = try fixture.run(Self.record, input: Self.typed("1", "2", "", "3", "", "", ""))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Note: You said 3 adults live here, and that you feel Fairly safe by day."))
    }
}
