import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// The push path's own JSON reader must read exactly what `JSONDecoder` reads from the wire types.
@Suite("Push body decoding")
struct PushDecodingTests {
    static let awkward = ["plain", "quote \" and \\ backslash", "tab\tnew\nline", "café", "emoji 🚪", "\u{1}", "", "/slash/"]

    static func randomOperation(_ random: inout SeededGenerator, _ index: Int) -> SyncOperation {
        func text() -> String { awkward.randomElement(using: &random)! + String(index) }
        func answer() -> AnswerValue {
            switch random.next() % 4 {
            case 0: .text(text())
            case 1: .integer(Int(Int32(truncatingIfNeeded: random.next())))
            case 2: .decimal(Double(Int(random.next() % 10_000)) / 7 - 500)
            default: .list([text(), text()])
            }
        }
        let stamp = HLCTimestamp(physical: 1_763_910_853_000 + Int64(index), counter: index % 3, node: "dev-\(index % 2)")
        let body: SyncOperation.Body
        switch index % 4 {
        case 0:
            body = .createResponse(NewResponse(
                response: UUID(), campaign: text(), address: "a\(index)", form: "f", formVersion: "1",
                recordedAt: "2026-11-14T10:00:00Z", answers: [text(): answer(), "q\(index)": answer()],
                safeguarding: index % 3 == 0
            ))
        case 1:
            body = .updateResponse(ResponseUpdate(response: UUID(), fields: [
                FieldChange(name: text(), value: answer(), base: stamp, resolves: index % 2 == 0 ? [stamp] : []),
                FieldChange(name: "cleared", value: nil, base: nil),
            ]))
        case 2:
            body = .recordVisit(Visit(
                visit: UUID(), campaign: "c", address: text(), outcome: VisitOutcome.allCases[index % 5],
                note: index % 3 == 0 ? nil : text(), at: "2026-11-14T10:00:00Z"
            ))
        default:
            body = .eraseResponse(Erasure(response: UUID(), scope: index % 2 == 0 ? .all : .sensitive, reason: index % 3 == 0 ? nil : text()))
        }
        return SyncOperation(stamp: stamp, device: "dev-\(index % 2)", body: body)
    }

    @Test(arguments: SeededGenerator.seeds)
    func readsWhatJSONDecoderReads(seed: UInt64) throws {
        print("readsWhatJSONDecoderReads seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        let request = PushRequest(device: "dev", operations: (0..<200).map { Self.randomOperation(&random, $0) })
        let data = try JSONEncoder().encode(request)
        let expected = try JSONDecoder().decode(PushRequest.self, from: data)
        let (read, texts) = try PushRequest.read(body: Array(data))
        #expect(read == expected, "seed \(seed)")
        // Each operation's text, as kept in the log, reads back to the same operation.
        #expect(texts.count == expected.operations.count)
        #expect(texts.compactMap { SyncOperation(jsonText: $0) } == expected.operations)
        // The hand-written log encoding reads back too.
        #expect(expected.operations.map { SyncOperation(jsonText: $0.jsonText) } == expected.operations)
    }

    @Test(arguments: [
        #"{"device":"d","operations":[1]}"#,
        #"{"device":"d","operations":[{"id":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","type":"visit","stamp":"0001763910853000-0000-d","device":"d","payload":{"visit":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","campaign":"c","address":"a","outcome":"moved-out","at":"x"}}]}"#,
        #"{"device":"d","operations":[{"id":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","type":"response.create","stamp":"0001763910853000-0000-d","device":"d","payload":{"response":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","campaign":"c","address":"a","form":"f","form_version":"1","recorded_at":"x","answers":{"q":true}}}]}"#,
        #"{"device":"d","operations":[]} trailing"#,
        #"{"device":"d\u12"}"#,
        #"["#,
    ])
    func refusesWhatJSONDecoderRefuses(body: String) {
        let data = Data(body.utf8)
        #expect((try? JSONDecoder().decode(PushRequest.self, from: data)) == nil)
        #expect(throws: APIError.self) {
            try PushRequest.read(body: Array(data))
        }
    }

    @Test func deepNestingIsRefused() {
        let body = #"{"device":"d","operations":"# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        #expect(throws: APIError.self) {
            try PushRequest.read(body: Array(body.utf8))
        }
    }
}
