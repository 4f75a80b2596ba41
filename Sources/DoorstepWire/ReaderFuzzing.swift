import DoorstepCore
import Foundation

/// What a fuzzer feeds the readers of untrusted bytes. A reader may refuse an input; it must not
/// crash, read out of bounds, or contradict itself — checked with `precondition`, so a fuzzer
/// (`scripts/fuzz`) stops on it and keeps the input.
public enum ReaderFuzzing {
    /// The readers fuzzed together.
    public enum Target: String, CaseIterable, Sendable {
        /// What a device sends: a push body, and the texts the server keeps of it (a logged
        /// operation, a stored answers object).
        case push
        /// What the server sends back: a pull page, and the stored fields it copies into one.
        case pull
    }

    /// Reads `bytes` every way `target` reads; returns normally whatever the input.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, as target: Target) {
        switch target {
        case .push: readPush(Array(bytes))
        case .pull: readPull(Array(bytes))
        }
    }

    private static func readPush(_ text: [UInt8]) {
        if let (request, _) = try? PushRequest.read(text) {
            // The ids found while checking the body (to search the log early) are the ids read.
            let ids = try? PushRequest.Body(checking: text).ids
            precondition(ids == request.operations.map(\.id), "the body's checked ids are not the ids read")
            // What the fast writer writes for the operations reads back the same.
            for operation in request.operations {
                precondition(SyncOperation(jsonText: operation.jsonText) == operation, "an operation does not survive its text")
            }
        }
        let string = String(decoding: text, as: UTF8.self)
        _ = SyncOperation(jsonText: string)
        _ = JSONValue.answerObject(string)
    }

    private static func readPull(_ text: [UInt8]) {
        let data = Data(text)
        if let page = try? PullResponse.decode(json: data) {
            // The fast pull reader reads what JSONDecoder reads, or hands the page to it.
            precondition(page == (try? JSONDecoder().decode(PullResponse.self, from: data)), "the pull reader and JSONDecoder disagree")
        }
        // Copied as stored fields or as stored answers into a pull page's response, what the copy
        // vouches for must read back as the stored text reads.
        let stamp = HLCTimestamp(physical: 1, counter: 0, node: "fuzz")
        for answers in [false, true] {
            var json = JSONWriter()
            let written = withJSONBytes(text) { bytes in
                answers ? ResponseState.writeFields(answers: bytes, stamp: stamp, to: &json)
                    : ResponseState.writeFields(stored: bytes, to: &json)
            }
            guard written else { continue }
            let copied = try? JSONDecoder().decode([String: FieldValue].self, from: Data(json.bytes))
            precondition(copied != nil, "copied fields are not JSON a device reads")
            if answers {
                let stored = JSONValue.answerObject(String(decoding: text, as: UTF8.self))
                precondition(
                    stored?.compactMapValues { $0 } == copied?.compactMapValues(\.value), "copied answers differ from the stored ones"
                )
            }
        }
    }

    /// Seed inputs for `target`: pull pages and stored fields with text that needs escaping (a
    /// push's seeds are the saved push-reader corpus).
    public static func seeds(for target: Target) -> [[UInt8]] {
        guard target == .pull else { return [] }
        let texts = ["plain", "quote \" and \\ backslash", "tab\tnew\nline", "control \u{01}\u{1F}", "é 😀", "", "/"]
        let stamp = HLCTimestamp(physical: 1_763_910_853_000, counter: 2, node: "dev-1")
        var seeds: [[UInt8]] = []
        for (index, text) in texts.enumerated() {
            let fields: [String: FieldValue] = [
                text: FieldValue(value: .text(text), stamp: stamp),
                "n\(index)": FieldValue(value: .integer(index - 3), stamp: stamp),
                "d": FieldValue(value: .decimal(Double(index) / 7), stamp: stamp),
                "l": FieldValue(value: .list([text, "b"]), stamp: stamp),
                "cleared": FieldValue(value: nil, stamp: stamp),
            ]
            let response = ResponseState(
                id: UUID(), campaign: text, address: "a\(index)", form: "f", formVersion: "1", recordedAt: "2026-11-14T10:00:00Z",
                device: "dev-1", fields: fields, erased: index % 3 == 0 ? .sensitive : nil
            )
            let page = PullResponse(cursor: Int64(index), more: index % 2 == 0, epoch: "e", serverTime: stamp, responses: [response])
            if let page = try? JSONEncoder.wire.encode(page) { seeds.append(Array(page)) }
            seeds.append(Array(FieldValue.jsonText(fields).utf8))
            seeds.append(Array(JSONWriter.answers(fields.compactMapValues(\.value)).utf8))
        }
        return seeds
    }
}
