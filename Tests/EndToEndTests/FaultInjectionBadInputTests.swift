import DoorstepCore
import DoorstepWire
import DoorstepTestSupport
import Foundation
import Testing

/// A generated corpus of malformed, truncated, oversized, wrongly typed and hostile requests
/// against every endpoint, sent over raw sockets: each gets a 4xx with a JSON error body, the
/// server never answers 5xx nor dies, and its database does not change.
@Suite("Fault injection: bad input", .serialized)
struct FaultInjectionBadInputTests {
    /// Random mutations of a valid push per trial (on top of the fixed families of the corpus).
    static let mutations = 150

    @Test("Malformed, oversized and hostile requests get a 4xx JSON error and change nothing")
    func hostileRequests() throws {
        let seed = FaultSeed("bad-input")
        for trial in 0..<FaultBudget.trials {
            var random = seed.generator(trial: trial)
            try runTrial(trial, seed: seed, random: &random)
        }
    }

    private func runTrial(_ trial: Int, seed: FaultSeed, random: inout SeededGenerator) throws {
        // Given a server holding responses, a conflict, and tokens of every role (one revoked)
        let server = try FaultServer(addressCount: 10)
        let scene = try ConflictedResponse(on: server, using: &random)
        let (officer, organiser, response, conflict) = (scene.officer, scene.organiser, scene.response, scene.conflict)
        let revoked = try server.token("collector", name: "revoked")
        try FaultServer.admin(["tokens", "revoke", "--data", server.data.path, revoked])
        let tokens = CorpusTokens(
            collector: officer.token, organiser: organiser.token, viewer: try server.token("viewer", name: "viewer"),
            admin: try server.token("admin", name: "admin"), revoked: revoked
        )
        let corpus = BadInputCorpus(
            tokens: tokens, campaign: server.campaign, address: server.addresses[1], form: server.formID,
            response: response, conflict: conflict
        )
        let families = try corpus.families(mutations: Self.mutations * (FaultBudget.isLong ? 4 : 1), using: &random)
        let before = try server.dump()

        // When every request of the corpus is sent
        var sent = 0
        var statuses: [Int: Int] = [:]
        for (family, requests) in families {
            for request in requests {
                sent += 1
                let answer = try rawExchange(port: server.port, request.bytes)
                guard let answer else {
                    Issue.record("no answer to \(family): \(request.label) (\(seed))")
                    continue
                }
                statuses[answer.status, default: 0] += 1
                #expect((400..<500).contains(answer.status),
                        "\(family): \(request.label) answered \(answer.status) to \(String(decoding: (request.body ?? Data()).prefix(600), as: UTF8.self)) (\(seed))")
                let body = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
                #expect(body?["error"] is String && body?["message"] is String,
                        "\(family): \(request.label) answered \(answer.status) without a JSON error: \(String(decoding: answer.body.prefix(200), as: UTF8.self)) (\(seed))")
            }
            #expect(server.isRunning, "the server died during \(family) (\(seed))")
            let after = try server.dump()
            #expect(after == before, "the database changed during \(family) (\(seed))")
            guard server.isRunning, after == before else { break }
        }

        // And broken HTTP framing gets a 4xx or a closed connection, never a 5xx, and the server lives on
        var framing = 0
        for request in corpus.brokenFraming(using: &random) {
            framing += 1
            let answer = try rawExchange(port: server.port, request, timeout: 10)
            if let answer {
                statuses[answer.status, default: 0] += 1
                #expect((400..<500).contains(answer.status), "broken framing answered \(answer.status): \(String(decoding: request.prefix(80), as: UTF8.self)) (\(seed))")
            }
        }
        let health = try rawExchange(port: server.port, RawRequest(label: "health", method: "GET", target: "/healthz").bytes)
        #expect(health?.status == 200, "the server does not answer /healthz after the corpus (\(seed))")
        #expect(try server.dump() == before, "the database changed (\(seed))")
        try server.expectSound(seed)
        print("fault-injection bad-input trial \(trial): \(sent) requests in \(families.count) families and \(framing) broken framings; statuses \(statuses.sorted { $0.key < $1.key })")
    }
}

/// The tokens the corpus uses.
struct CorpusTokens {
    var collector: String
    var organiser: String
    var viewer: String
    var admin: String
    var revoked: String
}

/// Builds the requests of the bad-input corpus; every one must be refused with a 4xx.
struct BadInputCorpus {
    let tokens: CorpusTokens
    let campaign: String
    let address: String
    let form: String
    let response: String
    let conflict: String

    /// Every `/v1` route as a client calls it, with the token of a role it admits.
    var routes: [(method: String, path: String, token: String)] {
        [
            ("GET", "/v1/whoami", tokens.collector), ("GET", "/v1/forms", tokens.collector),
            ("GET", "/v1/campaigns", tokens.collector), ("POST", "/v1/push", tokens.collector),
            ("GET", "/v1/pull?cursor=0&limit=10", tokens.collector), ("GET", "/v1/conflicts", tokens.organiser),
            ("POST", "/v1/conflicts/\(conflict)/resolve", tokens.organiser),
            ("GET", "/v1/campaigns/\(campaign)/aggregates", tokens.organiser),
            ("GET", "/v1/campaigns/\(campaign)/export?format=json", tokens.organiser),
            ("GET", "/v1/campaigns/\(campaign)/report", tokens.organiser), ("GET", "/v1/audit", tokens.admin),
        ]
    }

    private func request(_ label: String, _ method: String, _ target: String, token: String?, contentType: String? = "application/json", body: Data? = nil) -> RawRequest {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil, let contentType { headers.append(("Content-Type", contentType)) }
        return RawRequest(label: label, method: method, target: target, headers: headers, body: body)
    }

    /// A valid push of one new response: what the mutations start from.
    func validPush() throws -> Data {
        let stamp = HLCTimestamp(physical: Int64(Date().timeIntervalSince1970 * 1000), counter: 0, node: "corpus")
        let new = NewResponse(
            response: UUID(), campaign: campaign, address: address, form: form, formVersion: "1", recordedAt: "2026-01-01T10:00:00Z",
            answers: ["consent": .text("no"), "safeguarding_concern": .text("no"), "occupants": .integer(2)]
        )
        let operation = SyncOperation(stamp: stamp, device: "corpus", body: .createResponse(new))
        return try JSONEncoder().encode(PushRequest(device: "corpus", operations: [operation]))
    }

    /// The corpus, family by family.
    func families(mutations: Int, using random: inout SeededGenerator) throws -> [(String, [RawRequest])] {
        let push = try validPush()
        let pushText = String(decoding: push, as: UTF8.self)
        var families: [(String, [RawRequest])] = []

        // Missing, malformed, unknown, revoked and hostile tokens, on every route
        let badAuthorizations: [(String, String?)] = [
            ("no Authorization", nil), ("empty bearer", "Bearer "), ("bearer only", "Bearer"), ("basic", "Basic b2ZmaWNlcjpzZWNyZXQ="),
            ("unknown token", "Bearer dst_" + String(repeating: "0", count: 64)), ("revoked token", "Bearer \(tokens.revoked)"),
            ("SQL in token", "Bearer ' OR '1'='1' --"), ("SQL union", "Bearer x' UNION SELECT hash FROM tokens --"),
            ("8 KB token", "Bearer " + String(repeating: "A", count: 8_192)), ("two tokens", "Bearer \(tokens.revoked) \(tokens.collector)"),
            ("token with NUL escape", "Bearer \(tokens.collector)%00"),
        ]
        families.append(("tokens", routes.flatMap { route in
            badAuthorizations.map { label, value in
                var request = self.request("\(label) on \(route.method) \(route.path)", route.method, route.path, token: nil,
                                           body: route.method == "POST" ? push : nil)
                if let value { request.headers.append(("Authorization", value)) }
                return request
            }
        }))

        // Valid tokens of roles a route does not admit
        families.append(("roles", [
            request("viewer pushes", "POST", "/v1/push", token: tokens.viewer, body: push),
            request("collector lists conflicts", "GET", "/v1/conflicts", token: tokens.collector),
            request("collector resolves", "POST", "/v1/conflicts/\(conflict)/resolve", token: tokens.collector, body: Data(#"{"value":5}"#.utf8)),
            request("viewer resolves", "POST", "/v1/conflicts/\(conflict)/resolve", token: tokens.viewer, body: Data(#"{"value":5}"#.utf8)),
            request("collector exports", "GET", "/v1/campaigns/\(campaign)/export?format=json", token: tokens.collector),
            request("viewer exports", "GET", "/v1/campaigns/\(campaign)/export?format=csv", token: tokens.viewer),
            request("collector reads aggregates", "GET", "/v1/campaigns/\(campaign)/aggregates", token: tokens.collector),
            request("organiser reads the audit log", "GET", "/v1/audit", token: tokens.organiser),
            request("collector reads the report", "GET", "/v1/campaigns/\(campaign)/report", token: tokens.collector),
        ]))

        // Push bodies that are not a push: not JSON, wrong shapes, wrong types, hostile values
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepObject = String(repeating: #"{"a":"#, count: 20_000) + "1" + String(repeating: "}", count: 20_000)
        let operation = #"{"id":"\#(UUID().uuidString)","type":"visit","stamp":"0001767261600000-0000-corpus","device":"corpus","payload":"#
        let visit = #"{"visit":"\#(UUID().uuidString)","campaign":"\#(campaign)","address":"\#(address)","outcome":"no-answer","at":"2026-01-01T10:00:00Z"}"#
        var bodies: [(String, Data)] = [
            ("empty body", Data()), ("null", Data("null".utf8)), ("an array", Data("[]".utf8)), ("an empty object", Data("{}".utf8)),
            ("a number", Data("42".utf8)), ("a string", Data(#""push""#.utf8)), ("true", Data("true".utf8)),
            ("trailing garbage", Data((pushText + "xyz").utf8)), ("two documents", Data((pushText + pushText).utf8)),
            ("byte order mark", Data([0xEF, 0xBB, 0xBF]) + Data(#"{"device":"corpus","operations":7}"#.utf8)),
            ("UTF-16", #"{"device":"corpus","operations":7}"#.data(using: .utf16) ?? Data()),
            ("NUL bytes", Data([0, 0, 0, 0])), ("random bytes", Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &random) })),
            ("deeply nested arrays", Data(deep.utf8)), ("deeply nested objects", Data(deepObject.utf8)),
            ("deep operations", Data(#"{"device":"corpus","operations":\#(deep)}"#.utf8)),
            ("device a number", Data(#"{"device":5,"operations":[]}"#.utf8)),
            ("operations an object", Data(#"{"device":"corpus","operations":{}}"#.utf8)),
            ("operations a string", Data(#"{"device":"corpus","operations":"all"}"#.utf8)),
            ("operations of numbers", Data(#"{"device":"corpus","operations":[1,2,3]}"#.utf8)),
            ("operations missing", Data(#"{"device":"corpus"}"#.utf8)),
            ("operation id not a UUID", Data(#"{"device":"corpus","operations":[\#(operation.replacingOccurrences(of: #""id":""#, with: #""id":"1' OR '1'='1"#))\#(visit)}]}"#.utf8)),
            ("operation type unknown", Data(#"{"device":"corpus","operations":[\#(operation.replacingOccurrences(of: #""visit""#, with: #""drop.table""#))\#(visit)}]}"#.utf8)),
            ("stamp malformed", Data(#"{"device":"corpus","operations":[\#(operation.replacingOccurrences(of: "0001767261600000-0000-corpus", with: "yesterday"))\#(visit)}]}"#.utf8)),
            ("payload missing", Data(#"{"device":"corpus","operations":[\#(operation)null}]}"#.utf8)),
            ("payload an array", Data(#"{"device":"corpus","operations":[\#(operation)[]}]}"#.utf8)),
            ("visit outcome unknown", Data(#"{"device":"corpus","operations":[\#(operation)\#(visit.replacingOccurrences(of: "no-answer", with: "burgled"))}]}"#.utf8)),
            ("answer an object", Data(pushText.replacingOccurrences(of: #""consent":"no""#, with: #""consent":{"$ne":null}"#).utf8)),
            ("answer true", Data(pushText.replacingOccurrences(of: #""consent":"no""#, with: #""consent":true"#).utf8)),
            ("answer null", Data(pushText.replacingOccurrences(of: #""consent":"no""#, with: #""consent":null"#).utf8)),
            ("answer a list of numbers", Data(pushText.replacingOccurrences(of: #""consent":"no""#, with: #""consent":[1,2]"#).utf8)),
            ("answer deeply nested", Data(pushText.replacingOccurrences(of: #""consent":"no""#, with: #""consent":\#(deep)"#).utf8)),
            ("answers an array", Data(pushText.replacingOccurrences(of: #""answers":{"#, with: #""answers":[{"#).utf8)),
            ("number too large", Data(pushText.replacingOccurrences(of: #""occupants":2"#, with: #""occupants":1e999999"#).utf8)),
            ("huge integer for a boolean", Data(pushText.replacingOccurrences(of: #""safeguarding":false"#, with: #""safeguarding":99999999999999999999999999"#).utf8)),
            ("safeguarding a string", Data(pushText.replacingOccurrences(of: #""safeguarding":false"#, with: #""safeguarding":"no""#).utf8)),
            ("unterminated string", Data(#"{"device":"corp"#.utf8)),
            ("bad escape", Data(#"{"device":"\x41","operations":[]}"#.utf8)),
            ("lone surrogate escape", Data(#"{"device":"\ud800","operations":[],"x":}"#.utf8)),
        ]
        var invalidUTF8 = Data(pushText.replacingOccurrences(of: #""device":"corpus""#, with: #""device":"corpus-XX""#).utf8)
        if let range = invalidUTF8.range(of: Data("XX".utf8)) { invalidUTF8.replaceSubrange(range, with: [0xFF, 0xFE]) }
        bodies.append(("invalid UTF-8 in the device name", invalidUTF8))
        var overlong = Data(pushText.replacingOccurrences(of: #""consent":"no""#, with: #""consent":"nXX""#).utf8)
        if let range = overlong.range(of: Data("XX".utf8)) { overlong.replaceSubrange(range, with: [0xC0, 0xAF]) }
        bodies.append(("overlong UTF-8 in an answer", overlong))
        bodies.append(("a 1 MB string in a bad body", Data(#"{"device":"\#(String(repeating: "x", count: 1_000_000))","operations":7}"#.utf8)))
        bodies.append(("17 MiB body", Data(count: 17 * 1024 * 1024)))
        families.append(("push bodies", bodies.map { label, body in
            request(label, "POST", "/v1/push", token: tokens.collector, body: body)
        }))

        // More operations than one push may carry (every one well formed): refused before any is applied
        let many = try JSONEncoder().encode(PushRequest(device: "corpus", operations: (0...5_000).map { _ in
            SyncOperation(
                stamp: HLCTimestamp(physical: 1_767_261_600_000, counter: 0, node: "corpus"), device: "corpus",
                body: .recordVisit(Visit(visit: UUID(), campaign: campaign, address: address, outcome: .noAnswer, note: nil, at: "2026-01-01T10:00:00Z"))
            )
        }))
        families.append(("batch limit", [request("5,001 operations", "POST", "/v1/push", token: tokens.collector, body: many)]))

        // Wrong content types and encodings around bodies that are not a push either
        families.append(("content types", [
            request("text/plain", "POST", "/v1/push", token: tokens.collector, contentType: "text/plain", body: Data("device=corpus".utf8)),
            request("form encoded", "POST", "/v1/push", token: tokens.collector, contentType: "application/x-www-form-urlencoded", body: Data("device=corpus&operations=".utf8)),
            request("multipart", "POST", "/v1/push", token: tokens.collector, contentType: "multipart/form-data; boundary=XyZ",
                    body: Data("--XyZ\r\nContent-Disposition: form-data; name=\"push\"\r\n\r\n\(pushText.prefix(40))\r\n--XyZ--\r\n".utf8)),
            request("XML", "POST", "/v1/push", token: tokens.collector, contentType: "application/xml", body: Data("<push><device>corpus</device></push>".utf8)),
            request("JSON said to be UTF-16", "POST", "/v1/push", token: tokens.collector, contentType: "application/json; charset=utf-16",
                    body: #"{"device":"corpus","operations":"none"}"#.data(using: .utf16)),
            {
                var request = request("gzip said, not gzip", "POST", "/v1/push", token: tokens.collector, body: Data("not gzip at all".utf8))
                request.headers.append(("Content-Encoding", "gzip"))
                return request
            }(),
            {
                var request = request("chunked junk", "POST", "/v1/push", token: tokens.collector, body: Data("5\r\n{\"dev\r\n0\r\n\r\n".utf8))
                request.headers.append(("Transfer-Encoding", "chunked"))
                request.addLength = false
                return request
            }(),
        ]))

        // Query parameters: negative, not numbers, too large, SQL, NUL
        let pullQueries = [
            "cursor=-1", "cursor=abc", "cursor=1e3", "cursor=99999999999999999999", "cursor=1%20OR%201=1", "cursor=%00",
            "cursor=0x10", "cursor=", "limit=0", "limit=-5", "limit=ten", "limit=99999999999999999999", "cursor=0&limit=1;DROP%20TABLE%20responses",
        ]
        families.append(("pull queries", pullQueries.map { request("pull?\($0)", "GET", "/v1/pull?\($0)", token: tokens.collector) }))

        // Ids and names that are not there: unknown, SQL, NUL, invalid UTF-8 escapes, huge
        let hostileIDs = [
            "unknown", "x'%20OR%20'1'='1", "1;DROP%20TABLE%20responses", "%00", "%FF%FE", "..%2F..%2Fetc%2Fpasswd",
            String(repeating: "z", count: 4_000), "%27%22%3B--",
        ]
        var lookups: [RawRequest] = []
        for id in hostileIDs {
            lookups.append(request("conflicts of campaign \(id.prefix(30))", "GET", "/v1/conflicts?campaign=\(id)", token: tokens.organiser))
            lookups.append(request("resolve \(id.prefix(30))", "POST", "/v1/conflicts/\(id)/resolve", token: tokens.organiser, body: Data(#"{"value":5}"#.utf8)))
            lookups.append(request("aggregates of \(id.prefix(30))", "GET", "/v1/campaigns/\(id)/aggregates", token: tokens.organiser))
            lookups.append(request("export of \(id.prefix(30))", "GET", "/v1/campaigns/\(id)/export?format=json", token: tokens.organiser))
            lookups.append(request("report of \(id.prefix(30))", "GET", "/v1/campaigns/\(id)/report", token: tokens.organiser))
            lookups.append(request("report compared with \(id.prefix(30))", "GET", "/v1/campaigns/\(campaign)/report?compare=\(id)", token: tokens.organiser))
        }
        lookups += [
            request("export in XML", "GET", "/v1/campaigns/\(campaign)/export?format=xml", token: tokens.organiser),
            request("export in no format", "GET", "/v1/campaigns/\(campaign)/export?format=", token: tokens.organiser),
            request("export with SQL format", "GET", "/v1/campaigns/\(campaign)/export?format=json'--", token: tokens.organiser),
            request("aggregates in PDF", "GET", "/v1/campaigns/\(campaign)/aggregates?format=pdf", token: tokens.organiser),
        ]
        families.append(("ids and formats", lookups))

        // Resolution bodies a conflict cannot take
        let resolutions: [(String, String)] = [
            ("no value key", "{}"), ("value an object", #"{"value":{"a":1}}"#), ("value a list of numbers", #"{"value":[1,2]}"#),
            ("value true", #"{"value":true}"#), ("value deeply nested", #"{"value":\#(deep)}"#), ("value text for a number", #"{"value":"lots"}"#),
            ("value a fraction for a whole number", #"{"value":3.5}"#), ("value a choice list for a number", #"{"value":["yes"]}"#),
            ("not JSON", "value=5"), ("truncated", #"{"value":"#), ("an array", "[5]"),
        ]
        families.append(("resolutions", resolutions.map { label, body in
            request(label, "POST", "/v1/conflicts/\(conflict)/resolve", token: tokens.organiser, body: Data(body.utf8))
        }))

        // Methods a route does not take, paths no route has
        var routing: [RawRequest] = []
        for route in routes {
            for method in ["PUT", "DELETE", "PATCH"] {
                routing.append(request("\(method) \(route.path)", method, route.path, token: route.token, body: Data("{}".utf8)))
            }
        }
        routing += [
            request("GET /v1/push", "GET", "/v1/push", token: tokens.collector),
            request("POST /v1/pull", "POST", "/v1/pull", token: tokens.collector, body: Data("{}".utf8)),
            request("unknown route", "GET", "/v1/responses", token: tokens.organiser),
            request("dot segments", "GET", "/v1/../v1/whoami/../../etc/passwd", token: tokens.collector),
            request("encoded dot segments", "GET", "/v1/%2e%2e/%2e%2e/etc/passwd", token: tokens.collector),
            request("invalid UTF-8 escapes", "GET", "/v1/%FF%FE%FD", token: tokens.collector),
            request("long path", "GET", "/v1/" + String(repeating: "a/", count: 3_000), token: tokens.collector),
            request("asterisk", "GET", "*", token: tokens.collector),
        ]
        families.append(("routing", routing))

        // Random mutations of a valid push, each one sure to break it: a cut, invalid UTF-8, a
        // wrong-typed value spliced in, or a delimiter removed
        var mutated: [RawRequest] = []
        let bytes = [UInt8](push)
        // Positions outside strings, where a colon or a bracket is JSON structure
        var structural: [Int] = []
        var inString = false
        var escaped = false
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else {
                structural.append(index)
            }
        }
        for index in 0..<mutations {
            var body = bytes
            let kind = Int.random(in: 0..<4, using: &random)
            let at = Int.random(in: 1..<(bytes.count - 1), using: &random)
            switch kind {
            case 0:
                body = Array(bytes[..<at])
            case 1:
                body.insert(contentsOf: [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]][Int.random(in: 0..<4, using: &random)], at: at)
            case 2:
                let colons = structural.filter { bytes[$0] == UInt8(ascii: ":") }
                let colon = colons[Int.random(in: 0..<colons.count, using: &random)]
                let junk = [#"{"$gt":""}"#, "[[[[", "-", "nul", "tru", "\"unterminated", "'single'", "0x1F", "NaN", "Infinity", ",,"][Int.random(in: 0..<11, using: &random)]
                body.insert(contentsOf: Array(junk.utf8) + [UInt8(ascii: ","), UInt8(ascii: "]")], at: colon + 1)
            default:
                let delimiters = structural.filter { [UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]")].contains(bytes[$0]) }
                body.remove(at: delimiters[Int.random(in: 0..<delimiters.count, using: &random)])
            }
            mutated.append(request("mutation \(index) (kind \(kind) at byte \(at))", "POST", "/v1/push", token: tokens.collector, body: Data(body)))
        }
        families.append(("mutated pushes", mutated))
        return families
    }

    /// Requests whose HTTP framing itself is broken.
    func brokenFraming(using random: inout SeededGenerator) -> [Data] {
        let auth = "Authorization: Bearer \(tokens.collector)\r\n"
        var requests = [
            "HELLO\r\n\r\n",
            "GET\r\n\r\n",
            "GET /v1/whoami HTTP/9.9\r\nHost: x\r\n\(auth)\r\n",
            "GET /v1/whoami HTTP/1.1\r\nHost: x\r\nThis line has no colon\r\n\(auth)\r\n",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: -1\r\n\r\n{}",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: abc\r\n\r\n{}",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: 5\r\nContent-Length: 9\r\n\r\n{}{}{}{}{",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: 5000\r\n\r\n{\"device\":",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
            "POST /v1/push HTTP/1.1\r\nHost: x\r\n\(auth)Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(String(repeating: "A", count: 100_000))\r\n\r\n",
            "GET /v1/whoami HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-Filler: yes\r\n", count: 5_000) + auth + "\r\n",
            "GET /v1/whoami HTTP/1.1\r\nHost: x\r\n\(auth)",
        ].map { Data($0.utf8) }
        var invalidHeader = Data("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ".utf8)
        invalidHeader.append(contentsOf: [0xFF, 0x00, 0xFE])
        invalidHeader.append(Data("\r\n\r\n".utf8))
        requests.append(invalidHeader)
        requests.append(Data((0..<2_048).map { _ in UInt8.random(in: 0...255, using: &random) }))
        return requests
    }
}
