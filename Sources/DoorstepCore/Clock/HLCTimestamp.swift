/// A hybrid logical clock stamp: physical milliseconds, a counter, and the device that made it.
///
/// Stamps are totally ordered by `(physical, counter, node)`, so the highest stamp wins a merge
/// deterministically on every replica. Their string form (`"0001763910853000-0000-node"`) sorts
/// the same way as the stamps, so SQLite can compare them as text.
/// See Kulkarni et al., "Logical Physical Clocks" (2014).
public struct HLCTimestamp: Hashable, Sendable, Comparable {
    /// Milliseconds since 1970 of the clock that made the stamp.
    public var physical: Int64
    /// Orders stamps made within the same millisecond.
    public var counter: Int
    /// The device (or server) that made the stamp; breaks the last tie.
    public var node: String

    /// Creates a stamp from its parts.
    public init(physical: Int64, counter: Int, node: String) {
        self.physical = physical
        self.counter = counter
        self.node = node
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.physical, lhs.counter, lhs.node) < (rhs.physical, rhs.counter, rhs.node)
    }
}

extension HLCTimestamp: LosslessStringConvertible {
    /// Parses the sortable string form; `nil` when it is malformed.
    public init?(_ description: String) {
        self.init(utf8: description.utf8)
    }

    /// Parses the sortable string form from its UTF-8 bytes: exactly 16 ASCII digits, `-`, exactly
    /// 4 hex digits, `-` and a node of at least one byte; `nil` for anything else.
    ///
    /// The form is read byte by byte, never as characters: a node that starts with a combining
    /// mark joins the `-` before it into one character, and a reader of characters and a reader of
    /// bytes would then disagree on whether the text is a stamp.
    @inlinable
    public init?(utf8 text: some Collection<UInt8>) {
        guard text.count > 22 else { return nil }
        var index = text.startIndex
        var physical: Int64 = 0
        for _ in 0..<16 {
            let byte = text[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            physical = physical * 10 + Int64(byte - UInt8(ascii: "0"))
            index = text.index(after: index)
        }
        guard text[index] == UInt8(ascii: "-") else { return nil }
        index = text.index(after: index)
        var counter = 0
        for _ in 0..<4 {
            let byte = text[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            counter = counter * 16 + Int(digit)
            index = text.index(after: index)
        }
        guard text[index] == UInt8(ascii: "-") else { return nil }
        self.init(physical: physical, counter: counter, node: String(decoding: text[text.index(after: index)...], as: UTF8.self))
    }

    /// The sortable string form: 16 decimal digits, 4 hex digits, the node.
    public var description: String {
        let physicalDigits = String(physical)
        let counterDigits = String(counter, radix: 16)
        return String(repeating: "0", count: max(0, 16 - physicalDigits.count)) + physicalDigits + "-"
            + String(repeating: "0", count: max(0, 4 - counterDigits.count)) + counterDigits + "-" + node
    }
}

extension HLCTimestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let stamp = HLCTimestamp(string) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a clock stamp: \(string)")
        }
        self = stamp
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
