import DoorstepCore
import DoorstepWire
import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// `Expect: 100-continue` (RFC 9110 §10.1.1) against the real server: `100 Continue` once the
/// body is wanted and only when asked for; refusals come before it and close the connection.
@Suite("Expect: 100-continue")
struct ExpectContinueTests {
    @Test("A push that expects 100-continue gets it, sends its body, is applied, and the connection stays usable")
    func continueThenBody() throws {
        let live = try RawHTTPServer()
        let body = try RawHTTPServer.pushBody(visits: 3)
        let connection = try live.connect()

        // When only the head is sent, asking to continue
        connection.send(RawHTTPServer.postHead(
            "/v1/push", token: live.fixture.token(.collector), length: body.utf8.count, extra: ["Expect: 100-continue"]
        ))

        // Then the server answers 100 Continue before the body
        let interim = try #require(connection.readResponse())
        #expect(interim.statusLine == "HTTP/1.1 100 Continue")
        connection.send(body)
        let final = try #require(connection.readResponse())
        #expect(final.status == 200, "\(final.text)")
        let answer = try JSONDecoder().decode(PushResponse.self, from: final.body)
        #expect(answer.results.count == 3 && answer.results.allSatisfy { $0.status == .applied })
        #expect(!final.closesConnection)

        // And the same connection takes another request
        connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(connection.readResponse()?.status == 200)
        #expect(try live.loggedOperations() == 3)
    }

    @Test("A request that does not ask gets no 100 Continue")
    func noContinueUnasked() throws {
        let live = try RawHTTPServer()
        let body = try RawHTTPServer.pushBody(visits: 1)
        let answer = try #require(try live.exchange(
            RawHTTPServer.postHead("/v1/push", token: live.fixture.token(.collector), length: body.utf8.count) + body
        ))
        #expect(answer.status == 200, "\(answer.statusLine) \(answer.text)")
    }

    @Test("A client that sends its body without waiting is answered once, with at most a 100 Continue first")
    func clientThatDoesNotWait() throws {
        let live = try RawHTTPServer()
        let body = try RawHTTPServer.pushBody(visits: 2)
        let connection = try live.connect()
        connection.send(RawHTTPServer.postHead(
            "/v1/push", token: live.fixture.token(.collector), length: body.utf8.count, extra: ["Expect: 100-continue"]
        ) + body)
        var answer = try #require(connection.readResponse())
        if answer.status == 100 { answer = try #require(connection.readResponse()) }
        #expect(answer.status == 200, "\(answer.text)")
        #expect(try live.loggedOperations() == 2)
    }

    /// Requests refused before their body is read: the head alone is sent.
    static let refusals: [(label: String, status: Int, error: String, head: @Sendable (ServerFixture) -> String)] = [
        ("unknown token", 401, "unauthorized", { _ in
            RawHTTPServer.postHead("/v1/push", token: "dst_unknown", length: 100, extra: ["Expect: 100-continue"])
        }),
        ("viewer pushes", 403, "forbidden", { fixture in
            RawHTTPServer.postHead("/v1/push", token: fixture.token(.viewer), length: 100, extra: ["Expect: 100-continue"])
        }),
        ("text/plain", 415, "unsupported_media_type", { fixture in
            RawHTTPServer.postHead("/v1/push", token: fixture.token(.collector), contentType: "text/plain", length: 100, extra: ["Expect: 100-continue"])
        }),
        ("body over 16 MiB", 413, "payload_too_large", { fixture in
            RawHTTPServer.postHead("/v1/push", token: fixture.token(.collector), length: 17 * 1_048_576, extra: ["Expect: 100-continue"])
        }),
        ("unknown path", 404, "not_found", { fixture in
            RawHTTPServer.postHead("/v1/nowhere", token: fixture.token(.collector), length: 100, extra: ["Expect: 100-continue"])
        }),
        ("expectation written in capitals", 401, "unauthorized", { _ in
            RawHTTPServer.postHead("/v1/push", token: nil, length: 100, extra: ["Expect: 100-Continue"])
        }),
    ]

    @Test("A request refused before its body is read gets its JSON error instead of 100 Continue, and the connection closes")
    func refusedBeforeTheBody() throws {
        let live = try RawHTTPServer()
        for refusal in Self.refusals {
            let connection = try live.connect()
            connection.send(refusal.head(live.fixture))
            let answer = try #require(connection.readResponse(), "no answer to \(refusal.label)")
            #expect(answer.status == refusal.status, "\(refusal.label): \(answer.statusLine) \(answer.text)")
            #expect(answer.json?["error"] as? String == refusal.error, "\(refusal.label): \(answer.text)")
            #expect(answer.closesConnection, "\(refusal.label) did not say Connection: close")
            #expect(connection.readUntilClosed() == Data(), "\(refusal.label): the connection stayed open or said more")
        }
        #expect(try live.loggedOperations() == 0)
    }

    @Test("curl's push of 2 MB (sent with Expect: 100-continue) is answered 100 Continue and applied")
    func curlLargePush() throws {
        let live = try RawHTTPServer()
        let directory = try TemporaryDirectory("expect")
        let body = try directory.write(try RawHTTPServer.pushBody(visits: 4_000, note: String(repeating: "n", count: 400)), to: "push.json")
        #expect(try FileManager.default.attributesOfItem(atPath: body)[.size] as? Int ?? 0 > 2_000_000)
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/curl"), [
            "-sS", "-v", "--max-time", "60", "-o", "/dev/null", "-w", "%{http_code}",
            "-H", "Authorization: Bearer \(live.fixture.token(.collector))", "-H", "Content-Type: application/json",
            "--data-binary", "@\(body)", live.server.url + "/v1/push",
        ], timeout: 90)
        #expect(result.status == 0 && result.stdout == "200", "\(result.stdout) \(result.stderr.suffix(500))")
        #expect(result.stderr.contains("> Expect: 100-continue"))
        #expect(result.stderr.contains("< HTTP/1.1 100 Continue"))
        #expect(try live.loggedOperations() == 4_000)
    }
}
