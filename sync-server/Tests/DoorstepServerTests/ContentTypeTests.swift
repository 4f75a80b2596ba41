import DoorstepCore
import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// The endpoints that read a JSON body take only bodies declared `application/json` (UTF-8).
@Suite("Request Content-Type")
struct ContentTypeTests {
    /// Content types a push or a resolution is refused with (nil: no header).
    static let refused: [String?] = [
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ", "application/xml",
        "application/json; charset=utf-16", "application/jsonp", "application/vnd.api+json", "", nil,
    ]

    /// Content types a push is accepted with.
    static let accepted = ["application/json", "application/json; charset=utf-8", #"Application/JSON;Charset="UTF-8""#]

    @Test("A push not declared application/json gets 415 naming the type it needs, and stores nothing")
    func pushRefused() throws {
        let live = try RawHTTPServer()
        let body = try RawHTTPServer.pushBody(visits: 1)
        for contentType in Self.refused {
            let answer = try #require(try live.exchange(
                RawHTTPServer.postHead("/v1/push", token: live.fixture.token(.collector), contentType: contentType, length: body.utf8.count) + body
            ))
            #expect(answer.status == 415, "\(contentType ?? "no Content-Type"): \(answer.statusLine) \(answer.text)")
            #expect(answer.json?["error"] as? String == "unsupported_media_type", "\(answer.text)")
            #expect((answer.json?["message"] as? String)?.contains("application/json") == true, "\(answer.text)")
        }
        #expect(try live.loggedOperations() == 0)
    }

    @Test("A chunked push without Content-Type gets 415")
    func chunkedWithoutType() throws {
        let live = try RawHTTPServer()
        let body = try RawHTTPServer.pushBody(visits: 1)
        let head = RawHTTPServer.postHead(
            "/v1/push", token: live.fixture.token(.collector), contentType: nil, length: nil, extra: ["Transfer-Encoding: chunked"]
        )
        let answer = try #require(try live.exchange(head + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n"))
        #expect(answer.status == 415, "\(answer.statusLine) \(answer.text)")
        #expect(try live.loggedOperations() == 0)
    }

    @Test("A push declared application/json, with or without charset=utf-8, is applied")
    func pushAccepted() throws {
        let live = try RawHTTPServer()
        for contentType in Self.accepted {
            let body = try RawHTTPServer.pushBody(visits: 1)
            let answer = try #require(try live.exchange(
                RawHTTPServer.postHead("/v1/push", token: live.fixture.token(.collector), contentType: contentType, length: body.utf8.count) + body
            ))
            #expect(answer.status == 200, "\(contentType): \(answer.statusLine) \(answer.text)")
        }
        #expect(try live.loggedOperations() == Self.accepted.count)
    }

    @Test("An empty push without Content-Type is refused as not JSON (400), not as the wrong type")
    func emptyWithoutType() throws {
        let live = try RawHTTPServer()
        let answer = try #require(try live.exchange(
            RawHTTPServer.postHead("/v1/push", token: live.fixture.token(.collector), contentType: nil, length: 0)
        ))
        #expect(answer.status == 400 && answer.json?["error"] as? String == "bad_request", "\(answer.statusLine) \(answer.text)")
    }

    @Test("A resolution not declared application/json gets 415 and changes nothing")
    func resolutionRefused() throws {
        let live = try RawHTTPServer()
        let body = #"{"value":"very"}"#
        for contentType in ["text/plain", "application/x-www-form-urlencoded", nil] {
            let answer = try #require(try live.exchange(
                RawHTTPServer.postHead("/v1/conflicts/some-conflict/resolve", token: live.fixture.token(.organiser), contentType: contentType, length: body.utf8.count)
                    + body
            ))
            #expect(answer.status == 415, "\(contentType ?? "no Content-Type"): \(answer.statusLine) \(answer.text)")
            #expect(answer.json?["error"] as? String == "unsupported_media_type")
        }
        #expect(try live.loggedOperations() == 0)
    }
}
