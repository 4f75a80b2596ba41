public import DoorstepCore
public import DoorstepWire
public import Foundation
import GRDB

/// An administration command that cannot be carried out with the data given.
public struct AdminError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One sentence (or one per fault, on separate lines).
    public var message: String

    /// Creates an error with its message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The alphabet of the ids of new campaigns and forms: `[a-z0-9][a-z0-9._-]{0,63}`.
///
/// Such an id can stand in a URL path, a file name and a CSV cell as it is, and two ids never
/// differ by case or by look-alike letters only.
public enum ResourceID {
    /// The longest id.
    public static let maximumLength = 64

    /// Whether `id` is in the alphabet.
    public static func isValid(_ id: String) -> Bool {
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): !first
            default: false
            }
        }
        let bytes = Array(id.utf8)
        return (1...maximumLength).contains(bytes.count)
            && bytes.enumerated().allSatisfy { allowed($0.element, first: $0.offset == 0) }
    }

    /// Refuses an id out of the alphabet with a sentence naming the rule.
    ///
    /// - Parameters:
    ///   - id: The new id.
    ///   - kind: What it names, such as `campaign`.
    /// - Throws: ``AdminError``.
    public static func check(_ id: String, of kind: String) throws {
        guard !isValid(id) else { return }
        throw AdminError(
            "The \(kind) id '\(id)' must be 1 to \(maximumLength) lower-case letters a-z, digits, '.', '_' or '-', "
                + "starting with a letter or digit."
        )
    }
}

extension ServerDatabase {
    /// Refuses to serve with a saved clock further ahead of this machine's clock than `maxDrift`.
    ///
    /// - Throws: ``ClockAheadError`` naming `doorstep-server clock accept`.
    public func checkClock(maxDrift: Duration) throws(ClockAheadError) {
        try clock.check(maxDrift: maxDrift, storeOption: storeOption)
    }

    /// Sets the saved clock of the data at `location` to this machine's clock; run it with every
    /// instance stopped. Values already stored keep their stamps.
    ///
    /// - Returns: The clock that was saved, if any.
    @discardableResult
    public static func acceptWallClock(at location: StoreLocation) throws -> HLCTimestamp? {
        let database = try ServerDatabase(location: location)
        let saved = try ServerClock.acceptWallClock(database.store)
        try database.close()
        return saved
    }

    /// Publishes a form version from its YAML source.
    ///
    /// Publishing the same source again changes nothing; a different source under a version
    /// already published is refused, since versions are immutable. A new form's id must be a
    /// ``ResourceID``; new versions of a form published before that rule keep their id.
    /// - Returns: The form as published, and whether it was new.
    /// - Throws: `FormError` for a form with faults, ``AdminError`` for a changed version or an id
    ///   out of the alphabet.
    @discardableResult
    public func publishForm(source: String) throws -> (form: PublishedForm, isNew: Bool) {
        let definition = try FormDefinition.parse(yaml: source)
        return try store.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM forms WHERE id = ?", arguments: [definition.id]) == nil {
                try ResourceID.check(definition.id, of: "form")
            }
            let published = PublishedForm(id: definition.id, version: definition.version, source: source)
            if let existing = try String.fetchOne(
                db, sql: "SELECT source FROM forms WHERE id = ? AND version = ?", arguments: [definition.id, definition.version]
            ) {
                guard existing == source else {
                    throw AdminError(
                        "Form \(definition.id) version \(definition.version) is already published with other content; give the form a new version."
                    )
                }
                return (published, false)
            }
            let sequence = try Self.sequence(db) + 1
            try db.execute(
                sql: "INSERT INTO forms(id, version, source, published_seq, published_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [definition.id, definition.version, source, sequence, Timestamps.now()]
            )
            try Self.setSequence(db, sequence)
            return (published, true)
        }
    }

    /// Creates a day of action with its walk list.
    ///
    /// - Parameters:
    ///   - retention: A cap on how long every answer is kept (see ``RetentionRule``); `nil` keeps
    ///     the form's periods.
    ///   - deviceRetention: How long laptops keep a response's answers once it is synced.
    /// - Throws: ``AdminError`` when the id is not a ``ResourceID``, the id is taken, the form is
    ///   not published or the walk list is empty.
    public func createCampaign(
        id: String, name: String, form: String, date: String? = nil, area: String? = nil,
        suppressionThreshold: Int = 5, retention: RetentionPeriod? = nil,
        deviceRetention: RetentionPeriod = CampaignInfo.defaultDeviceRetention, addresses: [WalkListAddress]
    ) throws {
        try ResourceID.check(id, of: "campaign")
        guard !name.isEmpty else { throw AdminError("A campaign needs a non-empty name.") }
        guard suppressionThreshold >= 0 else { throw AdminError("The suppression threshold cannot be negative.") }
        try store.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM forms WHERE id = ?", arguments: [form]) != nil else {
                throw AdminError("Form \(form) is not published; publish it with `doorstep-server forms publish` first.")
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM campaigns WHERE id = ?", arguments: [id]) == nil else {
                throw AdminError("Campaign \(id) already exists.")
            }
            let sequence = try Self.sequence(db) + 1
            try db.execute(
                sql: """
                    INSERT INTO campaigns(id, name, form, date, area, suppression_threshold, created_at, changed_seq,
                                          retention, device_retention)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, name, form, date, area, suppressionThreshold, Timestamps.now(), sequence,
                            retention?.description, deviceRetention.description]
            )
            let encoder = JSONEncoder.wire
            for (position, address) in addresses.enumerated() {
                let notes = String(decoding: try encoder.encode(address.notes), as: UTF8.self)
                var degrees: (Double, Double)?, grid: (Double, Double)?
                switch address.location {
                case .degrees(let latitude, let longitude)?: degrees = (latitude, longitude)
                case .grid(let easting, let northing)?: grid = (easting, northing)
                case nil: break
                }
                try db.execute(
                    sql: """
                        INSERT INTO addresses(
                            campaign, id, address, postcode, street, area, uprn, notes_json, position,
                            latitude, longitude, easting, northing
                        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [id, address.id, address.address, address.postcode, address.street, address.area,
                                address.uprn, notes, position, degrees?.0, degrees?.1, grid?.0, grid?.1]
                )
            }
            try Self.setSequence(db, sequence)
        }
    }

    /// Copies the live database to `file` with SQLite's online backup, while the server may run.
    ///
    /// The file is created with mode 0600 before anything is copied into it. See
    /// <https://www.sqlite.org/backup.html>. Once the copy is closed, the live database counts
    /// the run and notes its time in `meta` (`backup_runs`, `last_backup_at`), which the server's
    /// metrics show.
    public func backup(to file: URL) throws {
        if FileManager.default.fileExists(atPath: file.path) {
            throw AdminError("\(file.path) already exists; choose a new file for the backup.")
        }
        guard let embedded = store as? SQLiteStore else {
            throw AdminError("backup copies the embedded SQLite store; back up PostgreSQL with pg_dump (see docs/operations.md).")
        }
        try PrivateFiles.create(file)
        let destination = try DatabaseQueue(path: file.path)
        try embedded.pool.backup(to: destination)
        try destination.close()
        try embedded.pool.write { db in
            try db.execute(sql: """
                INSERT INTO meta(key, value) VALUES ('backup_runs', '1')
                ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
                """)
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES ('last_backup_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [String(Date().timeIntervalSince1970)]
            )
        }
    }

    /// Replaces the data directory's database with a backup and gives it a new epoch.
    ///
    /// Run it with the server stopped. Devices that see the new epoch re-send every operation
    /// they have, so whatever happened after the backup was taken comes back.
    /// - Returns: The new epoch.
    /// - Throws: ``AdminError`` when `file` is not a Doorstep server backup.
    @discardableResult
    public static func restore(from file: URL, into directory: URL) throws -> String {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw AdminError("\(file.path) does not exist.")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: file.path, configuration: configuration)
        let isBackup = try source.read { db in
            try db.tableExists("meta") && db.tableExists("operations") && ServerDatabase.epoch(SQLiteSession(db)) != ""
        }
        guard isBackup else {
            throw AdminError("\(file.path) is not a doorstep-server backup.")
        }
        let embedded = try SQLiteStore(directory: directory, migrator: migrator)
        try source.backup(to: embedded.pool)
        try source.close()
        try migrator.migrate(embedded.pool)
        let database = try ServerDatabase(store: embedded, directory: directory)
        let epoch = UUID().lowercasedString
        try database.store.write { db in
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'epoch'", arguments: [epoch])
        }
        try database.close()
        return epoch
    }
}
