import DoorstepTestSupport
import Foundation
import Testing

/// The questionnaire as an officer meets it: a real `doorstep` process on a 60-column
/// pseudo-terminal, typed at answer by answer.
@Suite("doorstep record on a terminal")
struct TerminalQuestionnaireTests {
    @Test("A typical interview on a terminal: a wrong number, going back, the review, quitting there and resuming at the review")
    func interviewOnATerminal() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let environment = ["DOORSTEP_HOME": fixture.home, "NO_COLOR": "1"]
        let doorstep = BuiltProducts.executable("doorstep")

        // The officer starts at the door and sees its notes, the one-line hint, and the first question.
        let first = try PseudoTerminal(doorstep, ["record", "A2"], environment: environment, columns: 60)
        try first.expect("Notes: ring twice")
        try first.expect("? shows the keys.")
        try first.expect("[1 of about 4] May we ask a few questions? *")
        try first.expect("> ")
        first.type("1")
        try first.expect("= Yes")
        try first.expect("[2 of about 6] How safe do you feel by day?")
        try first.expect("> ")
        first.type("7")  // not on the list
        try first.expect("! Type a number from 1 to 3, from the list above.")
        try first.expect("> ")
        first.type("2")
        try first.expect("= Fairly safe")
        try first.expect("Which problems do you see?")
        try first.expect("> ")
        first.type("1 3")
        try first.expect("= Drug dealing; Bin fires")
        try first.expect("How many adults live here?")
        try first.expect("> ")
        first.type("<")  // back to the problems: the answer is shown and Enter keeps it
        try first.expect("Answer: Drug dealing; Bin fires. Enter keeps it.")
        try first.expect("> ")
        first.type("")
        try first.expect("How many adults live here?")
        try first.expect("> ")
        first.type("2")
        try first.expect("Your name")
        try first.expect("> ")
        first.type("")
        try first.expect("Safeguarding concern?")
        try first.expect("> ")
        first.type("2")
        try first.expect("== Review")
        let review = try first.expect("keeps the draft.")
        #expect(review.contains("1. May we ask a few questions?: Yes"))
        #expect(review.contains("4. How many adults live here?: 2"))
        try first.expect("> ")
        first.type("q")
        #expect(try first.waitForExit() == 1)
        try first.expect("Stopped before saving.")
        // Every line of the questionnaire fitted the terminal: it wraps rather than letting the
        // terminal cut words (the closing message is one line, as every error message is).
        let seen = first.transcript.split(separator: "\n").filter { !$0.hasPrefix("Stopped before saving.") }
        #expect(seen.allSatisfy { $0.count <= 60 }, "\(seen.filter { $0.count > 60 })")
        #expect(try fixture.count("responses") == 0)

        // Back at the door, the officer is offered the draft and resumes straight at the review.
        let second = try PseudoTerminal(doorstep, ["record", "a2"], environment: environment, columns: 60)
        try second.expect("This door has a draft from")
        try second.expect("stopped at the review")
        try second.expect("[r/n/q] ")
        second.type("r")
        try second.expect("Continuing the draft started")
        let resumed = try second.expect("keeps the draft.")
        #expect(resumed.contains("== Review"))
        #expect(!resumed.contains("[1 of about"))
        try second.expect("> ")
        second.type("")
        try second.expect("Saved.")
        #expect(try second.waitForExit() == 0)

        // What was stored is what was typed.
        let responses = try #require(try fixture.json(["responses", "--json"]) as? [[String: Any]])
        let id = try #require(responses.first?["id"] as? String)
        #expect(try fixture.answers(id) == [
            "consent": "yes", "safe_day": "fairly", "problems": ["drugs", "bins"], "adults": 2, "concern": "no",
        ] as NSDictionary)
        #expect(try fixture.count("drafts") == 0)
    }
}
