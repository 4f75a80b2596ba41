import DoorstepCore
import DoorstepWire
import Foundation

extension PushBatch {
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
    mutating func merge(
        _ row: inout ResponseRow, form: FormDefinition, changes: [FieldChange], operation: SyncOperation,
        stamp: HLCTimestamp, aliases: [HLCTimestamp]
    ) throws -> (conflicts: Int, kept: Set<String>?) {
        var kept: Set<String>?
        var writable = changes
        // Answers past their retention period are purged (or about to be): writes to them are
        // kept off, as those to answers an erasure removed.
        let expired = try expiredQuestions(of: row, form: form)
        var keptOff = expired
        switch row.erased {
        case .all:
            return (0, [])
        case .sensitive:
            keptOff.formUnion(form.questionsErasedOnWithdrawal)
        case .expired, nil:
            break
        }
        if row.erased != nil || !keptOff.isEmpty {
            writable = changes.filter { !keptOff.contains($0.name) }
            kept = Set(writable.map(\.name))
        }
        let before = row
        let insertWrite = try db.cachedStatement(sql: Self.fieldWriteInsert.sql)
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
            if writable.count < changes.count {
                // Values were kept off: the device that wrote them pulls the state without them.
                try save(row, before: before, form: form, counting: before.counted)
            }
            return (try replaceConflicts(of: row, histories), kept)
        }
        var counted = validity(of: row, written: won.map(\.name), form: form, expired: expired)
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
            counted = validity(of: row, written: [], form: form, expired: expired)
        }
        switch counted {
        case .success(let answers):
            try save(row, before: before, form: form, counting: answers)
        case .failure:
            // Restored to the values it held, the response may still fail a check that depends on
            // the day (a date no later than today): its tallies stay as they were.
            try save(row, before: before, form: form, counting: before.counted)
        }
        return (try replaceConflicts(of: row, histories), kept)
    }

    /// Rewrites the open conflicts of each written field, noting how many opened and closed;
    /// returns how many there are.
    mutating func replaceConflicts(of row: ResponseRow, _ histories: [(name: String, history: FieldHistory)]) throws -> Int {
        var conflicts = 0
        for (name, history) in histories {
            let open = history.conflicts
            conflicts += open.count
            if history.writes.count > 1 {
                let change = try ConflictRows.replace(db, response: row.id, campaign: row.campaign, field: name, with: open)
                pendingConflicts.opened += change.opened
                pendingConflicts.resolved += change.resolved
            }
        }
        return conflicts
    }

    /// The answers `row` counts with, or why it is not a valid response under `form`: every
    /// problem the whole-response validator finds, and an answer `written` now to a question that
    /// is not relevant. Answers to `expired` questions may be missing where the form requires them.
    mutating func validity(
        of row: ResponseRow, written: [String], form: FormDefinition, expired: Set<String>
    ) -> Result<Answers, Refusal> {
        switch validator(for: form).validate(row.answers, personalDataErased: row.erased != nil, expired: expired) {
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
    static func writes(_ db: any SQLSession, response: Int64, field: String) throws -> [FieldHistory.Write] {
        let statement = try db.cachedStatement(sql: """
            SELECT field, stamp, aliases_json, base, resolves_json, value_json, device
            FROM field_writes WHERE response = ? AND field IN (?, '\(FieldWriteRow.createField)')
            """)
        return try SQLRow.fetchAll(statement, arguments: [response, field]).compactMap { row throws(UnreadableStoredText) in try FieldWriteRow.write(row, field: field) }
    }

    /// Rewrites the response's merged state and moves its tallies from what `before` counted to
    /// `answers`, the valid answers `row` counts with (its relevant answers and calculations).
    mutating func save(_ row: ResponseRow, before: ResponseRow, form: FormDefinition, counting answers: Answers) throws {
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
}
