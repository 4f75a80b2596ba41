import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation

/// Push bodies, logged operations and stored answer objects, with what a reference reader that
/// builds a tree of values first makes of them, so the push reader is checked against those
/// outputs rather than against a copy of the reference kept in the tests.
///
/// `sync-server/Tests/DoorstepServerTests/Corpus/push-reader.json`.
struct PushReaderCorpus: Codable {
    /// How the corpus was made.
    var origin: String
    var cases: [Case]

    struct Case: Codable {
        /// `body` (a whole `POST /v1/push` body), `operation` (one operation as the log keeps it)
        /// or `answers` (a stored answers object).
        var kind: String
        /// The input as text, when it is UTF-8.
        var text: String?
        /// The input in base64, when it is not.
        var base64: String?
        /// What the reference reader gave, as ``PushReaderCorpus/render(_:texts:)`` and the like write it.
        var expected: String

        var bytes: [UInt8] {
            if let text { return Array(text.utf8) }
            return Array(Data(base64Encoded: base64 ?? "") ?? Data())
        }

        init(kind: String, bytes: [UInt8], expected: String) {
            self.kind = kind
            if let text = String(validating: bytes, as: UTF8.self) { self.text = text } else { base64 = Data(bytes).base64EncodedString() }
            self.expected = expected
        }
    }

    static var file: URL {
        BuiltProducts.packageRoot.appendingPathComponent("sync-server/Tests/DoorstepServerTests/Corpus/push-reader.json")
    }

    static func load() throws -> PushReaderCorpus {
        try JSONDecoder().decode(PushReaderCorpus.self, from: Data(contentsOf: file))
    }

    // MARK: Outcomes as text

    /// A read request and its operations' texts: JSON with sorted keys, then the kind of every
    /// answer (`t`ext, `i`nteger, `d`ecimal, `l`ist, `-` for a cleared field), which JSON alone
    /// would not tell (2 and 2.0).
    static func render(_ request: PushRequest, texts: [String]) -> String {
        "read " + json(request) + " kinds " + request.operations.map(kinds).joined(separator: "|") + " texts " + json(texts)
    }

    /// One operation, or `none`.
    static func render(_ operation: SyncOperation?) -> String {
        operation.map { "operation " + json($0) + " kinds " + kinds($0) } ?? "none"
    }

    /// A stored answers object, or `none`.
    static func render(_ answers: [String: AnswerValue?]?) -> String {
        guard let answers else { return "none" }
        return answers.sorted { $0.key < $1.key }.map { name, value in
            "\(json(name))=" + (value.map { kind($0) + json($0) } ?? "null")
        }.joined(separator: ",")
    }

    static func refused(_ message: String) -> String { "refused " + message }

    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            return "(not encodable: \(error))"
        }
    }

    private static func kind(_ value: AnswerValue) -> String {
        switch value {
        case .text: "t"
        case .integer: "i"
        case .decimal: "d"
        case .list: "l"
        }
    }

    private static func kinds(_ operation: SyncOperation) -> String {
        switch operation.body {
        case .createResponse(let new): new.answers.sorted { $0.key < $1.key }.map { kind($0.value) }.joined()
        case .updateResponse(let update): update.fields.map { $0.value.map(kind) ?? "-" }.joined()
        default: ""
        }
    }
}
