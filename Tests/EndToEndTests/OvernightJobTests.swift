import DoorstepTestSupport
import Foundation
import Testing

/// The overnight sync job's units of `sync-server/deploy/` and the cron line of
/// `docs/operations.md`, run as written (with the built `doorstep` in place of
/// `/usr/local/bin/doorstep`); ``ServiceUnitsTests`` verifies the units with systemd-analyze.
@Suite("The overnight sync job in docs/operations.md")
struct OvernightJobTests {
    static let installedPath = "/usr/local/bin/doorstep"

    /// The crontab block of the operations guide, without comments.
    static func crontab() throws -> [String] {
        let text = try String(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```crontab\n").dropFirst()
        return blocks.flatMap { block in
            (block.components(separatedBy: "```").first ?? "").split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        }
    }

    /// A laptop with a response (and its knock) waiting to be pushed.
    private func laptopWithWork(_ deployment: Deployment) throws -> Device {
        let alice = try deployment.device("alice")
        try alice.sync()
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.declined)
        return alice
    }

    @Test("The service's command syncs")
    func serviceCommand() throws {
        let service = try String(
            contentsOf: BuiltProducts.packageRoot.appendingPathComponent("sync-server/deploy/doorstep-sync.service"), encoding: .utf8
        )
        // Given a laptop with work to push: ExecStart, run as systemd would, pushes it and prints the summary
        let execStart = try #require(service.components(separatedBy: "\n").first { $0.hasPrefix("ExecStart=") })
        let words = execStart.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(words.first == Self.installedPath)
        let deployment = try Deployment()
        let alice = try laptopWithWork(deployment)
        let result = try ProcessRunner.run(BuiltProducts.executable("doorstep"), Array(words.dropFirst()), environment: alice.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try JSON.object(result.stdout)["pushed"] as? Int ?? 0 > 0)
        #expect(try JSON.object(try alice.expect(["status", "--json"]))["pending"] as? Int == 0)
    }

    @Test("The cron line syncs, retries on 75 at most four times, and stops at once on 77")
    func cronLine() throws {
        let crontab = try Self.crontab()
        #expect(crontab.count == 1)
        let line = try #require(crontab.first)
        let fields = line.split(separator: " ", maxSplits: 5).map(String.init)
        #expect(fields.count == 6)
        #expect(fields.prefix(5) == ["30", "2", "*", "*", "*"])
        let command = fields[5].replacingOccurrences(of: Self.installedPath, with: BuiltProducts.executable("doorstep").path)
        let shell = URL(fileURLWithPath: "/bin/sh")

        // Given a laptop with work to push: the line as written syncs it, silently
        let deployment = try Deployment()
        let alice = try laptopWithWork(deployment)
        let done = try ProcessRunner.run(shell, ["-c", command], environment: alice.environment)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.isEmpty)
        #expect(try JSON.object(try alice.expect(["status", "--json"]))["pending"] as? Int == 0)

        // With the waits shortened: a stopped server is tried four times, then the line gives up
        let quick = command
            .replacingOccurrences(of: "sleep 900", with: "sleep 0")
            .replacingOccurrences(of: " sync --quiet", with: " sync --quiet --retry-max-time 0")
        #expect(quick != command)
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[1], answers: SampleAnswers.declined)
        deployment.stopServer()
        let down = try ProcessRunner.run(shell, ["-c", quick], environment: alice.environment)
        #expect(down.stderr.components(separatedBy: "Cannot reach").count - 1 == 4, "\(down.stderr)")

        // A refused token is not retried
        try deployment.restartServer(port: URL(string: deployment.url)?.port ?? 0)
        try deployment.revoke(alice.token)
        let refused = try ProcessRunner.run(shell, ["-c", quick], environment: alice.environment)
        #expect(refused.stderr.components(separatedBy: "refused the token").count - 1 == 1, "\(refused.stderr)")
    }
}
