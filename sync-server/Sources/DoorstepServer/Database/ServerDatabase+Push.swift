import DoorstepCore
public import DoorstepWire
import Foundation
import GRDB
import GRDBSQLite

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

extension ServerDatabase {
    /// Applies a push and answers with one result per operation, after committing.
    ///
    /// The whole batch is one SQLite write transaction. An operation is applied entirely or (when
    /// held or rejected) not at all: every check of a new response comes before its first write,
    /// and any other operation runs inside its own SAVEPOINT. The batch is made durable by a single
    /// commit (one fsync) before the server answers. An operation id applied or rejected before
    /// gets its stored result again and changes nothing; one held before is looked at afresh.
    ///
    /// - Parameters:
    ///   - request: The device's batch.
    ///   - texts: Each operation's JSON as received, kept in the log; empty to log them re-encoded.
    ///   - identity: The token that sent it.
    ///   - maxClockDrift: How far ahead of the server clock a stamp may be before it is re-stamped.
    /// - Throws: A database error; then nothing of the batch is stored.
    public func push(
        _ request: PushRequest, texts: [String] = [], by identity: Identity, maxClockDrift: Duration
    ) async throws -> PushResponse {
        try await push(.operations(request.operations, texts: texts), by: identity, maxClockDrift: maxClockDrift)
    }

    /// Applies a push body checked by ``PushRequest.Body/init(checking:)``, reading its operations while
    /// the ones before are applied.
    ///
    /// - Throws: ``APIError/badRequest(_:)`` when an operation cannot be read (then nothing of the
    ///   batch is stored), or a database error.
    func push(_ body: PushRequest.Body, bytes: [UInt8], by identity: Identity, maxClockDrift: Duration) async throws -> PushResponse {
        try await push(.body(body, bytes: bytes), by: identity, maxClockDrift: maxClockDrift)
    }

    private func push(
        _ source: PushPreparation.Source, by identity: Identity, maxClockDrift: Duration
    ) async throws -> PushResponse {
        let drift = maxClockDrift.components.seconds * 1_000 + maxClockDrift.components.attoseconds / 1_000_000_000_000_000
        let today = Timestamps.today()
        let preparation = PushPreparation(source: source) { [writer, forms] key in
            guard let entry = forms.cachedEntry(key) ?? (try? writer.read({ db in try forms.entry(key, db) })) ?? nil else {
                return nil
            }
            return PushPreparation.Form(entry: entry, validator: forms.validator(key, entry, today: today))
        }
        defer { preparation.cancel() }
        let (results, epoch) = try await writer.write { db in
            var batch = try PushBatch(
                db: db, database: self, identity: identity, maxDriftMilliseconds: drift, today: today,
                preparation: preparation
            )
            let results = try batch.apply(ids: source.ids)
            try batch.finish()
            return (results, try Self.epoch(db))
        }
        await scrubAfterErasure()
        return PushResponse(results: results, serverTime: clock.tick(), epoch: epoch)
    }
}

/// One push being applied inside one write transaction.
struct PushBatch {
    let db: Database
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
    var validators: [FormVersionKey: AnswerValidator] = [:]
    var campaignForms: [String: String?] = [:]
    let statements: Statements

    /// The statements every operation uses, prepared once per batch.
    struct Statements {
        let savepoint: Statement
        let rollback: Statement
        let release: Statement
        let insertResponse: BindingStatement
        let insertFieldWrite: BindingStatement
        let log: BindingStatement

        init(_ db: Database) throws {
            savepoint = try db.cachedStatement(sql: "SAVEPOINT operation")
            rollback = try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT operation")
            release = try db.cachedStatement(sql: "RELEASE SAVEPOINT operation")
            // `fields_json` stays NULL until another write touches the response: every answer has the
            // create's stamp (see ``ResponseRow/fields(_:)``).
            insertResponse = try BindingStatement(db, sql: """
                INSERT INTO responses(id, campaign, address, form, form_version, recorded_at, device, token_id,
                                      erased, answers_json, stamp, fields_json, changed_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(id) DO NOTHING
                """)
            insertFieldWrite = try BindingStatement(db, sql: PushBatch.insertFieldWriteSQL)
            log = try BindingStatement(db, sql: """
                INSERT INTO operations(seq, id, received_at, device, token_id, type, stamp, applied_stamp, response,
                                       payload_json, status, reason, conflicts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        }
    }

    static let insertFieldWriteSQL = """
        INSERT INTO field_writes(response, field, stamp, aliases_json, base, resolves_json, value_json, device, operation)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
        """

    init(
        db: Database, database: ServerDatabase, identity: Identity, maxDriftMilliseconds: Int64,
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
        sequence = try ServerDatabase.sequence(db)
        operationNumber = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM operations") ?? 0
        statements = try Statements(db)
    }

    /// How many operations the writer takes from the preparation at a time.
    static let handOver = 8

    /// Applies `operations` in order; `texts`, when given, are their JSON as received.
    mutating func apply(_ operations: [SyncOperation], texts: [String] = []) throws -> [OperationResult] {
        let (db, forms, today) = (db, database.forms, today)
        preparation = PushPreparation(operations: operations, texts: texts) { key in
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
        for start in stride(from: 0, to: ids.count, by: Self.handOver) {
            let operations = try preparation.take(start..<min(start + Self.handOver, ids.count))
            // Freeing the operations is left to another thread: the writer is the bottleneck.
            defer { DispatchQueue.global(qos: .utility).async { _ = operations } }
            for prepared in operations {
                let id = prepared.operation.id
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

    /// Writes the tallies, the sequence and the clock; the transaction then commits.
    mutating func finish() throws {
        var folded: [CampaignTallyKey: Int] = [:]
        // Mostly each place's keys in its street's dimension, plus the fewer of the area and `all`
        // dimensions: room for them all at once rather than growing step by step.
        let placedKeys = tallies.values.reduce(0) { $0 + $1.count } + preparedTallies.values.reduce(0) { $0 + $1.count }
        folded.reserveCapacity(placedKeys + placedKeys / 4)
        func fold(_ group: TallyGroup, _ counts: some Sequence<(key: TallyKey, delta: Int)>) throws {
            guard let form = try database.forms.entry(group.form, db) else { return }
            // Every response counts the same buckets in each dimension of its place (see `Tally`).
            let dimensions = form.tallyPlan.dimensions(street: group.street, area: group.area)
            for (key, delta) in counts where delta != 0 {
                // Free text is counted for the campaign only, in its own dimension.
                if key.dimension == TallyKey.textDimension {
                    folded[CampaignTallyKey(campaign: group.campaign, key: key), default: 0] += delta
                    continue
                }
                for dimension in dimensions {
                    let placed = TallyKey(dimension: dimension, question: key.question, bucket: key.bucket)
                    folded[CampaignTallyKey(campaign: group.campaign, key: placed), default: 0] += delta
                }
            }
        }
        for (group, counts) in tallies {
            try fold(group, counts.lazy.map { ($0.key, $0.value) })
        }
        let keys = preparation?.keys ?? []
        for (group, counts) in preparedTallies {
            try fold(group, counts.enumerated().lazy.map { (keys[$0.offset], $0.element) })
        }
        let upsert = try BindingStatement(db, sql: """
            INSERT INTO tallies(campaign, dimension, question, bucket, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(campaign, dimension, question, bucket) DO UPDATE SET count = count + excluded.count
            """)
        var touched = false
        for (key, delta) in folded where delta != 0 {
            try upsert.execute(key.campaign, key.key.dimension, key.key.question, key.key.bucket, delta)
            touched = true
        }
        if touched { try db.execute(sql: "DELETE FROM tallies WHERE count = 0") }
        try ServerDatabase.setSequence(db, sequence)
        try database.clock.save(db)
    }

    // MARK: One operation

    /// The final results the server holds for any of `ids` (applied or rejected), and which of
    /// them were held before: one query for them all.
    private func storedResults(_ ids: [UUID]) throws -> (final: [UUID: OperationResult], held: Set<String>) {
        let list = "[" + ids.map { "\"" + JSONWriter.uuidString($0) + "\"" }.joined(separator: ",") + "]"
        let rows = try Row.fetchAll(
            db, sql: """
                WITH sent(id) AS (SELECT value FROM json_each(?))
                SELECT id, status, reason, conflicts FROM operations WHERE id IN sent
                UNION ALL
                SELECT id, status, reason, 0 FROM unapplied_operations WHERE id IN sent
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

    private mutating func applyNew(_ prepared: PushPreparation.Prepared) throws -> OperationResult {
        let operation = prepared.operation
        let (stamp, aliases) = clamp(operation.stamp)
        operationNumber += 1
        pendingTallies.removeAll(keepingCapacity: true)
        pendingPrepared = nil
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
            if inSavepoint { try statements.rollback.execute() }
        }
        if inSavepoint { try statements.release.execute() }
        guard let refusal else {
            for pending in pendingTallies {
                var counts = tallies.removeValue(forKey: pending.group) ?? [:]
                for key in pending.keys { counts[key, default: 0] += pending.delta }
                tallies[pending.group] = counts
            }
            if let (group, keys) = pendingPrepared {
                preparedTallies[group, default: []].increment(at: keys)
            }
            return OperationResult(id: operation.id, status: .applied, conflicts: outcome.conflicts)
        }
        sequence = sequenceMark
        operationNumber -= 1
        try record(prepared, refusal)
        return OperationResult(id: operation.id, status: refusal.status, reason: refusal.reason)
    }

    /// Opens the savepoint of the operation being applied, before its first write.
    private mutating func openSavepoint() throws {
        try statements.savepoint.execute()
        inSavepoint = true
    }

    /// The stamp the server applies: the device's, or a fresh server stamp when the device's is
    /// too far ahead (the device's stamp then stays an alias of the write).
    private func clamp(_ stamp: HLCTimestamp) -> (HLCTimestamp, [HLCTimestamp]) {
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

    private mutating func perform(
        _ prepared: PushPreparation.Prepared, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        let operation = prepared.operation
        guard !operation.device.isEmpty else { throw Refusal.rejected("The operation names no device.") }
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
        }
    }

    /// Appends an applied operation to the log, with its payload.
    private func log(_ prepared: PushPreparation.Prepared, stamp: HLCTimestamp, outcome: Outcome) throws {
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
    private func record(_ prepared: PushPreparation.Prepared, _ refusal: Refusal) throws {
        let operation = prepared.operation
        let size = prepared.text?.utf8.count ?? operation.jsonText.utf8.count
        try db.execute(
            sql: """
                INSERT INTO unapplied_operations(id, status, first_received_at, last_received_at, device, token_id,
                                                 type, response, reason, size)
                VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, last_received_at = excluded.last_received_at,
                    attempts = attempts + 1, reason = excluded.reason
                """,
            arguments: [
                prepared.idText, refusal.status.rawValue, receivedAt, operation.device, identity.tokenID, operation.kind,
                operation.response.map(JSONWriter.uuidString), refusal.reason, size,
            ]
        )
    }

    // MARK: Kinds of operation

    private mutating func create(
        _ new: NewResponse, prepared: PushPreparation.Prepared, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        let operation = prepared.operation
        if recordedAtRule.fault(new.recordedAt) == .ahead {
            // The interview is real but the laptop's clock is not: hold it (the laptop keeps it and
            // sends it again) rather than refuse the push or lose the response.
            throw Refusal.held(
                "Recorded at \(new.recordedAt), later than the server's clock allows: the laptop's clock is ahead. "
                    + "Set it right; the response is sent again at every sync."
            )
        }
        let place = try checkedPlace(campaign: new.campaign, address: new.address, form: new.form)
        let formKey = FormVersionKey(id: new.form, version: new.formVersion)
        // The answers by name; when prepared, read from the prepared ones only if the response exists already.
        // A response the resident withdrew consent for before it first arrived keeps nothing.
        var answers: Answers = [:]
        let answersJSON: String
        if let create = prepared.create {
            // Prepared against the published form, so it is published.
            if case .failure(let problems) = create.values { throw Refusal.rejected(problems.description) }
            answersJSON = create.answersJSON
        } else {
            guard let form = try database.forms.definition(id: new.form, version: new.formVersion, db) else {
                throw Refusal.held("Form \(new.form) version \(new.formVersion) is not published on the server.")
            }
            if new.erased != .all {
                switch validator(for: form).validate(new.answers, personalDataErased: new.erased != nil) {
                case .success(let valid): answers = valid
                case .failure(let problems): throw Refusal.rejected(problems.description)
                }
            }
            answersJSON = JSONWriter.answers(answers)
        }
        // Every check is done: from here on nothing rejects the operation, so it needs no savepoint.
        sequence += 1
        let id = prepared.create?.responseID ?? new.response.uuidString
        let stampText = stamp == operation.stamp ? prepared.stampText : stamp.description
        try statements.insertResponse.execute(
            id, new.campaign, new.address, new.form, new.formVersion, new.recordedAt, operation.device,
            identity.tokenID, new.erased?.rawValue, answersJSON, stampText, sequence
        )
        guard db.changesCount > 0 else {
            // The response exists already (created by another operation): its answers merge as
            // writes, which may still be refused, so they run in the savepoint.
            try openSavepoint()
            if let create = prepared.create, case .success(let values) = create.values,
               let form = try database.forms.definition(id: new.form, version: new.formVersion, db) {
                answers = validator(for: form).answers(inFormOrder: values)
            }
            return try recreate(new, answers: answers, operation: operation, stamp: stamp, aliases: aliases)
        }
        // Every answer of a new response is a write with this stamp and no base: one history row
        // holds them all (see ``FieldWriteRow/createField``).
        let number = db.lastInsertedRowID
        try statements.insertFieldWrite.execute(
            number, FieldWriteRow.createField, stampText, JSONWriter.stamps(aliases), String?.none, String?.none,
            answersJSON, operation.device, operationNumber
        )
        if new.erased != .all {
            let group = TallyGroup(campaign: new.campaign, form: formKey, street: place.street, area: place.area)
            if let create = prepared.create {
                pendingPrepared = (group, create.contributions)
            } else if let form = try database.forms.entry(formKey, db) {
                pendingTallies.append((group, form.tallyPlan.keys(of: answers), 1))
            }
        }
        return Outcome(response: number)
    }

    /// A create for a response the server already has: each answer becomes a write with no base.
    private mutating func recreate(
        _ new: NewResponse, answers: Answers, operation: SyncOperation, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        let id = new.response.lowercasedString
        guard var row = try ResponseRow.fetch(db, id: new.response.uuidString) else {
            throw Refusal.held("Response \(id) is unknown to the server.")
        }
        if let refusal = authority.refusalToCreate(responseRecordedWith: row.tokenID, id: id) {
            throw Refusal.rejected(refusal)
        }
        guard row.campaign == new.campaign, row.address == new.address, row.form == new.form else {
            throw Refusal.rejected("Response \(id) already exists for another campaign, address or form.")
        }
        let changes = answers.map { FieldChange(name: $0.key, value: $0.value, base: nil) }
        let (conflicts, stored) = try merge(&row, changes: changes, operation: operation, stamp: stamp, aliases: aliases)
        let storedOperation = stored.map { kept in
            var copy = operation
            var scrubbed = new
            scrubbed.answers = new.answers.filter { kept.contains($0.key) }
            copy.body = .createResponse(scrubbed)
            return copy
        }
        return Outcome(response: row.number, conflicts: conflicts, storedOperation: storedOperation)
    }

    private mutating func update(
        _ update: ResponseUpdate, operation: SyncOperation, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        guard var row = try ResponseRow.fetch(db, id: update.response.uuidString) else {
            throw Refusal.held("Response \(update.response.lowercasedString) is unknown to the server.")
        }
        try checkChange(row)
        let form = try publishedForm(of: row)
        let checker = validator(for: form)
        for change in update.fields {
            guard let question = form.question(named: change.name) else {
                throw Refusal.rejected("There is no question \(change.name) in form \(row.form) version \(row.formVersion).")
            }
            if question.type == .note {
                throw Refusal.rejected("Question \(change.name) is a note and takes no answer.")
            }
            if let value = change.value, let problem = checker.checkType(value, for: question) {
                throw Refusal.rejected(problem.description)
            }
        }
        let (conflicts, stored) = try merge(&row, changes: update.fields, operation: operation, stamp: stamp, aliases: aliases)
        let storedOperation = stored.map { kept in
            var copy = operation
            var scrubbed = update
            scrubbed.fields = update.fields.map { change in
                var change = change
                if !kept.contains(change.name) { change.value = nil }
                return change
            }
            copy.body = .updateResponse(scrubbed)
            return copy
        }
        return Outcome(response: row.number, conflicts: conflicts, storedOperation: storedOperation)
    }

    private mutating func record(_ visit: Visit, operation: SyncOperation, stamp: HLCTimestamp) throws {
        guard try campaignForm(visit.campaign) != nil else {
            throw Refusal.held("Campaign \(visit.campaign) is unknown to the server.")
        }
        guard try address(campaign: visit.campaign, id: visit.address) != nil else {
            throw Refusal.rejected("Address \(visit.address) is not on the walk list of campaign \(visit.campaign).")
        }
        sequence += 1
        let statement = try db.cachedStatement(sql: """
            INSERT INTO visits(id, campaign, address, outcome, note, call_back, at, device, token_id, stamp, changed_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
            """)
        try statement.execute(arguments: [
            visit.visit.uuidString, visit.campaign, visit.address, visit.outcome.rawValue, visit.note, visit.callBack, visit.at,
            operation.device, identity.tokenID, stamp.description, sequence,
        ])
    }

    /// Adds a door found on the day to the campaign's walk list, after every door listed, and
    /// sends the campaign again at the next pull. The same door added again (same id, address
    /// and postcode) is applied without change; another door under a listed id is rejected.
    private mutating func add(_ new: NewAddress) throws {
        guard try campaignForm(new.campaign) != nil else {
            throw Refusal.held("Campaign \(new.campaign) is unknown to the server.")
        }
        let door = new.door
        if let problem = NewAddress.problem(with: door) { throw Refusal.rejected(problem) }
        if let listed = try Row.fetchOne(
            db, sql: "SELECT address, postcode FROM addresses WHERE campaign = ? AND id = ?", arguments: [new.campaign, door.id]
        ) {
            guard listed["address"] == door.address, listed["postcode"] == door.postcode else {
                throw Refusal.rejected("Address \(door.id) is already on the walk list of campaign \(new.campaign), as \(listed["address"] as String).")
            }
            return
        }
        let encoder = JSONEncoder.wire
        sequence += 1
        try db.execute(sql: """
            INSERT INTO addresses(campaign, id, address, postcode, street, area, uprn, notes_json, position, added_by)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                (SELECT COALESCE(MAX(position), 0) + 1 FROM addresses WHERE campaign = ?1), ?9)
            """, arguments: [
                new.campaign, door.id, door.address, door.postcode, door.street, door.area, door.uprn,
                String(decoding: try encoder.encode(door.notes), as: UTF8.self), identity.name,
            ])
        try db.execute(sql: "UPDATE campaigns SET changed_seq = ? WHERE id = ?", arguments: [sequence, new.campaign])
    }

    private mutating func erase(_ erasure: Erasure, operation: SyncOperation) throws -> Outcome {
        let id = erasure.response.uuidString
        guard var row = try ResponseRow.fetch(db, id: id) else {
            throw Refusal.held("Response \(erasure.response.lowercasedString) is unknown to the server.")
        }
        try checkChange(row)
        let form = try publishedForm(of: row)
        let scope: Erasure.Scope = row.erased == .all || erasure.scope == .all ? .all : .sensitive
        let before = row
        let erasedNames: Set<String>? = scope == .all ? nil : form.questionsErasedOnWithdrawal
        try Erasing.scrub(db, response: id, number: row.number, fields: erasedNames)
        database.noteErasure()
        if let erasedNames {
            for name in erasedNames { row.fields[name] = nil }
        } else {
            row.fields = [:]
        }
        row.erased = scope
        // An erasure is applied whatever the validator says of what is left.
        let counted = (try? validity(of: row, written: [], form: form).get()) ?? row.answers
        try save(row, before: before, form: form, counting: counted)
        return Outcome(response: row.number)
    }

    // MARK: Merge

    /// Adds one write per change to the fields' histories and moves each field to its winner, so
    /// that the response stays valid.
    ///
    /// The merged state is checked whole (``AnswerValidator``). When it would not be valid, a write
    /// made on the current values is rejected with the validator's reason. A write made
    /// concurrently — the base of a field it writes is not the value it replaces, or another field
    /// holds a write stamped after it, which its device cannot have seen — is kept as a conflict
    /// instead: the server writes the values it would have replaced back, with its own stamp, and
    /// organisers settle it like any other conflict.
    ///
    /// - Returns: The open conflicts left on the written fields, and (when the response is erased)
    ///   the names whose values may be kept in the log; `nil` when all may.
    /// - Throws: ``Refusal`` when the write would leave the response invalid.
    private mutating func merge(
        _ row: inout ResponseRow, changes: [FieldChange], operation: SyncOperation,
        stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> (conflicts: Int, kept: Set<String>?) {
        let form = try publishedForm(of: row)
        var kept: Set<String>?
        var writable = changes
        switch row.erased {
        case .all:
            return (0, [])
        case .sensitive:
            let sensitive = form.questionsErasedOnWithdrawal
            writable = changes.filter { !sensitive.contains($0.name) }
            kept = Set(writable.map(\.name))
        case nil:
            break
        }
        let before = row
        let insertWrite = try db.cachedStatement(sql: Self.insertFieldWriteSQL)
        let aliasesJSON = JSONWriter.stamps(aliases)
        let stampText = stamp.description
        var histories: [(name: String, history: FieldHistory)] = []
        // The fields this operation now decides, and whether it was written on the value it replaces.
        var won: [(name: String, replaced: FieldHistory.Write?, concurrent: Bool)] = []
        for change in writable {
            var history = try FieldHistory(Self.writes(db, response: row.number, field: change.name))
            let replaced = history.winner
            let write = FieldHistory.Write(
                stamp: stamp, aliases: aliases, base: change.base, resolves: change.resolves,
                value: change.value, device: operation.device
            )
            guard history.insert(write) else { continue }
            try insertWrite.execute(arguments: [
                row.number, change.name, stampText, aliasesJSON, change.base?.description,
                JSONWriter.stamps(change.resolves), JSONWriter.answer(change.value), operation.device,
                operationNumber,
            ])
            if let winner = history.winner {
                row.fields[change.name] = FieldValue(value: winner.value, stamp: winner.stamp)
                if winner.stamp == stamp {
                    let seen = replaced.map { [$0.stamp] + $0.aliases } ?? []
                    won.append((change.name, replaced, change.base.map { !seen.contains($0) } ?? (replaced != nil)))
                }
            }
            histories.append((change.name, history))
        }
        guard row.fields != before.fields else {
            return (try replaceConflicts(of: row, histories), kept)
        }
        var counted = validity(of: row, written: won.map(\.name), form: form)
        if case .failure(let problem) = counted {
            // Concurrent: a written field's base is not the value it replaces, or another field
            // holds a write stamped after this one (the device cannot have seen it).
            let written = Set(writable.map(\.name))
            let concurrent = won.contains(where: \.concurrent)
                || before.fields.contains { name, field in !written.contains(name) && field.stamp > stamp }
            guard concurrent else { throw problem }
            // Keep the response as it was; this operation's values stay as conflicts.
            let restamp = database.clock.tick()
            for (name, replaced, _) in won {
                let restore = FieldHistory.Write(
                    stamp: restamp, base: replaced?.stamp, value: replaced?.value, device: ServerClock.node
                )
                try insertWrite.execute(arguments: [
                    row.number, name, restamp.description, "[]", replaced?.stamp.description, "[]",
                    JSONWriter.answer(replaced?.value), ServerClock.node, operationNumber,
                ])
                row.fields[name] = FieldValue(value: replaced?.value, stamp: restamp)
                if let index = histories.firstIndex(where: { $0.name == name }) { histories[index].history.insert(restore) }
            }
            counted = validity(of: row, written: [], form: form)
        }
        try save(row, before: before, form: form, counting: (try? counted.get()) ?? row.answers)
        return (try replaceConflicts(of: row, histories), kept)
    }

    /// Rewrites the open conflicts of each written field; returns how many there are.
    private func replaceConflicts(of row: ResponseRow, _ histories: [(name: String, history: FieldHistory)]) throws -> Int {
        var conflicts = 0
        for (name, history) in histories {
            let open = history.conflicts
            conflicts += open.count
            if history.writes.count > 1 {
                try ConflictRows.replace(db, response: row.id, campaign: row.campaign, field: name, with: open)
            }
        }
        return conflicts
    }

    /// The answers `row` counts with, or why it is not a valid response under `form`: every
    /// problem the whole-response validator finds, and an answer `written` now to a question that
    /// is not relevant.
    private mutating func validity(of row: ResponseRow, written: [String], form: FormDefinition) -> Result<Answers, Refusal> {
        switch validator(for: form).validate(row.answers, personalDataErased: row.erased != nil) {
        case .failure(let problems):
            return .failure(.rejected(problems.description))
        case .success(let clean):
            let irrelevant = written.filter { name in
                clean[name] == nil && row.fields[name]?.value.map { !$0.isEmptyAnswer } == true
            }
            guard irrelevant.isEmpty else {
                let names = irrelevant.joined(separator: ", ")
                return .failure(.rejected("\(names): not relevant given the other answers, so \(irrelevant.count == 1 ? "it takes" : "they take") no answer."))
            }
            return .success(clean)
        }
    }

    /// Every write to one field, from the history table.
    static func writes(_ db: Database, response: Int64, field: String) throws -> [FieldHistory.Write] {
        let statement = try db.cachedStatement(sql: """
            SELECT field, stamp, aliases_json, base, resolves_json, value_json, device
            FROM field_writes WHERE response = ? AND field IN (?, '\(FieldWriteRow.createField)')
            """)
        return try Row.fetchAll(statement, arguments: [response, field]).compactMap { FieldWriteRow.write($0, field: field) }
    }

    /// Rewrites the response's merged state and moves its tallies from what `before` counted to
    /// `answers`, the valid answers `row` counts with (its relevant answers and calculations).
    private mutating func save(_ row: ResponseRow, before: ResponseRow, form: FormDefinition, counting answers: Answers) throws {
        sequence += 1
        let statement = try db.cachedStatement(sql: """
            UPDATE responses SET erased = ?, answers_json = ?, fields_json = ?, changed_seq = ? WHERE id = ?
            """)
        try statement.execute(arguments: [
            row.erased?.rawValue, JSONWriter.answers(answers), FieldValue.jsonText(row.fields), sequence, row.id,
        ])
        try retally(
            campaign: row.campaign, address: row.address, form: form,
            from: before.erased == .all ? nil : before.counted, to: row.erased == .all ? nil : answers
        )
    }

    // MARK: Checks and lookups

    /// Refuses a change the token may not make to `row` (see ``ResponseAuthority``).
    private func checkChange(_ row: ResponseRow) throws {
        if let refusal = authority.refusalToChange(responseRecordedWith: row.tokenID) {
            throw Refusal.rejected(refusal)
        }
    }

    /// The form version a stored response was recorded on.
    private func publishedForm(of row: ResponseRow) throws -> FormDefinition {
        guard let form = try database.forms.definition(id: row.form, version: row.formVersion, db) else {
            throw Refusal.held("Form \(row.form) version \(row.formVersion) is not published on the server.")
        }
        return form
    }

    /// The walk-list address of a new response, after checking its campaign uses its form.
    private mutating func checkedPlace(campaign: String, address: String, form: String) throws -> AddressInfo {
        guard let campaignForm = try campaignForm(campaign) else {
            throw Refusal.held("Campaign \(campaign) is unknown to the server.")
        }
        guard campaignForm == form else {
            throw Refusal.rejected("Campaign \(campaign) uses form \(campaignForm), not \(form).")
        }
        guard let place = try self.address(campaign: campaign, id: address) else {
            throw Refusal.rejected("Address \(address) is not on the walk list of campaign \(campaign).")
        }
        return place
    }

    private mutating func validator(for form: FormDefinition) -> AnswerValidator {
        let key = FormVersionKey(id: form.id, version: form.version)
        if let validator = validators[key] { return validator }
        let validator = AnswerValidator(form: form, today: today)
        validators[key] = validator
        return validator
    }

    private mutating func campaignForm(_ id: String) throws -> String? {
        if let cached = campaignForms[id] { return cached }
        let form = try String.fetchOne(db, sql: "SELECT form FROM campaigns WHERE id = ?", arguments: [id])
        campaignForms[id] = form
        return form
    }

    private func address(campaign: String, id: String) throws -> AddressInfo? {
        try database.forms.place(AddressKey(campaign: campaign, id: id), db)
    }

    /// Moves a response's tallies from `old` to `new` answers (`nil`: counts nowhere).
    private mutating func retally(
        campaign: String, address: String, form: FormDefinition, from old: Answers?, to new: Answers?
    ) throws {
        guard old != new else { return }
        let place = try self.address(campaign: campaign, id: address)
        let key = FormVersionKey(id: form.id, version: form.version)
        let plan = try database.forms.entry(key, db)?.tallyPlan ?? Tally.Plan(form: form)
        let group = TallyGroup(campaign: campaign, form: key, street: place?.street, area: place?.area)
        if let old {
            pendingTallies.append((group, plan.keys(of: old), -1))
        }
        if let new {
            pendingTallies.append((group, plan.keys(of: new), 1))
        }
    }
}

extension [Int] {
    /// Adds one to the count at each of `indexes`, growing as needed.
    mutating func increment(at indexes: [Int]) {
        for index in indexes {
            if index >= count { append(contentsOf: repeatElement(0, count: index - count + 1)) }
            self[index] += 1
        }
    }
}

/// A walk-list address by campaign and id.
struct AddressKey: Hashable {
    var campaign: String
    var id: String
}

/// What the tallies need of an address.
struct AddressInfo {
    var street: String?
    var area: String?
}

/// Responses whose tallies spread over the same dimensions: one campaign, form version and place.
struct TallyGroup: Hashable {
    var campaign: String
    var form: FormVersionKey
    var street: String?
    var area: String?
}

/// A tally row's key.
struct CampaignTallyKey: Hashable {
    var campaign: String
    var key: TallyKey
}

/// A statement the push path runs for many rows straight through SQLite's C API
/// (<https://www.sqlite.org/c3ref/stmt.html>), rather than through GRDB's `execute(arguments:)`,
/// which gathers `StatementArguments` and does its bookkeeping for every row. Text is bound as GRDB
/// binds it (up to its first NUL), without being copied.
///
/// Only for the inserts and updates ``PushBatch`` runs inside its own write transaction: there is
/// no transaction observer to notify, and an error throws and rolls the whole batch back.
struct BindingStatement {
    private let statement: Statement

    /// Prepares `sql` for this batch; the statement is not shared with GRDB's statement cache.
    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// Runs the statement with `values` bound to its parameters in order.
    ///
    /// - Throws: A `DatabaseError` when SQLite refuses a value or the statement.
    func execute<each Value: SQLiteBindable>(_ values: repeat each Value) throws {
        var count = 0
        for _ in repeat each values { count += 1 }
        try withUnsafeTemporaryAllocation(of: SQLiteValue.self, capacity: count) { buffer in
            var index = 0
            for value in repeat each values {
                (buffer.baseAddress! + index).initialize(to: value.sqliteValue)
                index += 1
            }
            defer { buffer.baseAddress!.deinitialize(count: count) }
            sqlite3_reset(statement.sqliteStatement)
            // No binding outlives the text it points to.
            defer { sqlite3_clear_bindings(statement.sqliteStatement) }
            try bind(UnsafeBufferPointer(buffer), from: 0)
        }
    }

    /// Binds `values` from `index` on, each text only while it is bound, then runs the statement.
    private func bind(_ values: UnsafeBufferPointer<SQLiteValue>, from index: Int) throws {
        guard index < values.count else { return try step() }
        let parameter = CInt(index + 1)
        let code: CInt
        switch values[index] {
        case .text(let text):
            return try text.withCString { pointer in
                try check(sqlite3_bind_text(statement.sqliteStatement, parameter, pointer, -1, nil))
                try bind(values, from: index + 1)
            }
        case .integer(let value):
            code = sqlite3_bind_int64(statement.sqliteStatement, parameter, value)
        case .null:
            code = sqlite3_bind_null(statement.sqliteStatement, parameter)
        }
        try check(code)
        try bind(values, from: index + 1)
    }

    private func step() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)))
            sqlite3_reset(statement.sqliteStatement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    private func check(_ code: CInt) throws {
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "A value could not be bound.", sql: statement.sql)
        }
    }
}

/// A value ``BindingStatement`` binds.
enum SQLiteValue {
    case text(String)
    case integer(Int64)
    case null
}

/// What ``BindingStatement`` can bind.
protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

extension String: SQLiteBindable {
    var sqliteValue: SQLiteValue { .text(self) }
}

extension Int64: SQLiteBindable {
    var sqliteValue: SQLiteValue { .integer(self) }
}

extension Int: SQLiteBindable {
    var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}
