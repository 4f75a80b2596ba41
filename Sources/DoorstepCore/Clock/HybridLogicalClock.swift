/// A hybrid logical clock: stamps that follow wall time but never go backwards.
///
/// The clock is a value; the caller supplies the wall time and persists ``last`` so that the clock
/// never goes backwards across restarts.
public struct HybridLogicalClock: Sendable, Hashable {
    /// The most recent stamp this clock issued or observed.
    public private(set) var last: HLCTimestamp
    /// The node name written into each stamp.
    public let node: String

    /// The largest counter value; past it the clock moves its physical part forward by one ms.
    public static let maximumCounter = 0xFFFF

    /// Creates a clock for `node`, resuming after `last` if given.
    public init(node: String, last: HLCTimestamp? = nil) {
        self.node = node
        self.last = last ?? HLCTimestamp(physical: 0, counter: 0, node: node)
    }

    /// Issues a stamp for a local event at wall time `physicalMilliseconds`.
    public mutating func tick(physicalMilliseconds: Int64) -> HLCTimestamp {
        let next: HLCTimestamp
        if physicalMilliseconds > last.physical {
            next = HLCTimestamp(physical: physicalMilliseconds, counter: 0, node: node)
        } else {
            next = Self.successor(physical: last.physical, counter: last.counter, node: node)
        }
        last = next
        return next
    }

    /// Moves the clock past a stamp received from elsewhere, so the next local stamp is later.
    public mutating func observe(_ remote: HLCTimestamp, physicalMilliseconds: Int64) {
        let physical = max(physicalMilliseconds, last.physical, remote.physical)
        var counter = 0
        if physical == last.physical && physical == remote.physical {
            counter = max(last.counter, remote.counter)
        } else if physical == last.physical {
            counter = last.counter
        } else if physical == remote.physical {
            counter = remote.counter
        }
        last = HLCTimestamp(physical: physical, counter: counter, node: node)
    }

    private static func successor(physical: Int64, counter: Int, node: String) -> HLCTimestamp {
        counter < maximumCounter
            ? HLCTimestamp(physical: physical, counter: counter + 1, node: node)
            : HLCTimestamp(physical: physical + 1, counter: 0, node: node)
    }
}
