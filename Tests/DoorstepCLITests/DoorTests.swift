import DoorstepTestSupport
import Foundation
import Testing

/// The door as an officer meets it: the current campaign, ids in any case, notes and warnings
/// before a knock, every outcome, one draft per door, and forms read from the laptop.
@Suite("doorstep at the door")
struct DoorTests {
    static let consentNo = #"{"consent": "no", "adults": 1}"#

    @Test("One campaign is used without being named; with two, doorstep use chooses, and --campaign overrides")
    func currentCampaign() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        // One campaign on the laptop: used, with a note on stderr.
        let knock = try fixture.run(["visit", "A1", "--outcome", "no-answer"])
        #expect(knock.status == 0, "\(knock.stderr)")
        #expect(knock.stderr.contains("Campaign west (the only one on this laptop)."))

        // A second campaign: naming none is bad usage, listing both.
        let csv = try fixture.directory.write("id,address\nb1,1 Birch Lane\n", to: "east.csv")
        try fixture.expectSuccess(["campaigns", "add", "--id", "east", "--name", "East", "--form", "door", "--addresses", csv])
        let unsure = try fixture.run(["visit", "a2", "--outcome", "refused"])
        #expect(unsure.status == 64)
        #expect(unsure.stderr == "This laptop has 2 campaigns (east, west): choose one with doorstep use CAMPAIGN, or pass --campaign.\n")
        #expect(try fixture.run(["use"]).status == 65)

        // doorstep use chooses (in any case) and prints the choice; --campaign still overrides it.
        let chosen = try fixture.run(["use", "WEST"])
        #expect(chosen.status == 0)
        #expect(chosen.stderr.contains("Using campaign west: West End day, 2025-11-22. 3 doors, 3 still to do."))
        #expect(try fixture.expectSuccess(["use"]) == "west\n")
        try fixture.expectSuccess(["visit", "a2", "--outcome", "refused"])
        try fixture.expectSuccess(["visit", "B1", "--campaign", "east", "--outcome", "moved"])
        let east = try #require(try fixture.json(["addresses", "--campaign", "east", "--json"]) as? [[String: Any]])
        #expect(east.map { $0["status"] as? String } == ["moved"])
        try fixture.expectSuccess(["use", "--clear"])
        #expect(try fixture.run(["addresses"]).status == 64)

        // An id that differs only in case from two doors must be typed exactly (65).
        let twins = try fixture.directory.write("id,address\nAb-1,1 Road\naB-1,1 Row\n", to: "twins.csv")
        try fixture.expectSuccess(["campaigns", "add", "--id", "twins", "--name", "Twins", "--form", "door", "--addresses", twins])
        let ambiguous = try fixture.run(["visit", "ab-1", "--campaign", "twins", "--outcome", "refused"])
        #expect(ambiguous.status == 65)
        #expect(ambiguous.stderr.contains("'ab-1' matches 2 address ids that differ only in case (Ab-1, aB-1)"))
    }

    @Test("record and visit show the door's notes, and ask before a door any team surveyed or marked do-not-contact")
    func notesAndWarnings() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        // The walk list's note is shown before the questionnaire.
        let first = try fixture.run(["record", "A2", "--answers", "-"], input: Self.consentNo)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("Notes: ring twice"))

        // A second questionnaire at the surveyed door: refused without a terminal unless --yes.
        let again = try fixture.run(["record", "a2", "--answers", "-"], input: Self.consentNo)
        #expect(again.status == 77)
        #expect(again.stderr.contains("! This door was surveyed already."))
        #expect(again.stderr.hasSuffix("Nothing recorded: this door was surveyed already; pass --yes to record a questionnaire anyway.\n"))
        #expect(try fixture.count("responses") == 1)
        #expect(try fixture.run(["record", "a2", "--answers", "-", "--yes"], input: Self.consentNo).status == 0)

        // Do not contact holds over every later knock; recording it needs no confirmation.
        try fixture.expectSuccess(["visit", "a3", "--outcome", "do-not-contact"])
        let knock = try fixture.run(["visit", "a3", "--outcome", "no-answer"])
        #expect(knock.status == 77)
        #expect(knock.stderr.contains("! Do not contact: the resident asked not to be contacted again."))
        #expect(knock.stderr.contains("Last knock: do not contact"))
        let doors = try #require(try fixture.json(["addresses", "--json"]) as? [[String: Any]])
        #expect(doors.map { $0["status"] as? String } == ["not-visited", "surveyed", "do-not-contact"])
        #expect(doors.map { $0["to_do"] as? Bool } == [true, false, false])
        #expect(doors[1]["notes"] as? [String: String] == ["access": "ring twice"])
    }

    @Test("Outcomes: a revisit with a call-back time is listed by --todo; --street filters; the table shows notes")
    func outcomesAndTheToDoList() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let revisit = try fixture.run(["visit", "a1", "--outcome", "revisit", "--when", "after 6pm", "--note", "Shift worker"])
        #expect(revisit.stderr.hasSuffix("Recorded revisit, call back after 6pm.\n"))
        try fixture.expectSuccess(["visit", "a3", "--outcome", "empty"])
        #expect(try fixture.run(["visit", "a2", "--outcome", "no-answer", "--when", "later"]).status == 64)
        #expect(try fixture.run(["visit", "a2", "--outcome", "gone"]).status == 64)

        let todo = try fixture.run(["addresses", "--todo"])
        let rows = todo.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows == [
            "ID ADDRESS POSTCODE STATUS VISITS NOTES",
            "a1 1 Oak Street LS1 1AA revisit (after 6pm) 1 Shift worker",
            "a2 Flat 2, 2 Oak Street LS1 1AA not visited 0 ring twice",
        ])
        #expect(todo.stderr.contains("2 shown of 3 addresses: 2 knocked, 0 surveyed, 2 still to do."))
        let elm = try #require(try fixture.json(["addresses", "--street", "elm road", "--json"]) as? [[String: Any]])
        #expect(elm.map { $0["id"] as? String } == ["a3"])
        #expect(elm.first?["status"] as? String == "empty")
        let oak = try #require(try fixture.json(["addresses", "--street", "Oak Street", "--todo", "--json"]) as? [[String: Any]])
        #expect(oak.first?["call_back"] as? String == "after 6pm")
    }

    @Test("One draft per door: without a terminal a second start is refused; --new puts the draft aside; --resume continues it")
    func oneDraftPerDoor() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let stopped = try fixture.run(["record", "a1"], input: "1\n")
        #expect(stopped.status == 1)
        let drafts = try #require(try fixture.json(["drafts", "--json"]) as? [[String: String]])
        let draft = try #require(drafts.first?["id"])

        let again = try fixture.run(["record", "A1"], input: "1\n")
        #expect(again.status == 64)
        #expect(again.stderr.contains("Door a1 of campaign west has draft \(draft) already; continue it with doorstep record a1 --resume, or start again with --new."))
        #expect(try fixture.count("drafts") == 1)

        let fresh = try fixture.run(["record", "a1", "--new"], input: "2\n")
        #expect(fresh.stderr.contains("Draft \(draft) (1 answer) put aside; doorstep drafts superseded lists it."))
        let aside = try #require(try fixture.json(["drafts", "superseded", "--json"]) as? [[String: String]])
        #expect(aside.map { $0["id"] } == [draft])
        #expect(try fixture.count("drafts") == 1)

        // The door's draft is continued by naming the door.
        let resumed = try fixture.run(["record", "a1", "--resume"], input: QuestionnaireTests.typed("", "1", "", "2", ""))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try fixture.count("drafts") == 0)
        #expect(try fixture.run(["record", "a2", "--resume"]).status == 65)
    }

    @Test("A draft stopped at the review resumes at the review")
    func resumeAtTheReview() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let stopped = try fixture.run(["record", "a1"], input: QuestionnaireTests.typed("2", "3", "", "2", "q"))
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("== Review"))
        let resumed = try fixture.run(["record", "a1", "--resume"], input: QuestionnaireTests.typed(""))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("== Review"))
        #expect(!resumed.stderr.contains("How many adults live here?\n"))
        let id = resumed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.answers(id) == ["consent": "no", "adults": 3, "concern": "no"] as NSDictionary)
    }

    @Test("forms show reads a form on the laptop by id or ID@VERSION; --form-version types in an older paper form")
    func formsOnTheLaptop() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let newer = try fixture.directory.write(doorForm(version: "3", dropProblems: true), to: "door3.yaml")
        try fixture.expectSuccess(["forms", "add", newer])

        let latest = try fixture.expectSuccess(["forms", "show", "door"])
        #expect(latest.contains("Form door, version 3."))
        #expect(!latest.contains("Which problems do you see?"))
        let older = try fixture.expectSuccess(["forms", "show", "door@2"])
        #expect(older.contains("Form door, version 2.") && older.contains("Which problems do you see?"))
        let missing = try fixture.run(["forms", "show", "door@9"])
        #expect(missing.status == 65)
        #expect(missing.stderr == "There is no version 9 of form \"door\" on this laptop.\n")

        // A version 2 paper form, with its answer to the question version 3 dropped.
        let paper = #"{"consent": "yes", "problems": ["asb"], "adults": 2, "concern": "no"}"#
        #expect(try fixture.run(["record", "a1", "--answers", "-"], input: paper).status == 65)
        let typedIn = try fixture.run(["record", "a1", "--form-version", "2", "--answers", "-"], input: paper)
        #expect(typedIn.status == 0, "\(typedIn.stderr)")
        let shown = try #require(try fixture.json(["show", typedIn.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--json"]) as? [String: Any])
        #expect(shown["form_version"] as? String == "2")
    }
}
