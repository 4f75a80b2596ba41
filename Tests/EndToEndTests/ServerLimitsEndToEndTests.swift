import DoorstepTestSupport
import Foundation
import Testing

/// The laptop's side of the server's limits: a sync that meets a quota waits as `Retry-After`
/// says and finishes; a download the server refuses exits non-zero and writes nothing; a home
/// others could read is closed to them.
@Suite("Server limits seen from the laptop")
struct ServerLimitsEndToEndTests {
    @Test("sync waits out a 429 as Retry-After says and finishes; with no time to wait it exits 75")
    func syncHonoursTooManyRequests() throws {
        let deployment = try Deployment(addressCount: 3, serverArguments: ["--quota-requests", "2", "--quota-window", "2"])
        let alice = try deployment.device("alice")
        let first = try alice.run(["sync", "--retry-max-time", "30"])
        #expect(first.status == 0, "\(first.stderr)")
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.consenting(occupants: 1))
        // Given a quota of two requests every 2 s, when alice syncs (several requests)
        let start = Date()
        let synced = try alice.run(["sync", "--json", "--retry-max-time", "30"])
        // Then the sync waits for the next window and finishes.
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stderr.contains("429"), "\(synced.stderr)")
        #expect(Date().timeIntervalSince(start) < 25)
        #expect((try JSON.object(synced.stdout)["pushed"] as? Int ?? 0) >= 1, "\(synced.stdout)")

        // Without time to wait, the 429 is "try again later".
        let statuses = try (0..<4).map { _ in try alice.run(["sync", "--retry-max-time", "0"]).status }
        #expect(statuses.contains(75), "\(statuses)")
        #expect(statuses.allSatisfy { $0 == 0 || $0 == 75 }, "\(statuses)")
    }

    @Test("export exits non-zero and writes no file when the server answers an error")
    func exportFailsOnAnErrorAnswer() throws {
        let deployment = try Deployment(addressCount: 3, serverArguments: ["--quota-requests", "1", "--quota-window", "60"])
        // Login uses the organiser's one request of the window.
        let organiser = try deployment.device("organiser", role: "organiser")
        let output = organiser.home.appending("aggregates.json").path
        let refused = try organiser.run([
            "export", "--campaign", deployment.campaign, "--aggregate", "--format", "json", "--output", output, "--retry-max-time", "0",
        ])
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: organiser.home.path).allSatisfy { !$0.hasSuffix(".part") })
    }

    @Test("A home folder others may read is set to 0700 when a command opens it")
    func homeIsClosedToOthers() throws {
        let device = try Device(name: "open-home")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: device.home.path)
        try device.expect(["status"])
        let mode = try FileManager.default.attributesOfItem(atPath: device.home.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }
}
