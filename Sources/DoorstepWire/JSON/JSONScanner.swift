
/// A JSON text that does not parse, with the byte offset where it went wrong.
package struct JSONSyntaxError: Error {
    package var offset: Int
    package var message: String
}

/// A strict RFC 8259 syntax check (<https://www.rfc-editor.org/rfc/rfc8259>) over UTF-8 bytes
/// that builds no values: it finds the first fault, and where the root object's members sit.
///
/// A push body is checked whole before any of it is read, so a body that breaks anywhere is
/// refused before it changes anything; ``JSONReader`` then reads the checked text without
/// checking it again. Strings must be valid UTF-8, control characters escaped, `\u` surrogates
/// paired; numbers must fit a `Double`; nesting deeper than ``maximumDepth`` is refused. A request
/// body may not repeat a name within one object (RFC 8259 §4 leaves the meaning of a repeated
/// name to each reader, so a proxy or an audit tool could read another value than the server);
/// text the server stored itself is read with the last of a repeated name winning.
package struct JSONScanner {
    /// Nesting deeper than this is refused, so a hostile body cannot exhaust the stack.
    package static let maximumDepth = 64

    /// What the check learnt about the root value.
    package struct Layout {
        /// Where the root value starts.
        package var root: Int
        /// The root object's members by name, as byte offsets of their values: the last of a
        /// repeated name. Empty when the root is not an object.
        package var members: [String: Int] = [:]
        /// Where each element of the arrays held directly by the root object sits, by the offset
        /// of the array.
        package var elements: [Int: [Range<Int>]] = [:]
        /// How many elements all arrays held directly by the root object have together.
        package var elementCount = 0
        /// For each object that is an element of such an array, by its offset: the offset of its
        /// `id` member's value (the last of a repeated key).
        package var ids: [Int: Int] = [:]
    }

    /// Where a key's text sits (after its opening quote, up to its closing quote), and a hash of
    /// what it reads as, so that most keys are told apart without comparing their bytes.
    private struct Key {
        var text: Range<Int>
        var escaped: Bool
        var hash: UInt64
    }

    /// Past this many keys, an object's keys are compared through a set rather than one by one.
    private static let keysComparedInTurn = 32

    private let bytes: JSONBytes
    private let rejectsRepeatedKeys: Bool
    /// Whether ``Layout`` is worked out beyond its root.
    private let recordsLayout: Bool
    private var index = 0
    private var layout = Layout(root: 0)
    /// The keys of the objects being checked, innermost object's last (when they are checked).
    private var keys: [Key] = []

    /// Checks one JSON document (only whitespace may follow it) and returns its layout.
    ///
    /// - Parameters:
    ///   - bytes: The document.
    ///   - rejectingRepeatedKeys: Whether a name repeated within one object is a fault, as it is
    ///     in a request body.
    package static func scan(_ bytes: JSONBytes, rejectingRepeatedKeys: Bool = false) throws(JSONSyntaxError) -> Layout {
        var scanner = JSONScanner(bytes: bytes, rejectsRepeatedKeys: rejectingRepeatedKeys, recordsLayout: true)
        try scanner.scanDocument()
        return scanner.layout
    }

    /// Checks one JSON document (only whitespace may follow it) and returns where its root value
    /// starts: for readers that need no more layout.
    package static func check(_ bytes: JSONBytes, rejectingRepeatedKeys: Bool = false) throws(JSONSyntaxError) -> Int {
        var scanner = JSONScanner(bytes: bytes, rejectsRepeatedKeys: rejectingRepeatedKeys, recordsLayout: false)
        try scanner.scanDocument()
        return scanner.layout.root
    }

    private init(bytes: JSONBytes, rejectsRepeatedKeys: Bool, recordsLayout: Bool) {
        self.bytes = bytes
        self.rejectsRepeatedKeys = rejectsRepeatedKeys
        self.recordsLayout = recordsLayout
    }

    private mutating func scanDocument() throws(JSONSyntaxError) {
        skipWhitespace()
        layout.root = index
        try value(depth: 0, element: false)
        skipWhitespace()
        guard index == bytes.count else { throw error("Unexpected text after the JSON value.") }
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

    /// Checks a value; `element` says whether it is an element of an array the root object holds.
    private mutating func value(depth: Int, element: Bool) throws(JSONSyntaxError) {
        guard depth < Self.maximumDepth else { throw error("The JSON is nested too deeply.") }
        skipWhitespace()
        guard index < bytes.count else { throw error("The JSON ends too early.") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object(depth: depth, element: element)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
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

    private mutating func object(depth: Int, element: Bool) throws(JSONSyntaxError) {
        let objectStart = index
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        let firstKey = keys.count
        defer { if rejectsRepeatedKeys { keys.removeSubrange(firstKey...) } }
        var keySet: Set<String>?
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("Expected a key in quotes.") }
            let keyStart = index
            let escaped = try string()
            if rejectsRepeatedKeys {
                try checkUnique(key(from: keyStart + 1, to: index - 1, escaped: escaped), among: firstKey, set: &keySet, at: keyStart)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("Expected ':' after a key.") }
            index += 1
            if recordsLayout, depth == 0 {
                skipWhitespace()
                let key = JSONReader(bytes, at: keyStart).stringValue(escaped: escaped)
                layout.members[key] = index
            } else if recordsLayout, element, JSONReader(bytes, at: keyStart).string(at: keyStart, equals: "id") {
                skipWhitespace()
                layout.ids[objectStart] = index
            }
            try value(depth: depth + 1, element: false)
            skipWhitespace()
            guard index < bytes.count else { throw error("The JSON ends too early.") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw error("Expected ',' or '}' in an object.")
        }
    }

    /// The key whose text runs from `start` to `end` (its quotes excluded), with its FNV-1a hash.
    private func key(from start: Int, to end: Int, escaped: Bool) -> Key {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let key = Key(text: start..<end, escaped: escaped, hash: 0)
        if escaped {
            for byte in text(of: key).utf8 { add(byte) }
        } else {
            for offset in start..<end { add(bytes[offset]) }
        }
        return Key(text: key.text, escaped: escaped, hash: hash)
    }

    /// Refuses `key` when an earlier key of the object (those from `keys[first]` on) reads the same.
    ///
    /// A few keys are compared in turn, hashes first; past ``keysComparedInTurn``, every key's
    /// text goes into `set`, so a hostile object of many keys costs one hash per key.
    private mutating func checkUnique(_ key: Key, among first: Int, set: inout Set<String>?, at offset: Int) throws(JSONSyntaxError) {
        if set == nil, keys.count - first >= Self.keysComparedInTurn {
            set = Set(keys[first...].map { text(of: $0) })
        }
        let repeated: Bool
        if set != nil {
            repeated = !set!.insert(text(of: key)).inserted
        } else {
            repeated = keys[first...].contains { same($0, key) }
            keys.append(key)
        }
        guard !repeated else {
            throw JSONSyntaxError(offset: offset, message: "The name \"\(text(of: key).prefix(100))\" is repeated in one object.")
        }
    }

    /// Whether two keys read the same; keys without escapes are compared byte for byte.
    private func same(_ one: Key, _ other: Key) -> Bool {
        guard one.hash == other.hash else { return false }
        guard one.escaped || other.escaped else {
            return one.text.count == other.text.count
                && bytes.same(one.text, other.text)
        }
        return text(of: one) == text(of: other)
    }

    /// What a key reads as, escapes decoded.
    private func text(of key: Key) -> String {
        JSONReader(bytes, at: key.text.lowerBound - 1).stringValue(escaped: key.escaped)
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) {
        let arrayStart = index
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            if recordsLayout, depth == 1 { layout.elements[arrayStart] = [] }
            return
        }
        var ranges: [Range<Int>] = []
        while true {
            skipWhitespace()
            let start = index
            try value(depth: depth + 1, element: recordsLayout && depth == 1)
            if recordsLayout, depth == 1 { ranges.append(start..<index) }
            skipWhitespace()
            guard index < bytes.count else { throw error("The JSON ends too early.") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                if recordsLayout, depth == 1 {
                    layout.elementCount += ranges.count
                    layout.elements[arrayStart] = ranges
                }
                return
            }
            throw error("Expected ',' or ']' in an array.")
        }
    }

    /// Checks a string; returns whether it holds escapes.
    private mutating func string() throws(JSONSyntaxError) -> Bool {
        let start = index
        index += 1
        var escaped = false
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                // Text that is not ASCII is checked exactly as it will be read.
                if !ascii, JSONReader(bytes, at: start).validatedString(escaped: escaped) == nil {
                    throw error("A string is not valid UTF-8.")
                }
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                escaped = true
                index += 1
                guard index < bytes.count else { throw error("The JSON ends too early.") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    let scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("A lone surrogate in a \\u escape.")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("A lone surrogate in a \\u escape.") }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("A lone surrogate in a \\u escape.")
                    }
                default:
                    throw error("An invalid escape in a string.")
                }
            default:
                if byte < 0x20 { throw error("A control character must be escaped inside a string.") }
                if byte >= 0x80 { ascii = false }
                index += 1
            }
        }
        throw error("A string is not closed.")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("The JSON ends too early.") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = JSONReader.hexDigit(bytes[index]) else { throw error("An invalid \\u escape.") }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func number() throws(JSONSyntaxError) {
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
        // Short whole numbers always fit; anything else must be a finite `Double` when read.
        if isInteger, index - start <= 18 { return }
        guard JSONReader(bytes, at: start).number(through: index) != nil else { throw error("A number is out of range.") }
    }
}
