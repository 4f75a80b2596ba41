import DoorstepTestSupport
import Foundation
import Testing

@Suite("doorstep: bad input gets its exit code and stores nothing")
struct BadInputTests {
    /// What a home holds, to show a refused command left it as it was.
    static func snapshot(_ fixture: CLIFixture) throws -> [Int] {
        try ["responses", "response_fields", "visits", "outbox", "drafts", "campaigns", "addresses", "forms"]
            .map(fixture.count)
    }

    @Test(arguments: [
        // Unknown things
        (["record", "--campaign", "east", "--address", "a1", "--answers", "-"], #"{"consent": "no"}"#, Int32(65), "There is no campaign \"east\""),
        (["record", "--campaign", "west", "--address", "z9", "--answers", "-"], #"{"consent": "no"}"#, 65, "has no address \"z9\""),
        (["visit", "--campaign", "east", "--address", "a1", "--outcome", "refused"], nil, 65, "There is no campaign \"east\""),
        (["visit", "--campaign", "west", "--address", "z9", "--outcome", "refused"], nil, 65, "has no address \"z9\""),
        (["addresses", "--campaign", "east"], nil, 65, "There is no campaign \"east\""),
        (["responses", "--campaign", "east"], nil, 65, "There is no campaign \"east\""),
        (["show", "00000000-0000-0000-0000-000000000000"], nil, 65, "There is no response"),
        (["edit", "00000000-0000-0000-0000-000000000000", "--set", "adults=2"], nil, 65, "There is no response"),
        // Invalid answers: one line per problem
        (["record", "--campaign", "west", "--address", "a1", "--answers", "-"],
         #"{"consent": "yes", "safe_day": "very", "adults": 0, "problems": ["drugs", "guns"], "colour": "red"}"#, 65,
         "colour: There is no such question in form door version 2.\nproblems: 'guns' is not one of the choices (drugs, asb, bins).\nadults: Between 1 and 20 adults.\n"),
        (["record", "--campaign", "west", "--address", "a1", "--answers", "-"], #"{"adults": 2}"#, 65, "consent: An answer is required.\n"),
        // Malformed JSON
        (["record", "--campaign", "west", "--address", "a1", "--answers", "-"], #"{"consent": "no""#, 65, "not a JSON object"),
        (["record", "--campaign", "west", "--address", "a1", "--answers", "-"], #"["no"]"#, 65, "not a JSON object"),
        (["record", "--campaign", "west", "--address", "a1", "--answers", "-"], #"{"consent": true}"#, 65, "consent: An answer is"),
        // Bad usage
        (["record", "--campaign", "west", "--address", "a1", "--answers", "/nonexistent/answers.json"], nil, 64, "cannot be read"),
        (["record", "--campaign", "west"], nil, 64, "Name the door: doorstep record ADDRESS"),
        (["visit", "--campaign", "west", "--address", "a1", "--outcome", "maybe"], nil, 64, "'maybe' is not an outcome"),
        (["edit", "not-a-uuid", "--set", "adults=2"], nil, 64, "not a response id"),
        (["edit", "00000000-0000-0000-0000-000000000000", "--set", "adults"], nil, 64, "not NAME=VALUE"),
        (["record", "--resume"], nil, 65, "There is no draft"),
        (["frobnicate"], nil, 64, "Unexpected argument"),
    ] as [([String], String?, Int32, String)])
    func isRefused(arguments: [String], input: String?, status: Int32, message: String) throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        try fixture.record(#"{"consent": "no"}"#, at: "a2")
        let before = try Self.snapshot(fixture)

        let result = try fixture.run(arguments, input: input)

        #expect(result.status == status, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try Self.snapshot(fixture) == before)
    }

    @Test func badWalkListsAndUnknownFormsAddNoCampaign() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        let before = try Self.snapshot(fixture)
        let bad = try fixture.directory.write("id,address\nb1,1 High Street\nb1,2 High Street\nb3,\"unclosed\n", to: "bad.csv")

        let badCSV = try fixture.run(["campaigns", "add", "--id", "east", "--name", "East", "--form", "door", "--addresses", bad])
        #expect(badCSV.status == 65)
        #expect(badCSV.stderr == "\(bad), line 4: A quoted field is never closed.\n")

        let duplicates = try fixture.directory.write("id,address\nb1,1 High Street\nb1,2 High Street\n", to: "dup.csv")
        let duplicate = try fixture.run(["campaigns", "add", "--id", "east", "--name", "East", "--form", "door", "--addresses", duplicates])
        #expect(duplicate.status == 65)
        #expect(duplicate.stderr == "\(duplicates), line 3: The id \"b1\" was already used on line 2.\n")

        let good = fixture.directory.appending("walk.csv").path
        let unknownForm = try fixture.run(["campaigns", "add", "--id", "east", "--name", "East", "--form", "nope", "--addresses", good])
        #expect(unknownForm.status == 65)
        #expect(unknownForm.stderr.contains("There is no form \"nope\""))

        let existing = try fixture.run(["campaigns", "add", "--id", "west", "--name", "Again", "--form", "door", "--addresses", good])
        #expect(existing.status == 65)
        #expect(try Self.snapshot(fixture) == before)

        let brokenForm = try fixture.directory.write("id: x\nquestions: 3\n", to: "broken.yaml")
        let addBroken = try fixture.run(["forms", "add", brokenForm])
        #expect(addBroken.status == 65)
        let changed = try fixture.directory.write(doorForm().replacingOccurrences(of: "Door survey", with: "Changed"), to: "changed.yaml")
        let sameVersion = try fixture.run(["forms", "add", changed])
        #expect(sameVersion.status == 65)
        #expect(sameVersion.stderr.contains("new version"))
        #expect(try Self.snapshot(fixture) == before)
    }

    @Test func aHomeThatCannotBeUsedIsBadUsage() throws {
        let fixture = try CLIFixture(empty: true)
        defer { fixture.remove() }
        let file = try fixture.directory.write("not a folder", to: "file")

        let notAFolder = try fixture.run(["status"], environment: ["DOORSTEP_HOME": file])
        #expect(notAFolder.status == 64)
        #expect(notAFolder.stderr.contains("cannot be used"))

        let viaFlag = try fixture.run(["status", "--home", file])
        #expect(viaFlag.status == 64)

        let noHome = try fixture.run(["status"], environment: ["DOORSTEP_HOME": "", "HOME": ""])
        #expect(noHome.status == 64)
        #expect(noHome.stderr.contains("No Doorstep home is set"))

        // A home that does not exist yet is created, private to its owner; --home may come first.
        let fresh = fixture.directory.appending("new/home").path
        let status = try fixture.run(["--home", fresh, "status", "--json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"home\" : \"\(fresh)\""))
        let mode = try FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }
}
