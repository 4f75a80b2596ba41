@testable import DoorstepLogging
import Foundation
import Logging
import Testing

/// One log entry as ``JSONLogHandler`` writes it, read back with `JSONSerialization`.
@Suite("JSONLogHandler lines")
struct JSONLogHandlerTests {
    static func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1, "one line: \(line)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
    }

    @Test("Quotes, backslashes, control characters and non-ASCII text survive as one JSON line")
    func escapes() throws {
        let message = "Said \"no\" at 3\\4 Mill St\nthen left\t\u{1}\u{7f} — café 🏠"
        let line = JSONLogHandler.line(
            time: "2026-12-04T11:00:00.000Z", level: .warning, message: message, label: "doorstep-server",
            metadata: ["note": .string("a\rb\u{0}c")]
        )
        let entry = try Self.object(line)
        #expect(entry["message"] as? String == message)
        #expect(entry["note"] as? String == "a\rb\u{0}c")
        #expect(entry["level"] as? String == "warning")
        #expect(entry["time"] as? String == "2026-12-04T11:00:00.000Z")
        #expect(entry["label"] as? String == "doorstep-server")
    }

    @Test("Numbers stay numbers, lists and dictionaries nest, the request id is request_id, fixed keys win")
    func metadataValues() throws {
        let line = JSONLogHandler.line(
            time: "t", level: .info, message: "m", label: "l",
            metadata: [
                "status": .stringConvertible(404), "duration_ms": .stringConvertible(12.5),
                "hb.request.id": .string("abc"), "tags": .array([.string("x"), .stringConvertible(2)]),
                "nested": .dictionary(["k": .string("v")]), "level": .string("spoofed"),
                "infinite": .stringConvertible(Double.infinity),
            ]
        )
        let entry = try Self.object(line)
        #expect(entry["status"] as? Int == 404)
        #expect(entry["duration_ms"] as? Double == 12.5)
        #expect(entry["request_id"] as? String == "abc" && entry["hb.request.id"] == nil)
        #expect((entry["tags"] as? [Any])?.count == 2)
        #expect((entry["nested"] as? [String: String]) == ["k": "v"])
        #expect(entry["level"] as? String == "info")
        #expect(entry["infinite"] as? String == "inf")
    }

    @Test("The time is UTC with milliseconds")
    func time() {
        #expect(JSONLogHandler.now().wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }
}
