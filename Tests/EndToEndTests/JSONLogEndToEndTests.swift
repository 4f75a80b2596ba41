import DoorstepTestSupport
import Foundation
import Testing

/// `doorstep sync --log-format json`: everything the overnight job writes on stderr is a JSON line.
@Suite("JSON logs of the overnight sync (real binaries)")
struct JSONLogEndToEndTests {
    @Test("A sync with a rejected change writes only JSON lines on stderr, its final error among them")
    func onlyJSONOnStderr() throws {
        // Given a laptop with one good response and one for a door the server does not have
        let deployment = try Deployment()
        let laptop = try HeldWorkEndToEndTests.standaloneLaptop(
            deployment, campaign: deployment.campaign, walkList: "id,address\nA001,1 Mill Street\nZ999,99 Nowhere Lane\n"
        )
        try laptop.record(campaign: deployment.campaign, address: "Z999", answers: SampleAnswers.declined)
        try laptop.record(campaign: deployment.campaign, address: "A001", answers: SampleAnswers.declined)
        try laptop.expect(["login", "--server", deployment.url, "--token", try deployment.token("collector", name: "officer")])

        // When the job syncs with JSON logs, verbosely
        let sync = try laptop.run(["sync", "--json", "--verbose", "--log-format", "json", "--retry-max-time", "10"])

        // Then it exits 65 as ever, with its summary on stdout
        #expect(sync.status == 65, "\(sync.stderr)")
        #expect(try JSON.object(sync.stdout)["pushed"] as? Int == 2)
        // And every line on stderr is a JSON object with a time, a level and a message
        let lines = sync.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count >= 3, "\(sync.stderr)")
        var entries: [[String: Any]] = []
        for line in lines {
            let entry = try JSON.object(line)
            #expect(entry["time"] is String && entry["level"] is String && entry["message"] is String, "\(line)")
            entries.append(entry)
        }
        #expect(entries.contains { $0["level"] as? String == "warning" && ($0["message"] as? String)?.contains("rejected") == true })
        // The sentence that explains the exit code is the last line, at error level
        let last = try #require(entries.last)
        #expect(last["level"] as? String == "error")
        #expect((last["message"] as? String)?.contains("rejected by the server") == true, "\(last)")
    }

    @Test("Without --log-format the lines on stderr stay text")
    func textByDefault() throws {
        let deployment = try Deployment()
        let laptop = try deployment.device("alice")
        let sync = try laptop.run(["sync", "--verbose", "--retry-max-time", "10"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(!sync.stderr.isEmpty)
        #expect(sync.stderr.split(separator: "\n").allSatisfy { !$0.hasPrefix("{") }, "\(sync.stderr)")
    }
}
