import DoorstepCore
import DoorstepTestSupport
import Foundation
import Testing

/// Two `doorstep-server` instances on one PostgreSQL database: laptops sync through either, one
/// instance is killed and restarted under them, and the same batch reaches both at once. Every
/// rule holds as on one server: each operation applied once, every change delivered to a device
/// pulling meanwhile, tallies equal to a recount.
@Suite(
    "Shared store: two server instances on one PostgreSQL database", .serialized,
    .enabled(if: TestStore.isPostgres, "needs PostgreSQL: scripts/test starts a throwaway cluster, or set DOORSTEP_TEST_POSTGRES")
)
struct SharedStoreTests {
    /// Responses each officer's laptop holds before the syncs start.
    static let responsesPerLaptop = 400
    /// Kills of the second instance per trial.
    static let kills = 3

    @Test("Laptops syncing through either instance while one is killed: each response once, an organiser pulling throughout misses nothing")
    func laptopsSyncThroughEitherInstance() throws {
        let seed = FaultSeed("shared-store")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runTrial(trial, seed: seed, random: &random)
        }
    }

    private func runTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given two instances on one database, an officer on each, and an organiser on the first
        let first = try FaultServer(arguments: ["--instance", "first"])
        let second = try first.secondInstance(arguments: ["--instance", "second"])
        let officers = [try FaultLaptop(name: "officer-a"), try FaultLaptop(name: "officer-b")]
        let servers = [first.url, second.url]
        var recorded: Set<String> = []
        for (index, officer) in officers.enumerated() {
            recorded.formUnion(try first.enrol(officer, through: servers[index], recording: Self.responsesPerLaptop, using: &random))
        }
        let organiser = try FaultLaptop(name: "organiser")
        try organiser.login(server: first.url, token: try first.token("organiser", name: "organiser"))

        // When the officers push in small batches, the second instance is killed and restarted
        // under them, and the organiser pulls through the first all the while
        var syncs = try officers.map { try $0.startSync(["--batch-size", String(Int.random(in: 5...20, using: &random)), "--retry-max-time", "60"]) }
        var pulls = 0
        for _ in 0..<Self.kills {
            sleepSeconds(Double.random(in: 0.2...1.0, using: &random))
            try organiser.syncUntilDone(["--retry-max-time", "30"])
            pulls += 1
            second.kill9()
            sleepSeconds(Double.random(in: 0...0.5, using: &random))
            try second.start()
            for (index, sync) in syncs.enumerated() where !sync.isRunning {
                let result = sync.wait()
                #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
                syncs[index] = try officers[index].startSync(["--batch-size", "10", "--retry-max-time", "60"])
            }
        }
        while syncs.contains(where: \.isRunning) {
            try organiser.syncUntilDone(["--retry-max-time", "30"])
            pulls += 1
        }
        for sync in syncs {
            let result = sync.wait()
            #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
        }
        for officer in officers { try officer.syncUntilDone(["--retry-max-time", "10"]) }
        try organiser.syncUntilDone(["--retry-max-time", "10"])
        print("shared-store trial \(trial): \(recorded.count) responses, \(Self.kills) kills of the second instance, \(pulls) pulls meanwhile")

        // Then every response is stored once, and the organiser, whose cursor moved on while
        // both instances committed, holds exactly what the database holds
        let serverState = try first.state()
        #expect(Set(serverState.responses.keys) == recorded, "response ids in the database (\(seed))")
        for officer in officers {
            let status = try officer.status()
            #expect(status["pending"] as? Int == 0, "pending on \(officer.name) (\(seed))")
            let device = status["device"] as? String ?? ""
            #expect(try first.count("SELECT COUNT(*) FROM operations WHERE device = ? AND status = 'applied'", [device]) == status["sent"] as? Int,
                    "operations applied vs sent by \(officer.name) (\(seed))")
        }
        let organiserState = try organiser.storeState()
        #expect(organiserState == serverState, "organiser and database differ (\(seed)):\n\(organiserState.difference(from: serverState))")
        #expect(second.serverErrors().isEmpty, "the second instance answered 5xx (\(seed)): \(second.serverErrors().prefix(5))")
        second.stop()
        first.stop()
        try first.expectSound(seed)
    }

    /// Officers' laptops behind the round-robin proxy.
    static let balancedOfficers = 3
    /// Responses each of them holds before the syncs start.
    static let balancedResponsesPerLaptop = 300
    /// Kills of an instance behind the proxy per trial.
    static let balancedKills = 2

    @Test("Laptops syncing through a round-robin proxy in front of both instances while either is killed: each operation applied once, the organiser misses nothing")
    func laptopsSyncThroughRoundRobinProxy() throws {
        let seed = FaultSeed("shared-store-round-robin")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runRoundRobinTrial(trial, seed: seed, random: &random)
        }
    }

    private func runRoundRobinTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given two instances on one database behind a round-robin proxy (no faults of its own: a
        // plain balancer that moves on from an instance refusing connections), officers and an
        // organiser enrolled through it
        let first = try FaultServer(arguments: ["--instance", "first"])
        let second = try first.secondInstance(arguments: ["--instance", "second"])
        let proxy = try ChaosProxy(upstreamPorts: [first.port, second.port], arguments: [])
        let instances: [(name: String, port: Int, kill9: () -> Void, start: () throws -> Void)] = [
            ("first", first.port, first.kill9, first.start), ("second", second.port, second.kill9, second.start),
        ]
        let officers = try (0..<Self.balancedOfficers).map { try FaultLaptop(name: "officer-\($0)") }
        var recorded: Set<String> = []
        for officer in officers {
            recorded.formUnion(try first.enrol(officer, through: proxy.url, recording: Self.balancedResponsesPerLaptop, using: &random))
        }
        let organiser = try FaultLaptop(name: "organiser")
        try organiser.login(server: proxy.url, token: try first.token("organiser", name: "organiser"))

        // When the officers push in small batches through the proxy, an instance drawn at random
        // is killed at a random moment and restarted after a short pause, and the organiser pulls
        // through the proxy all the while, also while the instance is down
        var syncs = try officers.map { try $0.startSync(["--batch-size", String(Int.random(in: 5...20, using: &random)), "--retry-max-time", "60"]) }
        var pulls = 0
        var killed: [String] = []
        var pushingAtKills: [Int] = []
        for _ in 0..<Self.balancedKills {
            sleepSeconds(Double.random(in: 0.2...1.5, using: &random))
            let victim = instances[Int.random(in: 0..<instances.count, using: &random)]
            let refusedBefore = proxy.refusals()[victim.port, default: 0]
            pushingAtKills.append(syncs.filter(\.isRunning).count)
            victim.kill9()
            killed.append(victim.name)
            sleepSeconds(Double.random(in: 0.2...1.0, using: &random))
            // (each pull is a new connection, given the next instance in turn: a few are sure to
            // meet the dead one, if no officer's push did already)
            for _ in 0..<10 where proxy.refusals()[victim.port, default: 0] == refusedBefore {
                try organiser.syncUntilDone(["--retry-max-time", "30"])
                pulls += 1
            }
            try victim.start()
            try organiser.syncUntilDone(["--retry-max-time", "30"])
            pulls += 1
            for (index, sync) in syncs.enumerated() where !sync.isRunning {
                let result = sync.wait()
                #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
                syncs[index] = try officers[index].startSync(["--batch-size", "10", "--retry-max-time", "60"])
            }
        }
        while syncs.contains(where: \.isRunning) {
            try organiser.syncUntilDone(["--retry-max-time", "30"])
            pulls += 1
        }
        for sync in syncs {
            let result = sync.wait()
            #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
        }
        for officer in officers { try officer.syncUntilDone(["--retry-max-time", "10"]) }
        try organiser.syncUntilDone(["--retry-max-time", "10"])
        let requests = proxy.upstreams()
        let refusals = proxy.refusals()
        let cut = proxy.log().components(separatedBy: "connection ended").count - 1
        print("""
            shared-store round-robin trial \(trial): \(recorded.count) responses from \(officers.count) officers, \
            kills of \(killed) with \(pushingAtKills) laptops pushing, \(pulls) pulls meanwhile, \
            requests first \(requests[first.port, default: 0]) second \(requests[second.port, default: 0]), \
            refused first \(refusals[first.port, default: 0]) second \(refusals[second.port, default: 0]), \
            \(cut) connections cut
            """)

        // Then both instances served, the proxy moved on from the dead one, every response is
        // stored once, each laptop's operations were applied once each, and the organiser holds
        // exactly what the database holds
        #expect(requests[first.port, default: 0] > 0 && requests[second.port, default: 0] > 0, "requests by instance: \(requests) (\(seed))")
        #expect(refusals.values.reduce(0, +) > 0, "no connection refused while an instance was down (\(seed))")
        let victims = Set(instances.filter { killed.contains($0.name) }.map(\.port))
        #expect(Set(refusals.keys).isSubset(of: victims), "refused by an instance never killed: \(refusals) (\(seed))")
        let serverState = try first.state()
        #expect(Set(serverState.responses.keys) == recorded, "response ids in the database (\(seed))")
        #expect(try first.count("SELECT COUNT(*) FROM responses") == recorded.count, "responses stored (\(seed))")
        for officer in officers {
            let status = try officer.status()
            #expect(status["pending"] as? Int == 0, "pending on \(officer.name) (\(seed))")
            let device = status["device"] as? String ?? ""
            #expect(try first.count("SELECT COUNT(*) FROM operations WHERE device = ? AND status = 'applied'", [device]) == status["sent"] as? Int,
                    "operations applied vs sent by \(officer.name) (\(seed))")
        }
        let organiserState = try organiser.storeState()
        #expect(organiserState == serverState, "organiser and database differ (\(seed)):\n\(organiserState.difference(from: serverState))")
        #expect(second.serverErrors().isEmpty, "the second instance answered 5xx (\(seed)): \(second.serverErrors().prefix(5))")
        proxy.stop()
        second.stop()
        first.stop()
        try first.expectSound(seed)
    }

    @Test("The same batch sent to both instances at the same moment is applied once, and both answer it the same")
    func sameBatchAtBothInstancesIsAppliedOnce() throws {
        let first = try FaultServer(arguments: ["--instance", "first"])
        let second = try first.secondInstance(arguments: ["--instance", "second"])
        let token = try first.token("collector", name: "retrying-laptop")
        // A batch of knocks and of responses withdrawn before they were sent (nothing to validate)
        let device = "laptop-\(UUID().uuidString.prefix(8).lowercased())"
        var operations: [String] = []
        var ids: [String] = []
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        for index in 0..<300 {
            let id = UUID().uuidString.lowercased()
            ids.append(id)
            let stamp = String(format: "%016lld-%04x-%@", now, index, device)
            let address = first.addresses[index % first.addresses.count]
            let payload = index.isMultiple(of: 2)
                ? #"{"visit":"\#(UUID().uuidString.lowercased())","campaign":"\#(first.campaign)","address":"\#(address)","outcome":"no-answer","note":null,"at":"2026-06-06T10:00:00Z"}"#
                : #"{"response":"\#(UUID().uuidString.lowercased())","campaign":"\#(first.campaign)","address":"\#(address)","form":"\#(first.formID)","form_version":"\#(first.form.version)","recorded_at":"2026-06-06T10:00:00Z","answers":{},"erased":"all"}"#
            let type = index.isMultiple(of: 2) ? "visit" : "response.create"
            operations.append(#"{"id":"\#(id)","type":"\#(type)","stamp":"\#(stamp)","device":"\#(device)","payload":\#(payload)}"#)
        }
        let body = try first.data.write(#"{"device":"\#(device)","operations":[\#(operations.joined(separator: ","))]}"#, to: "batch.json")

        // When it reaches both instances at once, as a retry through a load balancer does
        let pushes = try [first.url, second.url].map { url in
            try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), [
                "curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)",
                "-H", "Content-Type: application/json", "--data-binary", "@\(body)", "\(url)/v1/push",
            ])
        }
        let answers = pushes.map { $0.wait() }

        // Then both answer 200 with every operation applied, and each is stored once
        for answer in answers {
            #expect(answer.status == 0, "curl: \(answer.stderr)")
            #expect(answer.stdout.hasSuffix("\n200"), "\(answer.stdout.suffix(300))")
            #expect(answer.stdout.components(separatedBy: #""status":"applied""#).count - 1 == ids.count, "\(answer.stdout.prefix(300))")
        }
        #expect(try first.count("SELECT COUNT(*) FROM operations WHERE device = ?", [device]) == ids.count)
        #expect(try first.count("SELECT COUNT(DISTINCT id) FROM operations WHERE device = ?", [device]) == ids.count)
        #expect(try first.count("SELECT COUNT(*) FROM visits WHERE device = ?", [device]) == ids.count / 2)
        #expect(try first.count("SELECT COUNT(*) FROM responses WHERE device = ?", [device]) == ids.count / 2)
        #expect(second.serverErrors().isEmpty)
        second.stop()
        first.stop()
        try first.expectSound(FaultSeed("shared-store-same-batch"))
    }

    @Test("An instance opens no more PostgreSQL connections than --database-connections allows while many laptops sync")
    func instanceKeepsToItsConnectionLimit() throws {
        // Given an instance allowed two connections, and six laptops holding responses
        let server = try FaultServer(arguments: ["--database-connections", "2"])
        var random = FaultSeed("connection-limit").generator(trial: 0)
        let officers = try (0..<6).map { try FaultLaptop(name: "officer-\($0)") }
        var recorded: Set<String> = []
        for officer in officers {
            recorded.formUnion(try server.enrol(officer, recording: 40, using: &random))
        }

        // When they all sync at once in small batches, and the database's connections are
        // counted all the while (leaving out the counting one)
        let syncs = try officers.map { try $0.startSync(["--batch-size", "5", "--retry-max-time", "60"]) }
        var peak = 0
        let deadline = Date().addingTimeInterval(120)
        while syncs.contains(where: \.isRunning), Date() < deadline {
            peak = max(peak, try server.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            sleepSeconds(0.01)
        }

        // Then every sync succeeded through at most two connections, and every response is stored
        for sync in syncs {
            let result = sync.wait()
            #expect(result.status == 0, "sync exited \(result.status): \(result.stderr.suffix(300))")
        }
        print("connection limit: peak \(peak) connections of the instance while 6 laptops synced")
        #expect((1...2).contains(peak), "the instance held \(peak) connections")
        #expect(try server.count("SELECT COUNT(*) FROM responses") == recorded.count)
        server.stop()
    }
}
