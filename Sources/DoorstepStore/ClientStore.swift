public import DoorstepCore
public import Foundation
import GRDB

/// The laptop's local store: one SQLite database, `doorstep.sqlite`, in the Doorstep home folder.
///
/// Everything an officer does offline lives here: forms, campaigns and walk lists, knocks,
/// responses with the clock stamp of every field, drafts, and the outbox of operations that sync
/// pushes. The database runs in WAL mode with `synchronous=FULL` (laptops lose power:
/// <https://www.sqlite.org/pragma.html#pragma_synchronous>) and foreign keys on. Every method that
/// writes is one transaction: a response and its outbox entry commit together or not at all.
///
/// The home folder is created with mode 0700 and the database with 0600, since it holds the sync
/// token and personal data; SQLite gives the `-wal` and `-shm` files the database's mode.
public final class ClientStore: Sendable {
    /// The file name of the database inside the home folder.
    public static let databaseFileName = "doorstep.sqlite"

    /// The home folder the store lives in.
    public let home: URL
    /// This device's id: the node of its clock stamps and the author of its operations.
    public let deviceID: String
    let pool: DatabasePool
    let now: @Sendable () -> Date

    /// Opens the store in `home`, creating the folder and the database as needed, and migrates it.
    ///
    /// - Parameters:
    ///   - home: The Doorstep home folder.
    ///   - now: The wall clock; tests pass a fixed one.
    /// - Throws: ``ClientStoreError/homeUnusable(path:reason:)`` when the folder cannot be used,
    ///   or a database error.
    public init(home: URL, now: @escaping @Sendable () -> Date = Date.init) throws {
        self.home = home
        self.now = now
        let database = home.appendingPathComponent(Self.databaseFileName)
        try Self.prepareFiles(home: home, database: database)

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Erased answers are zeroed where they were, not left in free space.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        pool = try DatabasePool(path: database.path, configuration: configuration)
        let migrator = Self.migrator
        // Most opens find the schema current and the device known: check with a read, so that
        // `status` and `record` start without taking the write lock.
        let ready = try pool.read { db in
            try migrator.hasCompletedMigrations(db)
                ? try String.fetchOne(db, sql: "SELECT device_id FROM device WHERE id = 1") : nil
        }
        if let ready {
            deviceID = ready
            return
        }
        try migrator.migrate(pool)
        deviceID = try pool.write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT device_id FROM device WHERE id = 1") {
                return existing
            }
            let device = UUID().lowercasedString
            try db.execute(
                sql: "INSERT INTO device (id, device_id, clock) VALUES (1, ?, ?)",
                arguments: [device, HLCTimestamp(physical: 0, counter: 0, node: device).description]
            )
            return device
        }
    }

    /// Creates the home folder (0700) and an empty database file (0600) before SQLite opens it.
    private static func prepareFiles(home: URL, database: URL) throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: home.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ClientStoreError.homeUnusable(path: home.path, reason: "it is a file, not a folder")
            }
        } else {
            do {
                try files.createDirectory(at: home, withIntermediateDirectories: true)
                try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home.path)
            } catch {
                throw ClientStoreError.homeUnusable(path: home.path, reason: "it cannot be created")
            }
        }
        if !files.fileExists(atPath: database.path) {
            guard files.createFile(atPath: database.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ClientStoreError.homeUnusable(path: home.path, reason: "the database cannot be created in it")
            }
        }
        try? files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: database.path)
    }

    // MARK: Clock

    /// Issues the next clock stamp and persists the clock, inside the caller's transaction.
    func tick(_ db: Database) throws -> HLCTimestamp {
        var clock = try loadClock(db)
        let stamp = clock.tick(physicalMilliseconds: Self.milliseconds(now()))
        try saveClock(clock, db)
        return stamp
    }

    /// Moves the persisted clock past `stamp`, inside the caller's transaction.
    func observe(_ stamp: HLCTimestamp, _ db: Database) throws {
        var clock = try loadClock(db)
        clock.observe(stamp, physicalMilliseconds: Self.milliseconds(now()))
        try saveClock(clock, db)
    }

    private func loadClock(_ db: Database) throws -> HybridLogicalClock {
        let text = try String.fetchOne(db, sql: "SELECT clock FROM device WHERE id = 1")
        return HybridLogicalClock(node: deviceID, last: text.flatMap(HLCTimestamp.init))
    }

    private func saveClock(_ clock: HybridLogicalClock, _ db: Database) throws {
        try db.execute(sql: "UPDATE device SET clock = ? WHERE id = 1", arguments: [clock.last.description])
    }

    /// The last stamp the clock issued or observed.
    public func clock() throws -> HLCTimestamp {
        try pool.read { db in
            let text = try String.fetchOne(db, sql: "SELECT clock FROM device WHERE id = 1")
            return text.flatMap(HLCTimestamp.init) ?? HLCTimestamp(physical: 0, counter: 0, node: deviceID)
        }
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The ISO 8601 form of a time, as responses, visits and drafts record it.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
