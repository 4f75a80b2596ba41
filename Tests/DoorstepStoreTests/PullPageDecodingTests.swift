import DoorstepCore
import DoorstepWire
@testable import DoorstepStore
import Foundation
import Testing

/// A device reads pull pages with its own decoder and writes answers without `JSONEncoder`; both
/// must give exactly what `JSONDecoder` and `JSONEncoder` give.
@Suite("Pull pages: decoding and stored answers")
struct PullPageDecodingTests {
    static let stamp = HLCTimestamp(physical: 1_763_910_853_000, counter: 10, node: "server")

    /// Answers of every kind, with text that needs escapes or is not ASCII.
    static let answers: [AnswerValue?] = [
        .text("fairly"), .text(""), .text("She said \"no\""), .text("back\\slash /slash"), .text("two\nlines\ttab"),
        .text("bell \u{07}\u{1F}"), .text("café 😀 \u{2028} \u{7F}"), .integer(0), .integer(-42), .integer(Int.max),
        .integer(Int.min), .decimal(2.5), .decimal(-0.001), .decimal(1e300), .decimal(100), .list([]),
        .list(["drugs", "fires"]), .list(["a \"quoted\" choice", "é"]), nil,
    ]

    /// A page holding every answer kind, a cleared field, erasures, a knock, a form and a campaign.
    static var page: PullResponse {
        var fields: [String: FieldValue] = [:]
        for (index, answer) in answers.enumerated() {
            let stamp = HLCTimestamp(physical: stamp.physical + Int64(index % 3), counter: index, node: "device-\(index % 2)")
            fields["q\(index)"] = FieldValue(value: answer, stamp: stamp)
        }
        let response = ResponseState(
            id: UUID(), campaign: "west \"end\"", address: "a1", form: "door", formVersion: "2",
            recordedAt: "2026-11-23T10:00:00Z", device: "laptop-7", fields: fields
        )
        var erased = response
        erased.id = UUID()
        erased.erased = .sensitive
        erased.fields["q0"] = nil
        var gone = response
        gone.id = UUID()
        gone.erased = .all
        gone.fields = [:]
        let visit = VisitEvent(
            visit: Visit(visit: UUID(), campaign: "west", address: "a1", outcome: .cardLeft, note: "back at 6", at: "2026-11-23T10:00:00Z"),
            device: "laptop-7", stamp: stamp
        )
        return PullResponse(
            cursor: 1_234, more: true, epoch: "epoch-1", serverTime: stamp,
            forms: [PublishedForm(id: "door", version: "2", source: "id: door\n")],
            campaigns: [CampaignInfo(id: "west", name: "West End", form: "door", addresses: [WalkListAddress(id: "a1", address: "1 Oak Street")])],
            visits: [visit], responses: [response, erased, gone]
        )
    }

    private static func encoded(_ page: PullResponse, _ formatting: JSONEncoder.OutputFormatting) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        return try encoder.encode(page)
    }

    @Test(arguments: [
        JSONEncoder.OutputFormatting([.sortedKeys, .withoutEscapingSlashes]), [], [.prettyPrinted], [.prettyPrinted, .sortedKeys],
    ])
    func aPageReadsAsJSONDecoderReadsIt(formatting: JSONEncoder.OutputFormatting) throws {
        let json = try Self.encoded(Self.page, formatting)
        let decoded = try PullResponse.decode(json: json)
        #expect(decoded == (try JSONDecoder().decode(PullResponse.self, from: json)))
        #expect(decoded.responses.count == 3)
        #expect(decoded.responses[0].fields["q2"]?.value == .text("She said \"no\""))
        let cleared = try #require(decoded.responses[0].fields["q\(Self.answers.count - 1)"])
        #expect(cleared.value == nil)
        #expect(decoded.responses[2].erased == .all)
    }

    @Test func unknownKeysNullsAndOtherOrdersReadAsJSONDecoderReadsThem() throws {
        let stamp = Self.stamp.description
        let id = UUID().uuidString.lowercased()
        let pages = [
            #"{"visits":[],"responses":[],"server_time":"\#(stamp)","more":false,"forms":[],"epoch":"e","cursor":0,"campaigns":[],"extra":{"a":[1,"}"]}}"#,
            #"""
            {"campaigns":[],"cursor":7,"epoch":"e","forms":[],"more":false,"server_time":"\#(stamp)","visits":[],
             "responses":[{"id":"\#(id)","campaign":"c","address":"a","form":"f","form_version":"1","recorded_at":"r",
               "device":"d","erased":null,"later":true,"fields":{"x":{"value":null,"stamp":"\#(stamp)","note":"n"},
               "y":{"stamp":"\#(stamp)"},"z":{"stamp":"\#(stamp)","value":[ "a" , "b\u00e9" ]},"n":{"stamp":"\#(stamp)","value":-0},
               "big":{"stamp":"\#(stamp)","value":12345678901234567890},"e":{"stamp":"\#(stamp)","value":1E2}}}]}
            """#,
        ]
        for text in pages {
            let json = Data(text.utf8)
            #expect(try PullResponse.decode(json: json) == (try JSONDecoder().decode(PullResponse.self, from: json)), "\(text)")
        }
    }

    @Test func aBrokenPageFailsAsJSONDecoderFails() throws {
        let valid = String(decoding: try Self.encoded(Self.page, [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        let stamp = Self.stamp.description
        let broken = [
            String(valid.dropLast()), valid + "x", valid.replacingOccurrences(of: "\"cursor\":1234", with: "\"cursor\":\"1234\""),
            valid.replacingOccurrences(of: "\"epoch\":\"epoch-1\",", with: ""),
            valid.replacingOccurrences(of: "\"erased\":\"all\"", with: "\"erased\":\"some\""),
            valid.replacingOccurrences(of: stamp, with: "yesterday"),
            valid.replacingOccurrences(of: "\"fairly\"", with: "true"),
            valid.replacingOccurrences(of: "\"fairly\"", with: "[\"a\",1]"),
            valid.replacingOccurrences(of: "\"form_version\":\"2\"", with: "\"form_version\":null"),
            "", "[]", "null",
        ]
        for text in broken {
            let json = Data(text.utf8)
            #expect(throws: DecodingError.self, "\(text.prefix(80))") { try PullResponse.decode(json: json) }
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(PullResponse.self, from: json) }
        }
    }
}
