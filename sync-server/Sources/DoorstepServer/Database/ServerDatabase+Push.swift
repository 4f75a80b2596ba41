public import DoorstepCore
import Foundation
import GRDB

/// An operation refused for good; its reason goes back to the device and into the log.
struct Rejection: Error {
    var reason: String
}

extension ServerDatabase {
    /// Applies a push and answers with one result per operation, after committing.
    ///
    /// The whole batch is one SQLite write transaction and each operation runs inside its own
    /// SAVEPOINT: an operation is applied entirely or (when rejected) not at all, and the batch is
    /// made durable by a single commit (one fsync) before the server answers. An operation id seen
    /// before gets its stored result again and changes nothing.
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
        let drift = maxClockDrift.components.seconds * 1_000 + maxClockDrift.components.attoseconds / 1_000_000_000_000_000
        let today = Timestamps.today()
        let formKeys = Set(request.operations.compactMap { operation -> FormVersionKey? in
            guard case .createResponse(let new) = operation.body else { return nil }
            return FormVersionKey(id: new.form, version: new.formVersion)
        })
        let forms = try await writer.read { db in
            var forms: [FormVersionKey: FormDefinition] = [:]
            for key in formKeys {
                forms[key] = try self.forms.definition(id: key.id, version: key.version, db)
            }
            return forms
        }
        let preparation = formKeys.isEmpty ? nil : CreatePreparation(operations: request.operations, forms: forms, today: today)
        let (results, epoch) = try await writer.write { db in
            var batch = try PushBatch(
                db: db, database: self, identity: identity, maxDriftMilliseconds: drift, today: today,
                preparation: preparation
            )
            let results = try batch.apply(request.operations, texts: texts)
            try batch.finish()
            return (results, try Self.epoch(db))
        }
        return PushResponse(results: results, serverTime: clock.tick(), epoch: epoch)
    }
}

/// One push being applied inside one write transaction.
struct PushBatch {
    let db: Database
    let database: ServerDatabase
    let identity: Identity
    let maxDriftMilliseconds: Int64
    let receivedAt = Timestamps.now()
    let today: String
    /// New responses prepared on another core, by operation index.
    let preparation: CreatePreparation?
    /// The index in the batch of the operation being applied.
    var position = 0
    /// The last change sequence number handed out.
    var sequence: Int64
    /// The log number (`operations.seq`) of the operation being applied.
    var operationNumber: Int64
    /// The tally changes of the operation being applied, kept apart until it succeeds.
    var pendingTallies: [(group: TallyGroup, keys: [TallyKey], delta: Int)] = []
    /// The batch's tally changes in the `all` dimension, per campaign, form and place; ``finish()``
    /// spreads them over the street and area dimensions and writes them.
    var tallies: [TallyGroup: [TallyKey: Int]] = [:]
    var validators: [FormVersionKey: AnswerValidator] = [:]
    var campaignForms: [String: String?] = [:]
    var addresses: [AddressKey: AddressInfo?] = [:]

    init(
        db: Database, database: ServerDatabase, identity: Identity, maxDriftMilliseconds: Int64,
        today: String = Timestamps.today(), preparation: CreatePreparation? = nil
    ) throws {
        self.db = db
        self.database = database
        self.identity = identity
        self.maxDriftMilliseconds = maxDriftMilliseconds
        self.today = today
        self.preparation = preparation
        sequence = try ServerDatabase.sequence(db)
        operationNumber = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM operations") ?? 0
    }

    /// Applies every operation in order; `texts`, when given, are their JSON as received.
    mutating func apply(_ operations: [SyncOperation], texts: [String] = []) throws -> [OperationResult] {
        var results: [OperationResult] = []
        results.reserveCapacity(operations.count)
        var seen = try storedResults(operations.map(\.id))
        for (position, operation) in operations.enumerated() {
            self.position = position
            if let result = seen[operation.id] {
                results.append(result)
                continue
            }
            let text = texts.isEmpty ? nil : texts[position]
            let result = try applyNew(operation, text: text)
            seen[operation.id] = result
            results.append(result)
        }
        return results
    }

    /// Writes the tallies, the sequence and the clock; the transaction then commits.
    mutating func finish() throws {
        var folded: [CampaignTallyKey: Int] = [:]
        for (group, counts) in tallies {
            guard let form = try database.forms.definition(id: group.form.id, version: group.form.version, db) else { continue }
            // Every response counts the same buckets in each dimension of its place (see `Tally`).
            let dimensions = Set(Tally.contributions(of: [:], form: form, street: group.street, area: group.area).map(\.dimension))
            for (key, delta) in counts where delta != 0 {
                for dimension in dimensions {
                    let placed = TallyKey(dimension: dimension, question: key.question, bucket: key.bucket)
                    folded[CampaignTallyKey(campaign: group.campaign, key: placed), default: 0] += delta
                }
            }
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO tallies(campaign, dimension, question, bucket, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(campaign, dimension, question, bucket) DO UPDATE SET count = count + excluded.count
            """)
        var touched = false
        for (key, delta) in folded where delta != 0 {
            try upsert.execute(arguments: [key.campaign, key.key.dimension, key.key.question, key.key.bucket, delta])
            touched = true
        }
        if touched { try db.execute(sql: "DELETE FROM tallies WHERE count = 0") }
        try ServerDatabase.setSequence(db, sequence)
        try database.clock.save(db)
    }

    // MARK: One operation

    /// The results the log holds for any of `ids`: one query for the whole batch.
    private func storedResults(_ ids: [UUID]) throws -> [UUID: OperationResult] {
        let list = "[" + ids.map { JSONText.string($0.uuidString) }.joined(separator: ",") + "]"
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, status, reason, conflicts FROM operations WHERE id IN (SELECT value FROM json_each(?))",
            arguments: [list]
        )
        var results: [UUID: OperationResult] = [:]
        for row in rows {
            guard let id = UUID(uuidString: row["id"]) else { continue }
            let status = OperationResult.Status(rawValue: row["status"]) ?? .rejected
            results[id] = OperationResult(id: id, status: status, reason: row["reason"], conflicts: row["conflicts"])
        }
        return results
    }

    private mutating func applyNew(_ operation: SyncOperation, text: String?) throws -> OperationResult {
        let (stamp, aliases) = clamp(operation.stamp)
        operationNumber += 1
        pendingTallies.removeAll(keepingCapacity: true)
        let sequenceMark = sequence
        var outcome = Outcome()
        var rejection: String?
        // Each operation in its own savepoint, with statements prepared once per connection.
        try db.cachedStatement(sql: "SAVEPOINT operation").execute()
        do {
            outcome = try perform(operation, stamp: stamp, aliases: aliases)
            try log(operation, text: text, stamp: stamp, outcome: outcome, status: .applied, reason: nil)
        } catch let refused as Rejection {
            rejection = refused.reason
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT operation").execute()
        }
        try db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
        guard let rejection else {
            for pending in pendingTallies {
                var counts = tallies.removeValue(forKey: pending.group) ?? [:]
                for key in pending.keys { counts[key, default: 0] += pending.delta }
                tallies[pending.group] = counts
            }
            return OperationResult(id: operation.id, status: .applied, conflicts: outcome.conflicts)
        }
        sequence = sequenceMark
        try log(operation, text: text, stamp: stamp, outcome: Outcome(), status: .rejected, reason: rejection)
        return OperationResult(id: operation.id, status: .rejected, reason: rejection)
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

    private mutating func perform(_ operation: SyncOperation, stamp: HLCTimestamp, aliases: [HLCTimestamp]) throws -> Outcome {
        guard !operation.device.isEmpty else { throw Rejection(reason: "The operation names no device.") }
        switch operation.body {
        case .createResponse(let new):
            return try create(new, operation: operation, stamp: stamp, aliases: aliases)
        case .updateResponse(let update):
            return try self.update(update, operation: operation, stamp: stamp, aliases: aliases)
        case .recordVisit(let visit):
            try record(visit, operation: operation, stamp: stamp)
            return Outcome()
        case .eraseResponse(let erasure):
            return try erase(erasure, operation: operation)
        }
    }

    private func log(
        _ operation: SyncOperation, text: String?, stamp: HLCTimestamp, outcome: Outcome,
        status: OperationResult.Status, reason: String?
    ) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO operations(seq, id, received_at, device, token_id, type, stamp, applied_stamp, response,
                                   payload_json, status, reason, conflicts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            operationNumber, operation.id.uuidString, receivedAt, operation.device, identity.tokenID, operation.kind,
            operation.stamp.description, stamp.description, outcome.response,
            outcome.storedOperation.map(JSONText.operation) ?? text ?? JSONText.operation(operation),
            status.rawValue, reason, outcome.conflicts,
        ])
    }

    // MARK: Kinds of operation

    private mutating func create(
        _ new: NewResponse, operation: SyncOperation, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        let prepared = preparation?.take(position)
        let form = try checkedForm(campaign: new.campaign, address: new.address, form: new.form, version: new.formVersion)
        let answers: Answers
        if new.erased == .all {
            // The resident withdrew consent before this response first arrived: nothing of it is kept.
            answers = [:]
        } else {
            switch prepared?.answers ?? validator(for: form).validate(new.answers, personalDataErased: new.erased != nil) {
            case .success(let valid): answers = valid
            case .failure(let problems): throw Rejection(reason: problems.description)
            }
        }
        let id = new.response.uuidString
        sequence += 1
        let stampText = stamp.description
        let answersJSON = prepared?.answersJSON ?? JSONText.answers(answers)
        // `fields_json` stays NULL until another write touches the response: every answer has the
        // create's stamp (see ``ResponseRow/fields(_:)``).
        let insertResponse = try db.cachedStatement(sql: """
            INSERT INTO responses(id, campaign, address, form, form_version, recorded_at, device, token_id,
                                  erased, answers_json, stamp, fields_json, changed_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(id) DO NOTHING
            """)
        try insertResponse.execute(arguments: [
            id, new.campaign, new.address, new.form, new.formVersion, new.recordedAt, operation.device,
            identity.tokenID, new.erased?.rawValue, answersJSON, stampText, sequence,
        ])
        guard db.changesCount > 0 else {
            // The response exists already (created by another operation): its answers merge as writes.
            return try recreate(new, answers: answers, operation: operation, stamp: stamp, aliases: aliases)
        }
        // Every answer of a new response is a write with this stamp and no base: one history row
        // holds them all (see ``FieldWriteRow/createField``).
        let number = db.lastInsertedRowID
        try fieldWriteStatement().execute(arguments: [
            number, FieldWriteRow.createField, stampText, JSONText.stamps(aliases), nil, nil,
            answersJSON, operation.device, operationNumber,
        ])
        if new.erased != .all {
            try retally(
                campaign: new.campaign, address: new.address, form: form, from: nil, to: answers,
                contributions: prepared?.contributions
            )
        }
        return Outcome(response: number)
    }

    /// A create for a response the server already has: each answer becomes a write with no base.
    private mutating func recreate(
        _ new: NewResponse, answers: Answers, operation: SyncOperation, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        let id = new.response.uuidString
        guard var row = try ResponseRow.fetch(db, id: id) else {
            throw Rejection(reason: "Response \(id) is unknown to the server.")
        }
        guard row.campaign == new.campaign, row.address == new.address, row.form == new.form else {
            throw Rejection(reason: "Response \(id) already exists for another campaign, address or form.")
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
        let id = update.response.uuidString
        guard var row = try ResponseRow.fetch(db, id: id) else {
            throw Rejection(reason: "Response \(id) is unknown to the server.")
        }
        try checkOwner(row)
        guard let form = try database.forms.definition(id: row.form, version: row.formVersion, db) else {
            throw Rejection(reason: "Form \(row.form) version \(row.formVersion) is not published.")
        }
        let checker = validator(for: form)
        for change in update.fields {
            guard let question = form.question(named: change.name) else {
                throw Rejection(reason: "There is no question \(change.name) in form \(row.form) version \(row.formVersion).")
            }
            if question.type == .note {
                throw Rejection(reason: "Question \(change.name) is a note and takes no answer.")
            }
            if let value = change.value, let problem = checker.checkType(value, for: question) {
                throw Rejection(reason: problem.description)
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
            throw Rejection(reason: "Campaign \(visit.campaign) is unknown to the server.")
        }
        guard try address(campaign: visit.campaign, id: visit.address) != nil else {
            throw Rejection(reason: "Address \(visit.address) is not on the walk list of campaign \(visit.campaign).")
        }
        sequence += 1
        let statement = try db.cachedStatement(sql: """
            INSERT INTO visits(id, campaign, address, outcome, note, at, device, token_id, stamp, changed_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
            """)
        try statement.execute(arguments: [
            visit.visit.uuidString, visit.campaign, visit.address, visit.outcome.rawValue, visit.note, visit.at,
            operation.device, identity.tokenID, stamp.description, sequence,
        ])
    }

    private mutating func erase(_ erasure: Erasure, operation: SyncOperation) throws -> Outcome {
        let id = erasure.response.uuidString
        guard var row = try ResponseRow.fetch(db, id: id) else {
            throw Rejection(reason: "Response \(id) is unknown to the server.")
        }
        try checkOwner(row)
        guard let form = try database.forms.definition(id: row.form, version: row.formVersion, db) else {
            throw Rejection(reason: "Form \(row.form) version \(row.formVersion) is not published.")
        }
        let scope: Erasure.Scope = row.erased == .all || erasure.scope == .all ? .all : .sensitive
        let before = row
        let erasedNames: Set<String>? = scope == .all ? nil : form.sensitiveQuestionNames
        try Erasing.scrub(db, response: id, number: row.number, fields: erasedNames)
        if let erasedNames {
            for name in erasedNames { row.fields[name] = nil }
        } else {
            row.fields = [:]
        }
        row.erased = scope
        try save(row, before: before, form: form)
        return Outcome(response: row.number)
    }

    // MARK: Merge

    /// Adds one write per change to the fields' histories and moves each field to its winner.
    ///
    /// - Returns: The open conflicts left on the written fields, and (when the response is erased)
    ///   the names whose values may be kept in the log; `nil` when all may.
    private mutating func merge(
        _ row: inout ResponseRow, changes: [FieldChange], operation: SyncOperation,
        stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> (conflicts: Int, kept: Set<String>?) {
        guard let form = try database.forms.definition(id: row.form, version: row.formVersion, db) else {
            throw Rejection(reason: "Form \(row.form) version \(row.formVersion) is not published.")
        }
        var kept: Set<String>?
        var writable = changes
        switch row.erased {
        case .all:
            return (0, [])
        case .sensitive:
            let sensitive = form.sensitiveQuestionNames
            writable = changes.filter { !sensitive.contains($0.name) }
            kept = Set(writable.map(\.name))
        case nil:
            break
        }
        let before = row
        var conflicts = 0
        let insertWrite = try fieldWriteStatement()
        let aliasesJSON = JSONText.stamps(aliases)
        let stampText = stamp.description
        for change in writable {
            var history = try FieldHistory(Self.writes(db, response: row.number, field: change.name))
            let write = FieldHistory.Write(
                stamp: stamp, aliases: aliases, base: change.base, resolves: change.resolves,
                value: change.value, device: operation.device
            )
            guard history.insert(write) else { continue }
            try insertWrite.execute(arguments: [
                row.number, change.name, stampText, aliasesJSON, change.base?.description,
                JSONText.stamps(change.resolves), JSONText.answer(change.value), operation.device,
                operationNumber,
            ])
            if let winner = history.winner {
                row.fields[change.name] = FieldValue(value: winner.value, stamp: winner.stamp)
            }
            let open = history.conflicts
            conflicts += open.count
            if history.writes.count > 1 {
                try ConflictRows.replace(db, response: row.id, campaign: row.campaign, field: change.name, with: open)
            }
        }
        if row.fields != before.fields {
            try save(row, before: before, form: form)
        }
        return (conflicts, kept)
    }

    /// Every write to one field, from the history table.
    static func writes(_ db: Database, response: Int64, field: String) throws -> [FieldHistory.Write] {
        let statement = try db.cachedStatement(sql: """
            SELECT field, stamp, aliases_json, base, resolves_json, value_json, device
            FROM field_writes WHERE response = ? AND field IN (?, '\(FieldWriteRow.createField)')
            """)
        return try Row.fetchAll(statement, arguments: [response, field]).compactMap { FieldWriteRow.write($0, field: field) }
    }

    /// Rewrites the response's merged state and moves its tallies from `before` to `row`.
    private mutating func save(_ row: ResponseRow, before: ResponseRow, form: FormDefinition) throws {
        sequence += 1
        let statement = try db.cachedStatement(sql: """
            UPDATE responses SET erased = ?, answers_json = ?, fields_json = ?, changed_seq = ? WHERE id = ?
            """)
        let answers = row.answers
        try statement.execute(arguments: [
            row.erased?.rawValue, JSONText.answers(answers), JSONText.fields(row.fields), sequence, row.id,
        ])
        try retally(
            campaign: row.campaign, address: row.address, form: form,
            from: before.erased == .all ? nil : before.answers, to: row.erased == .all ? nil : answers
        )
    }

    private func fieldWriteStatement() throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO field_writes(response, field, stamp, aliases_json, base, resolves_json, value_json, device, operation)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
    }

    // MARK: Checks and lookups

    private func checkOwner(_ row: ResponseRow) throws {
        if identity.role == .collector, row.tokenID != identity.tokenID {
            throw Rejection(reason: "A collector may only change responses recorded with its own token.")
        }
    }

    private mutating func checkedForm(campaign: String, address: String, form: String, version: String) throws -> FormDefinition {
        guard let campaignForm = try campaignForm(campaign) else {
            throw Rejection(reason: "Campaign \(campaign) is unknown to the server.")
        }
        guard campaignForm == form else {
            throw Rejection(reason: "Campaign \(campaign) uses form \(campaignForm), not \(form).")
        }
        guard try self.address(campaign: campaign, id: address) != nil else {
            throw Rejection(reason: "Address \(address) is not on the walk list of campaign \(campaign).")
        }
        guard let definition = try database.forms.definition(id: form, version: version, db) else {
            throw Rejection(reason: "Form \(form) version \(version) is not published.")
        }
        return definition
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

    private mutating func address(campaign: String, id: String) throws -> AddressInfo? {
        let key = AddressKey(campaign: campaign, id: id)
        if let cached = addresses[key] { return cached }
        let statement = try db.cachedStatement(sql: "SELECT street, area FROM addresses WHERE campaign = ? AND id = ?")
        let info = try Row.fetchOne(statement, arguments: [campaign, id]).map { AddressInfo(street: $0["street"], area: $0["area"]) }
        addresses[key] = info
        return info
    }

    /// Moves a response's tallies from `old` to `new` answers (`nil`: counts nowhere), using the
    /// `new` side's contributions when they were prepared already.
    private mutating func retally(
        campaign: String, address: String, form: FormDefinition, from old: Answers?, to new: Answers?,
        contributions: [TallyKey]? = nil
    ) throws {
        guard old != new else { return }
        let place = try self.address(campaign: campaign, id: address)
        let group = TallyGroup(
            campaign: campaign, form: FormVersionKey(id: form.id, version: form.version), street: place?.street, area: place?.area
        )
        if let old {
            pendingTallies.append((group, Tally.contributions(of: old, form: form, street: nil, area: nil), -1))
        }
        if let new {
            pendingTallies.append((group, contributions ?? Tally.contributions(of: new, form: form, street: nil, area: nil), 1))
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
