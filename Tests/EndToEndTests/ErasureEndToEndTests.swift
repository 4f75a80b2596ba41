import DoorstepCore
import DoorstepWire
import DoorstepTestSupport
import Foundation
import Testing

/// A resident withdraws consent: the erasure reaches every laptop on its next sync.
@Suite("Erasure end to end")
struct ErasureEndToEndTests {
    /// Pushes a `response.erase` operation as `token` would from its own device, with curl.
    private func pushErasure(_ response: String, scope: Erasure.Scope, token: String, server: String) throws {
        let operation = SyncOperation(
            stamp: HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000), counter: 0, node: "dpo-desk"),
            device: "dpo-desk",
            body: .eraseResponse(Erasure(response: try #require(UUID(uuidString: response)), scope: scope, reason: "withdrew consent"))
        )
        let body = String(decoding: try JSONEncoder().encode(PushRequest(device: "dpo-desk", operations: [operation])), as: UTF8.self)
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/curl"),
            ["-sS", "--fail-with-body", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json",
             "--data-binary", "@-", "\(server)/v1/push"],
            input: body
        )
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("\"applied\""), "\(result.stdout)")
    }

    @Test("Personal answers erased on the server disappear from the officer's and the organiser's laptops",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func erasureReachesDevices() throws {
        // Given a response with a resident's name and phone on two laptops
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        try alice.sync()
        let concern = "Neighbour's children left alone overnight"
        let id = try alice.record(
            campaign: deployment.campaign, address: deployment.addresses[2],
            answers: SampleAnswers.wantsVisitWithConcern(name: "Edna Example", concern: concern)
        )
        try alice.sync()
        try organiser.sync()
        var kept = ""
        for device in [alice, organiser] {
            let answers = try #require(try device.show(id)["answers"] as? [String: Any])
            #expect((answers["visit_name"] as? String)?.hasPrefix("sealed1:fire.") == true, "sealed to the fire service")
            kept = try #require(answers["safeguarding_details"] as? String)
        }

        // When the resident withdraws consent for their personal data
        let admin = try deployment.token("admin", name: "data protection officer")
        try pushErasure(id, scope: .sensitive, token: admin, server: deployment.url)

        // Then each laptop drops the personal answers on its next sync and keeps the rest, the
        // officer's safeguarding record (on_withdrawal: keep) included
        for device in [alice, organiser] {
            try device.sync()
            let shown = try device.show(id)
            let answers = try #require(shown["answers"] as? [String: Any])
            #expect(answers["visit_name"] == nil)
            #expect(answers["visit_phone"] == nil)
            #expect(answers["occupants"] as? Int == 1)
            #expect(answers["safeguarding_details"] as? String == kept, "the officer's record, still sealed to the safeguarding team")
            #expect(shown["erased"] as? String == "sensitive")
        }
    }
}
