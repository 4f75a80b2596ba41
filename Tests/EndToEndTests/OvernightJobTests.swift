import DoorstepTestSupport
import Foundation
import Testing

/// The systemd units and the cron line of `docs/operations.md`, run as written (with the built
/// `doorstep` in place of `/usr/local/bin/doorstep`).
@Suite("The overnight sync job in docs/operations.md")
struct OvernightJobTests {
    static let installedPath = "/usr/local/bin/doorstep"
    static let systemdAnalyze = "/usr/bin/systemd-analyze"

    /// The fenced blocks of the operations guide: files named in the line before them, and the crontab.
    struct Guide {
        var files: [String: String] = [:]
        var crontab: [String] = []

        init() throws {
            let text = try String(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
            let lines = text.components(separatedBy: "\n")
            var index = 0
            var lastNamed: String?
            while index < lines.count {
                let line = lines[index]
                if line.hasPrefix("`~/.config/systemd/user/"), let end = line.dropFirst().firstIndex(of: "`") {
                    lastNamed = String(line[line.index(after: line.startIndex)..<end]).components(separatedBy: "/").last
                }
                if line.hasPrefix("```"), line.count > 3 {
                    let info = line.dropFirst(3)
                    var body: [String] = []
                    index += 1
                    while index < lines.count, !lines[index].hasPrefix("```") {
                        body.append(lines[index])
                        index += 1
                    }
                    if info == "ini", let name = lastNamed { files[name] = body.joined(separator: "\n") + "\n" }
                    if info == "crontab" { crontab = body.filter { !$0.isEmpty && !$0.hasPrefix("#") } }
                    lastNamed = nil
                }
                index += 1
            }
        }
    }

    /// A laptop with a response (and its knock) waiting to be pushed.
    private func laptopWithWork(_ deployment: Deployment) throws -> Device {
        let alice = try deployment.device("alice")
        try alice.sync()
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.declined)
        return alice
    }

    @Test("The service and timer pass systemd-analyze verify, and the service's command syncs",
          .enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze)))
    func systemdUnits() throws {
        let guide = try Guide()
        let service = try #require(guide.files["doorstep-sync.service"])
        let timer = try #require(guide.files["doorstep-sync.timer"])
        #expect(service.contains("ExecStart=\(Self.installedPath) "))

        // Given the units as written, pointing at the built binary
        let folder = try TemporaryDirectory("doorstep-units")
        defer { folder.remove() }
        let built = BuiltProducts.executable("doorstep").path
        let servicePath = try folder.write(service.replacingOccurrences(of: Self.installedPath, with: built), to: "doorstep-sync.service")
        let timerPath = try folder.write(timer, to: "doorstep-sync.timer")

        // Then systemd finds nothing to complain about
        let verify = try ProcessRunner.run(URL(fileURLWithPath: Self.systemdAnalyze), ["verify", "--man=no", servicePath, timerPath])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stderr.isEmpty, "\(verify.stderr)")

        // And ExecStart, run as systemd would, pushes the waiting response and prints the summary
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
        let guide = try Guide()
        #expect(guide.crontab.count == 1)
        let line = try #require(guide.crontab.first)
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
