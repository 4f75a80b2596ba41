package import DoorstepCore
package import Foundation

/// A value that does not have the shape a wire type needs, with the path where it sits: the
/// sentence is the 400 message of a push.
package struct JSONShapeError: Error, Equatable {
    package var message: String

    package init(message: String) {
        self.message = message
    }
}

/// One value of checked JSON text (see ``JSONScanner``) and the path where it sits, read into
/// wire types by name with a precise message for the first faulty value.
///
/// `JSONDecoder` cannot look at a value's type before decoding it, so decoding an `AnswerValue`
/// means trying integer, number, string and list in turn, each failure building an error; and a
/// tree of parsed values costs an allocation per value. The wire types' fast readers read their
/// members through this type straight from the bytes instead.
package struct JSONValue {
    package let bytes: JSONBytes
    /// Where the value starts.
    package let start: Int
    /// The path of the object holding the value, and the value's key in it (`nil` when the
    /// value's path is `parent` itself): a path is spelt out only for an error message.
    private let parent: String
    private let key: String?
    /// Whether paths are kept at all: not for text whose errors nobody reads (a pull page that
    /// goes to `JSONDecoder` when it does not read), where building them would cost a string for
    /// each value read.
    private let tracksPath: Bool

    /// The value starting at `start`, whose path is `path` (empty for the document).
    package init(_ bytes: JSONBytes, at start: Int, path: String) {
        self.init(bytes, at: start, parent: path, key: nil, tracksPath: true)
    }

    /// The value starting at `start`, read without paths: its errors name no place.
    package init(_ bytes: JSONBytes, at start: Int) {
        self.init(bytes, at: start, parent: "", key: nil, tracksPath: false)
    }

    private init(_ bytes: JSONBytes, at start: Int, parent: String, key: String?, tracksPath: Bool) {
        self.bytes = bytes
        self.start = start
        self.parent = parent
        self.key = key
        self.tracksPath = tracksPath
    }

    /// Where the value sits, such as `operations[3].payload.answers`; empty for the document.
    package var path: String {
        guard let key else { return parent }
        return parent.isEmpty ? key : "\(parent).\(key)"
    }

    private var place: String { path.isEmpty ? "the body" : path }

    private var reader: JSONReader { JSONReader(bytes, at: start) }

    package var kind: JSONReader.Kind {
        var reader = reader
        return reader.kind()
    }

    /// The error for a value that is not what was `expected`.
    package func fail(_ expected: String) -> JSONShapeError {
        JSONShapeError(message: "The value at \(place) has the wrong type; expected \(expected), found \(kind.description).")
    }

    /// The error for a value of the right type whose content is refused.
    package func invalid(_ why: String) -> JSONShapeError {
        JSONShapeError(message: "The value at \(path) is invalid: \(why).")
    }

    /// The path of member `key` of this value.
    package func child(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The member `key` at `offset`: its path is this one's with the key added.
    package func child(_ key: String, at offset: Int) -> JSONValue {
        guard tracksPath else { return JSONValue(bytes, at: offset) }
        return JSONValue(bytes, at: offset, parent: self.key == nil ? parent : path, key: key, tracksPath: true)
    }

    /// The same value with its path spelt out once, for an object whose members are read.
    private var spelledOut: JSONValue {
        key == nil ? self : JSONValue(bytes, at: start, path: path)
    }

    // MARK: Objects

    /// What a reader does with a name repeated within one object.
    package enum RepeatedNames {
        /// The last one counts, as the server reads what it stored itself.
        case lastCounts
        /// It is a fault: where the reader must read what `JSONDecoder` reads, which keeps the first.
        case refused
    }

    /// The members named `names` (at most 64) of the object, to be read by name; `null` reads as
    /// absent.
    ///
    /// - Throws: ``JSONShapeError`` when it is not an object, or repeats one of `names` and
    ///   `repeatedNames` refuses that.
    package func object(_ names: [StaticString], repeatedNames: RepeatedNames = .lastCounts) throws(JSONShapeError) -> JSONObject {
        var reader = reader
        guard reader.enterObject() else { throw fail("an object") }
        var found = [Int?](repeating: nil, count: names.count)
        var seen: UInt64 = 0
        while let key = reader.nextKey() {
            reader.skipWhitespace()
            if let slot = reader.keyIndex(at: key, in: names) {
                guard repeatedNames == .lastCounts || seen & (1 << slot) == 0 else {
                    throw JSONShapeError(message: "The key \(child(names[slot].description)) is repeated.")
                }
                seen |= 1 << slot
                found[slot] = reader.kind() == .null ? nil : reader.index
            }
            reader.skipValue()
        }
        return JSONObject(value: spelledOut, names: names, offsets: found)
    }

    /// Each member of the object, in order (a repeated name appears each time).
    package func members() throws(JSONShapeError) -> [JSONMember] {
        var members: [JSONMember] = []
        try forEachMember { members.append($0) }
        return members
    }

    /// Calls `body` with each member of the object, in order, without gathering them first.
    package func forEachMember(_ body: (JSONMember) throws(JSONShapeError) -> Void) throws(JSONShapeError) {
        var reader = reader
        guard reader.enterObject() else { throw fail("an object") }
        let object = spelledOut
        while let key = reader.nextKey() {
            let keyEnd = reader.index - 1
            reader.skipWhitespace()
            try body(JSONMember(object: object, key: key..<keyEnd, start: reader.index))
            reader.skipValue()
        }
    }

    /// Each element of the array, with its path.
    package func elements() throws(JSONShapeError) -> [JSONValue] {
        var reader = reader
        guard reader.enterArray() else { throw fail("an array") }
        var elements: [JSONValue] = []
        var index = 0
        let path = self.path
        while reader.nextElement() {
            elements.append(tracksPath ? JSONValue(bytes, at: reader.index, path: "\(path)[\(index)]") : JSONValue(bytes, at: reader.index))
            reader.skipValue()
            index += 1
        }
        return elements
    }

    // MARK: Scalars

    package func string() throws(JSONShapeError) -> String {
        var reader = reader
        guard reader.kind() == .string else { throw fail("a string") }
        return reader.string()
    }

    package func bool() throws(JSONShapeError) -> Bool {
        var reader = reader
        guard reader.kind() == .bool else { throw fail("a boolean") }
        return reader.bool()
    }

    /// A whole number that fits in `Int`.
    package func integer() throws(JSONShapeError) -> Int {
        var reader = reader
        guard reader.kind() == .number, case .integer(let value) = reader.number() else { throw fail("a whole number") }
        return value
    }

    /// A number, whole or not.
    package func number() throws(JSONShapeError) -> Double {
        var reader = reader
        guard reader.kind() == .number else { throw fail("a number") }
        switch reader.number() {
        case .integer(let value): return Double(value)
        case .double(let value): return value
        }
    }

    /// Where the value's text sits.
    package var range: Range<Int> {
        var reader = reader
        reader.skipWhitespace()
        let start = reader.index
        reader.skipValue()
        return start..<reader.index
    }

    /// The value decoded by `JSONDecoder`, for the parts of a message that are read rarely.
    package func decoded<Value: Decodable>(_ type: Value.Type) throws(JSONShapeError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes[range]))
        } catch {
            throw fail("\(type)")
        }
    }

    package func uuid() throws(JSONShapeError) -> UUID {
        var reader = reader
        guard reader.kind() == .string, let uuid = reader.plainUUID() ?? UUID(uuidString: reader.string()) else {
            throw fail("a UUID string")
        }
        return uuid
    }

    package func stamp() throws(JSONShapeError) -> HLCTimestamp {
        var reader = reader
        guard reader.kind() == .string, let stamp = reader.plainStamp() ?? HLCTimestamp(reader.string()) else {
            throw fail("a clock stamp string")
        }
        return stamp
    }

    /// A value of a `String`-backed enumeration; `expected` names the accepted values.
    package func raw<Value: RawRepresentable<String>>(_ type: Value.Type, expected: String) throws(JSONShapeError) -> Value {
        guard let value = Value(rawValue: try string()) else { throw fail(expected) }
        return value
    }

    package func answer() throws(JSONShapeError) -> AnswerValue {
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
                guard reader.kind() == .string else { throw fail(Self.anAnswer) }
                list.append(reader.string())
            }
            return .list(list)
        case .null, .bool, .object:
            throw fail(Self.anAnswer)
        }
    }

    private static let anAnswer = "an answer: a string, a number or an array of strings"

    /// An answers object: each member an answer (the last of a repeated name).
    package func answers() throws(JSONShapeError) -> Answers {
        var reader = reader
        guard reader.enterObject() else { throw fail("an object") }
        var counter = reader
        var count = 0
        while counter.nextKey() != nil {
            counter.skipValue()
            count += 1
        }
        var answers = Answers(minimumCapacity: count)
        // A faulty answer counts only if no later answer of the same name replaces it.
        var faults: [(name: String, error: JSONShapeError)] = []
        while let key = reader.nextKey() {
            var keyReader = JSONReader(bytes, at: key)
            let name = keyReader.string()
            reader.skipWhitespace()
            let value = JSONValue(bytes, at: reader.index, path: "")
            reader.skipValue()
            do throws(JSONShapeError) {
                answers[name] = try value.answer()
                if !faults.isEmpty { faults.removeAll { $0.name == name } }
            } catch {
                faults.removeAll { $0.name == name }
                faults.append((name, spelledOut.child(name, at: value.start).fail(Self.anAnswer)))
            }
        }
        if let first = faults.first { throw first.error }
        return answers
    }

    /// An object whose members are all strings (the last of a repeated name).
    package func strings() throws(JSONShapeError) -> [String: String] {
        var reader = reader
        guard reader.enterObject() else { throw fail("an object of strings") }
        var strings: [String: String] = [:]
        while let key = reader.nextKey() {
            var keyReader = JSONReader(bytes, at: key)
            let name = keyReader.string()
            reader.skipWhitespace()
            guard reader.kind() == .string else { throw fail("an object of strings") }
            strings[name] = reader.string()
        }
        return strings
    }
}

/// The members of an object that a wire type reads, found in one pass and read by name.
package struct JSONObject {
    /// The object.
    package let value: JSONValue
    private let names: [StaticString]
    private let offsets: [Int?]

    fileprivate init(value: JSONValue, names: [StaticString], offsets: [Int?]) {
        self.value = value
        self.names = names
        self.offsets = offsets
    }

    /// Where member `name` starts; `name` must be one the object was read for.
    private func offset(_ name: StaticString) -> Int? {
        for (slot, candidate) in names.enumerated()
        where candidate.utf8CodeUnitCount == name.utf8CodeUnitCount
            && (candidate.utf8Start == name.utf8Start
                || UnsafeBufferPointer(start: candidate.utf8Start, count: candidate.utf8CodeUnitCount)
                    .elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))) {
            return offsets[slot]
        }
        preconditionFailure("The member \(name) was not among those read.")
    }

    /// Member `name`; missing or `null` is an error.
    package func required(_ name: StaticString) throws(JSONShapeError) -> JSONValue {
        guard let offset = offset(name) else { throw JSONShapeError(message: "The key \(value.child(name.description)) is missing.") }
        return value.child(name.description, at: offset)
    }

    /// Member `name`, or `nil` when it is missing or `null`.
    package func optional(_ name: StaticString) -> JSONValue? {
        offset(name).map { value.child(name.description, at: $0) }
    }
}

/// One member of an object: where its key sits and where its value starts.
package struct JSONMember {
    /// The object holding the member.
    package let object: JSONValue
    /// The key's text with its quotes (and any whitespace before the colon).
    package let key: Range<Int>
    /// Where the value starts.
    package let start: Int

    /// Whether the key reads as `word`, escapes decoded.
    package func isNamed(_ word: StaticString) -> Bool {
        JSONReader(object.bytes, at: key.lowerBound).string(at: key.lowerBound, equals: word)
    }

    /// What the key reads as, escapes decoded.
    package var name: String {
        var reader = JSONReader(object.bytes, at: key.lowerBound)
        return reader.string()
    }

    /// The value, its path named by `name` (the member's ``name``).
    package func value(named name: String) -> JSONValue {
        object.child(name, at: start)
    }

    /// The value, read without paths (for text whose errors nobody reads).
    package var unnamedValue: JSONValue {
        JSONValue(object.bytes, at: start)
    }
}

extension JSONValue {
    /// A stored answers object read back: each name with its answer, or `nil` (a `.some(nil)`)
    /// for `null` and for a value that is not an answer; `nil` when `text` is not a JSON object.
    package static func answerObject(_ text: String) -> [String: AnswerValue?]? {
        withJSONBytes(Array(text.utf8)) { bytes -> [String: AnswerValue?]? in
            guard let root = try? JSONScanner.check(bytes), let members = try? JSONValue(bytes, at: root).members()
            else { return nil }
            var answers: [String: AnswerValue?] = [:]
            for member in members {
                let value = member.unnamedValue
                answers[member.name] = value.kind == .null ? .some(nil) : try? value.answer()
            }
            return answers
        }
    }
}
