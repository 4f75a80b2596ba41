import DoorstepCore
import DoorstepWire
import Foundation

extension PushBatch {
    // MARK: Kinds of operation

    /// Why a device's operation naming the erasure scope `expired` is rejected.
    static let expiredScopeRefusal =
        "A device may not erase with scope expired: the server purges answers itself when their retention period ends."

    mutating func create(
        _ new: NewResponse, prepared: PushPreparation.Prepared, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        let operation = prepared.operation
        if let erased = new.erased, !erased.isRequestable {
            throw Refusal.rejected(Self.expiredScopeRefusal)
        }
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
        let number: Int64?
        if let append = statements.appendResponse, absentResponses.remove(id) != nil {
            let reserved = try reservedNumber()
            try append.execute(
                reserved, id, new.campaign, new.address, new.form, new.formVersion, new.recordedAt, operation.device,
                identity.tokenID, new.erased?.rawValue, answersJSON, stampText, sequence
            )
            appendedResponses.insert(id)
            number = reserved
        } else {
            number = try statements.insertResponse.execute(
                id, new.campaign, new.address, new.form, new.formVersion, new.recordedAt, operation.device,
                identity.tokenID, new.erased?.rawValue, answersJSON, stampText, sequence
            )
        }
        guard let number else {
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
    mutating func recreate(
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
        let (conflicts, stored) = try merge(
            &row, form: try publishedForm(of: row), changes: changes, operation: operation, stamp: stamp, aliases: aliases
        )
        let storedOperation = stored.map { kept in
            var copy = operation
            var scrubbed = new
            scrubbed.answers = new.answers.filter { kept.contains($0.key) }
            copy.body = .createResponse(scrubbed)
            return copy
        }
        return Outcome(response: row.number, conflicts: conflicts, storedOperation: storedOperation)
    }

    mutating func update(
        _ update: ResponseUpdate, operation: SyncOperation, stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> Outcome {
        var (row, form) = try changeableResponse(update.response)
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
        let (conflicts, stored) = try merge(
            &row, form: form, changes: update.fields, operation: operation, stamp: stamp, aliases: aliases
        )
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

    mutating func record(_ visit: Visit, operation: SyncOperation, stamp: HLCTimestamp) throws {
        guard try campaignForm(visit.campaign) != nil else {
            throw Refusal.held("Campaign \(visit.campaign) is unknown to the server.")
        }
        guard try address(campaign: visit.campaign, id: visit.address) != nil else {
            throw Refusal.rejected("Address \(visit.address) is not on the walk list of campaign \(visit.campaign).")
        }
        sequence += 1
        try statements.insertVisit.execute(
            visit.visit.uuidString, visit.campaign, visit.address, visit.outcome.rawValue, visit.note, visit.callBack, visit.at,
            operation.device, identity.tokenID, stamp.description, sequence
        )
    }

    /// Adds a door found on the day to the campaign's walk list, after every door listed, and
    /// sends the campaign again at the next pull. The same door added again (same id, address
    /// and postcode) is applied without change; another door under a listed id is rejected.
    mutating func add(_ new: NewAddress) throws {
        guard try campaignForm(new.campaign) != nil else {
            throw Refusal.held("Campaign \(new.campaign) is unknown to the server.")
        }
        let door = new.door
        if let problem = NewAddress.problem(with: door) { throw Refusal.rejected(problem) }
        if let listed = try SQLRow.fetchOne(
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

    mutating func erase(_ erasure: Erasure, operation: SyncOperation) throws -> Outcome {
        guard erasure.scope.isRequestable else {
            throw Refusal.rejected(Self.expiredScopeRefusal)
        }
        var (row, form) = try changeableResponse(erasure.response)
        let id = row.id
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
        // An erasure is applied whatever the validator says of what is left (a required answer
        // may be gone): what is left then counts as it did, less what was erased.
        let counted: Answers
        switch validity(of: row, written: [], form: form, expired: try expiredQuestions(of: row, form: form)) {
        case .success(let valid): counted = valid
        case .failure: counted = before.counted.filter { row.fields[$0.key] != nil }
        }
        try save(row, before: before, form: form, counting: counted)
        return Outcome(response: row.number)
    }
}
