import DoorstepTestSupport
import Foundation
import Testing

/// `kill -9` of `doorstep-server` while laptops push and pull, restarted on the same data directory.
@Suite("Fault injection: server killed during sync", .serialized)
struct FaultInjectionServerKillTests {
    /// Responses each collector's laptop holds before the syncs start.
    static let responsesPerLaptop = 700
    /// Server kills per trial.
    static let kills = 5

    @Test("kill -9 of the server during pushes, restarted on its data: every response exactly once, the database sound")
    func killServerDuringSync() throws {
        let seed = FaultSeed("server-kill")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runTrial(trial, seed: seed, random: &random)
        }
    }

    private func runTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given two officers' laptops full of responses, and an organiser who pulls everything
        let server = try FaultServer()
        let officers = [try FaultLaptop(name: "officer-a"), try FaultLaptop(name: "officer-b")]
        var recorded: Set<String> = []
        for officer in officers {
            recorded.formUnion(try server.enrol(officer, recording: Self.responsesPerLaptop, using: &random))
        }
        let organiser = try FaultLaptop(name: "organiser")
        try organiser.login(server: server.url, token: try server.token("organiser", name: "organiser"))

        // When they sync (small batches, long retries) while the server is killed and restarted again and again
        let laptops = officers + [organiser]
        var syncs = try laptops.map { try $0.startSync(["--batch-size", String(Int.random(in: 5...30, using: &random)), "--retry-max-time", "60"]) }
        var downtimes: [String] = []
        for _ in 0..<Self.kills {
            sleepSeconds(Double.random(in: 0.05...1.2, using: &random))
            server.kill9()
            let down = Double.random(in: 0...0.8, using: &random)
            downtimes.append(String(format: "%.2fs", down))
            sleepSeconds(down)
            #expect(try server.integrityCheck() == "ok", "server database integrity after kill -9 (\(seed))")
            try server.start()
            // A laptop whose sync ended meanwhile syncs again, so pushes keep arriving during the kills
            for (index, sync) in syncs.enumerated() where !sync.isRunning {
                let result = sync.wait()
                #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
                syncs[index] = try laptops[index].startSync(["--batch-size", "20", "--retry-max-time", "60"])
            }
        }
        for sync in syncs {
            let result = sync.wait()
            #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
        }
        for laptop in laptops { try laptop.syncUntilDone(["--retry-max-time", "10"]) }
        try organiser.syncUntilDone(["--retry-max-time", "10"])
        print("fault-injection server-kill trial \(trial): \(recorded.count) responses, \(Self.kills) kills, down for \(downtimes.joined(separator: ", "))")

        // Then nothing is pending, every response is on the server once, and every replica agrees
        let serverState = try server.state()
        #expect(serverState.responses.count == recorded.count, "responses on the server (\(seed))")
        #expect(Set(serverState.responses.keys) == recorded, "response ids on the server (\(seed))")
        for officer in officers {
            let status = try officer.status()
            #expect(status["pending"] as? Int == 0, "pending on \(officer.name) (\(seed))")
            #expect(status["rejected"] as? Int == 0, "rejected on \(officer.name) (\(seed))")
            let device = status["device"] as? String ?? ""
            #expect(try server.count("SELECT COUNT(*) FROM operations WHERE device = ? AND status = 'applied'", [device]) == status["sent"] as? Int,
                    "operations applied on the server vs sent by \(officer.name) (\(seed))")
            let own = try officer.storeState()
            #expect(own == serverState.restricted(to: Set(own.responses.keys)), "\(officer.name) and the server differ (\(seed))")
            #expect(own.responses.count == Self.responsesPerLaptop, "responses on \(officer.name) (\(seed))")
        }
        let organiserState = try organiser.storeState()
        #expect(organiserState == serverState, "organiser and server differ (\(seed)):\n\(organiserState.difference(from: serverState))")
        let exported = try organiser.exportState(campaign: server.campaign)
        #expect(exported == serverState, "the organiser's export differs from the server's database (\(seed)):\n\(exported.difference(from: serverState))")
        server.stop()
        try server.expectSound(seed)
        print("fault-injection server-kill trial \(trial): server \(serverState), organiser \(organiserState)")
    }
}
