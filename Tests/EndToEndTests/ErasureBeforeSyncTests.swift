import DoorstepWire
import DoorstepTestSupport
import Foundation
import Testing

/// A resident can withdraw consent before the officer's laptop has ever synced the response: the
/// response still reaches the server, without the erased answers, even where the form requires them.
@Suite("Erasure before the first sync")
struct ErasureBeforeSyncTests {
    @Test("Personal answers erased before the first sync: the server takes the rest, and edits still work")
    func sensitiveErasedBeforeSync() throws {
        // Given a response with a resident's required contact details, recorded offline
        let deployment = try Deployment()
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        try officer.sync()
        let id = try officer.record(
            campaign: deployment.campaign, address: deployment.addresses[1],
            answers: SampleAnswers.wantsVisit(name: "Edna Example")
        )

        // When the officer erases the personal answers before syncing, then corrects another answer
        try officer.expect(["erase", id])
        try officer.expect(["edit", id, "--set", "occupants=2"])
        let summary = try officer.sync()

        // Then nothing is refused and the organiser sees the other answers, without the personal ones
        #expect((summary["rejected"] as? [Any])?.isEmpty == true, "\(summary)")
        try organiser.sync()
        let shown = try organiser.show(id)
        let answers = try #require(shown["answers"] as? [String: Any])
        #expect(answers["visit_name"] == nil)
        #expect(answers["visit_phone"] == nil)
        #expect(answers["occupants"] as? Int == 2)
        #expect(shown["erased"] as? String == "sensitive")
    }

    @Test("A whole response erased before the first sync reaches the server as erased, and nothing of it is exported")
    func allErasedBeforeSync() throws {
        let deployment = try Deployment()
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        try officer.sync()
        let id = try officer.record(
            campaign: deployment.campaign, address: deployment.addresses[2],
            answers: SampleAnswers.wantsVisit(name: "Edna Example")
        )
        try officer.expect(["erase", id, "--all"])
        let summary = try officer.sync()
        #expect((summary["rejected"] as? [Any])?.isEmpty == true, "\(summary)")
        #expect(try JSON.object(try officer.expect(["status", "--json"]))["pending"] as? Int == 0)
        try organiser.sync()
        let export = try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "json"])
        #expect(!export.contains("Edna Example"))
        #expect(!export.lowercased().contains(id.lowercased()))
    }
}
