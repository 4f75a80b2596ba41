import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// Input an adversary sends on purpose: numbers at the edge of `Double`, ids out of the alphabet,
/// percent-escapes in paths, repeated JSON names and impossible `recorded_at` times.
@Suite("Input hygiene")
struct InputHygieneTests {
    static let numbersForm = """
        id: numbers
        version: 1
        title: Numbers
        questions:
          - name: score
            type: decimal
            label: Score
        """

    /// A push creating one response to the numbers form with `score`, as raw JSON.
    static func scorePush(_ score: String, stamp: Int64, recordedAt: String = "2026-11-01T10:00:00Z") -> String {
        let id = UUID().uuidString
        return #"{"device":"d","operations":[{"id":"\#(UUID().uuidString)","type":"response.create","stamp":"\#(Ops.stamp(stamp, "d"))","device":"d","payload":{"response":"\#(id)","campaign":"sums","address":"a1","form":"numbers","form_version":"1","recorded_at":"\#(recordedAt)","answers":{"score":\#(score)}}}]}"#
    }

    static func numbersFixture() throws -> ServerFixture {
        let fixture = try ServerFixture()
        try fixture.database.publishForm(source: numbersForm)
        try fixture.database.createCampaign(
            id: "sums", name: "Sums", form: "numbers", addresses: [WalkListAddress(id: "a1", address: "1 High Street")]
        )
        return fixture
    }

    @Test("Numbers near the largest Double give finite aggregates, never a 200 carrying an error")
    func hugeNumbersAggregate() async throws {
        let fixture = try Self.numbersFixture()
        try await fixture.app.test(.router) { client in
            for stamp in Int64(1)...2 {
                let push = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: Self.scorePush("1e308", stamp: stamp))
                #expect(try push.decode(PushResponse.self).results.map(\.status) == [.applied])
            }
            let answer = try await client.send(.get, "/v1/campaigns/sums/aggregates", token: fixture.token(.organiser))
            #expect(answer.status == .ok)
            let figures = try answer.decode(CampaignAggregates.self)
            let summary = try #require(figures.questions.first { $0.name == "score" }?.summary)
            #expect(summary.mean == 1e308)
            #expect(summary.median == 1e308)
            // With the most negative number too, the CSV figures and the report still render.
            let negative = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: Self.scorePush("-1.7e308", stamp: 4))
            #expect(try negative.decode(PushResponse.self).results.map(\.status) == [.applied])
            #expect(try await client.send(.get, "/v1/campaigns/sums/aggregates?format=csv", token: fixture.token(.organiser)).status == .ok)
            let report = try await client.send(.get, "/v1/campaigns/sums/report", token: fixture.token(.organiser))
            #expect(report.status == .ok)
            #expect(!String(buffer: report.body).contains("nan"))
            // A number JSON cannot hold is refused when pushed.
            let infinite = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: Self.scorePush("1e999", stamp: 3))
            #expect(infinite.status == .badRequest)
        }
        #expect(NumericSummary.of([(1e308, 3), (-1e308, 1), (1.7e308, 2)]).mean?.isFinite == true)
        #expect(NumericSummary.of([(.greatestFiniteMagnitude, 2)]).mean == .greatestFiniteMagnitude)
        #expect(NumericSummary.of([(2, 1), (4, 3)]).mean == 3.5)
    }

    @Test("An answer that cannot be encoded is a 500 with the JSON error body")
    func unencodableAnswerIs500() {
        let response = Response.json(["mean": Double.infinity])
        #expect(response.status == .internalServerError)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
    }

    @Test("Path parameters are percent-decoded: a campaign called café is found")
    func percentDecodedPaths() async throws {
        let fixture = try ServerFixture()
        // Given a campaign made before ids were restricted to the safe alphabet
        try await fixture.database.store.write { db in
            try db.execute(
                sql: "INSERT INTO campaigns(id, name, form, created_at, changed_seq) VALUES ('café', 'Café day', 'survey', '2026-11-01', 99)"
            )
        }
        try await fixture.app.test(.router) { client in
            let found = try await client.send(.get, "/v1/campaigns/caf%C3%A9/aggregates", token: fixture.token(.organiser))
            #expect(found.status == .ok)
            #expect(try found.decode(CampaignAggregates.self).campaign == "café")
            let export = try await client.send(.get, "/v1/campaigns/caf%C3%A9/export?format=json", token: fixture.token(.organiser))
            #expect(export.status == .ok)
            for broken in ["caf%C3", "caf%FF", "caf%zz"] {
                let answer = try await client.send(.get, "/v1/campaigns/\(broken)/aggregates", token: fixture.token(.organiser))
                #expect(answer.status == .badRequest || answer.status == .notFound, "\(broken): \(answer.status)")
            }
        }
    }

    @Test("New campaign and form ids must be lower-case letters, digits, '.', '_' or '-'")
    func idAlphabet() throws {
        for good in ["day1", "west-end-nov", "a.b_c-d", "0", String(repeating: "x", count: 64)] {
            #expect(ResourceID.isValid(good), "\(good)")
        }
        for bad in ["", "café", "Day1", "-day", ".day", "day one", "a/b", "a%2F", String(repeating: "x", count: 65)] {
            #expect(!ResourceID.isValid(bad), "\(bad)")
        }
        let fixture = try ServerFixture()
        let walkList = [WalkListAddress(id: "a1", address: "1 High Street")]
        #expect(throws: AdminError.self) {
            try fixture.database.createCampaign(id: "Café", name: "C", form: "survey", addresses: walkList)
        }
        #expect(throws: AdminError.self) {
            try fixture.database.publishForm(source: ServerFixture.formYAML.replacingOccurrences(of: "id: survey", with: "id: Survey2"))
        }
        // The sample forms and the day-of-action script's campaign keep working.
        for file in ["community-safety.yaml", "safe-and-well.yaml", "women-girls-safety.yaml"] {
            let source = try String(contentsOf: BuiltProducts.sampleForm(file), encoding: .utf8)
            #expect(try fixture.database.publishForm(source: source).isNew, "\(file)")
        }
        try fixture.database.createCampaign(id: "west-end-nov", name: "West End", form: "survey", addresses: walkList)

        // From the command line, the refusal names the rule and exits 65.
        let csv = try fixture.directory.write("id,address\na1,1 High Street\n", to: "walk.csv")
        let refused = try ProcessRunner.server([
            "campaigns", "create", "--data", fixture.directory.path, "--id", "West End", "--name", "W", "--form", "survey", "--addresses", csv,
        ])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("lower-case letters"), "\(refused.stderr)")
    }

    @Test("A JSON body that repeats a name within an object is refused with 400, on every route that reads JSON")
    func repeatedNamesAreRefused() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            let push = Ops.create(UUID(), answers: ["age": .integer(3)], stamp: Ops.stamp(1, "d"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys  // so that the edits below find what they replace
            let text = String(decoding: try encoder.encode(PushRequest(device: "d", operations: [push])), as: UTF8.self)
            for body in [
                text.replacingOccurrences(of: #""age":3"#, with: #""age":3,"age":4"#),
                text.replacingOccurrences(of: #"{"device":"d""#, with: #"{"device":"d","device":"e""#),
                text.replacingOccurrences(of: #""age":3"#, with: #""age":3,"\u0061ge":4"#),
            ] {
                #expect(body != text)
                let answer = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: body)
                #expect(answer.status == .badRequest, "\(body)")
                #expect(answer.errorBody?.message.contains("is repeated in one object") == true, "\(answer.errorBody?.message ?? "")")
            }
            let resolve = try await client.send(.post, "/v1/conflicts/x/resolve", token: fixture.token(.organiser), body: #"{"value":"a","value":"b"}"#)
            #expect(resolve.status == .badRequest)
            #expect(try fixture.count("operations") == 0)
        }
        // Objects of a few names are compared in turn, of many names through a set: as strict both ways.
        for count in [20, 5_000] {
            let names = (0..<count).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
            for text in ["{\(names)}", "{\(names),\"k\(count - 1)\":0}", "{\(names),\"\\u006b\(count / 2)\":0}"] {
                let unique = text == "{\(names)}"
                let outcome = withJSONBytes(Array(text.utf8)) { bytes in
                    Result { () throws(JSONSyntaxError) in try JSONScanner.scan(bytes, rejectingRepeatedKeys: true) }
                }
                #expect(((try? outcome.get()) != nil) == unique, "\(count) names: \(text.suffix(40))")
            }
        }
    }

    @Test("recorded_at must be a real RFC 3339 time; one later than the server's clock allows is held, alone")
    func recordedAtIsChecked() async throws {
        let fixture = try Self.numbersFixture()
        let tomorrow = Date().addingTimeInterval(86_400).formatted(.iso8601)
        try await fixture.app.test(.router) { client in
            for (index, bad) in ["yesterday", "2026-02-30T10:00:00Z", "2026-11-01 10:00:00", "2026-11-01T25:00:00Z"].enumerated() {
                let answer = try await client.send(
                    .post, "/v1/push", token: fixture.token(.collector), body: Self.scorePush("1", stamp: Int64(index), recordedAt: bad)
                )
                #expect(answer.status == .badRequest, "\(bad)")
                #expect(answer.errorBody?.message.contains("recorded_at") == true, "\(answer.errorBody?.message ?? "")")
            }
            #expect(try fixture.count("operations") == 0)
            for (index, good) in ["2026-11-01T10:00:00+01:00", "2026-11-01t10:00:00.250z", Date().formatted(.iso8601)].enumerated() {
                let answer = try await client.send(
                    .post, "/v1/push", token: fixture.token(.collector), body: Self.scorePush("1", stamp: Int64(10 + index), recordedAt: good)
                )
                #expect(try answer.decode(PushResponse.self).results.map(\.status) == [.applied], "\(good)")
            }
            // A laptop whose clock runs a day ahead: that response is held with the reason, and the
            // rest of its queue is applied; once the time is right the same operation applies.
            let ahead = Self.scorePush("2", stamp: 20, recordedAt: tomorrow)
            let onTime = Self.scorePush("3", stamp: 21)
            let operations = [ahead, onTime].map { push in
                String(push.drop { $0 != "[" }.dropFirst().dropLast(2))
            }
            let both = #"{"device":"d","operations":[\#(operations.joined(separator: ","))]}"#
            let mixed = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: both)
            let results = try mixed.decode(PushResponse.self).results
            #expect(results.map(\.status) == [.held, .applied])
            #expect(results.first?.reason?.contains("the laptop's clock is ahead") == true, "\(results.first?.reason ?? "")")
            #expect(try fixture.count("unapplied_operations") == 1)
            #expect(try fixture.count("responses") == 4)
        }
        #expect(RecordedAtRule.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(RecordedAtRule.seconds("2000-02-29T12:00:00.5+01:00") == 951_822_000.5)
        #expect(RecordedAtRule.seconds("1900-02-29T00:00:00Z") == nil)
    }
}
