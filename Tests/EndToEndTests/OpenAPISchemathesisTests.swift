import DoorstepTestSupport
import Foundation
import Testing

/// schemathesis (from PyPI; `.ci/run` installs it) against a real `doorstep-server`, with a token
/// of each role: it reads the server's own `/openapi.yaml`, sends generated requests, valid and
/// not, to every route, and checks that none gets a 5xx, that every answer matches its schema (so
/// every error has the JSON error shape) and status, and that routes behind a token refuse a
/// request without one. Skipped, saying so, when schemathesis is not installed.
@Suite("OpenAPI description against the live server (schemathesis)", .enabled(if: Schemathesis.isAvailable, "schemathesis is needed"))
struct OpenAPISchemathesisTests {
    @Test("schemathesis finds no 5xx, no answer off its schema and no error off the JSON shape, for every role")
    func everyRole() throws {
        // Given a server with a response, a knock, a conflict and a published snapshot
        let deployment = try Deployment()
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        try officer.sync()
        let response = try officer.record(campaign: deployment.campaign, address: "A001", answers: SampleAnswers.consenting())
        try officer.expect(["visit", "--campaign", deployment.campaign, "--address", "A002", "--outcome", "no-answer"])
        try officer.sync()
        try organiser.sync()
        try organiser.expect(["edit", response, "--set", "occupants=3"])
        try officer.expect(["edit", response, "--set", "occupants=4"])
        try officer.sync()
        try organiser.sync()
        try Deployment.admin(["campaigns", "publish", "--data", deployment.data.path, deployment.campaign])

        // When schemathesis tests every route with a token of each role
        // (a fresh seed each run, printed; DOORSTEP_SEED=N replays run N)
        let seed = ProcessInfo.processInfo.environment["DOORSTEP_SEED"].flatMap { UInt32($0) } ?? UInt32.random(in: 1...UInt32.max)
        for role in ["collector", "organiser", "viewer", "admin"] {
            let token = try deployment.token(role, name: "schemathesis-\(role)")
            let started = Date()
            let run = try Schemathesis.run(url: deployment.url, token: token, seed: seed)

            // Then every check passes
            let summary = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
            print("schemathesis as \(role), seed \(seed), \(Schemathesis.maxExamples) examples per route: \(summary) (\(Int(Date().timeIntervalSince(started))) s)")
            #expect(run.status == 0, "schemathesis as \(role) (seed \(seed)) exited \(run.status):\n\(run.stdout)\n\(run.stderr)")
        }
        // And the server logged no fault
        #expect(!deployment.server.log().contains(" error "), "\(deployment.server.log().suffix(4_000))")
    }
}

/// The schemathesis command line and how the tests run it.
enum Schemathesis {
    /// Generated requests per route and phase: the bound the issue asks for.
    static let maxExamples = 50

    /// Whether the `schemathesis` command runs; prints why not when it does not.
    static let isAvailable: Bool = {
        let result = try? ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["schemathesis", "--version"], timeout: 60)
        guard result?.status == 0 else {
            let why = result.map { $0.stderr.split(separator: "\n").last.map(String.init) ?? "exit \($0.status)" } ?? "it did not run"
            print("Skipping the schemathesis tests: the schemathesis command is not installed (pip install schemathesis): \(why)")
            return false
        }
        return true
    }()

    /// Runs `schemathesis run` against the server at `url` with `token`, bounded in time, in a
    /// temporary folder (it keeps a cache of crashes in the folder it runs in).
    ///
    /// Every check runs but `positive_data_acceptance`: it expects any request the schemas allow
    /// to succeed, while some refusals depend on the data or on parameters together (a map
    /// question or a language the campaign's form lacks, free text asked of a snapshot), which
    /// OpenAPI cannot express; those answer 400 with the JSON error, which the other checks hold.
    static func run(url: String, token: String, seed: UInt32) throws -> ProcessResult {
        let folder = try TemporaryDirectory("doorstep-schemathesis")
        defer { folder.remove() }
        return try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "--chdir", folder.path, "schemathesis", "run", "\(url)/openapi.yaml", "--url", url,
                "--header", "Authorization: Bearer \(token)",
                "--checks", "all", "--exclude-checks", "positive_data_acceptance",
                "--max-examples", String(maxExamples), "--seed", String(seed),
                "--request-timeout", "30", "--generation-database", "none", "--no-color",
            ],
            environment: ["SCHEMATHESIS_TELEMETRY": "false"],
            timeout: 240
        )
    }
}
