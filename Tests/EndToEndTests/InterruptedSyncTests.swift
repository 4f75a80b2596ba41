import DoorstepStore
import DoorstepTestSupport
import Foundation
import Testing

/// Syncs that die half-way, and servers restored from a backup.
@Suite("Interrupted sync")
struct InterruptedSyncTests {
    @Test("Sync killed with SIGKILL at several points, then resumed, leaves every response on the server exactly once")
    func killedAndResumed() throws {
        // Given a laptop with thousands of responses recorded offline
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        try alice.sync()
        let recorded = try BulkRecorder.record(home: alice.home.url, campaign: deployment.campaign, addresses: deployment.addresses, count: 4000)
        let store = try ClientStore(home: alice.home.url)
        // (each response, and the first knock recorded with it at each door)
        let total = try store.pendingCount()
        #expect(total >= 4000)

        // When syncs are killed: at once, after a quarter, half and most of the push, and in the pull
        var killedRunning = 0
        for remaining in [1.0, 0.75, 0.5, 0.1, 0.0] {
            let process = Process()
            process.executableURL = BuiltProducts.executable("doorstep")
            process.arguments = ["sync", "--quiet", "--batch-size", "250"]
            process.environment = ProcessInfo.processInfo.environment.merging(alice.environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning, Date() < deadline, remaining < 1.0,
                  Double(try store.pendingCount()) > remaining * Double(total) {
                usleep(2_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killedRunning += 1
            }
            process.waitUntilExit()
        }
        #expect(killedRunning >= 3)

        // Then a last sync finishes the job, and everything is on the server exactly once
        let summary = try alice.sync()
        #expect(summary["pending"] as? Int == 0)
        #expect(try store.pendingCount() == 0)
        try organiser.sync()
        let ids = try organiser.responses(campaign: deployment.campaign).compactMap { ($0["id"] as? String)?.lowercased() }
        #expect(ids.count == recorded.count)
        #expect(Set(ids) == recorded)
        // And the laptop itself holds each of its responses once
        let own = try alice.responses(campaign: deployment.campaign).compactMap { ($0["id"] as? String)?.lowercased() }
        #expect(own.count == recorded.count)
    }

    @Test("A server restored from a backup gets everything again from the laptops", .disabled(if: TestStore.isPostgres, Comment(rawValue: TestStore.embeddedOnly)))
    func restoredServerGetsEverythingAgain() throws {
        // Given a server backed up after the first response arrived
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        try alice.sync()
        let first = try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.declined)
        try alice.sync()
        let backup = deployment.data.appending("backup.sqlite").path
        try Deployment.admin(["backup", "--data", deployment.data.path, "--output", backup])
        let second = try alice.record(campaign: deployment.campaign, address: deployment.addresses[1], answers: SampleAnswers.consenting())
        try alice.sync()

        // When the server is restored from that backup (losing the second response)
        let port = URL(string: deployment.url)?.port ?? 0
        deployment.stopServer()
        try Deployment.admin(["restore", "--data", deployment.data.path, backup])
        try deployment.restartServer(port: port)

        // Then the laptop sees the new epoch and sends everything again, and nothing is doubled
        let summary = try alice.sync()
        #expect(summary["resent"] as? Bool == true)
        let organiser = try deployment.device("organiser", role: "organiser")
        try organiser.sync()
        let ids = Set(try organiser.responses(campaign: deployment.campaign).compactMap { ($0["id"] as? String)?.lowercased() })
        #expect(ids == [first.lowercased(), second.lowercased()])
        #expect(try organiser.responses(campaign: deployment.campaign).count == 2)
    }
}
