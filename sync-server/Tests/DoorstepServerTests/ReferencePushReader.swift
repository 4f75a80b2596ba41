import DoorstepCore
@testable import DoorstepServer
import Foundation

// The push body reader as it was before it read operations straight from the bytes: a tree of
// parsed values, then the wire types. `PushReaderEquivalenceTests` checks that the new reader
// accepts, reads and refuses (with the same message) exactly what this one does.

/// A parsed JSON document: the push path's former decoder, kept as the reference the new one must match.
///
/// `JSONDecoder` cannot look at a value's type before decoding it, so decoding an
/// ``DoorstepCore/AnswerValue`` means trying integer, number, string and list in turn, each failure
/// building an error. On a push of thousands of responses that dominated the server's time, so the
/// push body is parsed here once into plain values and read by ``PushRequestReader``.
enum ReferenceJSONValue: Equatable {
    case null
    case bool(Bool)
    /// A number written without a fraction or exponent that fits in `Int`.
    case integer(Int)
    case number(Double)
    case string(String)
    case array([ReferenceJSONValue])
    case object([String: ReferenceJSONValue])

    /// What the value is, for error messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}


/// A strict RFC 8259 parser (<https://www.rfc-editor.org/rfc/rfc8259>) over UTF-8 bytes.
struct ReferenceJSONParser {
    /// Nesting deeper than this is refused, so a hostile body cannot exhaust the stack.
    static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    /// Whether a name repeated within one object is a fault (in a request body) or the last wins.
    private let rejectsRepeatedKeys: Bool
    private var index = 0
    /// Where each element of an array one level down sits in the text (the operations of a push).
    private var elementRanges: [Range<Int>] = []

    /// Parses one JSON document; only whitespace may follow it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> ReferenceJSONValue {
        var parser = ReferenceJSONParser(bytes: bytes, rejectsRepeatedKeys: false)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("Unexpected text after the JSON value.") }
        return value
    }

    /// Parses one JSON document and also returns the byte ranges of the elements of arrays held
    /// directly by the root object, such as a push's operations.
    static func parseKeepingElementText(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) throws(JSONSyntaxError) -> (value: ReferenceJSONValue, elementRanges: [Range<Int>]) {
        var parser = ReferenceJSONParser(bytes: bytes, rejectsRepeatedKeys: true)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("Unexpected text after the JSON value.") }
        return (value, parser.elementRanges)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, rejectsRepeatedKeys: Bool) {
        self.bytes = bytes
        self.rejectsRepeatedKeys = rejectsRepeatedKeys
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, message: message)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> ReferenceJSONValue {
        guard depth < Self.maximumDepth else { throw error("The JSON is nested too deeply.") }
        skipWhitespace()
        guard index < bytes.count else { throw error("The JSON ends too early.") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("Unexpected character in JSON.")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("The JSON ends too early.") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("Unexpected character in JSON.")
        }
        index += count
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> ReferenceJSONValue {
        index += 1
        var members: [String: ReferenceJSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("Expected a key in quotes.") }
            let keyStart = index
            let key = try string()
            if rejectsRepeatedKeys, members[key] != nil {
                throw JSONSyntaxError(offset: keyStart, message: "The name \"\(key.prefix(100))\" is repeated in one object.")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("Expected ':' after a key.") }
            index += 1
            members[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw error("The JSON ends too early.") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw error("Expected ',' or '}' in an object.")
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> ReferenceJSONValue {
        index += 1
        var elements: [ReferenceJSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            let start = index
            elements.append(try value(depth: depth + 1))
            if depth == 1 { elementRanges.append(start..<index) }
            skipWhitespace()
            guard index < bytes.count else { throw error("The JSON ends too early.") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("Expected ',' or ']' in an array.")
        }
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) else {
                    throw error("A string is not valid UTF-8.")
                }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("A control character must be escaped inside a string.") }
            index += 1
        }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw error("A string is not valid UTF-8.") }
                index += 1
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("The JSON ends too early.") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("A lone surrogate in a \\u escape.")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("A lone surrogate in a \\u escape.") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("A lone surrogate in a \\u escape.")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("An invalid \\u escape.") }
                    utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error("An invalid escape in a string.")
                }
            default:
                if byte < 0x20 { throw error("A control character must be escaped inside a string.") }
                utf8.append(byte)
                index += 1
            }
        }
        throw error("A string is not closed.")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("The JSON ends too early.") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("An invalid \\u escape.")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func number() throws(JSONSyntaxError) -> ReferenceJSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("A number needs digits.")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw error("A number needs digits after its decimal point.") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw error("A number needs digits in its exponent.") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let integer = Int(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { throw error("A number is out of range.") }
        // As JSONDecoder does: a whole number written as 2.0 or 2e0 is still an integer.
        if double.rounded() == double, abs(double) < 9.0e15 { return .integer(Int(double)) }
        return .number(double)
    }
}

/// The push path's former reader, kept verbatim as the reference for ``PushRequestReader``: builds a `PushRequest` from parsed JSON, with the same shape and rules as the
/// wire types' `Codable` conformances (see `docs/sync-protocol.md`), and a precise 400 message
/// naming the path of the first faulty value.
enum ReferencePushRequestReader {
    /// Parses and reads a push body.
    ///
    /// - Returns: The request, and each operation's JSON text exactly as the device sent it (for
    ///   the operation log).
    /// - Throws: ``APIError/badRequest(_:)`` naming where the body goes wrong.
    static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, recordedAt rule: RecordedAtRule = .anyTime
    ) throws -> (request: PushRequest, texts: [String]) {
        let parsed: (value: ReferenceJSONValue, elementRanges: [Range<Int>])
        do {
            parsed = try ReferenceJSONParser.parseKeepingElementText(bytes)
        } catch {
            throw APIError.badRequest("The request body is not valid JSON: \(error.message) (at byte \(error.offset)).")
        }
        let request: PushRequest
        do {
            request = try pushRequest(Node(parsed.value, path: ""), recordedAt: rule)
        } catch let error as ShapeError {
            throw APIError.badRequest(error.message)
        }
        let texts = parsed.elementRanges.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        return (request, texts.count == request.operations.count ? texts : [])
    }

    /// Reads one operation from its JSON text, as stored in the operation log.
    static func operation(text: String) -> SyncOperation? {
        var utf8 = text
        return utf8.withUTF8 { bytes in
            guard let value = try? ReferenceJSONParser.parse(bytes) else { return nil }
            return try? operation(Node(value, path: ""), recordedAt: nil)
        }
    }

    /// A faulty value, with the path where it sits.
    struct ShapeError: Error {
        var message: String
    }

    /// A JSON value and where it sits in the document.
    struct Node {
        var value: ReferenceJSONValue
        var path: String

        init(_ value: ReferenceJSONValue, path: String) {
            self.value = value
            self.path = path
        }

        private var place: String { path.isEmpty ? "the body" : path }

        func fail(_ expected: String) -> ShapeError {
            ShapeError(message: "The value at \(place) has the wrong type; expected \(expected), found \(value.kind).")
        }

        func object() throws -> [String: ReferenceJSONValue] {
            guard case .object(let members) = value else { throw fail("an object") }
            return members
        }

        func array() throws -> [Node] {
            guard case .array(let elements) = value else { throw fail("an array") }
            return elements.enumerated().map { Node($1, path: "\(path)[\($0)]") }
        }

        func string() throws -> String {
            guard case .string(let text) = value else { throw fail("a string") }
            return text
        }

        func bool() throws -> Bool {
            guard case .bool(let flag) = value else { throw fail("a boolean") }
            return flag
        }

        func uuid() throws -> UUID {
            guard case .string(let text) = value, let uuid = UUID(uuidString: text) else { throw fail("a UUID string") }
            return uuid
        }

        func stamp() throws -> HLCTimestamp {
            guard case .string(let text) = value, let stamp = HLCTimestamp(text) else { throw fail("a clock stamp string") }
            return stamp
        }

        func answer() throws -> AnswerValue {
            switch value {
            case .integer(let int): return .integer(int)
            case .number(let double): return .decimal(double)
            case .string(let text): return .text(text)
            case .array(let elements):
                var list: [String] = []
                list.reserveCapacity(elements.count)
                for element in elements {
                    guard case .string(let text) = element else { throw fail("an answer: a string, a number or an array of strings") }
                    list.append(text)
                }
                return .list(list)
            default:
                throw fail("an answer: a string, a number or an array of strings")
            }
        }

        /// The member `key`; missing (or `null` when `allowingNull` is false) is an error.
        func member(_ key: String) throws -> Node {
            let members = try object()
            guard let member = members[key], member != .null else {
                throw ShapeError(message: "The key \(path.isEmpty ? key : "\(path).\(key)") is missing.")
            }
            return Node(member, path: path.isEmpty ? key : "\(path).\(key)")
        }

        /// The member `key`, or `nil` when it is absent or `null`.
        func optionalMember(_ key: String) throws -> Node? {
            let members = try object()
            guard let member = members[key], member != .null else { return nil }
            return Node(member, path: path.isEmpty ? key : "\(path).\(key)")
        }
    }

    static func pushRequest(_ node: Node, recordedAt rule: RecordedAtRule) throws -> PushRequest {
        PushRequest(
            device: try node.member("device").string(),
            operations: try node.member("operations").array().map { try operation($0, recordedAt: rule) }
        )
    }

    static func operation(_ node: Node, recordedAt rule: RecordedAtRule?) throws -> SyncOperation {
        let id = try node.member("id").uuid()
        let stamp = try node.member("stamp").stamp()
        let device = try node.member("device").string()
        let typeNode = try node.member("type")
        let payload = try node.member("payload")
        let body: SyncOperation.Body
        switch try typeNode.string() {
        case "response.create": body = .createResponse(try newResponse(payload, recordedAt: rule))
        case "response.update": body = .updateResponse(try responseUpdate(payload))
        case "visit": body = .recordVisit(try visit(payload))
        case "response.erase": body = .eraseResponse(try erasure(payload))
        case "address.add": body = .addAddress(try newAddress(payload))
        case let other:
            throw ShapeError(message: "The value at \(typeNode.path) is invalid: Unknown operation type \"\(other)\".")
        }
        return SyncOperation(id: id, stamp: stamp, device: device, body: body)
    }

    static func newResponse(_ node: Node, recordedAt rule: RecordedAtRule?) throws -> NewResponse {
        let answersNode = try node.member("answers")
        var answers: Answers = [:]
        for (name, value) in try answersNode.object() {
            answers[name] = try Node(value, path: "\(answersNode.path).\(name)").answer()
        }
        return NewResponse(
            response: try node.member("response").uuid(),
            campaign: try node.member("campaign").string(),
            address: try node.member("address").string(),
            form: try node.member("form").string(),
            formVersion: try node.member("form_version").string(),
            recordedAt: try recordedAt(node.member("recorded_at"), rule),
            answers: answers,
            safeguarding: try node.optionalMember("safeguarding")?.bool() ?? false,
            erased: try node.optionalMember("erased").map { try erasureScope($0) }
        )
    }

    /// A `recorded_at` string, checked against `rule` when there is one (the rule itself is the
    /// server's ``RecordedAtRule``; this reference holds the reading to the same place and message).
    static func recordedAt(_ node: Node, _ rule: RecordedAtRule?) throws -> String {
        let text = try node.string()
        if let fault = rule?.fault(text) {
            throw ShapeError(message: "The value at \(node.path) is invalid: \(fault.message(text)).")
        }
        return text
    }

    static func responseUpdate(_ node: Node) throws -> ResponseUpdate {
        ResponseUpdate(
            response: try node.member("response").uuid(),
            fields: try node.member("fields").array().map { field in
                FieldChange(
                    name: try field.member("name").string(),
                    value: try field.optionalMember("value")?.answer(),
                    base: try field.optionalMember("base")?.stamp(),
                    resolves: try field.optionalMember("resolves")?.array().map { try $0.stamp() } ?? []
                )
            }
        )
    }

    static func visit(_ node: Node) throws -> Visit {
        let outcomeNode = try node.member("outcome")
        guard let outcome = VisitOutcome(rawValue: try outcomeNode.string()) else {
            throw outcomeNode.fail("one of " + VisitOutcome.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return Visit(
            visit: try node.member("visit").uuid(),
            campaign: try node.member("campaign").string(),
            address: try node.member("address").string(),
            outcome: outcome,
            note: try node.optionalMember("note")?.string(),
            at: try node.member("at").string(),
            callBack: try node.optionalMember("call_back")?.string()
        )
    }

    static func newAddress(_ node: Node) throws -> NewAddress {
        let door = try node.member("door")
        _ = try door.object()
        let campaign = try node.member("campaign").string()
        let id = try door.member("id").string()
        let address = try door.member("address").string()
        let postcode = try door.optionalMember("postcode")?.string()
        let street = try door.optionalMember("street")?.string()
        let area = try door.optionalMember("area")?.string()
        let uprn = try door.optionalMember("uprn")?.string()
        var notes: [String: String] = [:]
        if let notesNode = try door.optionalMember("notes") {
            guard case .object(let members) = notesNode.value else { throw notesNode.fail("an object of strings") }
            for (name, value) in members {
                guard case .string(let text) = value else { throw notesNode.fail("an object of strings") }
                notes[name] = text
            }
        }
        return NewAddress(
            campaign: campaign,
            door: WalkListAddress(id: id, address: address, postcode: postcode, street: street, area: area, uprn: uprn, notes: notes)
        )
    }

    static func erasure(_ node: Node) throws -> Erasure {
        Erasure(
            response: try node.member("response").uuid(),
            scope: try erasureScope(node.member("scope")),
            reason: try node.optionalMember("reason")?.string()
        )
    }

    /// What an erasure removes: `"sensitive"` or `"all"`.
    static func erasureScope(_ node: Node) throws -> Erasure.Scope {
        guard let scope = Erasure.Scope(rawValue: try node.string()) else {
            throw node.fail("\"sensitive\" or \"all\"")
        }
        return scope
    }
}
