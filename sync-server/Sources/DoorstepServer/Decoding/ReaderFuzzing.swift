import DoorstepCore
import DoorstepWire
import Foundation

/// What a fuzzer feeds the readers of untrusted bytes: one input, read by each as a push body, a
/// logged operation, a stored answers object and a pull page. A reader may refuse the input; it
/// must not crash, read out of bounds, or contradict itself — checked with `precondition`, so a
/// fuzzer (`scripts/fuzz`) stops on it and keeps the input.
public enum ReaderFuzzing {
    /// Reads `bytes` every way; returns normally whatever the input.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let (request, _) = try? PushRequestReader.read(bytes) {
            // The ids found while checking the body (to search the log early) are the ids read.
            let ids = try? PushBody(checking: bytes).ids
            precondition(ids == request.operations.map(\.id), "the body's checked ids are not the ids read")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        _ = PushRequestReader.operation(text: text)
        _ = FieldWriteRow.answerObject(text)
        let data = Data(buffer: bytes)
        if let page = try? PullResponse.decode(json: data) {
            // The fast pull reader reads what JSONDecoder reads, or hands the page to it.
            precondition(page == (try? JSONDecoder().decode(PullResponse.self, from: data)), "the pull reader and JSONDecoder disagree")
        }
    }
}
