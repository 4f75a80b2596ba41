import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// The push body reader reads operations straight from the bytes. On valid bodies and on mutated
/// ones it must read the same request and texts as the reference reader (which built a tree of
/// values first), or refuse with the same sentence, as saved in `Corpus/push-reader.json`
/// (``PushReaderCorpus``); on seeded mutated bodies it must hold together.
@Suite("Push reader equivalence")
struct PushReaderEquivalenceTests {
    /// What the reader makes of a body, as the corpus writes it.
    static func outcome(_ body: [UInt8]) -> String {
        do {
            let (request, texts) = try PushRequest.read(body: body)
            return PushReaderCorpus.render(request, texts: texts)
        } catch {
            return PushReaderCorpus.refused(error.message)
        }
    }

    /// The same outcome; where several answers of one operation are faulty, the reference reader
    /// named whichever its dictionary met first, so any of them will do.
    static func equivalent(_ new: String, _ reference: String) -> Bool {
        guard new != reference else { return true }
        let refused = PushReaderCorpus.refused("")
        guard new.hasPrefix(refused), reference.hasPrefix(refused) else { return false }
        let (newMessage, referenceMessage) = (new.dropFirst(refused.count), reference.dropFirst(refused.count))
        func operationOfFaultyAnswer(_ message: Substring) -> Substring? {
            guard message.hasSuffix(".") , message.contains("expected an answer: a string, a number or an array of strings"),
                let range = message.range(of: ".payload.answers.")
            else { return nil }
            return message[..<range.lowerBound]
        }
        return operationOfFaultyAnswer(newMessage).map { $0 == operationOfFaultyAnswer(referenceMessage) } ?? false
    }

    /// Bodies a device could send, and some it should not, all valid JSON.
    static func seeds(_ random: inout SeededGenerator) throws -> [[UInt8]] {
        let encoder = JSONEncoder()
        var bodies: [[UInt8]] = []
        for count in [1, 2, 4] {
            let request = PushRequest(device: "dev", operations: (0..<count).map { WireSamples.operation(&random, $0 + count) })
            bodies.append(Array(try encoder.encode(request)))
        }
        let id = "7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11"
        let stamp = "0001763910853000-0000-d"
        let create = #"{"id":"\#(id)","type":"response.create","stamp":"\#(stamp)","device":"d","payload":{"response":"\#(id)","campaign":"c","address":"a","form":"f","form_version":"1","recorded_at":"2026-11-14T10:00:00Z","answers":{"q":"yes","n":2.0,"m":["a","b"],"d":1.5,"e":-0,"big":123456789012345678901,"x":"caf\u00e9 \ud83d\udeaa"},"safeguarding":true,"erased":"sensitive"}}"#
        let visit = #"{"id":"\#(id)","type":"visit","stamp":"\#(stamp)","device":"d","payload":{"visit":"\#(id)","campaign":"c","address":"a","outcome":"card-left","note":null,"at":"x"}}"#
        let update = #"{"id":"\#(id)","type":"response.update","stamp":"\#(stamp)","device":"d","payload":{"response":"\#(id)","fields":[{"name":"q","value":null,"base":"\#(stamp)","resolves":["\#(stamp)"]},{"name":"r","value":[]}]}}"#
        let revisit = #"{"id":"\#(id)","type":"visit","stamp":"\#(stamp)","device":"d","payload":{"visit":"\#(id)","campaign":"c","address":"a","outcome":"revisit","note":null,"at":"x","call_back":"after 6pm"}}"#
        let add = #"{"id":"\#(id)","type":"address.add","stamp":"\#(stamp)","device":"d","payload":{"campaign":"c","door":{"id":"new-1a2b3c","address":"14a Albion Street","postcode":"TS1 6BN","street":null,"notes":{"notes":"Side door","n":"x"}}}}"#
        let erase = #"{"id":"\#(id)","type":"response.erase","stamp":"\#(stamp)","device":"d","payload":{"response":"\#(id)","scope":"all","reason":"asked"}}"#
        for text in [
            #"{"device":"d","operations":[\#(create),\#(visit),\#(update),\#(erase)]}"#,
            #"{"device":"d","operations":[\#(revisit),\#(add)]}"#,
            #" { "operations" : [ \#(create) ] , "device" : "d" , "extra" : [1, 2] } "#,
            #"{"\u0064evice":"d","operations":[\#(visit)],"operations":[\#(erase)]}"#,
            #"{"device":"d","operations":[\#(create.replacingOccurrences(of: #""id""#, with: #""\u0069d""#))]}"#,
            #"{"device":"d","operations":[\#(create.replacingOccurrences(of: #""q":"yes""#, with: #""q":1,"q":"yes","z":true,"z":"ok""#))]}"#,
            #"{"device":"","operations":[]}"#,
        ] {
            bodies.append(Array(text.utf8))
        }
        return bodies
    }

    static let interestingBytes: [UInt8] = Array(#"{}[]",:\0123456789-.eEtfnu "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xE2, 0xED, 0xF4, 0xFF]
    static let values = [
        "1", "2.0", "-1e3", "1e999", "0.5", "null", "true", "false", "[]", "{}", #"["a",1]"#, #"["a","b"]"#, #""x""#,
        #""\u00e9""#, #""\ud800""#, #"[[[]]]"#, #"{"a":null}"#, #""sensitive""#, #""visit""#, #""response.create""#,
        #""0001763910853000-0000-d""#, #""7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11""#, #""no-answer""#, "123456789012345678901234",
        #""address.add""#, #""do-not-contact""#, #"{"n":"x"}"#,
    ]

    static func mutate(_ body: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var body = body
        let at = Int(random.next() % UInt64(body.count + 1))
        switch random.next() % 7 {
        case 0:
            body = Array(body.prefix(at))
        case 1 where at < body.count:
            body[at] = interestingBytes[Int(random.next() % UInt64(interestingBytes.count))]
        case 2:
            body.insert(interestingBytes[Int(random.next() % UInt64(interestingBytes.count))], at: at)
        case 3 where at < body.count:
            body.remove(at: at)
        case 4:
            // A value in place of a string: the first quoted text after `at`.
            guard let open = body[at...].firstIndex(of: UInt8(ascii: "\"")),
                let close = body[(open + 1)...].firstIndex(of: UInt8(ascii: "\""))
            else { break }
            let value = values[Int(random.next() % UInt64(values.count))]
            body.replaceSubrange(open...close, with: Array(value.utf8))
        case 5:
            // A repeated key inside the next object.
            guard let open = body[at...].firstIndex(of: UInt8(ascii: "{")) else { break }
            let key = ["id", "type", "payload", "answers", "response", "device", "operations", "q", "name"].randomElement(using: &random)!
            let value = values[Int(random.next() % UInt64(values.count))]
            body.insert(contentsOf: Array(#""\#(key)":\#(value),"#.utf8), at: open + 1)
        default:
            // Deep nesting at a value.
            let depth = Int(random.next() % 80)
            guard let colon = body[at...].firstIndex(of: UInt8(ascii: ":")) else { break }
            body.insert(contentsOf: Array((String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth) + ",").utf8), at: colon + 1)
        }
        return body
    }

    @Test func bodiesReadOrFailAsTheCorpusSays() throws {
        let corpus = try PushReaderCorpus.load()
        let bodies = corpus.cases.filter { $0.kind == "body" }
        #expect(bodies.count == 710)
        #expect(bodies.filter { $0.expected.hasPrefix("read ") }.count >= 20, "some bodies are read")
        for (index, entry) in bodies.enumerated() {
            let outcome = Self.outcome(entry.bytes)
            #expect(Self.equivalent(outcome, entry.expected), "body \(index): \(String(decoding: entry.bytes.prefix(300), as: UTF8.self))\n got \(outcome.prefix(300))\n was \(entry.expected.prefix(300))")
        }
    }

    @Test func loggedOperationsReadAsTheCorpusSays() throws {
        let corpus = try PushReaderCorpus.load()
        for (index, entry) in corpus.cases.filter({ $0.kind == "operation" }).enumerated() {
            let text = String(decoding: entry.bytes, as: UTF8.self)
            #expect(PushReaderCorpus.render(SyncOperation(jsonText: text)) == entry.expected, "operation \(index): \(text)")
        }
    }

    @Test func storedAnswerObjectsReadAsTheCorpusSays() throws {
        let corpus = try PushReaderCorpus.load()
        for (index, entry) in corpus.cases.filter({ $0.kind == "answers" }).enumerated() {
            let text = String(decoding: entry.bytes, as: UTF8.self)
            #expect(PushReaderCorpus.render(FieldWriteRow.answerObject(text)) == entry.expected, "answers \(index): \(text)")
        }
    }

    /// Fresh mutated bodies: whatever the reader makes of them, the ids it found while checking a
    /// body (to search the log early) are the ids it read, and it reads the same the second time.
    @Test(arguments: SeededGenerator.seeds)
    func mutatedBodiesHoldTogether(seed: UInt64) throws {
        print("mutatedBodiesHoldTogether seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        let seeds = try Self.seeds(&random)
        for trial in 0..<1_400 {
            var body = seeds[trial % seeds.count]
            for _ in 0...(random.next() % 3) { body = Self.mutate(body, &random) }
            let read = try? PushRequest.read(body: body)
            if let read {
                let ids = try? PushRequest.Body(checking: body).ids
                #expect(ids == read.request.operations.map(\.id), "seed \(seed), trial \(trial)")
            }
            #expect(Self.outcome(body) == Self.outcome(body), "seed \(seed), trial \(trial)")
        }
    }

    /// The fuzz target's short form (`scripts/fuzz` runs it under libFuzzer in a release build
    /// with AddressSanitizer): every saved input and fresh mutations of them, read every way.
    @Test(arguments: SeededGenerator.seeds)
    func fuzzTargetShortForm(seed: UInt64) throws {
        print("fuzzTargetShortForm seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        let inputs = try PushReaderCorpus.load().cases.map(\.bytes)
        for target in ReaderFuzzing.Target.allCases {
            let seeds = target == .push ? inputs : ReaderFuzzing.seeds(for: target)
            for input in seeds { input.withUnsafeBufferPointer { ReaderFuzzing.read($0, as: target) } }
            for trial in 0..<400 {
                var input = seeds[trial % seeds.count]
                for _ in 0...(random.next() % 3) where !input.isEmpty { input = Self.mutate(input, &random) }
                input.withUnsafeBufferPointer { ReaderFuzzing.read($0, as: target) }
            }
        }
    }
}
