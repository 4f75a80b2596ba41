import DoorstepTestSupport
import Foundation
import GRDB
import Testing

/// A sync with no server at the other end: the laptop says so at once instead of retrying for minutes.
@Suite("Sync with no server")
struct NoServerTests {
    @Test("A sync to a port nothing listens on gives up within seconds with one line, exit 75")
    func noServer() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        try fixture.record(#"{"consent": "no", "concern": "no"}"#)
        // Given a laptop enrolled with a server that is not there
        let port = try closedLoopbackPort()
        let server = "http://127.0.0.1:\(port)"
        let queue = try DatabaseQueue(path: fixture.directory.appending("home").appendingPathComponent("doorstep.sqlite").path)
        try queue.write { db in
            try db.execute(sql: "UPDATE device SET server = ?, token = 'token', role = 'collector'", arguments: [server])
        }
        let pending = try #require(try fixture.json(["status", "--json"]) as? [String: Any])["pending"] as? Int ?? 0
        #expect(pending > 0)

        // When it syncs
        let started = ContinuousClock.now
        let result = try fixture.run(["sync"])
        let took = ContinuousClock.now - started

        // Then it exits 75 at once, with one line saying why and that nothing is lost
        #expect(result.status == 75)
        #expect(took < .seconds(10), "took \(took)")
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == "Cannot reach \(server) (connection refused); your \(pending) pending changes are safe on this laptop. Try again later.\n",
            "\(result.stderr)"
        )

        // A job that asks to wait keeps retrying for as long as it asked
        let patient = ContinuousClock.now
        let waited = try fixture.run(["sync", "--retry-max-time", "2"])
        #expect(waited.status == 75)
        #expect(ContinuousClock.now - patient >= .milliseconds(250))
        #expect(waited.stderr.contains("Retrying"), "\(waited.stderr)")
        #expect(waited.stderr.hasSuffix("Try again later.\n"), "\(waited.stderr)")
    }

    @Test("Login to a plain http address off this machine warns that answers would cross the network unencrypted")
    func plainHTTPOffThisMachineWarns() throws {
        let fixture = try CLIFixture()
        defer { fixture.remove() }
        // An empty token stops the login before any connection, after the address is judged.
        for (server, warns) in [
            ("http://doorstep.example.org", true), ("http://192.0.2.10:8080", true), ("HTTP://Doorstep.Example.ORG/", true),
            ("https://doorstep.example.org", false), ("http://127.0.0.1:8080", false), ("http://localhost:8080", false),
            ("http://[::1]:8080", false),
        ] {
            let result = try fixture.run(["login", "--server", server, "--token", "-"], input: "\n")
            #expect(result.status == 64, "\(server): \(result.stderr)")
            #expect(result.stderr.contains("unencrypted") == warns, "\(server): \(result.stderr)")
        }
    }
}
