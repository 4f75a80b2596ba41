import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// A large push is read and prepared on one thread while another applies it, the operations
/// handed over a few at a time (see `PushPreparation`). It must store and answer exactly what the
/// same operations pushed already read give, and a body that breaks late must store nothing.
@Suite("Push pipeline")
struct PushPipelineTests {
    static let count = 700

    /// Operations crossing many hand-overs, with every path an operation can take:
    /// new responses valid and not, unknown addresses, knocks, an id repeated in a later chunk, a
    /// response created twice, an edit and an erasure of responses created earlier in the batch.
    static func batch() -> [SyncOperation] {
        var operations: [SyncOperation] = []
        let scale = ["very", "fairly", "not"]
        for index in 0..<count {
            let stamp = Ops.stamp(Int64(index), "dev")
            let address = "a\(index % 3 + 1)"
            switch index {
            case 100: operations.append(operations[10])
            case 650: operations.append(operations[300])
            case 400:
                operations.append(Ops.create(
                    operations[20].responseUUID, address: operations[20].address,
                    answers: ["safe": .text("not"), "comment": .text("again")], stamp: stamp
                ))
            case 500:
                let earlier = operations[30]
                operations.append(Ops.update(
                    earlier.responseUUID, [FieldChange(name: "safe", value: .text("not"), base: earlier.stamp)], stamp: stamp
                ))
            case 550: operations.append(Ops.erase(operations[40].responseUUID, scope: .sensitive, stamp: stamp))
            case 600:
                var erased = Ops.create(UUID(), address: address, answers: ["safe": .text("very")], stamp: stamp)
                if case .createResponse(var new) = erased.body {
                    new.erased = .all
                    erased.body = .createResponse(new)
                }
                operations.append(erased)
            case _ where index % 7 == 3: operations.append(Ops.visit(address: address, stamp: stamp))
            case _ where index % 11 == 5: operations.append(Ops.create(UUID(), answers: ["safe": .text("maybe")], stamp: stamp))
            case _ where index % 13 == 6: operations.append(Ops.create(UUID(), address: "z9", answers: ["safe": .text("very")], stamp: stamp))
            default:
                var answers: Answers = ["safe": .text(scale[index % 3]), "phone": .text("0770 \(index)")]
                if index % 2 == 0 { answers["worries"] = .list(index % 4 == 0 ? ["drugs", "fires"] : ["fires"]) }
                if index % 5 == 0 { answers["age"] = .integer(20 + index % 60) }
                if index % 9 == 0 { answers["comment"] = .text("quote \" slash / tab\t\(index)") }
                operations.append(Ops.create(UUID(), address: address, answers: answers, stamp: stamp))
            }
        }
        return operations
    }

    /// What a push leaves in the database, without the columns that differ between runs.
    static func stored(_ fixture: ServerFixture) throws -> [[SQLRow]] {
        try fixture.database.store.read { db in
            try [
                "SELECT number, id, campaign, address, form, form_version, recorded_at, device, token_id, erased, answers_json, stamp, fields_json, changed_seq FROM responses ORDER BY number",
                "SELECT * FROM field_writes ORDER BY response, field, stamp",
                "SELECT seq, id, device, token_id, type, stamp, applied_stamp, response, payload_json, status, reason, conflicts FROM operations ORDER BY seq",
                "SELECT * FROM visits ORDER BY id",
                "SELECT * FROM tallies ORDER BY campaign, dimension, question, bucket",
                "SELECT * FROM conflicts ORDER BY id",
                "SELECT value FROM meta WHERE key = 'seq'",
            ].map { try SQLRow.fetchAll(db, sql: $0) }
        }
    }

    static func body(_ operations: [SyncOperation], device: String = "dev") throws -> String {
        String(decoding: try JSONEncoder().encode(PushRequest(device: device, operations: operations)), as: UTF8.self)
    }

    @Test func aLargePushReadWhileAppliedGivesWhatTheSamePushReadWholeGives() async throws {
        // Given the same operations, sent as a body to one server and handed over read to another
        let operations = Self.batch()
        let body = try Self.body(operations)
        let streamed = try ServerFixture()
        let identity = try #require(try await streamed.database.identity(forToken: streamed.token(.collector)))
        let answer = try await streamed.app.test(.router) { client in
            let response = try await client.send(.post, "/v1/push", token: streamed.token(.collector), body: body)
            #expect(response.status == .ok)
            return try response.decode(PushResponse.self)
        }
        let whole = try ServerFixture()
        let (request, texts) = try PushRequest.read(body: Array(body.utf8))
        let expected = try await whole.database.push(request, texts: texts, by: identity, maxClockDrift: .seconds(300))

        // Then both answer and store the same
        let results = answer.results
        #expect(results == expected.results)
        #expect(Set(results.map(\.status)) == [.applied, .rejected])
        #expect(results[100] == results[10] && results[650] == results[300])
        #expect(try Self.stored(streamed) == Self.stored(whole))
        // The second create of one response left its differing answers in conflict.
        #expect(try streamed.count("responses") > 400 && streamed.count("conflicts") > 0)
    }

    @Test func anOperationThatCannotBeReadLateInALargePushStoresNothing() async throws {
        let fixture = try ServerFixture()
        var texts = try Self.batch().map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        texts[Self.count - 100] = #"{"id":5,"type":"visit"}"#
        let body = #"{"device":"dev","operations":["# + texts.joined(separator: ",") + "]}"
        let before = try Self.stored(fixture)
        try await fixture.app.test(.router) { client in
            let response = try await client.send(.post, "/v1/push", token: fixture.token(.collector), body: body)
            #expect(response.status == .badRequest)
            #expect(response.errorBody?.message == "The value at operations[600].id has the wrong type; expected a UUID string, found a number.")
        }
        #expect(try Self.stored(fixture) == before)
        #expect(try fixture.count("operations") == 0)
    }

    static func body(device: String, _ texts: [String]) -> String {
        #"{"device":"\#(device)","operations":["# + texts.joined(separator: ",") + "]}"
    }

    @Test func anOperationThatCannotBeReadIsReportedBeforeTheDeviceAndTheBatchSize() async throws {
        let fixture = try ServerFixture(maxBatchSize: 3)
        let good = (0..<4).map { Ops.visit(stamp: Ops.stamp(Int64($0), "dev")) }
        let goodTexts = try good.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let broken = [goodTexts[0], #"{"id":"x"}"#]
        try await fixture.app.test(.router) { client in
            let token = fixture.token(.collector)
            for (text, status, message) in [
                (Self.body(device: "", broken), HTTPResponse.Status.badRequest, "The value at operations[1].id has the wrong type; expected a UUID string, found a string."),
                (Self.body(device: "dev", broken + goodTexts), .badRequest, "The value at operations[1].id has the wrong type; expected a UUID string, found a string."),
                (Self.body(device: "", Array(goodTexts.prefix(2))), .unprocessableContent, "The push names no device."),
                (Self.body(device: "dev", goodTexts), .contentTooLarge, "The push carries 4 operations; the limit is 3 per request."),
            ] {
                let response = try await client.send(.post, "/v1/push", token: token, body: text)
                #expect(response.status == status)
                #expect(response.errorBody?.message == message)
            }
        }
        #expect(try fixture.count("operations") == 0)
    }

    @Test(arguments: SeededGenerator.seeds)
    func theAnswerIsWhatJSONEncoderWrites(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let reasons = ["plain", "quote \" and \\ backslash", "a/b", "tab\tnew\nline\r", "\u{8}\u{C}\u{1}\u{1F}\u{7F}", "café 🚪", ""]
        for trial in 0..<17 {
            let results = (0..<Int(random.next() % 20)).map { index in
                OperationResult(
                    id: UUID(), status: index % 3 == 0 ? .rejected : .applied,
                    reason: index % 3 == 0 ? reasons[Int(random.next() % UInt64(reasons.count))] : nil,
                    conflicts: Int(random.next() % 3)
                )
            }
            let answer = PushResponse(
                results: results, serverTime: Ops.stamp(Int64(trial), "server/\(reasons[trial % reasons.count])"),
                epoch: UUID().uuidString.lowercased()
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            #expect(answer.jsonBytes == Array(try encoder.encode(answer)), "seed \(seed)")
        }
    }

    @Test func tallyKeysAreNumberedInTheOrderMet() {
        var numbering = TallyKeyNumbering()
        var expected: [TallyKey: Int] = [:]
        for index in 0..<5_000 {
            // Enough keys to grow the table several times, many met again, some differing only in one part.
            let key = TallyKey(
                dimension: index % 7 == 0 ? "street:High Street" : "all", question: "q\(index % 97)",
                bucket: index % 3 == 0 ? "answered" : "b\(index % 211)"
            )
            let number = numbering.number(of: key)
            if let known = expected[key] {
                #expect(number == known)
            } else {
                #expect(number == expected.count)
                expected[key] = number
            }
        }
        #expect(numbering.keys.count == expected.count)
        #expect(numbering.keys.enumerated().allSatisfy { expected[$0.element] == $0.offset })
    }

    @Test func uuidsAreWrittenAsFoundationWritesThem() {
        for _ in 0..<1_000 {
            let uuid = UUID()
            #expect(JSONWriter.uuidString(uuid) == uuid.uuidString)
        }
        let edges = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for uuid in edges { #expect(JSONWriter.uuidString(uuid) == uuid.uuidString) }
    }

    @Test func answersInFormOrderAreWrittenAsTheDictionaryIs() throws {
        let form = try FormDefinition.parse(yaml: ServerFixture.formYAML)
        let validator = AnswerValidator(form: form, today: "2026-11-23")
        let keys = JSONWriter.answerKeys(form)
        let texts = ["very", "quote \" and \\ backslash", "tab\tnew\nline", "\u{1}", "café 🚪", "/slash/"]
        for index in 0..<200 {
            var answers: Answers = ["safe": .text(["very", "fairly", "not"][index % 3])]
            if index % 2 == 0 { answers["worries"] = .list(index % 4 == 0 ? ["fires", "drugs"] : ["drugs"]) }
            if index % 3 == 0 { answers["age"] = index % 6 == 0 ? .integer(index) : .decimal(Double(index)) }
            if index % 5 != 0 { answers["comment"] = .text(texts[index % texts.count]) }
            if index % 7 == 0 { answers["phone"] = .text("0770 \(index)") }
            let values = try validator.validateInFormOrder(answers).get()
            #expect(JSONWriter.answers(inFormOrder: values, keys: keys) == JSONWriter.answers(validator.answers(inFormOrder: values)))
        }
    }
}

extension SyncOperation {
    /// The walk-list address of a `response.create`.
    var address: String {
        guard case .createResponse(let new) = body else { return "" }
        return new.address
    }
}
