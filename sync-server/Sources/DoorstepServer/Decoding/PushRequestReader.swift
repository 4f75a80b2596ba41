import DoorstepCore
import DoorstepWire
import Foundation

/// Builds the wire types of a push from checked JSON text, with the same shape and rules as
/// their `Codable` conformances (see `docs/sync-protocol.md`), and a precise 400 message naming
/// the path of the first faulty value.
///
/// `JSONDecoder` cannot look at a value's type before decoding it, so decoding an
/// ``DoorstepCore/AnswerValue`` means trying integer, number, string and list in turn, each failure
/// building an error; and a tree of parsed values costs an allocation per value. The push path
/// reads operations straight from the bytes instead: ``JSONScanner`` checks the whole body first,
/// then each operation is read here with ``JSONReader``.
enum PushRequestReader {
    /// Checks and reads a whole push body (`bytes`).
    ///
    /// - Returns: The request, and each operation's JSON text exactly as the device sent it (for
    ///   the operation log); no texts when the body's layout does not tell them apart.
    /// - Throws: ``APIError/badRequest(_:)`` naming where the body goes wrong.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (request: PushRequest, texts: [String]) {
        let body = try PushBody(checking: bytes)
        var operations: [SyncOperation] = []
        operations.reserveCapacity(body.count)
        do throws(ShapeError) {
            for index in 0..<body.count {
                operations.append(try body.operation(index, in: bytes))
            }
        } catch {
            throw APIError.badRequest(error.message)
        }
        let texts = body.keepsTexts ? (0..<body.count).map { body.text($0, in: bytes) } : []
        return (PushRequest(device: body.device, operations: operations), texts)
    }

    /// Reads one operation from its JSON text, as stored in the operation log (whose texts were
    /// checked when they arrived, so `recorded_at` is not checked again).
    static func operation(text: String) -> SyncOperation? {
        var utf8 = text
        return utf8.withUTF8 { bytes in
            guard let layout = try? JSONScanner.scan(bytes) else { return nil }
            return try? operation(Value(bytes, at: layout.root, path: ""), recordedAt: nil)
        }
    }

    /// A faulty value, with the path where it sits.
    struct ShapeError: Error {
        var message: String
    }

    /// A JSON value of checked text and where it sits in the document.
    struct Value {
        let bytes: UnsafeBufferPointer<UInt8>
        /// Where the value starts.
        let start: Int
        /// The path of the object holding the value, and the value's key in it (`nil` when the
        /// value's path is `parent` itself): a path is spelt out only for an error message.
        private let parent: String
        private let key: String?

        init(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, path: String) {
            self.init(bytes, at: start, parent: path, key: nil)
        }

        private init(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, parent: String, key: String?) {
            self.bytes = bytes
            self.start = start
            self.parent = parent
            self.key = key
        }

        /// Where the value sits, such as `operations[3].payload.answers`; empty for the body.
        var path: String {
            guard let key else { return parent }
            return parent.isEmpty ? key : "\(parent).\(key)"
        }

        private var place: String { path.isEmpty ? "the body" : path }

        private var reader: JSONReader { JSONReader(bytes, at: start) }

        var kind: JSONReader.Kind {
            var reader = reader
            return reader.kind()
        }

        func fail(_ expected: String) -> ShapeError {
            ShapeError(message: "The value at \(place) has the wrong type; expected \(expected), found \(kind.description).")
        }

        func child(_ key: String) -> String {
            path.isEmpty ? key : "\(path).\(key)"
        }

        /// The values of the object's members named by `keys` (the last of a repeated key),
        /// each `nil` when absent or `null`.
        func members(_ keys: [StaticString]) throws(ShapeError) -> [Int?] {
            var reader = reader
            guard reader.enterObject() else { throw fail("an object") }
            var found = [Int?](repeating: nil, count: keys.count)
            while let key = reader.nextKey() {
                reader.skipWhitespace()
                if let slot = reader.keyIndex(at: key, in: keys) {
                    found[slot] = reader.kind() == .null ? nil : reader.index
                }
                reader.skipValue()
            }
            return found
        }

        /// The member `key` found by ``members(_:)``; missing is an error.
        func member(_ offset: Int?, _ key: String) throws(ShapeError) -> Value {
            guard let offset else { throw ShapeError(message: "The key \(child(key)) is missing.") }
            return child(key, at: offset)
        }

        /// The member `key` found by ``members(_:)``, or `nil`.
        func optionalMember(_ offset: Int?, _ key: String) -> Value? {
            offset.map { child(key, at: $0) }
        }

        /// The member `key` at `offset`: its path is this one's with the key added.
        func child(_ key: String, at offset: Int) -> Value {
            Value(bytes, at: offset, parent: self.key == nil ? parent : path, key: key)
        }

        /// The same value with its path spelt out once, for an object whose members are read.
        var spelledOut: Value {
            key == nil ? self : Value(bytes, at: start, path: path)
        }

        /// Each element of the array, with its path.
        func elements() throws(ShapeError) -> [Value] {
            var reader = reader
            guard reader.enterArray() else { throw fail("an array") }
            var elements: [Value] = []
            var index = 0
            while reader.nextElement() {
                elements.append(Value(bytes, at: reader.index, path: "\(path)[\(index)]"))
                reader.skipValue()
                index += 1
            }
            return elements
        }

        func string() throws(ShapeError) -> String {
            var reader = reader
            guard reader.kind() == .string else { throw fail("a string") }
            return reader.string()
        }

        func bool() throws(ShapeError) -> Bool {
            var reader = reader
            guard reader.kind() == .bool else { throw fail("a boolean") }
            return reader.bool()
        }

        func uuid() throws(ShapeError) -> UUID {
            var reader = reader
            guard reader.kind() == .string, let uuid = reader.plainUUID() ?? UUID(uuidString: reader.string()) else {
                throw fail("a UUID string")
            }
            return uuid
        }

        func stamp() throws(ShapeError) -> HLCTimestamp {
            var reader = reader
            guard reader.kind() == .string, let stamp = reader.plainStamp() ?? HLCTimestamp(reader.string()) else {
                throw fail("a clock stamp string")
            }
            return stamp
        }

        func answer() throws(ShapeError) -> AnswerValue {
            var reader = reader
            switch reader.kind() {
            case .string:
                return .text(reader.string())
            case .number:
                switch reader.number() {
                case .integer(let int): return .integer(int)
                case .double(let double): return .decimal(double)
                }
            case .array:
                _ = reader.enterArray()
                var list: [String] = []
                while reader.nextElement() {
                    guard reader.kind() == .string else { throw fail("an answer: a string, a number or an array of strings") }
                    list.append(reader.string())
                }
                return .list(list)
            case .null, .bool, .object:
                throw fail("an answer: a string, a number or an array of strings")
            }
        }
    }

    /// Reads one operation; `recordedAt` is what a new response's `recorded_at` must be (`nil`: anything).
    static func operation(_ node: Value, recordedAt: RecordedAtRule?) throws(ShapeError) -> SyncOperation {
        let members = try node.members(["id", "stamp", "device", "type", "payload"])
        let id = try node.member(members[0], "id").uuid()
        let stamp = try node.member(members[1], "stamp").stamp()
        let device = try node.member(members[2], "device").string()
        let typeNode = try node.member(members[3], "type")
        let payload = try node.member(members[4], "payload")
        let body: SyncOperation.Body
        switch try typeNode.string() {
        case "response.create": body = .createResponse(try newResponse(payload, recordedAt: recordedAt))
        case "response.update": body = .updateResponse(try responseUpdate(payload))
        case "visit": body = .recordVisit(try visit(payload))
        case "response.erase": body = .eraseResponse(try erasure(payload))
        case "address.add": body = .addAddress(try newAddress(payload))
        case let other:
            throw ShapeError(message: "The value at \(typeNode.path) is invalid: Unknown operation type \"\(other)\".")
        }
        return SyncOperation(id: id, stamp: stamp, device: device, body: body)
    }

    static func newResponse(_ node: Value, recordedAt rule: RecordedAtRule?) throws(ShapeError) -> NewResponse {
        let node = node.spelledOut
        let members = try node.members([
            "answers", "response", "campaign", "address", "form", "form_version", "recorded_at", "safeguarding", "erased",
        ])
        let answers = try self.answers(node.member(members[0], "answers"))
        return NewResponse(
            response: try node.member(members[1], "response").uuid(),
            campaign: try node.member(members[2], "campaign").string(),
            address: try node.member(members[3], "address").string(),
            form: try node.member(members[4], "form").string(),
            formVersion: try node.member(members[5], "form_version").string(),
            recordedAt: try recordedAt(node.member(members[6], "recorded_at"), rule),
            answers: answers,
            safeguarding: try node.optionalMember(members[7], "safeguarding")?.bool() ?? false,
            erased: try node.optionalMember(members[8], "erased").map { value throws(ShapeError) in try erasureScope(value) }
        )
    }

    /// A `recorded_at` string, checked against `rule` when there is one.
    static func recordedAt(_ node: Value, _ rule: RecordedAtRule?) throws(ShapeError) -> String {
        let text = try node.string()
        if let fault = rule?.fault(text) {
            throw ShapeError(message: "The value at \(node.path) is invalid: \(fault.message(text)).")
        }
        return text
    }

    /// An answers object: each member an answer (the last of a repeated name).
    static func answers(_ node: Value) throws(ShapeError) -> Answers {
        var reader = JSONReader(node.bytes, at: node.start)
        guard reader.enterObject() else { throw node.fail("an object") }
        var counter = reader
        var count = 0
        while counter.nextKey() != nil {
            counter.skipValue()
            count += 1
        }
        var answers = Answers(minimumCapacity: count)
        // A faulty answer counts only if no later answer of the same name replaces it.
        var faults: [(name: String, error: ShapeError)] = []
        while let key = reader.nextKey() {
            var keyReader = JSONReader(node.bytes, at: key)
            let name = keyReader.string()
            reader.skipWhitespace()
            let value = Value(node.bytes, at: reader.index, path: "")
            reader.skipValue()
            do throws(ShapeError) {
                answers[name] = try value.answer()
                if !faults.isEmpty { faults.removeAll { $0.name == name } }
            } catch {
                faults.removeAll { $0.name == name }
                faults.append((name, node.child(name, at: value.start).fail("an answer: a string, a number or an array of strings")))
            }
        }
        if let first = faults.first { throw first.error }
        return answers
    }

    static func responseUpdate(_ node: Value) throws(ShapeError) -> ResponseUpdate {
        let node = node.spelledOut
        let members = try node.members(["response", "fields"])
        let response = try node.member(members[0], "response").uuid()
        var fields: [FieldChange] = []
        for field in try node.member(members[1], "fields").elements() {
            let parts = try field.members(["name", "value", "base", "resolves"])
            fields.append(FieldChange(
                name: try field.member(parts[0], "name").string(),
                value: try field.optionalMember(parts[1], "value")?.answer(),
                base: try field.optionalMember(parts[2], "base")?.stamp(),
                resolves: try field.optionalMember(parts[3], "resolves")?.elements().map { value throws(ShapeError) in
                    try value.stamp()
                } ?? []
            ))
        }
        return ResponseUpdate(response: response, fields: fields)
    }

    static func visit(_ node: Value) throws(ShapeError) -> Visit {
        let node = node.spelledOut
        let members = try node.members(["outcome", "visit", "campaign", "address", "note", "at", "call_back"])
        let outcomeNode = try node.member(members[0], "outcome")
        guard let outcome = VisitOutcome(rawValue: try outcomeNode.string()) else {
            throw outcomeNode.fail("one of " + VisitOutcome.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return Visit(
            visit: try node.member(members[1], "visit").uuid(),
            campaign: try node.member(members[2], "campaign").string(),
            address: try node.member(members[3], "address").string(),
            outcome: outcome,
            note: try node.optionalMember(members[4], "note")?.string(),
            at: try node.member(members[5], "at").string(),
            callBack: try node.optionalMember(members[6], "call_back")?.string()
        )
    }

    static func newAddress(_ node: Value) throws(ShapeError) -> NewAddress {
        let node = node.spelledOut
        let members = try node.members(["campaign", "door"])
        let doorNode = try node.member(members[1], "door").spelledOut
        let door = try doorNode.members(["id", "address", "postcode", "street", "area", "uprn", "notes"])
        return NewAddress(
            campaign: try node.member(members[0], "campaign").string(),
            door: WalkListAddress(
                id: try doorNode.member(door[0], "id").string(),
                address: try doorNode.member(door[1], "address").string(),
                postcode: try doorNode.optionalMember(door[2], "postcode")?.string(),
                street: try doorNode.optionalMember(door[3], "street")?.string(),
                area: try doorNode.optionalMember(door[4], "area")?.string(),
                uprn: try doorNode.optionalMember(door[5], "uprn")?.string(),
                notes: try doorNode.optionalMember(door[6], "notes").map(strings) ?? [:]
            )
        )
    }

    /// An object whose members are all strings (the last of a repeated name).
    static func strings(_ node: Value) throws(ShapeError) -> [String: String] {
        var reader = JSONReader(node.bytes, at: node.start)
        guard reader.enterObject() else { throw node.fail("an object of strings") }
        var strings: [String: String] = [:]
        while let key = reader.nextKey() {
            var keyReader = JSONReader(node.bytes, at: key)
            let name = keyReader.string()
            reader.skipWhitespace()
            guard reader.kind() == .string else { throw node.fail("an object of strings") }
            strings[name] = reader.string()
        }
        return strings
    }

    static func erasure(_ node: Value) throws(ShapeError) -> Erasure {
        let node = node.spelledOut
        let members = try node.members(["response", "scope", "reason"])
        return Erasure(
            response: try node.member(members[0], "response").uuid(),
            scope: try erasureScope(node.member(members[1], "scope")),
            reason: try node.optionalMember(members[2], "reason")?.string()
        )
    }

    /// What an erasure removes: `"sensitive"` or `"all"`.
    static func erasureScope(_ node: Value) throws(ShapeError) -> Erasure.Scope {
        guard let scope = Erasure.Scope(rawValue: try node.string()) else {
            throw node.fail("\"sensitive\" or \"all\"")
        }
        return scope
    }
}
