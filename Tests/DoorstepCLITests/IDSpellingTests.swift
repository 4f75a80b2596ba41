import DoorstepTestSupport
import Foundation
import GRDB
import Testing

/// Ids print one way, lower case, everywhere; they are read in any case and by a unique prefix.
@Suite("Ids: one spelling, prefixes accepted")
struct IDSpellingTests {
    static let answers = #"{"consent": "yes", "adults": 2, "name": "Ann Resident", "concern": "no"}"#

    @Test("record, responses, show and drafts print ids in lower case; show, edit and erase take any case or 8 characters")
    func lowerCaseAndPrefixes() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }

        // record prints the id alone, in lower case
        let id = try fixture.record(Self.answers)
        #expect(UUID(uuidString: id) != nil)
        #expect(id == id.lowercased())

        // responses (table and JSON) and show (text and JSON) print the same spelling
        #expect(try fixture.expectSuccess(["responses"]).contains(id))
        let listed = try #require(try fixture.json(["responses", "--json"]) as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == [id])
        #expect(try fixture.expectSuccess(["show", id]).contains("Response  \(id)"))
        let shown = try #require(try fixture.json(["show", id, "--json"]) as? [String: Any])
        #expect(shown["id"] as? String == id)

        // show, edit and erase take the id in upper case, or its first 8 characters
        let prefix = String(id.prefix(8))
        #expect(try fixture.json(["show", id.uppercased(), "--json"]) as? [String: Any] != nil)
        #expect(try fixture.expectSuccess(["show", prefix.uppercased()]).contains(id))
        #expect(try fixture.expectSuccess(["edit", prefix, "--set", "adults=3"]) == "Changed adults of response \(id).\n")
        #expect(try fixture.expectSuccess(["erase", prefix]).contains("of response \(id) "))
        #expect(try fixture.answers(id)["name"] == nil)

        // A prefix under 8 characters is bad usage, with a sentence saying why
        let short = try fixture.run(["show", String(id.prefix(7))])
        #expect(short.status == 64)
        #expect(short.stderr == "'\(id.prefix(7))' is too short for a response id; type at least 8 of its characters.\n")
        // An unknown id or prefix is not found
        let unknown = try fixture.run(["show", "00000000"])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("There is no response 00000000 on this laptop."), "\(unknown.stderr)")

        // Drafts too: the list prints lower case, and discard takes a prefix
        let stopped = try fixture.run(["record", "--campaign", "west", "--address", "a2"], input: "1\n")
        #expect(stopped.status != 0)
        let drafts = try #require(try fixture.json(["drafts", "--json"]) as? [[String: Any]])
        let draft = try #require(drafts.first?["id"] as? String)
        #expect(draft == draft.lowercased())
        #expect(stopped.stderr.contains("draft \(draft)"), "\(stopped.stderr)")
        #expect(try fixture.expectSuccess(["drafts", "discard", String(draft.prefix(8)).uppercased()]) == "Discarded draft \(draft).\n")
    }

    @Test("A prefix two responses share is bad usage (64) naming both; nothing is changed")
    func ambiguousPrefix() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let id = try fixture.record(Self.answers)
        // Given a second response (as pulled from another laptop) whose id starts like the first
        let prefix = String(id.prefix(8))
        let twin = prefix + (id.dropFirst(9).first == "f" ? "-0000-4000-8000-000000000000" : "-ffff-4fff-8fff-ffffffffffff")
        let queue = try DatabaseQueue(path: fixture.directory.appending("home").appendingPathComponent("doorstep.sqlite").path)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO responses (id, campaign, address, form, form_version, device, recorded_at)
                VALUES (?, 'west', 'a3', 'door', '2', 'other-laptop', '2025-11-22T10:00:00Z')
                """, arguments: [twin.uppercased()])
        }

        for command in [["show", prefix], ["edit", prefix, "--set", "adults=5"], ["erase", prefix]] {
            let result = try fixture.run(command)
            #expect(result.status == 64, "\(command)")
            #expect(
                result.stderr == "'\(prefix)' matches 2 responses: \([id, twin].sorted().joined(separator: ", ")); type more of the id you mean.\n",
                "\(result.stderr)"
            )
        }
        #expect(try fixture.answers(id)["name"] as? String == "Ann Resident")
        // One more character settles it
        #expect(try fixture.expectSuccess(["show", String(id.prefix(10))]).contains(id))
    }
}
