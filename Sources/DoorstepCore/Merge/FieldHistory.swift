/// Every write a replica has seen to one field of one response, and what they add up to.
///
/// The rule that makes replicas converge whatever the arrival order:
/// * the **winner** is the write with the highest stamp;
/// * a write is **superseded** when another write names it as its `base` or in `resolves`;
/// * the **conflicts** are the writes that are neither superseded nor the winner: values written
///   concurrently and overwritten without their writer having seen them. They are kept and shown
///   to organisers until a resolving write supersedes them.
///
/// Both sets depend only on the set of writes, never on the order they arrived in.
public struct FieldHistory: Sendable, Hashable {
    /// One write to the field.
    public struct Write: Sendable, Hashable {
        /// The stamp the write carries on this replica.
        public var stamp: HLCTimestamp
        /// Other stamps that identify this write: a stamp the server clamped is known by the
        /// device's original stamp too, so later writes that name it as their base still match.
        public var aliases: [HLCTimestamp]
        /// The value the writer saw and replaced.
        public var base: HLCTimestamp?
        /// Concurrent values the writer settled.
        public var resolves: [HLCTimestamp]
        /// The written value; `nil` clears the field.
        public var value: AnswerValue?
        /// The device that wrote it.
        public var device: String

        public init(
            stamp: HLCTimestamp, aliases: [HLCTimestamp] = [], base: HLCTimestamp?,
            resolves: [HLCTimestamp] = [], value: AnswerValue?, device: String
        ) {
            self.stamp = stamp
            self.aliases = aliases
            self.base = base
            self.resolves = resolves
            self.value = value
            self.device = device
        }
    }

    /// The writes, in no particular order.
    public private(set) var writes: [Write]

    /// Creates a history from writes in any order; a write seen twice counts once.
    public init(_ writes: [Write] = []) {
        self.writes = []
        for write in writes { insert(write) }
    }

    /// Adds a write; returns `false` if a write with the same stamp was already there.
    @discardableResult
    public mutating func insert(_ write: Write) -> Bool {
        guard !writes.contains(where: { $0.stamp == write.stamp }) else { return false }
        writes.append(write)
        return true
    }

    /// The write whose value the field holds.
    public var winner: Write? {
        writes.max { $0.stamp < $1.stamp }
    }

    /// Writes overwritten concurrently and not yet settled, highest stamp first.
    public var conflicts: [Write] {
        let referenced = Set(writes.flatMap { write in [write.base].compactMap { $0 } + write.resolves })
        let winnerStamp = winner?.stamp
        return writes
            .filter { write in
                write.stamp != winnerStamp
                    && !referenced.contains(write.stamp)
                    && !write.aliases.contains(where: referenced.contains)
            }
            .sorted { $0.stamp > $1.stamp }
    }
}
