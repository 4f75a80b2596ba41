import DoorstepCore
import DoorstepWire
import Foundation

/// An operation not applied: held (the server may have what it needs later) or rejected for good.
/// Its reason goes back to the device and into the record of unapplied operations.
struct Refusal: Error {
    var status: OperationResult.Status
    var reason: String

    /// The server lacks what the operation needs (an unknown campaign, form version or response).
    static func held(_ reason: String) -> Refusal { Refusal(status: .held, reason: reason) }
    /// The operation is invalid for ever.
    static func rejected(_ reason: String) -> Refusal { Refusal(status: .rejected, reason: reason) }
}

/// One push being applied inside one write transaction.
struct PushBatch {
    let db: any SQLSession
    let database: ServerDatabase
    let identity: Identity
    /// Decides which responses the token may change.
    let authority: ResponseAuthority
    let maxDriftMilliseconds: Int64
    /// How late a new response's `recorded_at` may be; a later one is held.
    let recordedAtRule: RecordedAtRule
    let receivedAt = Timestamps.now()
    let today: String
    /// The operations, read and prepared (on another core for a large push).
    var preparation: PushPreparation?
    /// The last change sequence number handed out.
    var sequence: Int64
    /// The log number (`operations.seq`) of the operation being applied.
    var operationNumber: Int64
    /// Whether the operation being applied runs inside its savepoint.
    var inSavepoint = false
    /// Operations of this push that were held before: applying one now removes its record.
    var heldBefore: Set<String> = []
    /// The tally changes of the operation being applied, kept apart until it succeeds.
    var pendingTallies: [(group: TallyGroup, keys: [TallyKey], delta: Int)] = []
    /// The prepared contributions of the new response being applied, kept apart until it succeeds.
    var pendingPrepared: (group: TallyGroup, keys: [Int])?
    /// The batch's tally changes in the `all` dimension, per campaign, form and place; ``finish()``
    /// spreads them over the street and area dimensions and writes them.
    var tallies: [TallyGroup: [TallyKey: Int]] = [:]
    /// The same for prepared contributions, by index into the preparation's keys.
    var preparedTallies: [TallyGroup: [Int]] = [:]
    /// Where appends wait: ids of new responses in the operations taken so far that are not
    /// stored, and so may be appended with a reserved number (see ``lookUpNewResponses(_:)``).
    var absentResponses: Set<String> = []
    /// Where appends wait: ids of the responses appended by this batch, not sent yet perhaps.
    var appendedResponses: Set<String> = []
    /// Response numbers reserved and not used yet, the next last.
    var reservedNumbers: [Int64] = []
    /// Operations of the batch not applied yet: no more numbers than these are reserved.
    var operationsLeft = 0
    /// What the batch decided, for the metrics.
    var events = PushEvents()
    /// The conflicts opened and closed by the operation being applied, kept apart until it succeeds.
    var pendingConflicts = (opened: 0, resolved: 0)
    var validators: [FormVersionKey: AnswerValidator] = [:]
    var campaignForms: [String: String?] = [:]
    /// Which answers have outlived their retention period.
    var retention = RetentionLookup()
    /// Every agency key registered, as `agency.keyid`, read when a sealed answer first needs it.
    var registeredKeys: Set<String>?
    let statements: Statements

    /// The statements every operation uses, prepared once per batch. The history rows of new
    /// responses, the log and knocks are appended (``SQLSession/appendingStatement(_:)``): on
    /// PostgreSQL they go many to a statement. So do new responses known to be new, with numbers
    /// reserved for them; any other new response is inserted at once, for its number or to find
    /// it stored already.
    struct Statements {
        let insertResponse: BindingStatement
        /// Only where appends wait: a new response with a reserved number.
        let appendResponse: BindingStatement?
        let insertFieldWrite: BindingStatement
        let log: BindingStatement
        let insertVisit: BindingStatement

        init(_ db: any SQLSession) throws {
            // `fields_json` stays NULL until another write touches the response: every answer has the
            // create's stamp (see ``ResponseRow/fields(_:)``).
            insertResponse = try BindingStatement(db, sql: """
                INSERT INTO responses(id, campaign, address, form, form_version, recorded_at, device, token_id,
                                      erased, answers_json, stamp, fields_json, changed_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(id) DO NOTHING\(db.dialect.returning("number"))
                """)
            // No `ON CONFLICT`: a response appended as new that is stored after all fails the push.
            appendResponse = db.appendsWait ? BindingStatement(try db.appendingStatement(SQLInsert(
                table: "responses",
                columns: [
                    "number", "id", "campaign", "address", "form", "form_version", "recorded_at", "device", "token_id",
                    "erased", "answers_json", "stamp", "changed_seq",
                ]
            ))) : nil
            // A response just created has no history yet: no `ON CONFLICT`, so PostgreSQL copies it.
            var history = PushBatch.fieldWriteInsert
            history.suffix = ""
            insertFieldWrite = try BindingStatement(db.appendingStatement(history))
            log = try BindingStatement(db.appendingStatement(SQLInsert(
                table: "operations",
                columns: [
                    "seq", "id", "received_at", "device", "token_id", "type", "stamp", "applied_stamp", "response",
                    "payload_json", "status", "reason", "conflicts",
                ]
            )))
            insertVisit = try BindingStatement(db.appendingStatement(SQLInsert(
                table: "visits",
                columns: ["id", "campaign", "address", "outcome", "note", "call_back", "at", "device", "token_id", "stamp", "changed_seq"],
                suffix: "ON CONFLICT(id) DO NOTHING"
            )))
        }
    }

    /// A row of a response's field history.
    static let fieldWriteInsert = SQLInsert(
        table: "field_writes",
        columns: ["response", "field", "stamp", "aliases_json", "base", "resolves_json", "value_json", "device", "operation"],
        suffix: "ON CONFLICT DO NOTHING"
    )

    init(
        db: any SQLSession, database: ServerDatabase, identity: Identity, maxDriftMilliseconds: Int64,
        today: String = Timestamps.today(), preparation: PushPreparation? = nil
    ) throws {
        self.db = db
        self.database = database
        self.identity = identity
        authority = ResponseAuthority(identity: identity)
        self.maxDriftMilliseconds = maxDriftMilliseconds
        recordedAtRule = .notAfter(driftMilliseconds: maxDriftMilliseconds)
        self.today = today
        self.preparation = preparation
        try database.catchUpClock(db)
        sequence = try ServerDatabase.sequence(db)
        operationNumber = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM operations") ?? 0
        statements = try Statements(db)
    }

    /// How many operations the writer takes from the preparation at a time: few, so that it
    /// starts early; more where appends wait, so that one look-up of new responses serves many.
    static func handOver(_ db: any SQLSession) -> Int {
        db.appendsWait ? 256 : 8
    }

    /// Applies `operations` in order; `texts`, when given, are their JSON as received.
    mutating func apply(_ operations: [SyncOperation], texts: [String] = []) throws -> [OperationResult] {
        let (db, forms, today) = (db, database.forms, today)
        preparation = PushPreparation(operations: operations, texts: texts) { key in
            // A form that cannot be read here is left unprepared: the writer reads it again, and
            // its error fails the push.
            guard let entry = (try? forms.entry(key, db)) ?? nil else { return nil }
            return PushPreparation.Form(entry: entry, validator: forms.validator(key, entry, today: today))
        }
        return try apply(ids: operations.map(\.id))
    }

    /// Applies the preparation's operations in order, whose ids are `ids` (`nil` for one that
    /// cannot be read: the preparation then fails the batch when it reaches it).
    mutating func apply(ids: [UUID?]) throws -> [OperationResult] {
        guard let preparation else { return [] }
        var results: [OperationResult] = []
        results.reserveCapacity(ids.count)
        let (stored, held) = try storedResults(ids.compactMap { $0 })
        heldBefore = held
        var seen: [UUID: OperationResult] = [:]
        let handOver = Self.handOver(db)
        operationsLeft = ids.count
        for start in stride(from: 0, to: ids.count, by: handOver) {
            let operations = try preparation.take(start..<min(start + handOver, ids.count))
            if db.appendsWait { try lookUpNewResponses(operations) }
            // Freeing the operations is left to another thread: the writer is the bottleneck.
            defer { DispatchQueue.global(qos: .utility).async { _ = operations } }
            for prepared in operations {
                let id = prepared.operation.id
                operationsLeft -= 1
                if let result = seen[id] ?? stored[id] {
                    results.append(result)
                    continue
                }
                let result = try applyNew(prepared)
                seen[id] = result
                results.append(result)
            }
        }
        return results
    }
}

extension PushBatch {
    // MARK: One operation

    /// The final results the server holds for any of `ids` (applied or rejected), and which of
    /// them were held before: one query for them all.
    func storedResults(_ ids: [UUID]) throws -> (final: [UUID: OperationResult], held: Set<String>) {
        let list = "[" + ids.map { "\"" + JSONWriter.uuidString($0) + "\"" }.joined(separator: ",") + "]"
        let rows = try SQLRow.fetchAll(
            db, sql: """
                WITH sent(id) AS (\(db.dialect.jsonArrayValues("?")))
                SELECT id, status, reason, conflicts FROM operations WHERE id IN (SELECT id FROM sent)
                UNION ALL
                SELECT id, status, reason, 0 FROM unapplied_operations WHERE id IN (SELECT id FROM sent)
                """,
            arguments: [list]
        )
        var results: [UUID: OperationResult] = [:]
        var held: Set<String> = []
        for row in rows {
            let text: String = row["id"]
            guard let id = UUID(uuidString: text) else { continue }
            let status = OperationResult.Status(rawValue: row["status"]) ?? .rejected
            if status == .held {
                held.insert(text)
            } else {
                results[id] = OperationResult(id: id, status: status, reason: row["reason"], conflicts: row["conflicts"])
            }
        }
        return (results, held)
    }

    /// Notes which new responses of `operations` are not stored (one query for them all), so
    /// that they can be appended rather than inserted one by one. The batch holds the store's
    /// write lock, so none can be stored meanwhile but by this batch, which keeps count.
    mutating func lookUpNewResponses(_ operations: [PushPreparation.Prepared]) throws {
        var ids: [String] = []
        for prepared in operations {
            guard case .createResponse(let new) = prepared.operation.body else { continue }
            let id = prepared.create?.responseID ?? new.response.uuidString
            if !appendedResponses.contains(id) { ids.append(id) }
        }
        guard !ids.isEmpty else { return }
        let list = "[" + ids.map { "\"" + $0 + "\"" }.joined(separator: ",") + "]"
        // Beside the appends: the responses this batch appended are left out above.
        let lookUp = try db.statementBesideAppends(sql: """
            WITH sent(id) AS (\(db.dialect.jsonArrayValues("?")))
            SELECT id FROM responses WHERE id IN (SELECT id FROM sent)
            """)
        let stored = Set(try SQLRow.fetchAll(lookUp, arguments: [list]).map { $0["id"] as String })
        absentResponses.formUnion(ids.filter { !stored.contains($0) })
    }

    /// A reserved response number, reserving more when none is left.
    mutating func reservedNumber() throws -> Int64 {
        if reservedNumbers.isEmpty {
            let count = min(512, operationsLeft + 1)
            reservedNumbers = try db.reserveKeys(table: "responses", column: "number", count: count).reversed()
        }
        guard let number = reservedNumbers.popLast() else {
            throw StoreFailure(reason: "the store reserved no response number")
        }
        return number
    }

    mutating func applyNew(_ prepared: PushPreparation.Prepared) throws -> OperationResult {
        let operation = prepared.operation
        let (stamp, aliases) = clamp(operation.stamp)
        operationNumber += 1
        pendingTallies.removeAll(keepingCapacity: true)
        pendingPrepared = nil
        pendingConflicts = (0, 0)
        let sequenceMark = sequence
        var outcome = Outcome()
        var refusal: Refusal?
        // A new response is checked whole before its first write; anything else runs in its own
        // savepoint, with statements prepared once per batch.
        inSavepoint = false
        if case .createResponse = operation.body {} else { try openSavepoint() }
        do {
            outcome = try perform(prepared, stamp: stamp, aliases: aliases)
            try log(prepared, stamp: stamp, outcome: outcome)
        } catch let refused as Refusal {
            refusal = refused
            if inSavepoint { try db.rollbackToSavepoint() }
        }
        if inSavepoint { try db.releaseSavepoint() }
        guard let refusal else {
            keepPendingTallies()
            if let (group, keys) = pendingPrepared {
                preparedTallies[group, default: []].increment(at: keys)
            }
            events.decided(operation.kind, .applied)
            events.conflictsOpened += pendingConflicts.opened
            events.conflictsResolved += pendingConflicts.resolved
            return OperationResult(id: operation.id, status: .applied, conflicts: outcome.conflicts)
        }
        sequence = sequenceMark
        operationNumber -= 1
        try recordUnapplied(prepared, refusal)
        events.decided(operation.kind, refusal.status)
        return OperationResult(id: operation.id, status: refusal.status, reason: refusal.reason)
    }

    /// Adds the tally changes of the change just made to the batch's, and starts afresh.
    mutating func keepPendingTallies() {
        for pending in pendingTallies {
            var counts = tallies.removeValue(forKey: pending.group) ?? [:]
            for key in pending.keys { counts[key, default: 0] += pending.delta }
            tallies[pending.group] = counts
        }
        pendingTallies.removeAll(keepingCapacity: true)
    }

    /// Opens the savepoint of the operation being applied, before its first write.
    mutating func openSavepoint() throws {
        try db.beginSavepoint()
        inSavepoint = true
    }

    /// The stamp the server applies: the device's, or a fresh server stamp when the device's is
    /// too far ahead (the device's stamp then stays an alias of the write).
    func clamp(_ stamp: HLCTimestamp) -> (HLCTimestamp, [HLCTimestamp]) {
        if stamp.physical > ServerClock.wallMilliseconds() + maxDriftMilliseconds {
            return (database.clock.tick(), [stamp])
        }
        database.clock.observe(stamp)
        return (stamp, [])
    }

    /// What applying one operation did.
    struct Outcome {
        /// The number of the response it touched (`responses.number`), for the log's index.
        var response: Int64?
        /// Open conflicts left on the fields it wrote.
        var conflicts = 0
        /// The payload as stored, when erasure removed some of it.
        var storedOperation: SyncOperation?
    }

    mutating func perform(
        _ prepared: PushPreparation.Prepared, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        let operation = prepared.operation
        guard !operation.device.isEmpty else { throw Refusal.rejected("The operation names no device.") }
        if let refusal = authority.refusal(toSend: operation) { throw Refusal.rejected(refusal) }
        try checkSealedKeys(operation)
        switch operation.body {
        case .createResponse(let new):
            return try create(new, prepared: prepared, stamp: stamp, aliases: aliases)
        case .updateResponse(let update):
            return try self.update(update, operation: operation, stamp: stamp, aliases: aliases)
        case .recordVisit(let visit):
            try record(visit, operation: operation, stamp: stamp)
            return Outcome()
        case .eraseResponse(let erasure):
            return try erase(erasure, operation: operation)
        case .addAddress(let new):
            try add(new)
            return Outcome()
        case .recordOutcome(let outcome):
            return try record(outcome, stamp: stamp)
        }
    }

    /// Appends an applied operation to the log, with its payload.
    func log(_ prepared: PushPreparation.Prepared, stamp: HLCTimestamp, outcome: Outcome) throws {
        let operation = prepared.operation
        try statements.log.execute(
            operationNumber, prepared.idText, receivedAt, operation.device, identity.tokenID, operation.kind,
            prepared.stampText, stamp == operation.stamp ? prepared.stampText : stamp.description, outcome.response,
            outcome.storedOperation.map(\.jsonText) ?? prepared.text ?? operation.jsonText,
            OperationResult.Status.applied.rawValue, String?.none, outcome.conflicts
        )
        if heldBefore.contains(prepared.idText) {
            try db.execute(sql: "DELETE FROM unapplied_operations WHERE id = ?", arguments: [prepared.idText])
        }
    }

    /// Keeps a bounded record of an operation not applied: who sent what kind, why, and its size,
    /// never its payload (the device keeps that). A held operation sent again updates its record.
    func recordUnapplied(_ prepared: PushPreparation.Prepared, _ refusal: Refusal) throws {
        let operation = prepared.operation
        let size = prepared.text?.utf8.count ?? operation.jsonText.utf8.count
        try db.execute(
            sql: """
                INSERT INTO unapplied_operations(id, status, first_received_at, last_received_at, device, token_id,
                                                 type, response, reason, size)
                VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, last_received_at = excluded.last_received_at,
                    attempts = unapplied_operations.attempts + 1, reason = excluded.reason
                """,
            arguments: [
                prepared.idText, refusal.status.rawValue, receivedAt, operation.device, identity.tokenID, operation.kind,
                operation.response.map(JSONWriter.uuidString), refusal.reason, size,
            ]
        )
    }
}
