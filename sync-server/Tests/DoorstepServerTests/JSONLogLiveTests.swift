import DoorstepTestSupport
import Foundation
import Testing

/// `doorstep-server serve --log-format json`, on the real binary.
@Suite("JSON logs of the doorstep-server process")
struct JSONLogLiveTests {
    @Test("With --log-format json every line on stderr is a JSON object; request lines carry id, route, method, status and duration")
    func jsonRequestLog() throws {
        let prepared = try LiveServerTests.Prepared()
        let server = try RunningServer(data: prepared.data, arguments: ["--log-format", "json"])
        #expect(try LiveServerTests.curl("GET", server.url + "/healthz", token: nil).status == 200)
        let body = try LiveServerTests.pushBody(LiveServerTests.creates(2), in: prepared.directory, name: "two.json")
        #expect(try LiveServerTests.curl("POST", server.url + "/v1/push", token: prepared.token, bodyFile: body).status == 200)
        let settle = try prepared.directory.write(#"{"value":"very"}"#, to: "settle.json")
        let forbidden = try LiveServerTests.curl("POST", server.url + "/v1/conflicts/0123456789ab/resolve", token: prepared.token, bodyFile: settle)
        #expect(forbidden.status == 403)
        #expect(server.stop() == 0)

        let lines = server.log().split(separator: "\n").map(String.init)
        var requests: [[String: Any]] = []
        for line in lines {
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(entry["time"] is String && entry["level"] is String && entry["message"] is String, "\(line)")
            if entry["route"] != nil { requests.append(entry) }
        }
        #expect(requests.count == 3, "\(lines)")
        for request in requests {
            #expect((request["request_id"] as? String)?.isEmpty == false, "\(request)")
            #expect(request["method"] is String && request["status"] is Int && request["duration_ms"] is Double, "\(request)")
        }
        let routes = requests.map { "\($0["method"] ?? "") \($0["route"] ?? "") \($0["status"] ?? "")" }
        #expect(routes == ["GET /healthz 200", "POST /v1/push 200", "POST /v1/conflicts/{id}/resolve 403"])
        // The path with the id stays in the message, which is for people, never in the route
        #expect((requests.last?["message"] as? String)?.contains("0123456789ab") == true)
    }
}
