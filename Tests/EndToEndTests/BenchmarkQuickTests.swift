import DoorstepTestSupport
import Foundation
import Testing

/// Runs `doorstep-bench --quick` as a process so the benchmark never rots: every phase must run
/// end to end against the real `doorstep` and `doorstep-server` and report coherent figures.
/// No timing is asserted; the figures themselves are for `docs/performance.md`.
@Suite struct BenchmarkQuickTests {
    @Test func quickBenchmarkRunsEveryPhaseAndWritesItsJSON() throws {
        // Given a work folder and the sample form
        let work = try TemporaryDirectory("doorstep-bench-test")
        defer { work.remove() }
        let json = work.appending("bench.json")

        // When the quick benchmark runs
        let result = try ProcessRunner.run(
            BuiltProducts.executable("doorstep-bench"),
            [
                "--quick", "--json", json.path, "--work", work.appending("run").path,
                "--form", BuiltProducts.sampleForm("community-safety.yaml").path,
            ],
            timeout: 600
        )
        try #require(result.status == 0, "doorstep-bench failed: \(result.stderr.suffix(3_000))")

        // Then the JSON holds every phase, with what was sent arriving exactly once
        let data = try Data(contentsOf: json)
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(report["mode"] as? String == "quick")
        let push = try #require(report["push"] as? [String: Any])
        let responses = try #require(push["responses"] as? Int)
        let operations = try #require(push["operations"] as? Int)
        #expect(responses == 500)
        #expect(operations > responses, "the store records a surveyed knock with each new door")
        #expect((push["request_bytes"] as? Int ?? 0) > 0)
        #expect((push["server_peak_memory"] as? Int ?? 0) > 0)

        let naive = try #require(report["naive"] as? [String: Any])
        #expect(naive["requests"] as? Int == operations)

        let limit = try #require(report["limit"] as? [String: Any])
        #expect((limit["rows"] as? Int ?? 0) > operations)
        #expect((limit["sink_bytes"] as? Int ?? 0) > 0)

        let pull = try #require(report["pull"] as? [String: Any])
        #expect(pull["responses"] as? Int == responses)

        let aggregates = try #require(report["aggregates"] as? [String: Any])
        #expect(aggregates["responses"] as? Int == 5_000)
        #expect((aggregates["query_runs"] as? [Double])?.count == 3)

        let latency = try #require(report["client_latency"] as? [String: Any])
        #expect(latency["runs"] as? Int == 5)

        let many = try #require(report["many_clients"] as? [String: Any])
        #expect(many["clients"] as? Int == 5)
        #expect(many["errors"] as? Int == 0)

        let targets = try #require(report["targets"] as? [[String: Any]])
        #expect(targets.count == 6)
        // And the table is printed on stdout
        #expect(result.stdout.contains("Targets"))
    }

    @Test(
        "The quick benchmark on PostgreSQL: a database per server, COPY as the limit, clients on two instances, databases dropped",
        .enabled(if: TestStore.isPostgres, "needs PostgreSQL: scripts/test starts a throwaway cluster, or set DOORSTEP_TEST_POSTGRES")
    )
    func quickBenchmarkOnPostgres() throws {
        // Given a work folder, the sample form and the tests' PostgreSQL server
        let server = try #require(TestStore.postgresServer)
        let work = try TemporaryDirectory("doorstep-bench-postgres-test")
        defer { work.remove() }
        let json = work.appending("bench.json")

        // When the quick benchmark runs its storage phases there, the clients on two instances
        let result = try ProcessRunner.run(
            BuiltProducts.executable("doorstep-bench"),
            [
                "--quick", "--json", json.path, "--work", work.appending("run").path,
                "--form", BuiltProducts.sampleForm("community-safety.yaml").path,
                "--database", server, "--instances", "2", "--phases", "push,limit,aggregates,clients",
            ],
            timeout: 600
        )
        try #require(result.status == 0, "doorstep-bench failed: \(result.stderr.suffix(3_000))")

        // Then every figure comes from PostgreSQL, nothing was lost or doubled
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(report["store"] as? String == "postgres")
        let push = try #require(report["push"] as? [String: Any])
        #expect(push["responses"] as? Int == 500)
        let limit = try #require(report["limit"] as? [String: Any])
        #expect(limit["store"] as? String == "postgres")
        #expect((limit["store_seconds"] as? Double ?? 0) > 0)
        #expect((limit["rows"] as? Int ?? 0) > (push["operations"] as? Int ?? 0))
        let aggregates = try #require(report["aggregates"] as? [String: Any])
        #expect(aggregates["responses"] as? Int == 5_000)
        let many = try #require(report["many_clients"] as? [String: Any])
        #expect(many["instances"] as? Int == 2)
        #expect(many["errors"] as? Int == 0)
        #expect(result.stdout.contains("sync vs PostgreSQL COPY"))

        // And the run's databases are gone
        let left = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["psql", "-X", "-At", server, "-c", "SELECT COUNT(*) FROM pg_database WHERE datname LIKE 'doorstep_bench_%'"],
            timeout: 60
        )
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "databases left: \(left.stdout) \(left.stderr)")
    }
}
