import DoorstepTestSupport
import Foundation
import Testing

/// `kill -9` of `doorstep sync` at random moments: nothing acknowledged is lost, nothing is doubled.
@Suite("Fault injection: client killed during sync", .serialized)
struct FaultInjectionClientKillTests {
    /// Responses recorded before the first sync; more are recorded between kills.
    static let responses = 1_200
    /// Kills per trial.
    static let kills = 6

    @Test("kill -9 of the client during push and pull, then resume: every response is on the server exactly once")
    func killClientDuringSync() throws {
        let seed = FaultSeed("client-kill")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runTrial(trial, seed: seed, random: &random)
        }
    }

    private func runTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given an officer's laptop holding many responses and knocks not yet pushed
        let server = try FaultServer()
        let officer = try FaultLaptop(name: "officer")
        var recorded = Set(try server.enrol(officer, recording: Self.responses, using: &random))

        // When its sync is killed at random moments, the officer records more in between, and syncs again
        // (the longest wait before a kill shrinks to the length of a sync that ended first)
        var longestWait = 1.5
        var moments: [String] = []
        for _ in 0..<Self.kills {
            let before = try officer.status()["pending"] as? Int ?? 0
            let sync = try officer.startSync(["--batch-size", String(Int.random(in: 5...40, using: &random)), "--retry-max-time", "10"])
            sleepSeconds(Double.random(in: 0.01...longestWait, using: &random))
            let wasRunning = sync.isRunning
            sync.killNow()
            let result = sync.wait()
            #expect(result.signalled || result.status == 0, "sync ended \(result.status): \(result.stderr.suffix(300)) (\(seed))")
            #expect(try officer.integrityCheck() == "ok", "client store integrity after kill -9 (\(seed))")
            let after = try officer.status()["pending"] as? Int ?? 0
            if wasRunning {
                moments.append(after == before ? "before any answer" : after > 0 ? "pushed \(before - after) of \(before)" : "in the pull")
            } else {
                moments.append("finished first")
                longestWait = max(0.05, Date().timeIntervalSince(sync.started) * 0.8)
            }
            let more = Int.random(in: 20...200, using: &random)
            recorded.formUnion(try officer.recordMany(more, campaign: server.campaign, addresses: server.addresses, using: &random))
        }
        try officer.syncUntilDone(["--retry-max-time", "10"])
        print("fault-injection client-kill trial \(trial): \(recorded.count) responses; kills: \(moments.joined(separator: ", "))")

        // Then nothing is pending, and the server holds every response exactly once, as recorded
        let status = try officer.status()
        #expect(status["pending"] as? Int == 0, "pending after the last sync (\(seed))")
        #expect(status["rejected"] as? Int == 0, "rejected operations (\(seed))")
        let serverState = try server.state()
        #expect(serverState.responses.count == recorded.count, "responses on the server (\(seed))")
        #expect(Set(serverState.responses.keys) == recorded, "response ids on the server (\(seed))")
        let sent = status["sent"] as? Int ?? -1
        let device = status["device"] as? String ?? ""
        #expect(try server.count("SELECT COUNT(*) FROM operations WHERE device = ? AND status = 'applied'", [device]) == sent,
                "operations applied on the server vs sent by the laptop (\(seed))")
        #expect(try server.count("SELECT COUNT(*) FROM visits WHERE device = ?", [device]) == (status["visits"] as? Int ?? -1),
                "knocks on the server vs on the laptop (\(seed))")
        let laptopState = try officer.storeState()
        #expect(laptopState == serverState, "laptop and server differ (\(seed)):\n\(laptopState.difference(from: serverState))")
        try server.expectSound(seed)

        // And a fresh organiser laptop whose first pull is killed too ends with the same state
        let organiser = try FaultLaptop(name: "organiser")
        try organiser.login(server: server.url, token: try server.token("organiser", name: "organiser"))
        for _ in 0..<2 {
            let sync = try organiser.startSync(["--retry-max-time", "10"])
            sleepSeconds(Double.random(in: 0.02...0.8, using: &random))
            sync.killNow()
            _ = sync.wait()
            #expect(try organiser.integrityCheck() == "ok", "organiser store integrity after kill -9 (\(seed))")
        }
        try organiser.syncUntilDone(["--retry-max-time", "10"])
        let organiserState = try organiser.storeState()
        #expect(organiserState == serverState, "organiser and server differ (\(seed)):\n\(organiserState.difference(from: serverState))")
        let exported = try organiser.exportState(campaign: server.campaign)
        #expect(exported == serverState, "the organiser's export differs from the server's database (\(seed)):\n\(exported.difference(from: serverState))")
        print("fault-injection client-kill trial \(trial): server \(serverState), organiser \(organiserState)")
    }
}
