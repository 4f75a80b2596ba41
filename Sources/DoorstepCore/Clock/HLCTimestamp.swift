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
        let parts = description.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 16, parts[1].count == 4,
              let physical = Int64(parts[0]), physical >= 0,
              let counter = Int(parts[1], radix: 16), counter >= 0,
              !parts[2].isEmpty
        else { return nil }
        self.init(physical: physical, counter: counter, node: String(parts[2]))
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
