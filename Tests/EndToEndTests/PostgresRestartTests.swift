import DoorstepTestSupport
import Foundation
import Testing

/// PostgreSQL stopped and started again while laptops sync: the server answers 503 meanwhile,
/// never 500, laptops keep everything and exit 75, and the next sync converges exactly once.
@Suite(
    "Fault injection: PostgreSQL restarted during a sync", .serialized,
    .enabled(
        if: TestCluster.stop != nil && TestCluster.start != nil,
        "needs a PostgreSQL cluster the tests may stop and start: scripts/test starts one and sets DOORSTEP_TEST_POSTGRES_STOP and _START"
    )
)
struct PostgresRestartTests {
    /// Responses each officer's laptop holds before the syncs start.
    static let responsesPerLaptop = 400
    /// Restarts per trial.
    static let restarts = 2

    @Test("PostgreSQL stopped under pushes and pulls: 503 with Retry-After, no 500, laptops exit 0 or 75, then every response exactly once")
    func postgresRestartedDuringSync() throws {
        let seed = FaultSeed("postgres-restart")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runTrial(trial, seed: seed, random: &random)
        }
    }

    private func runTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given two officers' laptops full of responses and an organiser, on one instance
        let server = try FaultServer()
        let officers = [try FaultLaptop(name: "officer-a"), try FaultLaptop(name: "officer-b")]
        var recorded: Set<String> = []
        for officer in officers {
            try officer.login(server: server.url, token: try server.token("collector", name: officer.name))
            try officer.syncUntilDone()
            recorded.formUnion(try officer.recordMany(Self.responsesPerLaptop, campaign: server.campaign, addresses: server.addresses, using: &random))
        }
        let organiser = try FaultLaptop(name: "organiser")
        try organiser.login(server: server.url, token: try server.token("organiser", name: "organiser"))
        let laptops = officers + [organiser]

        // When PostgreSQL is stopped and started again while they sync with little patience
        var exits: [Int32] = []
        for _ in 0..<Self.restarts {
            let syncs = try laptops.map { try $0.startSync(["--batch-size", String(Int.random(in: 5...20, using: &random)), "--retry-max-time", "2"]) }
            sleepSeconds(Double.random(in: 0.1...0.6, using: &random))
            try Self.run(TestCluster.stop)
            if let death = server.death() { Issue.record("\(death) (\(seed))") }
            let health = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-s", "-i", "\(server.url)/healthz"], timeout: 30)
            #expect(health.stdout.hasPrefix("HTTP/1.1 503"), "healthz while PostgreSQL is down: \(health.stdout.prefix(200)) (\(seed))")
            #expect(health.stdout.lowercased().contains("retry-after"), "(\(seed))")
            sleepSeconds(Double.random(in: 0.5...1.5, using: &random))
            try Self.run(TestCluster.start)
            for sync in syncs {
                let result = sync.wait()
                exits.append(result.status)
                #expect(result.status == 0 || result.status == 75, "sync exited \(result.status): \(result.stderr.suffix(300)) (\(seed))")
            }
        }
        for laptop in laptops { try laptop.syncUntilDone(["--retry-max-time", "30"]) }
        try organiser.syncUntilDone(["--retry-max-time", "30"])
        print("fault-injection postgres-restart trial \(trial): \(recorded.count) responses, \(Self.restarts) restarts, sync exits \(exits)")

        // Then the server said 503, never 500, and everything is stored once and agrees
        let errors = server.serverErrors()
        #expect(errors.allSatisfy { $0.contains(" 503 ") }, "answers other than 503 (\(seed)): \(errors.filter { !$0.contains(" 503 ") }.prefix(5))")
        let serverState = try server.state()
        #expect(Set(serverState.responses.keys) == recorded, "response ids in the database (\(seed))")
        for officer in officers {
            let status = try officer.status()
            #expect(status["pending"] as? Int == 0, "pending on \(officer.name) (\(seed))")
            let device = status["device"] as? String ?? ""
            #expect(try server.count("SELECT COUNT(*) FROM operations WHERE device = ? AND status = 'applied'", [device]) == status["sent"] as? Int,
                    "operations applied vs sent by \(officer.name) (\(seed))")
        }
        #expect(try organiser.storeState() == serverState, "organiser and database differ (\(seed))")
        #expect(try server.integrityCheck() == "ok", "(\(seed))")
        #expect(try server.tallyDifferences().isEmpty, "tallies disagree with the responses (\(seed))")
        #expect(try server.count("SELECT COUNT(*) - COUNT(DISTINCT id) FROM operations") == 0, "operation ids logged twice (\(seed))")
        server.stop()
    }

    /// Runs a shell command of the test's environment and requires success.
    ///
    /// Through Python's `subprocess` with every other file descriptor closed: PostgreSQL's
    /// server, which `pg_ctl start` leaves running, must not hold one that Foundation's `Process`
    /// watches to see the command end.
    private static func run(_ command: String?) throws {
        let detached = "import subprocess, sys\nsys.exit(subprocess.run(sys.argv[1], shell=True, close_fds=True, "
            + "stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode)"
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", detached, command ?? "false"], timeout: 120
        )
        guard result.status == 0 else {
            throw FaultCommandFailed(command: command ?? "", status: result.status, output: result.stderr)
        }
    }
}

/// The shell commands that stop and start the tests' PostgreSQL cluster, when `scripts/test` started it.
enum TestCluster {
    static let stop = ProcessInfo.processInfo.environment["DOORSTEP_TEST_POSTGRES_STOP"]
    static let start = ProcessInfo.processInfo.environment["DOORSTEP_TEST_POSTGRES_START"]
}
