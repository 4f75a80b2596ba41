public import DoorstepCore
public import DoorstepWire
public import Foundation
import GRDB

extension ClientStore {
    // MARK: Visits

    /// Records a knock on a door and its outbox operation, in one transaction.
    ///
    /// - Throws: ``ClientStoreError/unknownCampaign(_:)`` or ``ClientStoreError/unknownAddress(campaign:address:)``.
    @discardableResult
    public func recordVisit(
        campaign: String, address: String, outcome: VisitOutcome, note: String?, callBack: String? = nil
    ) throws -> Visit {
        try pool.write { db in
            let door = try fetchAddress(campaign: campaign, id: address, db)
            return try insertLocalVisit(
                campaign: try fetchCampaign(id: campaign, db).id, address: door.id, outcome: outcome, note: note,
                callBack: callBack, db
            )
        }
    }

    private func insertLocalVisit(
        campaign: String, address: String, outcome: VisitOutcome, note: String?, callBack: String? = nil,
        _ db: Database
    ) throws -> Visit {
        let visit = Visit(
            visit: UUID(), campaign: campaign, address: address, outcome: outcome, note: note,
            at: Self.timestamp(now()), callBack: callBack
        )
        let operation = SyncOperation(stamp: try tick(db), device: deviceID, body: .recordVisit(visit))
        try insertVisit(VisitEvent(visit: visit, device: deviceID, stamp: operation.stamp), db)
        try enqueue(operation, response: nil, db)
        return visit
    }

    /// Inserts a knock unless it is already there (knocks are pulled back after being pushed).
    func insertVisit(_ event: VisitEvent, _ db: Database) throws {
        // Prepared once per connection: a pull inserts thousands of knocks.
        try db.cachedStatement(sql: """
            INSERT INTO visits (id, campaign, address, outcome, note, call_back, at, device, stamp)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
            """).execute(
            arguments: [
                event.visit.visit.uuidString, event.visit.campaign, event.visit.address, event.visit.outcome.rawValue,
                event.visit.note, event.visit.callBack, event.visit.at, event.device, event.stamp.description,
            ]
        )
    }

    // MARK: Responses

    /// Saves a new response: its fields, its `response.create` operation, a `surveyed` knock at
    /// the door unless one is already recorded there (a `declined` knock instead when the answers
    /// lack the form's consent, ``FormDefinition/recordsConsent(_:)``), and the removal of the draft
    /// it came from, all in one transaction.
    ///
    /// The answers must already be validated against `form` (``AnswerValidator/validate(_:)``).
    /// - Parameters:
    ///   - campaign: The campaign id.
    ///   - address: The address id on its walk list.
    ///   - form: The form version answered; it must be stored.
    ///   - answers: The validated answers.
    ///   - safeguarding: Whether the answers flag a safeguarding concern; the operation is then pushed first.
    ///   - draft: The draft the answers came from, removed in the same transaction; the draft held
    ///     plain answers, so the log is checkpointed afterwards (as after an erasure) and, with
    ///     `secure_delete`, they leave the files.
    ///   - id: The new response's id: answers sealed at the door are bound to it, so the caller
    ///     chooses it before sealing.
    /// - Returns: The new response's id.
    /// - Throws: ``ClientStoreError`` when the campaign, address or form version is unknown.
    @discardableResult
    public func recordResponse(
        campaign: String, address: String, form: FormDefinition, answers: Answers, safeguarding: Bool,
        draft: UUID? = nil, id: UUID = UUID()
    ) throws -> UUID {
        defer { if draft != nil { scrubAfterErasure() } }
        return try pool.write { db in
            let address = try fetchAddress(campaign: campaign, id: address, db).id
            let campaign = try fetchCampaign(id: campaign, db).id
            _ = try fetchForm(id: form.id, version: form.version, db)
            let response = NewResponse(
                response: id, campaign: campaign, address: address, form: form.id, formVersion: form.version,
                recordedAt: Self.timestamp(now()), answers: answers, safeguarding: safeguarding
            )
            let operation = SyncOperation(stamp: try tick(db), device: deviceID, body: .createResponse(response))
            try db.execute(
                sql: """
                    INSERT INTO responses (id, campaign, address, form, form_version, device, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    response.response.uuidString, campaign, address, form.id, form.version, deviceID, response.recordedAt,
                ]
            )
            for (name, value) in answers {
                try writeField(response: response.response, name: name, value: value, stamp: operation.stamp, db)
            }
            try enqueue(operation, response: response.response, db)
            if !form.recordsConsent(answers) {
                _ = try insertLocalVisit(campaign: campaign, address: address, outcome: .declined, note: nil, db)
            } else if try Bool.fetchOne(db, sql: """
                SELECT 1 FROM visits WHERE campaign = ? AND address = ? AND outcome = 'surveyed' LIMIT 1
                """, arguments: [campaign, address]) != true {
                _ = try insertLocalVisit(campaign: campaign, address: address, outcome: .surveyed, note: nil, db)
            }
            if let draft {
                try db.execute(sql: "DELETE FROM drafts WHERE id = ?", arguments: [draft.uuidString])
            }
            return response.response
        }
    }

    /// Corrects a response: `edit` gets the response as stored and returns the whole set of answers
    /// it should hold (validated); every field whose value changes is written with a new stamp and
    /// the stamp of the value it replaces as its base, in one `response.update` operation.
    ///
    /// Runs in one transaction, so the response cannot change between reading and writing.
    /// - Returns: The update made, or `nil` when nothing changed.
    /// - Throws: ``ClientStoreError/unknownResponse(_:)``, ``ClientStoreError/responseErased(_:)``,
    ///   or whatever `edit` throws (then nothing is written).
    @discardableResult
    public func editResponse(id: UUID, _ edit: (StoredResponse) throws -> Answers) throws -> ResponseUpdate? {
        try pool.write { db in
            let current = try fetchResponse(id: id, db)
            if current.erased == .all { throw ClientStoreError.responseErased(id) }
            let wanted = try edit(current)
            var changes: [FieldChange] = []
            for name in Set(current.fields.keys).union(wanted.keys).sorted() {
                let old = current.fields[name]
                let new = wanted[name]
                guard new != old?.value else { continue }
                if new == nil && old == nil { continue }
                changes.append(FieldChange(name: name, value: new, base: old?.stamp))
            }
            guard !changes.isEmpty else { return nil }
            let update = ResponseUpdate(response: id, fields: changes)
            let operation = SyncOperation(stamp: try tick(db), device: deviceID, body: .updateResponse(update))
            for change in changes {
                try writeField(response: id, name: change.name, value: change.value, stamp: operation.stamp, db)
            }
            try enqueue(operation, response: id, db)
            return update
        }
    }

    func writeField(response: UUID, name: String, value: AnswerValue?, stamp: HLCTimestamp, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO response_fields (response, name, value, stamp) VALUES (?, ?, ?, ?)
                ON CONFLICT (response, name) DO UPDATE SET value = excluded.value, stamp = excluded.stamp
                """,
            arguments: [response.uuidString, name, try value.map(Self.json), stamp.description]
        )
    }

    /// One response with every field and its stamp.
    ///
    /// - Throws: ``ClientStoreError/unknownResponse(_:)``.
    public func response(id: UUID) throws -> StoredResponse {
        try pool.read { db in try fetchResponse(id: id, db) }
    }

    func fetchResponse(id: UUID, _ db: Database) throws -> StoredResponse {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT r.*, \(Delivery.columns)
            FROM responses r WHERE r.id = ?
            """, arguments: [id.uuidString])
        else { throw ClientStoreError.unknownResponse(id) }
        var fields: [String: FieldValue] = [:]
        for field in try Row.fetchAll(
            db, sql: "SELECT name, value, stamp FROM response_fields WHERE response = ?", arguments: [id.uuidString]
        ) {
            let value: String? = field["value"]
            guard let stamp = HLCTimestamp(field["stamp"] as String) else {
                throw ClientStoreError.corrupt("the stamp of field \(field["name"] as String) of response \(id.uuidString)")
            }
            fields[field["name"]] = FieldValue(value: try value.map { try Self.decode(AnswerValue.self, $0) }, stamp: stamp)
        }
        return StoredResponse(
            id: id, campaign: row["campaign"], address: row["address"], form: row["form"],
            formVersion: row["form_version"], device: row["device"], recordedAt: row["recorded_at"],
            erased: (row["erased"] as String?).flatMap(Erasure.Scope.init(rawValue:)), fields: fields,
            delivery: Delivery(row: row)
        )
    }

    /// The responses on this laptop, oldest first, of one campaign or of all.
    ///
    /// - Throws: ``ClientStoreError/unknownCampaign(_:)`` when `campaign` is given and unknown.
    public func responses(campaign: String? = nil) throws -> [ResponseSummary] {
        try pool.read { db in
            if let campaign { _ = try fetchCampaign(id: campaign, db) }
            return try Row.fetchAll(db, sql: """
                SELECT r.id, r.campaign, r.address, a.address AS line, r.form, r.form_version, r.recorded_at, r.erased,
                    \(Delivery.columns)
                FROM responses r LEFT JOIN addresses a ON a.campaign = r.campaign AND a.id = r.address
                WHERE ?1 IS NULL OR r.campaign = ?1
                ORDER BY r.recorded_at, r.id
                """, arguments: [campaign]).map { row in
                guard let id = UUID(uuidString: row["id"]) else { throw ClientStoreError.corrupt("a response id") }
                return ResponseSummary(
                    id: id, campaign: row["campaign"], address: row["address"], addressLine: row["line"],
                    form: row["form"], formVersion: row["form_version"], recordedAt: row["recorded_at"],
                    erased: (row["erased"] as String?).flatMap(Erasure.Scope.init(rawValue:)),
                    delivery: Delivery(row: row)
                )
            }
        }
    }

    // MARK: Drafts

    /// Saves a draft (new or updated) and returns it with its times set.
    ///
    /// A door has at most one draft: saving a new draft for a door that has another one throws
    /// ``ClientStoreError/draftExists(campaign:address:draft:)``; put the other aside first with
    /// ``supersedeDraft(id:)``.
    /// - Throws: ``ClientStoreError/unknownCampaign(_:)``, ``ClientStoreError/unknownAddress(campaign:address:)``
    ///   or ``ClientStoreError/draftExists(campaign:address:draft:)``.
    @discardableResult
    public func saveDraft(_ draft: Draft) throws -> Draft {
        try pool.write { db in
            var draft = draft
            draft.address = try fetchAddress(campaign: draft.campaign, id: draft.address, db).id
            draft.campaign = try fetchCampaign(id: draft.campaign, db).id
            if let other = try String.fetchOne(db, sql: """
                SELECT id FROM drafts WHERE campaign = ? AND address = ? AND id != ?
                """, arguments: [draft.campaign, draft.address, draft.id.uuidString]),
               let otherID = UUID(uuidString: other) {
                throw ClientStoreError.draftExists(campaign: draft.campaign, address: draft.address, draft: otherID)
            }
            var saved = draft
            saved.updatedAt = Self.timestamp(now())
            if saved.startedAt.isEmpty { saved.startedAt = saved.updatedAt }
            let (question, atReview) = Self.columns(saved.position)
            try db.execute(
                sql: """
                    INSERT INTO drafts (id, campaign, address, form, form_version, answers, position, at_review, started_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET form = excluded.form, form_version = excluded.form_version,
                        answers = excluded.answers, position = excluded.position, at_review = excluded.at_review,
                        updated_at = excluded.updated_at
                    """,
                arguments: [
                    saved.id.uuidString, saved.campaign, saved.address, saved.form, saved.formVersion,
                    try Self.json(saved.answers), question, atReview, saved.startedAt, saved.updatedAt,
                ]
            )
            return saved
        }
    }

    /// Every draft, the most recently saved first.
    public func drafts() throws -> [Draft] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM drafts ORDER BY updated_at DESC, started_at DESC").map(Self.draft)
        }
    }

    /// One draft.
    ///
    /// - Throws: ``ClientStoreError/unknownDraft(_:)``.
    public func draft(id: UUID) throws -> Draft {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM drafts WHERE id = ?", arguments: [id.uuidString]) else {
                throw ClientStoreError.unknownDraft(id)
            }
            return try Self.draft(row)
        }
    }

    /// The draft of one door, if it has one (a door has at most one).
    public func draft(campaign: String, address: String) throws -> Draft? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM drafts WHERE campaign = ? AND address = ?", arguments: [campaign, address]
            ).map(Self.draft)
        }
    }

    /// Throws a draft away, leaving its answers in no file (as after an erasure).
    ///
    /// - Throws: ``ClientStoreError/unknownDraft(_:)``.
    public func deleteDraft(id: UUID) throws {
        // A draft holds plain answers: none stays in the log.
        defer { scrubAfterErasure() }
        try pool.write { db in
            try db.execute(sql: "DELETE FROM drafts WHERE id = ?", arguments: [id.uuidString])
            if db.changesCount == 0 { throw ClientStoreError.unknownDraft(id) }
        }
    }

    /// Puts a draft aside, unchanged, so its door can be started again; it stays listed by
    /// ``supersededDrafts()`` and is never sent.
    ///
    /// - Throws: ``ClientStoreError/unknownDraft(_:)``.
    public func supersedeDraft(id: UUID) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO superseded_drafts
                    (id, campaign, address, form, form_version, answers, position, at_review, started_at, updated_at, superseded_at)
                SELECT id, campaign, address, form, form_version, answers, position, at_review, started_at, updated_at, ?
                FROM drafts WHERE id = ?
                """, arguments: [Self.timestamp(now()), id.uuidString])
            if db.changesCount == 0 { throw ClientStoreError.unknownDraft(id) }
            try db.execute(sql: "DELETE FROM drafts WHERE id = ?", arguments: [id.uuidString])
        }
    }

    /// Drafts put aside, the most recently put aside first.
    public func supersededDrafts() throws -> [SupersededDraft] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM superseded_drafts ORDER BY superseded_at DESC, updated_at DESC").map {
                SupersededDraft(draft: try Self.draft($0), supersededAt: $0["superseded_at"])
            }
        }
    }

    static func draft(_ row: Row) throws -> Draft {
        guard let id = UUID(uuidString: row["id"]) else { throw ClientStoreError.corrupt("a draft id") }
        let question: String? = row["position"]
        let position: DraftPosition? = (row["at_review"] as Bool? ?? false) ? .review : question.map(DraftPosition.question)
        return Draft(
            id: id, campaign: row["campaign"], address: row["address"], form: row["form"],
            formVersion: row["form_version"], answers: try decode(Answers.self, row["answers"]),
            position: position, startedAt: row["started_at"], updatedAt: row["updated_at"]
        )
    }

    /// The `position` and `at_review` columns of a draft's place.
    private static func columns(_ position: DraftPosition?) -> (question: String?, atReview: Bool) {
        switch position {
        case nil: (nil, false)
        case .question(let name): (name, false)
        case .review: (nil, true)
        }
    }
}
