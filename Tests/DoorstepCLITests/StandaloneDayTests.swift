import DoorstepTestSupport
import Foundation
import Testing

@Suite("doorstep: a day without a server")
struct StandaloneDayTests {
    @Test func formsAndCampaignsAreAddedAndListed() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }

        let forms = try #require(try fixture.json(["forms", "--json"]) as? [[String: Any]])
        #expect(forms.map { $0["id"] as? String } == ["door"])
        #expect(forms.first?["version"] as? String == "2")
        let again = try fixture.expectSuccess(["forms", "add", fixture.directory.appending("door.yaml").path])
        #expect(again.contains("already on this laptop"))

        let campaigns = try #require(try fixture.json(["campaigns", "--json"]) as? [[String: Any]])
        #expect(campaigns.count == 1)
        #expect(campaigns[0]["id"] as? String == "west")
        #expect(campaigns[0]["addresses"] as? Int == 3)
        #expect(campaigns[0]["date"] as? String == "2025-11-22")

        let doors = try #require(try fixture.json(["addresses", "--campaign", "west", "--json"]) as? [[String: Any]])
        #expect(doors.map { $0["id"] as? String } == ["a1", "a2", "a3"])
        #expect(doors[1]["address"] as? String == "Flat 2, 2 Oak Street")
        #expect((doors[1]["notes"] as? [String: String]) == ["access": "ring twice"])
        #expect(doors.allSatisfy { $0["status"] as? String == "not-visited" })
    }

    @Test func knocksSetEachDoorsStatus() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }

        let visit = try fixture.expectSuccess(["visit", "--campaign", "west", "--address", "a1", "--outcome", "no-answer"])
        #expect(UUID(uuidString: visit.trimmingCharacters(in: .whitespacesAndNewlines)) != nil)
        try fixture.expectSuccess(["visit", "--campaign", "west", "--address", "a1", "--outcome", "card-left", "--note", "Card left"])
        try fixture.expectSuccess(["visit", "--campaign", "west", "--address", "a2", "--outcome", "refused"])
        try fixture.record(#"{"consent": "no"}"#, at: "a3")
        try fixture.expectSuccess(["visit", "--campaign", "west", "--address", "a3", "--outcome", "revisit", "--yes"])

        let doors = try #require(try fixture.json(["addresses", "--campaign", "west", "--json"]) as? [[String: Any]])
        #expect(doors.map { $0["status"] as? String } == ["card-left", "refused", "surveyed"])
        #expect(doors.map { $0["visits"] as? Int } == [2, 1, 2])
        #expect(doors[0]["last_note"] as? String == "Card left")
        let table = try fixture.expectSuccess(["addresses", "--campaign", "west"])
        #expect(table.contains("card left"))
    }

    @Test func aRecordedResponseIsShownListedAndCountedAsPending() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }

        let id = try fixture.record(#"{"consent": "yes", "safe_day": "fairly", "problems": ["bins", "drugs"], "adults": "2", "name": null}"#)
        #expect(UUID(uuidString: id) != nil)

        let shown = try #require(try fixture.json(["show", id, "--json"]) as? [String: Any])
        #expect(shown["id"] as? String == id)
        #expect(shown["campaign"] as? String == "west")
        #expect(shown["address"] as? String == "a1")
        #expect(shown["form"] as? String == "door")
        #expect(shown["form_version"] as? String == "2")
        #expect(try fixture.answers(id) == [
            "consent": "yes", "safe_day": "fairly", "problems": ["drugs", "bins"], "adults": 2,
        ] as NSDictionary)
        let text = try fixture.expectSuccess(["show", id])
        #expect(text.contains("Drug dealing; Bin fires"))

        let listed = try #require(try fixture.json(["responses", "--campaign", "west", "--json"]) as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == [id])
        let status = try #require(try fixture.json(["status", "--json"]) as? [String: Any])
        #expect(status["pending"] as? Int == 2)  // the response and its surveyed knock
        #expect(status.keys.contains("last_sync"))
        #expect(status["last_sync"] is NSNull)
    }

    @Test func editingValidatesTheWholeResponseAndQueuesAnUpdate() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let id = try fixture.record(#"{"consent": "yes", "safe_day": "very", "adults": 2}"#)

        let changed = try fixture.expectSuccess(["edit", id, "--set", "adults=3", "--set", "problems=1 3"])
        #expect(changed.contains("adults"))
        #expect(try fixture.answers(id) == ["consent": "yes", "safe_day": "very", "problems": ["drugs", "bins"], "adults": 3] as NSDictionary)

        // Saying no to consent clears the answers that no longer apply.
        try fixture.expectSuccess(["edit", id, "--set", "consent=no"])
        #expect(try fixture.answers(id) == ["consent": "no", "adults": 3] as NSDictionary)
        #expect(try fixture.count("outbox WHERE kind = 'response.update'") == 2)

        // An invalid change is refused whole, naming the problem.
        let bad = try fixture.run(["edit", id, "--set", "adults=40", "--set", "name=Ann"])
        #expect(bad.status == 65)
        #expect(bad.stderr == "adults: Between 1 and 20 adults.\n")
        #expect(try fixture.answers(id) == ["consent": "no", "adults": 3] as NSDictionary)

        let unknown = try fixture.run(["edit", id, "--set", "shoe_size=9"])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("shoe_size"))
        let nothing = try fixture.expectSuccess(["edit", id, "--set", "adults=3"])
        #expect(nothing.contains("Nothing changed"))
        #expect(try fixture.count("outbox WHERE kind = 'response.update'") == 2)
    }

    @Test func aSafeguardingConcernIsFlaggedAndQueuedFirst() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        try fixture.record(#"{"consent": "no"}"#, at: "a2")
        let result = try fixture.run(["record", "--campaign", "west", "--address", "a1", "--answers", "-"], input: #"{"consent": "no", "concern": "yes"}"#)
        #expect(result.status == 0)
        #expect(result.stderr.contains("Safeguarding concern flagged"))
        let status = try #require(try fixture.json(["status", "--json"]) as? [String: Any])
        #expect(status["urgent"] as? Int == 1)
    }

    @Test func formsCheckNamesEachFaultPerFile() throws {
        let fixture = try CLIFixture(empty: true)
        defer { fixture.remove() }
        let good = try fixture.directory.write(doorForm(), to: "good.yaml")
        let broken = try fixture.directory.write(
            doorForm().replacingOccurrences(of: "${consent} = 'yes'", with: "${consnt} = 'yes'"), to: "broken.yaml"
        )

        let ok = try fixture.run(["forms", "check", good])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("good.yaml: ok"))

        let failed = try fixture.run(["forms", "check", good, broken])
        #expect(failed.status == 65)
        #expect(failed.stdout.contains("good.yaml: ok"))
        let faults = failed.stderr.split(separator: "\n")
        #expect(!faults.isEmpty)
        #expect(faults.allSatisfy { $0.hasPrefix("\(broken): ") && $0.contains("consnt") })

        let missing = try fixture.run(["forms", "check", fixture.directory.appending("nope.yaml").path])
        #expect(missing.status == 64)

        let shown = try fixture.run(["forms", "show", good])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("How many adults live here?"))
    }
}
