public import DoorstepCore
public import DoorstepWire
public import Foundation
import GRDB

/// The API the sync engine drives: the outbox, the settings, and applying pulled pages.
extension ClientStore {
    // MARK: Outbox

    func enqueue(_ operation: SyncOperation, response: UUID?, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (id, kind, response, operation, urgent, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                operation.id.uuidString, operation.kind, response?.uuidString, operation.jsonText,
                operation.isUrgent, Self.timestamp(now()),
            ]
        )
        // A change made here: the response is not synced until the server has it.
        if let response {
            try db.execute(sql: "UPDATE responses SET synced_at = NULL WHERE id = ?", arguments: [response.uuidString])
        }
    }

    /// Operations waiting to be pushed: those carrying a safeguarding concern first, then the oldest.
    ///
    /// - Parameter limit: The most to return (a push batch).
    public func pendingOperations(limit: Int) throws -> [SyncOperation] {
        try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT operation FROM outbox WHERE state = 'pending' ORDER BY urgent DESC, seq LIMIT ?
                """, arguments: [limit]).map { try Self.decode(SyncOperation.self, $0) }
        }
    }

    /// The same queue as ``pendingOperations(limit:)``, each operation as the JSON text it is
    /// stored as (its wire form), so a push can send it without decoding and encoding it again.
    ///
    /// - Parameters:
    ///   - limit: The most to return (a push batch).
    ///   - position: Continue after this place in the queue (the last operation of a batch still
    ///     in flight); `nil` starts from the front. Operations queued ahead of it meanwhile (a new
    ///     safeguarding concern) are only returned by a read from the front.
    public func pendingOperationTexts(limit: Int, after position: OutboxPosition? = nil) throws -> [PendingOperation] {
        try pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT seq, urgent, id, kind, response, operation FROM outbox
                WHERE state = 'pending' AND urgent = ? AND seq > ? ORDER BY seq LIMIT ?
                """)
            var found: [PendingOperation] = []
            if position?.urgent ?? true {
                found = try Self.pendingTexts(statement, urgent: true, after: position?.seq ?? 0, limit: limit)
            }
            if found.count < limit {
                let after = position.map { $0.urgent ? 0 : $0.seq } ?? 0
                found += try Self.pendingTexts(statement, urgent: false, after: after, limit: limit - found.count)
            }
            return found
        }
    }

    private static func pendingTexts(_ statement: Statement, urgent: Bool, after seq: Int64, limit: Int) throws -> [PendingOperation] {
        try Row.fetchAll(statement, arguments: [urgent, seq, limit]).map { row in
            guard let id = UUID(uuidString: row["id"]) else {
                throw ClientStoreError.corrupt("an outbox operation id")
            }
            return PendingOperation(
                id: id, kind: row["kind"], response: (row["response"] as String?).flatMap(UUID.init(uuidString:)),
                json: row["operation"], position: OutboxPosition(urgent: row["urgent"], seq: row["seq"])
            )
        }
    }

    /// How many operations wait to be pushed (held ones included, once ``requeueHeld()`` ran).
    public func pendingCount() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
        }
    }

    /// Records the server's answers to a push, in one transaction: applied operations become
    /// `sent`; held ones wait with the server's reason for the next sync; rejected ones are kept
    /// with the reason until a person discards them. Ids not in the outbox are ignored.
    ///
    /// - Parameters:
    ///   - results: The server's answer for each operation.
    ///   - serverTime: The server's clock in that answer, observed in the same transaction (see
    ///     ``observeServerTime(_:)``).
    public func acknowledge(_ results: [OperationResult], serverTime: HLCTimestamp? = nil) throws {
        try pool.write { db in
            if let serverTime { try observe(serverTime, db) }
            let sentAt = Self.timestamp(now())
            // Prepared once for the whole batch: a push is acknowledged 2,000 operations at a time.
            let sent = try db.cachedStatement(sql: "UPDATE outbox SET state = 'sent', reason = NULL, sent_at = ? WHERE id = ?")
            let refused = try db.cachedStatement(sql: "UPDATE outbox SET state = ?, reason = ?, sent_at = ? WHERE id = ?")
            for result in results {
                switch result.status {
                case .applied:
                    try sent.execute(arguments: [sentAt, result.id.uuidString])
                case .held, .rejected:
                    let reason = result.reason ?? "The server gave no reason."
                    try refused.execute(arguments: [result.status.rawValue, reason, sentAt, result.id.uuidString])
                }
            }
        }
    }

    /// At the start of a sync: every operation the server held goes back in the queue, in its
    /// place, to be sent again. It keeps the server's last reason (it still counts as held) until
    /// the server applies it.
    public func requeueHeld() throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'pending' WHERE state = 'held'")
        }
    }

    /// Operations the server has not taken: held (sent again at every sync) and rejected (kept
    /// until a person discards them), safeguarding concerns first, then oldest first.
    public func undeliveredOperations() throws -> [UndeliveredOperation] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT o.seq, o.id, o.kind, o.response, o.urgent, o.state, o.reason, r.campaign, r.address FROM outbox o
                LEFT JOIN responses r ON r.id = o.response
                WHERE o.state IN ('held', 'rejected') OR (o.state = 'pending' AND o.reason IS NOT NULL)
                ORDER BY o.urgent DESC, o.seq
                """).map(UndeliveredOperation.init(row:))
        }
    }

    /// Marks an operation the server held or rejected as discarded by a person: it is never sent
    /// again and no longer counts as undelivered. The operation stays in the outbox, marked.
    ///
    /// - Throws: ``ClientStoreError/notDiscardable(_:state:)`` when it was delivered, is still waiting
    ///   for its first answer, or was discarded already.
    public func discard(operation id: UUID) throws {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT state, reason FROM outbox WHERE id = ?", arguments: [id.uuidString]) else {
                throw ClientStoreError.unknownOperation(id)
            }
            let state: String = row["state"]
            let heldBefore = state == "pending" && row["reason"] != nil
            guard ["held", "rejected"].contains(state) || heldBefore else {
                throw ClientStoreError.notDiscardable(id, state: state)
            }
            try db.execute(sql: "UPDATE outbox SET state = 'discarded' WHERE id = ?", arguments: [id.uuidString])
        }
    }

    /// After the server announced a new epoch (it was restored from a backup): every operation it
    /// had acknowledged goes back to pending, and the cursor restarts at 0 in the new epoch.
    /// Held, rejected and discarded operations keep their state.
    public func resendAllForNewEpoch(_ epoch: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'pending', sent_at = NULL WHERE state = 'sent'")
            try db.execute(sql: "UPDATE device SET cursor = 0, epoch = ? WHERE id = 1", arguments: [epoch])
        }
    }

    // MARK: Settings

    /// The server, token, cursor, epoch, last sync and device id.
    public func syncSettings() throws -> SyncSettings {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM device WHERE id = 1") else {
                throw ClientStoreError.corrupt("the device settings")
            }
            return SyncSettings(
                server: row["server"], token: row["token"], role: row["role"], cursor: row["cursor"],
                epoch: row["epoch"], lastSync: (row["last_sync"] as String?).flatMap { try? Date($0, strategy: .iso8601) },
                device: row["device_id"]
            )
        }
    }

    /// Stores the server and token after a successful login. Logging in to another server than
    /// the stored one restarts the cursor.
    public func saveLogin(server: String, token: String, role: String) throws {
        try pool.write { db in
            let previous = try String.fetchOne(db, sql: "SELECT server FROM device WHERE id = 1")
            if previous != server {
                try db.execute(sql: "UPDATE device SET cursor = 0, epoch = NULL WHERE id = 1")
            }
            try db.execute(
                sql: "UPDATE device SET server = ?, token = ?, role = ? WHERE id = 1",
                arguments: [server, token, role]
            )
        }
    }

    /// Forgets the token and role (the server stays, for `status`); the outbox is kept.
    public func forgetLogin() throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE device SET token = NULL, role = NULL WHERE id = 1")
        }
    }

    /// Notes that a sync finished at `date`.
    public func recordSyncCompleted(at date: Date) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE device SET last_sync = ? WHERE id = 1", arguments: [Self.timestamp(date)])
        }
    }

    /// Moves the persisted clock past the server's, so this laptop's next stamps are later.
    public func observeServerTime(_ stamp: HLCTimestamp) throws {
        try pool.write { db in try observe(stamp, db) }
    }
}
