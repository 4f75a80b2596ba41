import DoorstepCore
import DoorstepWire
import Foundation

/// What a fuzzer feeds the readers of untrusted bytes: one input, read by each as a push body, a
/// logged operation, a stored answers object, stored fields and a pull page. A reader may refuse
/// the input; it must not crash, read out of bounds, or contradict itself — checked with
/// `precondition`, so a fuzzer (`scripts/fuzz`) stops on it and keeps the input.
public enum ReaderFuzzing {
    /// Reads `bytes` every way; returns normally whatever the input.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = Array(bytes)
        if let (request, _) = try? PushRequest.read(body: text) {
            // The ids found while checking the body (to search the log early) are the ids read.
            let ids = try? PushRequest.Body(checking: text).ids
            precondition(ids == request.operations.map(\.id), "the body's checked ids are not the ids read")
            // What the fast writer writes for the operations reads back the same.
            for operation in request.operations {
                precondition(SyncOperation(jsonText: operation.jsonText) == operation, "an operation does not survive its text")
            }
        }
        let string = String(decoding: bytes, as: UTF8.self)
        _ = SyncOperation(jsonText: string)
        _ = FieldWriteRow.answerObject(string)
        storedFields(text)
        let data = Data(buffer: bytes)
        if let page = try? PullResponse.decode(json: data) {
            // The fast pull reader reads what JSONDecoder reads, or hands the page to it.
            precondition(page == (try? JSONDecoder().decode(PullResponse.self, from: data)), "the pull reader and JSONDecoder disagree")
        }
    }

    /// Copies `text` as stored fields and as stored answers into a pull page's response; what
    /// the copy vouches for must read back as the stored text reads.
    private static func storedFields(_ text: [UInt8]) {
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
                precondition(stored?.compactMapValues { $0 } == copied?.compactMapValues(\.value), "copied answers differ from the stored ones")
            }
        }
    }
}
