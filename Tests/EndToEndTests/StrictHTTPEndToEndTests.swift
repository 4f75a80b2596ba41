import DoorstepCore
import DoorstepWire
import DoorstepTestSupport
import Foundation
import Testing

/// The server's HTTP strictness against a deployment with real laptops: bodies not declared JSON
/// get 415, malformed HTTP a JSON 400 that closes the connection, neither changes anything, the
/// laptops' own client (which sends `application/json`) syncs and resolves, and a curl
/// push that expects `100 Continue` gets it and is applied.
@Suite("Strict HTTP end to end", .serialized)
struct StrictHTTPEndToEndTests {
    @Test("Wrong content types get 415 and malformed HTTP a JSON 400, storing nothing; laptops and curl still push")
    func strictHTTP() throws {
        // Given a server with a response recorded by an officer and a conflict on it
        let server = try FaultServer(addressCount: 4)
        var random = SeededGenerator(seed: 7)
        let scene = try ConflictedResponse(on: server, using: &random, prefix: "strict-")
        let (officer, organiser, response, conflict) = (scene.officer, scene.organiser, scene.response, scene.conflict)
        #expect(try server.count("SELECT COUNT(*) FROM responses") == 1)
        let before = try server.dump()

        // When pushes and resolutions arrive with bodies not declared as JSON
        let push = String(decoding: try JSONEncoder().encode(PushRequest(device: "curl", operations: [visit(at: server)])), as: UTF8.self)
        let resolution = #"{"value":13}"#
        let wrongTypes: [(String, String, String?, String)] = [
            ("/v1/push", officer.token, "text/plain", push),
            ("/v1/push", officer.token, "application/x-www-form-urlencoded", "device=curl&operations="),
            ("/v1/push", officer.token, nil, push),
            ("/v1/push", officer.token, "application/json; charset=iso-8859-1", push),
            ("/v1/conflicts/\(conflict)/resolve", organiser.token, "text/plain", resolution),
            ("/v1/conflicts/\(conflict)/resolve", organiser.token, nil, resolution),
        ]
        for (path, token, contentType, body) in wrongTypes {
            let answer = try exchange(server, post(path, token: token, contentType: contentType, body: body))
            #expect(answer?.status == 415, "\(path) as \(contentType ?? "no type"): \(answer?.statusLine ?? "no answer")")
            #expect(answer?.json?["error"] as? String == "unsupported_media_type")
        }

        // And requests that are not valid HTTP/1.1
        let auth = "Authorization: Bearer \(officer.token)\r\n"
        let malformed = [
            "HELLO\r\n\r\n",
            "GET /v1/whoami HTTP/1.1\r\nHost: x\r\nThis line has no colon\r\n\(auth)\r\n",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 9\r\n\r\n{}{}{}{}{",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n\(push.prefix(16))\r\nZZ\r\n",
        ]
        for request in malformed {
            let connection = try RawHTTPConnection(url: server.url)
            connection.send(request)
            let answer = connection.readResponse()
            #expect(answer?.status == 400, "\(request.prefix(60)): \(answer?.statusLine ?? "no answer")")
            #expect(answer?.json?["error"] as? String == "bad_request", "\(request.prefix(60))")
            #expect(answer?.closesConnection == true && connection.readUntilClosed() == Data(), "\(request.prefix(60)): the connection stayed open")
        }

        // Then nothing changed on the server
        #expect(try server.dump() == before)

        // And the laptops' own client is not refused: a resolution and a sync go through
        try organiser.expect(["resolve", conflict, "--value", "13"])
        try officer.syncUntilDone()
        #expect((try officer.show(response)["answers"] as? [String: Any])?["occupants"] as? Int == 13)

        // And curl's push with Expect: 100-continue gets 100 Continue and is applied
        let visits = try server.count("SELECT COUNT(*) FROM visits")
        let body = try officer.home.write(push, to: "push.json")
        let curl = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/curl"), [
            "-sS", "-v", "--max-time", "60", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Expect: 100-continue",
            "-H", "Authorization: Bearer \(officer.token)", "-H", "Content-Type: application/json",
            "--data-binary", "@\(body)", server.url + "/v1/push",
        ], timeout: 90)
        #expect(curl.stdout == "200", "\(curl.stderr.suffix(400))")
        #expect(curl.stderr.contains("< HTTP/1.1 100 Continue"))
        #expect(try server.count("SELECT COUNT(*) FROM visits") == visits + 1)
        try server.expectSound(FaultSeed("strict-http"))
    }

    /// A knock at the campaign's second door.
    private func visit(at server: FaultServer) -> SyncOperation {
        SyncOperation(
            stamp: HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000), counter: 0, node: "curl"), device: "curl",
            body: .recordVisit(Visit(
                visit: UUID(), campaign: server.campaign, address: server.addresses[1], outcome: .cardLeft, note: nil,
                at: "2026-11-14T10:00:00Z"
            ))
        )
    }

    /// A `POST` with a truthful `Content-Length` (and `Content-Type` unless nil).
    private func post(_ path: String, token: String, contentType: String?, body: String) -> String {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Length: \(body.utf8.count)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        return head + "\r\n" + body
    }

    private func exchange(_ server: FaultServer, _ request: String) throws -> RawHTTPResponse? {
        let connection = try RawHTTPConnection(url: server.url)
        connection.send(request)
        return connection.readResponse()
    }
}
