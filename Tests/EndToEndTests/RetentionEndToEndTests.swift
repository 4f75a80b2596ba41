import DoorstepTestSupport
import Foundation
import Testing

/// A form keeps a phone number one minute: the server purges it, and the officer's laptop drops
/// it at its next sync, keeping the other answers.
@Suite("Retention end to end")
struct RetentionEndToEndTests {
    static let formYAML = """
        id: call-back
        version: 1
        title: Call-back check
        questions:
          - {name: consent, type: select_one yes_no, label: May we ask a few questions?, required: true}
          - {name: rating, type: integer, label: How would you rate the street lighting?}
          - {name: callback_phone, type: text, label: Phone number for a call back, sensitive: true, retention: 1 minute}
        choices:
          yes_no:
            - {name: "yes", label: "Yes"}
            - {name: "no", label: "No"}
        """

    static let phone = "07700 900 5566"

    /// Whether any file under `directory` holds `text`.
    static func anyFileHolds(_ directory: String, _ text: String) throws -> Bool {
        try !FileContents.files(under: directory, holding: [text]).isEmpty
    }

    @Test("A one-minute retention purges the answer in serve, and the laptop drops it at its next sync")
    func oneMinuteRetentionReachesTheLaptop() throws {
        // Given a server that purges every two seconds and a campaign on a form keeping the phone a minute
        let deployment = try Deployment(serverArguments: ["--purge-interval", "2"])
        try deployment.addOneDoorCampaign("lamp-lane", name: "Lamp Lane", form: "call-back", formYAML: Self.formYAML)
        let alice = try deployment.device("alice")
        try alice.sync()

        // When an officer records a resident's phone number and syncs
        let id = try alice.record(campaign: "lamp-lane", address: "R1", answers: ["consent": "yes", "rating": 4, "callback_phone": Self.phone])
        try alice.sync()
        #expect(try Self.anyFileHolds(alice.home.path, Self.phone), "the answer was not stored where this test looks")

        // Then, once the minute is over, the server's purge removes it and the next sync removes it from the laptop
        Thread.sleep(forTimeInterval: 65)
        var shown: [String: Any] = [:]
        for _ in 0..<30 {
            try alice.sync()
            shown = try alice.show(id)
            if shown["erased"] as? String == "expired" { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(shown["erased"] as? String == "expired")
        let answers = try #require(shown["answers"] as? [String: Any])
        #expect(answers["callback_phone"] == nil)
        #expect(answers["rating"] as? Int == 4)
        #expect(try !Self.anyFileHolds(alice.home.path, Self.phone))
        if !TestStore.isPostgres {
            #expect(try !Self.anyFileHolds(deployment.data.path, Self.phone))
        }

        // And the other answers may still be corrected, the purged one not written again
        let refused = try alice.run(["edit", id, "--set", "callback_phone=07700 900 0000"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("retention period has ended"), "\(refused.stderr)")
        try alice.expect(["edit", id, "--set", "rating=5"])
        try alice.sync()
        let corrected = try #require(try alice.show(id)["answers"] as? [String: Any])
        #expect(corrected["rating"] as? Int == 5)
        #expect(corrected["callback_phone"] == nil)
    }
}
