import DoorstepCore
import DoorstepTestSupport
import DoorstepWire
import Foundation
import Testing

/// Every fast reader and writer of a wire type against `JSONDecoder` and `JSONEncoder.wire`, on
/// random values with awkward text: the writers must write the encoder's bytes, the readers must
/// read what the decoder reads.
@Suite("Wire types: fast readers and writers against JSONDecoder and JSONEncoder")
struct WireDifferentialTests {
    @Test(arguments: SeededGenerator.seeds)
    func operationsAreWrittenAndReadAsTheEncoderAndDecoderDo(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let operations = (0..<300).map { WireSamples.operation(&random, $0) }
        for operation in operations {
            #expect(operation.jsonText == String(decoding: try JSONEncoder.wire.encode(operation), as: UTF8.self), "seed \(seed)")
        }
        let body = Array(try JSONEncoder.wire.encode(PushRequest(device: "dev", operations: operations)))
        let decoded = try JSONDecoder().decode(PushRequest.self, from: Data(body))
        let (read, texts) = try PushRequest.read(body)
        #expect(read == decoded, "seed \(seed)")
        #expect(texts.compactMap { SyncOperation(jsonText: $0) } == decoded.operations, "seed \(seed)")
    }

    @Test(arguments: SeededGenerator.seeds)
    func pushAnswersAreWrittenAsTheEncoderDoes(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let statuses: [OperationResult.Status] = [.applied, .held, .rejected]
        let answer = PushResponse(
            results: (0..<200).map { index in
                OperationResult(
                    id: UUID(), status: statuses[index % 3], reason: index % 3 == 0 ? nil : WireSamples.text(&random, index),
                    conflicts: Int(random.next() % 4)
                )
            },
            serverTime: WireSamples.stamp(&random, 7), epoch: WireSamples.text(&random, 1)
        )
        #expect(answer.jsonBytes == Array(try JSONEncoder.wire.encode(answer)), "seed \(seed)")
    }

    @Test(arguments: SeededGenerator.seeds)
    func pullPagesAreWrittenAndReadAsTheEncoderAndDecoderDo(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let responses = (0..<200).map { WireSamples.responseState(&random, $0) }
        for response in responses {
            var json = JSONWriter()
            response.write(to: &json)
            #expect(json.bytes == Array(try JSONEncoder.wire.encode(response)), "seed \(seed)")
        }
        var elements = JSONWriter()
        for (index, response) in responses.enumerated() {
            if index > 0 { elements.byte(UInt8(ascii: ",")) }
            response.write(to: &elements)
        }
        let page = PullResponse(
            cursor: Int64(random.next() % 1_000_000), more: random.next() % 2 == 0, epoch: "e1", serverTime: WireSamples.stamp(&random, 3),
            forms: [PublishedForm(id: "f", version: "1", source: "id: f\n")],
            campaigns: [CampaignInfo(id: "c", name: WireSamples.text(&random, 2), form: "f", addresses: [WireSamples.door(&random, 1)])],
            visits: [], responses: responses
        )
        var json = JSONWriter()
        try PullResponse.write(
            cursor: page.cursor, more: page.more, epoch: page.epoch, serverTime: page.serverTime, forms: page.forms,
            campaigns: page.campaigns, visits: page.visits, responses: elements.bytes, agencies: page.agencies, to: &json
        )
        let encoded = try JSONEncoder.wire.encode(page)
        #expect(json.bytes == Array(encoded), "seed \(seed)")
        #expect(try PullResponse.decode(json: encoded) == JSONDecoder().decode(PullResponse.self, from: encoded), "seed \(seed)")
    }

    /// The server copies stored answers and fields into a pull page as they are: what it copies
    /// reads as the stored values do.
    @Test(arguments: SeededGenerator.seeds)
    func storedFieldsAreCopiedAsTheyRead(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for index in 0..<200 {
            let response = WireSamples.responseState(&random, index)
            let stored = Array(FieldValue.jsonText(response.fields).utf8)
            var copy = JSONWriter()
            let copied = withJSONBytes(stored) { ResponseState.writeFields(stored: $0, to: &copy) }
            let expected = try JSONDecoder().decode([String: FieldValue].self, from: Data(stored))
            if copied {
                #expect(try JSONDecoder().decode([String: FieldValue].self, from: Data(copy.bytes)) == expected, "seed \(seed)")
            } else {
                // Only a decimal answer is left to the slow path.
                #expect(expected.values.contains { if case .decimal? = $0.value { true } else { false } }, "seed \(seed)")
            }
            let answers = response.fields.compactMapValues(\.value)
            let storedAnswers = Array(JSONWriter.answers(answers).utf8)
            #expect(storedAnswers == Array(try JSONEncoder.wire.encode(answers)), "seed \(seed)")
            var fromAnswers = JSONWriter()
            let stamp = WireSamples.stamp(&random, index)
            if withJSONBytes(storedAnswers, { ResponseState.writeFields(answers: $0, stamp: stamp, to: &fromAnswers) }) {
                let read = try JSONDecoder().decode([String: FieldValue].self, from: Data(fromAnswers.bytes))
                let decoded = try JSONDecoder().decode(Answers.self, from: Data(storedAnswers))
                #expect(read == decoded.mapValues { FieldValue(value: $0, stamp: stamp) }, "seed \(seed)")
            }
        }
    }

    @Test func aDecimalIsWrittenAsTheEncoderWritesIt() throws {
        for value in [2.0, -0.0, 0.1, 1e-7, 1e21, 1e15, 1e16, 123_456_789.125, -1.5e300, 0.30000000000000004, .pi] {
            var json = JSONWriter()
            json.decimal(value)
            #expect(json.bytes == Array(try JSONEncoder.wire.encode(value)), "\(value)")
        }
    }

    @Test func everyControlCharacterIsEscapedAsTheEncoderEscapesIt() throws {
        var text = ""
        for scalar in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        text += "/\u{2028}\u{2029}\u{FEFF}é😀"
        var json = JSONWriter()
        json.string(text)
        #expect(json.bytes == Array(try JSONEncoder.wire.encode(text)))
    }

    /// Found by `scripts/fuzz` (pull target): stored answers that repeat a name were copied with
    /// both values, and a device's `JSONDecoder` kept the first where the server keeps the last.
    @Test func storedTextThatRepeatsANameIsNotCopied() throws {
        let stamp = HLCTimestamp(physical: 1, counter: 0, node: "d")
        let answers = Array(#"{"":"","d":77777777777777577,"d":7777777,"l":["","b"],"n5":2}"#.utf8)
        var json = JSONWriter()
        #expect(!withJSONBytes(answers) { ResponseState.writeFields(answers: $0, stamp: stamp, to: &json) })
        let fields = Array(#"{"d":{"stamp":"0000000000000001-0000-d","value":1},"d":{"stamp":"0000000000000001-0000-d","value":2}}"#.utf8)
        json = JSONWriter()
        #expect(!withJSONBytes(fields) { ResponseState.writeFields(stored: $0, to: &json) })
    }

    /// Found by `scripts/fuzz` (pull target): a node starting with a combining mark joins the `-`
    /// before it into one character, so a stamp read by characters failed where the fast reader,
    /// reading bytes, accepted it; a page the server wrote then did not decode on a device.
    @Test func aStampIsReadTheSameByteByByteAndAsText() throws {
        let text = "0003527821706000-0002-\u{07F1}n10"
        let stamp = try #require(HLCTimestamp(text))
        #expect(stamp.node == "\u{07F1}n10" && stamp.description == text)
        let fields = Array(#"{"l":{"stamp":"\#(text)","value":["b"]}}"#.utf8)
        var json = JSONWriter()
        #expect(withJSONBytes(fields) { ResponseState.writeFields(stored: $0, to: &json) })
        #expect(try JSONDecoder().decode([String: FieldValue].self, from: Data(json.bytes)) == ["l": FieldValue(value: .list(["b"]), stamp: stamp)])
        for malformed in ["+001763910853000-0001-d", "0001763910853000-+001-d", "0001763910853000-0001-", "0001763910853000-001-dd", "٠٠٠١٧٦٣٩١٠٨٥٣٠٠٠-0001-d"] {
            #expect(HLCTimestamp(malformed) == nil, "\(malformed)")
        }
    }
}
