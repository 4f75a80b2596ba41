import DoorstepTestSupport
import Foundation
import Testing

/// Door outcomes travel between teams through the real server.
@Suite("Doors across laptops")
struct DoorEndToEndTests {
    @Test("Do not contact recorded on one laptop stops another team at that door after its next sync; a call-back reaches every team")
    func doNotContactAcrossLaptops() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let bob = try deployment.device("bob")
        let organiser = try deployment.device("organiser", role: "organiser")
        for device in [alice, bob] { try device.sync() }
        let door = deployment.addresses[0]
        let later = deployment.addresses[1]

        // Alice is asked not to come back, and another resident asks for a call-back.
        try alice.expect(["visit", door, "--campaign", deployment.campaign, "--outcome", "do-not-contact"])
        try alice.expect(["visit", later, "--campaign", deployment.campaign, "--outcome", "revisit", "--when", "after 6pm"])

        // Before syncing, Bob knows nothing of it.
        try bob.expect(["visit", door, "--campaign", deployment.campaign, "--outcome", "no-answer"])
        try alice.sync()
        try bob.sync()

        // After his sync, Bob's laptop stops him, and his list shows both doors as they stand.
        let refused = try bob.run(["record", door.lowercased(), "--campaign", deployment.campaign, "--answers", "-"], input: #"{}"#)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("! Do not contact: the resident asked not to be contacted again."))
        let doors = try bob.doors(campaign: deployment.campaign)
        #expect(doors[door]?["status"] as? String == "do-not-contact")
        #expect(doors[later]?["status"] as? String == "revisit")
        #expect(doors[later]?["call_back"] as? String == "after 6pm")

        // The organiser sees the same.
        try organiser.sync()
        let seen = try organiser.doors(campaign: deployment.campaign)
        #expect(seen[door]?["status"] as? String == "do-not-contact")
        #expect(seen[door]?["visits"] as? Int == 2)
    }
}
