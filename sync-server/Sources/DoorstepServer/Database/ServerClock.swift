public import DoorstepCore
import Foundation
import Synchronization

/// The server's hybrid logical clock, shared by every request and saved with each write.
final class ServerClock: Sendable {
    /// The node name in every stamp a server on the embedded store issues.
    static let node = "server"

    /// The node name in the stamps this instance issues.
    let node: String
    private let clock: Mutex<HybridLogicalClock>

    init(node: String = ServerClock.node, last: HLCTimestamp?) {
        self.node = node
        clock = Mutex(HybridLogicalClock(node: node, last: last))
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
    func save(_ db: any SQLSession) throws {
        try Self.save(last, db)
    }

    private static func save(_ stamp: HLCTimestamp, _ db: any SQLSession) throws {
        try db.execute(
            sql: "INSERT INTO meta(key, value) VALUES ('clock', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [stamp.description]
        )
    }

    /// The clock saved by the last write, if any.
    static func saved(_ db: any SQLSession) throws -> HLCTimestamp? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'clock'").flatMap { HLCTimestamp($0) }
    }

    /// Refuses a saved clock further ahead of this machine's clock than `maxDrift`.
    ///
    /// Stamps never go backwards, so a server started once with its clock a year ahead would keep
    /// issuing stamps a year ahead after a restart with the right time, and pass them on to every
    /// laptop. `serve` checks this first and refuses to start.
    /// - Parameters:
    ///   - maxDrift: How far ahead the clock may be.
    ///   - storeOption: The option that names the store, for the message.
    /// - Throws: ``ClockAheadError``.
    func check(maxDrift: Duration, storeOption: String) throws(ClockAheadError) {
        let wall = Self.wallMilliseconds()
        let ahead = last.physical - wall
        guard ahead <= Int64(maxDrift.components.seconds) * 1_000 else {
            throw ClockAheadError(saved: last, wallMilliseconds: wall, maxDrift: maxDrift, storeOption: storeOption)
        }
    }

    /// Sets the saved clock back to this machine's clock: `doorstep-server clock accept`.
    ///
    /// Run it with the server stopped (a running server saves its own clock with its next write).
    /// Values already stored keep their stamps.
    /// - Returns: The clock as it was saved, if it was.
    @discardableResult
    static func acceptWallClock(_ store: any SQLStore) throws -> HLCTimestamp? {
        try store.write { db in
            let saved = try saved(db)
            try save(HLCTimestamp(physical: wallMilliseconds(), counter: 0, node: node), db)
            return saved
        }
    }
}

/// The saved clock is further ahead of this machine's clock than the server allows.
public struct ClockAheadError: Error, Sendable, CustomStringConvertible {
    /// The clock the database saved.
    public var saved: HLCTimestamp
    /// This machine's clock, in milliseconds since 1970.
    public var wallMilliseconds: Int64
    /// How far ahead the server allows.
    public var maxDrift: Duration
    /// The option that names the store whose clock it is: `--data DIR` or `--database URL`.
    public var storeOption: String

    public var description: String {
        let ahead = Double(saved.physical - wallMilliseconds) / 1_000
        let span = ahead >= 172_800 ? "\(Int((ahead / 86_400).rounded())) days"
            : ahead >= 7_200 ? "\(Int((ahead / 3_600).rounded())) hours" : "\(Int(ahead.rounded())) seconds"
        let date = { (milliseconds: Int64) in Date(timeIntervalSince1970: Double(milliseconds) / 1_000).formatted(.iso8601) }
        return "The database's saved clock (\(date(saved.physical))) is \(span) ahead of this machine's clock "
            + "(\(date(wallMilliseconds))), more than the \(maxDrift.components.seconds) s allowed. If this machine's clock "
            + "is right, run `doorstep-server clock accept \(storeOption)` to continue from it; otherwise set this machine's clock right."
    }
}
