import DoorstepCore
import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// Requests that are not valid HTTP/1.1, sent as raw bytes to the real server: each gets a 400
/// with the JSON error body and `Connection: close`, the connection closes, nothing is stored,
/// and the server goes on serving.
@Suite("Malformed HTTP")
struct MalformedHTTPTests {
    /// Requests whose head (or framing) SwiftNIO's parser refuses.
    static func malformedHeads(token: String) -> [(label: String, bytes: Data)] {
        let auth = "Authorization: Bearer \(token)\r\n"
        var cases: [(String, Data)] = [
            ("a garbage request line", "HELLO THERE\r\n\r\n"),
            ("a method HTTP does not have", "FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("a request line with no target", "GET\r\n\r\n"),
            ("an HTTP version that does not exist", "GET /v1/whoami HTTP/9.9\r\nHost: x\r\n\(auth)\r\n"),
            ("a header line without a colon", "GET /v1/whoami HTTP/1.1\r\nHost: x\r\nThis line has no colon\r\n\(auth)\r\n"),
            ("a space in a header name", "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"),
            ("a Content-Length that is not a number", "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: abc\r\n\r\n{}"),
            ("a negative Content-Length", "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: -1\r\n\r\n{}"),
            ("two Content-Lengths", "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: 5\r\nContent-Length: 9\r\n\r\n{}{}{}{}{"),
            ("Content-Length with chunked", "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            ("headers over 80 KiB", "GET /v1/whoami HTTP/1.1\r\nHost: x\r\nX-Filler: \(String(repeating: "A", count: 100_000))\r\n\(auth)\r\n"),
            ("an HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ].map { ($0.0, Data($0.1.utf8)) }
        var invalidBytes = Data("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ".utf8)
        invalidBytes.append(contentsOf: [0xFF, 0x00, 0xFE])
        invalidBytes.append(Data("\r\n\r\n".utf8))
        cases.append(("NUL and invalid bytes in a header", invalidBytes))
        return cases
    }

    @Test("A request SwiftNIO cannot parse gets a JSON 400 with Connection: close, and the connection closes")
    func malformedHeadsGetJSON() throws {
        let live = try RawHTTPServer()
        for (label, bytes) in Self.malformedHeads(token: live.fixture.token(.collector)) {
            let connection = try live.connect()
            connection.send(bytes)
            let answer = try #require(connection.readResponse(), "no answer to \(label)")
            #expect(answer.status == 400, "\(label): \(answer.statusLine)")
            #expect(answer.headers["content-type"] == "application/json; charset=utf-8", "\(label)")
            #expect(answer.json?["error"] as? String == "bad_request", "\(label): \(answer.text)")
            #expect((answer.json?["message"] as? String)?.hasSuffix(".") == true, "\(label): \(answer.text)")
            #expect(answer.closesConnection, "\(label) did not say Connection: close")
            #expect(connection.readUntilClosed() == Data(), "\(label): the connection stayed open or said more")
        }
        #expect(try live.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")?.status == 200)
        #expect(try live.loggedOperations() == 0)
        #expect(live.server.log().contains("Malformed request from"))
    }

    @Test("A push whose chunked body breaks gets a 400 naming the body, not a 413, and stores nothing")
    func brokenChunkedPush() throws {
        let live = try RawHTTPServer()
        let body = try RawHTTPServer.pushBody(visits: 2)
        let head = RawHTTPServer.postHead("/v1/push", token: live.fixture.token(.collector), length: nil, extra: ["Transfer-Encoding: chunked"])
        let chunks = [
            ("a chunk size that is not hex", String(format: "%x\r\n", 20) + body.prefix(20) + "\r\nZZ\r\n" + body.dropFirst(20) + "\r\n0\r\n\r\n"),
            ("a chunk longer than its size", "5\r\n" + body + "\r\n0\r\n\r\n"),
        ]
        for (label, chunked) in chunks {
            let connection = try live.connect()
            connection.send(head + chunked)
            let answer = try #require(connection.readResponse(), "no answer to \(label)")
            #expect(answer.status == 400, "\(label): \(answer.statusLine) \(answer.text)")
            #expect(answer.json?["error"] as? String == "bad_request", "\(label): \(answer.text)")
            #expect(answer.closesConnection, "\(label)")
            #expect(connection.readUntilClosed() == Data(), "\(label): the connection stayed open or said more")
        }
        #expect(try live.loggedOperations() == 0)
    }

    @Test("A body cut short by the client closing gets a 400 and stores nothing")
    func bodyCutShort() throws {
        let live = try RawHTTPServer()
        let body = try RawHTTPServer.pushBody(visits: 2)
        let connection = try live.connect()
        connection.send(RawHTTPServer.postHead("/v1/push", token: live.fixture.token(.collector), length: body.utf8.count) + body.prefix(body.utf8.count / 2))
        connection.finishSending()
        let answer = try #require(connection.readResponse())
        #expect(answer.status == 400, "\(answer.statusLine) \(answer.text)")
        #expect(answer.json?["message"] as? String == "The connection ended before the request was complete.")
        #expect(try live.loggedOperations() == 0)
    }

    @Test("A broken body on a route that never reads it gets one answer, not a second bare 400")
    func brokenBodyUnread() throws {
        let live = try RawHTTPServer()
        let connection = try live.connect()
        connection.send("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n")
        let answer = try #require(connection.readResponse())
        #expect((400..<500).contains(answer.status), "\(answer.statusLine)")
        #expect(answer.json?["error"] is String, "\(answer.text)")
        #expect(answer.closesConnection)
        #expect(connection.readUntilClosed() == Data())
    }

    @Test("A good request followed by garbage on the same connection: the first is answered, then the JSON 400")
    func garbageAfterAGoodRequest() throws {
        let live = try RawHTTPServer()
        let connection = try live.connect()
        connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nNONSENSE\r\n\r\n")
        let first = try #require(connection.readResponse())
        #expect(first.status == 200 && first.json?["status"] as? String == "ok")
        let second = try #require(connection.readResponse())
        #expect(second.status == 400 && second.json?["error"] as? String == "bad_request", "\(second.statusLine) \(second.text)")
        #expect(second.closesConnection)
        #expect(connection.readUntilClosed() == Data())
    }
}
