import DoorstepCore
import Foundation
import GRDB
import Synchronization

/// The server's hybrid logical clock, shared by every request and saved with each write.
final class ServerClock: Sendable {
    /// The node name in every stamp the server issues.
    static let node = "server"

    private let clock: Mutex<HybridLogicalClock>

    init(last: HLCTimestamp?) {
        clock = Mutex(HybridLogicalClock(node: Self.node, last: last))
    }

    /// Milliseconds since 1970 by the wall clock.
    static func wallMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down))
    }

    /// A new stamp, later than every stamp issued or observed.
    func tick() -> HLCTimestamp {
        let now = Self.wallMilliseconds()
        return clock.withLock { $0.tick(physicalMilliseconds: now) }
    }

    /// Moves the clock past a stamp a device sent.
    func observe(_ stamp: HLCTimestamp) {
        let now = Self.wallMilliseconds()
        clock.withLock { $0.observe(stamp, physicalMilliseconds: now) }
    }

    /// The latest stamp, without issuing one.
    var last: HLCTimestamp { clock.withLock { $0.last } }

    /// Saves the clock so it never goes backwards across restarts; call inside a write.
    func save(_ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO meta(key, value) VALUES ('clock', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [last.description]
        )
    }
}
