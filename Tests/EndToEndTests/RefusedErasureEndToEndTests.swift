import DoorstepTestSupport
import Foundation
import Testing

/// An erasure made on a laptop stays there even when the server refuses it: a later pull of the
/// same response must not bring the erased answers back.
@Suite("Refused erasure end to end")
struct RefusedErasureEndToEndTests {
    @Test("An erasure the server refuses keeps the answers off the laptop when the response is pulled again")
    func refusedErasureStaysLocal() throws {
        // Given a response with a resident's name and phone, recorded and synced with collector token A
        let deployment = try Deployment()
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        let tokenA = officer.token
        try officer.sync()
        let id = try officer.record(
            campaign: deployment.campaign, address: deployment.addresses[2], answers: SampleAnswers.wantsVisit(name: "Edna Example")
        )
        try officer.sync()

        // When the laptop, logged in with another collector's token, erases the personal answers
        let tokenB = try deployment.token("collector", name: "another officer")
        try officer.expect(["login", "--server", deployment.url, "--token", tokenB])
        try officer.expect(["erase", id, "--reason", "withdrew consent"])
        // and the server refuses the erasure (the response was recorded with token A)
        let refused = try officer.sync(exiting: 65)
        #expect((refused["rejected"] as? [Any])?.count == 1, "\(refused)")

        // and the response changes on the server (an organiser corrects an answer that is not personal)
        try organiser.sync()
        try organiser.expect(["edit", id, "--set", "alarm_fitted=2"])
        try organiser.sync()

        // and the laptop, back on token A, pulls the response's new state with every answer
        try officer.expect(["login", "--server", deployment.url, "--token", tokenA])
        try officer.sync(exiting: 65)

        // Then the laptop keeps its erasure: the personal answers stay gone, the correction arrives
        let shown = try officer.show(id)
        let answers = try #require(shown["answers"] as? [String: Any])
        #expect(shown["erased"] as? String == "sensitive")
        #expect(answers["visit_name"] == nil, "\(answers)")
        #expect(answers["visit_phone"] == nil, "\(answers)")
        #expect(answers["alarm_fitted"] as? Int == 2, "\(answers)")
        #expect(answers["visit_wanted"] as? String == "yes", "\(answers)")
    }
}
