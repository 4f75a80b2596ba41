package import DoorstepCore
package import Foundation

/// Reads values out of JSON text that ``JSONScanner`` has checked, without checking it again.
///
/// A reader is a cursor: each call reads the value at ``index`` and moves past it. Given text that
/// did not pass the scanner, it may read nonsense or stop the process, but never reads outside
/// `bytes` (see ``JSONBytes``).
package struct JSONReader {
    /// What a value is, by its first byte.
    package enum Kind: Equatable {
        case null, bool, number, string, array, object

        /// What the value is, for error messages.
        package var description: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    /// A number as JSON text writes it.
    package enum Number: Equatable {
        /// Written without a fraction or exponent and fitting in `Int`, or a whole number below
        /// 9×10¹⁵ however written (as `JSONDecoder` reads `2.0` into an `Int`).
        case integer(Int)
        case double(Double)
    }

    package let bytes: JSONBytes
    /// Where the next value starts (or the whitespace before it).
    package var index: Int

    package init(_ bytes: JSONBytes, at index: Int) {
        self.bytes = bytes
        self.index = index
    }

    package static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    package mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The kind of the next value.
    package mutating func kind() -> Kind {
        skipWhitespace()
        guard index < bytes.count else { return .null }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: return .number
        }
    }

    /// Moves past the next value, whatever it is.
    package mutating func skipValue() {
        switch kind() {
        case .string:
            skipString()
        case .object, .array:
            var depth = 0
            repeat {
                switch bytes[index] {
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1; index += 1
                case UInt8(ascii: "\""): skipString()
                default: index += 1
                }
            } while depth > 0 && index < bytes.count
        case .null, .bool, .number:
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return
                default: index += 1
                }
            }
        }
    }

    /// Moves past the string at `index` (its opening quote); returns whether it holds escapes.
    @discardableResult
    package mutating func skipString() -> Bool {
        index += 1
        var escaped = false
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                escaped = true
                index += 2
            default:
                index += 1
            }
        }
        return escaped
    }

    // MARK: Containers

    /// Enters the object at `index`; `false` when the next value is not an object.
    package mutating func enterObject() -> Bool {
        guard kind() == .object else { return false }
        index += 1
        return true
    }

    /// Enters the array at `index`; `false` when the next value is not an array.
    package mutating func enterArray() -> Bool {
        guard kind() == .array else { return false }
        index += 1
        return true
    }

    /// Moves to the next member of the object entered and returns where its key starts, or
    /// moves past the closing brace and returns `nil`.
    package mutating func nextKey() -> Int? {
        skipWhitespace()
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            skipWhitespace()
        }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return nil
        }
        let key = index
        skipString()
        skipWhitespace()
        index += 1 // the colon
        return key
    }

    /// Whether another element follows in the array entered; moves past the closing bracket when not.
    package mutating func nextElement() -> Bool {
        skipWhitespace()
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            skipWhitespace()
        }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return false
        }
        return true
    }

    /// Which of `words` the string at `start` (its opening quote) holds, escapes read.
    package func keyIndex(at start: Int, in words: [StaticString]) -> Int? {
        var end = start + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
            // A key with escapes: compare what it reads as.
            return words.firstIndex { string(at: start, equals: $0) }
        }
        for (index, word) in words.enumerated() where bytes.same(start + 1..<end, word) {
            return index
        }
        return nil
    }

    /// Whether the string at `start` (its opening quote) holds exactly `word`, escapes read.
    package func string(at start: Int, equals word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        let end = start + 1 + count
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            var same = true
            for offset in 0..<count where bytes[start + 1 + offset] != word.utf8Start[offset] {
                same = false
                break
            }
            if same { return true }
        }
        // A key may spell its letters with escapes: compare what it reads as.
        var reader = JSONReader(bytes, at: start)
        guard reader.skipString() else { return false }
        return JSONReader(bytes, at: start).stringValue(escaped: true).utf8.elementsEqual(
            UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        )
    }

    // MARK: Scalars

    /// Reads the string at `index` (checked text), escapes decoded.
    package mutating func string() -> String {
        let start = index
        let escaped = skipString()
        return JSONReader(bytes, at: start).stringValue(escaped: escaped)
    }

    /// The string at `index` (checked text); `escaped` says whether it holds escapes.
    package func stringValue(escaped: Bool) -> String {
        let start = index + 1
        if !escaped {
            var end = start
            while bytes[end] != UInt8(ascii: "\"") { end += 1 }
            return bytes.string(start..<end)
        }
        return String(decoding: unescaped(from: start), as: UTF8.self)
    }

    /// The string at `index` read as the original parser read it: `nil` when it is not valid UTF-8.
    package func validatedString(escaped: Bool) -> String? {
        let start = index + 1
        if !escaped {
            var end = start
            while bytes[end] != UInt8(ascii: "\"") { end += 1 }
            return String(validating: bytes[start..<end], as: UTF8.self)
        }
        return String(validating: unescaped(from: start), as: UTF8.self)
    }

    /// The bytes of a string with escapes from `start` (after its opening quote), escapes decoded.
    private func unescaped(from start: Int) -> [UInt8] {
        var utf8: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                return utf8
            case UInt8(ascii: "\\"):
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = hex4(at: index)
                    index += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        let low = hex4(at: index + 2)
                        index += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                    }
                    if let unicode = Unicode.Scalar(scalar) { utf8.append(contentsOf: UTF8.encode(unicode)!) }
                default:
                    utf8.append(escape)
                }
            default:
                utf8.append(byte)
                index += 1
            }
        }
        return utf8
    }

    private func hex4(at start: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 where start + offset < bytes.count {
            value = value * 16 + (Self.hexDigit(bytes[start + offset]) ?? 0)
        }
        return value
    }

    /// Where the text of the plain string at `index` (no escapes) sits, without its quotes;
    /// `nil` when it holds escapes.
    package func plainString() -> Range<Int>? {
        var end = index + 1
        while end < bytes.count {
            switch bytes[end] {
            case UInt8(ascii: "\""): return (index + 1)..<end
            case UInt8(ascii: "\\"): return nil
            default: end += 1
            }
        }
        return nil
    }

    /// The string at `index` as a UUID when it is written the usual way, 36 characters with
    /// hyphens after the 8th, 12th, 16th and 20th hex digit; `nil` for anything else (which
    /// `UUID(uuidString:)` then judges).
    package func plainUUID() -> UUID? {
        guard let text = plainString(), text.count == 36 else { return nil }
        let start = text.lowerBound
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var parsed = true
        withUnsafeMutableBytes(of: &uuid) { uuid in
            var position = 0
            for byte in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard bytes[start + position] == UInt8(ascii: "-") else { parsed = false; return }
                    position += 1
                }
                guard let high = Self.hexDigit(bytes[start + position]), let low = Self.hexDigit(bytes[start + position + 1]) else {
                    parsed = false
                    return
                }
                uuid[byte] = UInt8(high << 4 | low)
                position += 2
            }
        }
        return parsed ? UUID(uuid: uuid) : nil
    }

    /// The plain string at `index` as a clock stamp (``HLCTimestamp/init(utf8:)``); `nil` when it
    /// is not one or holds escapes (which `HLCTimestamp(_:)` then judges, escapes read).
    package func plainStamp() -> HLCTimestamp? {
        guard let text = plainString() else { return nil }
        return HLCTimestamp(utf8: bytes[text])
    }

    /// Reads `true` or `false`.
    package mutating func bool() -> Bool {
        let value = bytes[index] == UInt8(ascii: "t")
        index += value ? 4 : 5
        return value
    }

    /// Reads the number at `index`.
    package mutating func number() -> Number {
        let start = index
        var end = index
        var whole = true
        var value = 0
        var negative = false
        if bytes[end] == UInt8(ascii: "-") {
            negative = true
            end += 1
        }
        while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) {
            value = value &* 10 &+ Int(bytes[end] - UInt8(ascii: "0"))
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: "e") || bytes[end] == UInt8(ascii: "E") {
            whole = false
        }
        if whole, end - start <= 18 {
            index = end
            return .integer(negative ? -value : value)
        }
        let number = self.number(through: Self.numberEnd(bytes, from: start)) ?? .double(.infinity)
        index = Self.numberEnd(bytes, from: start)
        return number
    }

    /// Where the number starting at `start` ends.
    private static func numberEnd(_ bytes: JSONBytes, from start: Int) -> Int {
        var end = start
        while end < bytes.count {
            switch bytes[end] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                end += 1
            default:
                return end
            }
        }
        return end
    }

    /// The number from `index` to `end` as the original parser read it; `nil` when it does not
    /// fit a finite `Double`.
    package func number(through end: Int) -> Number? {
        let text = bytes.string(index..<end)
        let isInteger = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if isInteger, let integer = Int(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { return nil }
        // As JSONDecoder does: a whole number written as 2.0 or 2e0 is still an integer.
        if double.rounded() == double, abs(double) < 9.0e15 { return .integer(Int(double)) }
        return .double(double)
    }
}
