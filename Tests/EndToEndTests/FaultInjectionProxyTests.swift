import DoorstepTestSupport
import Foundation
import Testing

/// Syncs through `Fixtures/chaos_proxy.py`, which drops connections mid-request and mid-response,
/// stalls, and answers 502/503 (before the server saw the request, or after it committed).
@Suite("Fault injection: flaky network", .serialized)
struct FaultInjectionProxyTests {
    /// Responses each collector records before syncing.
    static let responsesPerLaptop = 250
    /// Every kind of fault, forced on the first requests so a short run meets each one.
    static let everyKind = ["drop-request", "drop-response", "cut-headers", "stall", "error-before", "error-after"]

    @Test("Syncs through a proxy that drops, stalls and answers 502/503 finish with exactly-once results")
    func syncThroughFaultyProxy() throws {
        let seed = FaultSeed("proxy")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runTrial(trial, seed: seed, random: &random)
        }
    }

    @Test("An answer cut off between its status line and the end of its headers is retried, not read as an empty answer")
    func answerCutInsideHeaders() throws {
        // Given a laptop enrolled through a proxy that cuts a third of the answers after their status line
        let seed = FaultSeed("proxy-cut-headers")
        var random = seed.generator(trial: 0)
        let server = try FaultServer(addressCount: 20)
        let proxy = try ChaosProxy(
            upstreamPort: server.port,
            arguments: ["--seed", String(UInt32.random(in: 0...UInt32.max, using: &random)), "--script", "cut-headers", "--cut-headers", "0.3"]
        )
        let officer = try FaultLaptop(name: "officer")
        try officer.login(server: proxy.url, token: try server.token("collector", name: "officer"), attempts: 1)

        // When it syncs several times, with responses to push
        var statuses: [Int32] = []
        for round in 0..<6 {
            if round == 1 {
                _ = try officer.recordMany(30, campaign: server.campaign, addresses: server.addresses, using: &random)
            }
            let result = try officer.run(["sync", "--json", "--batch-size", "5", "--retry-max-time", "30"])
            statuses.append(result.status)
            // 75 (try later) when one request met a cut on every attempt in its 30 s; never 1 (a bad answer)
            #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
        }
        try officer.syncUntilDone(["--retry-max-time", "30"])

        // Then the cut answers were retried like any broken connection, and the work is done
        #expect(proxy.faults()["cut-headers", default: 0] > 0, "no answer was cut (\(seed))")
        #expect(try officer.status()["pending"] as? Int == 0, "pending (\(seed))")
        #expect(try server.state().responses.count == 30, "responses on the server (\(seed))")
        print("fault-injection proxy-cut-headers: exits \(statuses), faults \(proxy.faults().sorted { $0.key < $1.key })")
    }

    private func runTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given a server behind a faulty proxy, two officers and an organiser enrolled through it
        let server = try FaultServer()
        var arguments = [
            "--seed", String(UInt32.random(in: 0...UInt32.max, using: &random)),
            "--drop-request", "0.07", "--drop-response", "0.07", "--cut-headers", "0.03", "--stall", "0.07",
            "--error-before", "0.05", "--error-after", "0.07", "--stall-seconds", "1.5",
            "--script", Self.everyKind.shuffled(using: &random).joined(separator: ","),
        ]
        if FaultBudget.isLong {
            // A stall past the client's low-speed limit (30 s), so its timeout is exercised too
            arguments += ["--long-stall", "0.01", "--long-stall-seconds", "35"]
        }
        let proxy = try ChaosProxy(upstreamPort: server.port, arguments: arguments)
        let officers = [try FaultLaptop(name: "officer-a"), try FaultLaptop(name: "officer-b")]
        let organiser = try FaultLaptop(name: "organiser")
        try organiser.login(server: proxy.url, token: try server.token("organiser", name: "organiser"))
        var recorded: Set<String> = []
        for officer in officers {
            try officer.login(server: proxy.url, token: try server.token("collector", name: officer.name))
            try officer.syncUntilDone(["--retry-max-time", "20"])
            recorded.formUnion(try officer.recordMany(Self.responsesPerLaptop, campaign: server.campaign, addresses: server.addresses, using: &random))
        }

        // When both push at once in small batches, the organiser corrects what arrived, and
        // everyone syncs again until every run finishes (a failed run exits 75 and is run again)
        var runs = 0
        for round in 0..<3 {
            var syncs = try officers.map { try $0.startSync(["--batch-size", String(Int.random(in: 5...25, using: &random)), "--retry-max-time", "15"]) }
            syncs.append(try organiser.startSync(["--retry-max-time", "15"]))
            for sync in syncs {
                let result = sync.wait()
                runs += 1
                #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(400)) (\(seed))")
            }
            if round < 2 {
                let held = try organiser.responseIDs()
                for id in held.shuffled(using: &random).prefix(8) {
                    _ = try organiser.run(["edit", id, "--set", "alarm_fitted=\(Int.random(in: 0...6, using: &random))"])
                }
            }
        }
        for _ in 0..<2 {
            for laptop in officers + [organiser] { try laptop.syncUntilDone(["--retry-max-time", "20"], attempts: 20) }
        }
        let faults = proxy.faults()
        print("fault-injection proxy trial \(trial): \(recorded.count) responses, \(runs) concurrent sync runs, faults \(faults.sorted { $0.key < $1.key })")

        // Then every kind of fault happened, and each response is on the server exactly once
        for kind in Self.everyKind {
            #expect(faults[kind, default: 0] > 0, "the proxy never injected \(kind) (\(seed))")
        }
        let serverState = try server.state()
        #expect(serverState.responses.count == recorded.count, "responses on the server (\(seed))")
        #expect(Set(serverState.responses.keys) == recorded, "response ids on the server (\(seed))")
        for laptop in officers + [organiser] {
            let status = try laptop.status()
            #expect(status["pending"] as? Int == 0, "pending on \(laptop.name) (\(seed))")
            #expect(status["rejected"] as? Int == 0, "rejected on \(laptop.name) (\(seed))")
            let device = status["device"] as? String ?? ""
            #expect(try server.count("SELECT COUNT(*) FROM operations WHERE device = ?", [device]) == status["sent"] as? Int,
                    "operations logged on the server vs sent by \(laptop.name) (\(seed))")
            let state = try laptop.storeState()
            #expect(state == serverState.restricted(to: Set(state.responses.keys)),
                    "\(laptop.name) and the server differ (\(seed)):\n\(state.difference(from: serverState))")
        }
        #expect(try organiser.storeState() == serverState, "the organiser does not hold every response (\(seed))")
        try server.expectSound(seed)
    }
}
