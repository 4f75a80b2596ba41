import DoorstepTestSupport
import Foundation
import Testing

/// Ids are spelled one way from the server too: exports, conflicts and their ids, and an organiser
/// settles a conflict by the first 8 characters of its id.
@Suite("Ids end to end")
struct IDSpellingEndToEndTests {
    @Test("Exports and conflicts print the ids record printed; resolve takes an 8-character prefix")
    func exportsConflictsAndResolve() throws {
        // Given a response both an officer and the organiser corrected at once
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        try alice.sync()
        let id = try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.consenting(occupants: 2))
        #expect(id == id.lowercased())
        try alice.sync()
        try organiser.sync()
        try alice.expect(["edit", String(id.prefix(8)), "--set", "occupants=3"])
        try organiser.expect(["edit", id.uppercased(), "--set", "occupants=4"])
        try alice.sync()
        try organiser.sync()

        // Then a script that looks for the printed id finds it in both exports, as printed
        for format in ["csv", "json"] {
            let export = try organiser.expect(["export", "--campaign", deployment.campaign, "--format", format])
            #expect(export.contains(id), "\(format): \(export)")
            #expect(!export.contains(id.uppercased()), "\(format): \(export)")
        }

        // And the conflict names the response the same way, in the table and in JSON
        let conflicts = try JSON.array(try organiser.expect(["conflicts", "--json"]))
        let conflict = try #require(conflicts.first)
        #expect(conflicts.count == 1)
        #expect(conflict["response"] as? String == id)
        let conflictID = try #require(conflict["id"] as? String)
        let table = try organiser.expect(["conflicts"])
        #expect(table.contains(conflictID) && table.contains(id), "\(table)")

        // When the organiser settles it by the first 8 characters of its id, in any case
        let short = String(conflictID.prefix(8)).uppercased()
        #expect(try organiser.run(["resolve", String(short.prefix(7)), "--value", "5"]).status == 64)
        let resolved = try organiser.expect(["resolve", short, "--value", "5"])
        #expect(resolved.contains("Resolved \(conflictID) with 5"), "\(resolved)")

        // Then the value reaches the officer, and the conflict is gone
        try organiser.sync()
        try alice.sync()
        #expect(try alice.show(id)["answers"].flatMap { ($0 as? [String: Any])?["occupants"] as? Int } == 5)
        let gone = try organiser.run(["resolve", short, "--value", "6"])
        #expect(gone.status == 65)
        #expect(gone.stderr.contains("There is no open conflict \(short.lowercased())"), "\(gone.stderr)")
    }
}
