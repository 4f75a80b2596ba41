public import DoorstepCore
public import DoorstepWire
import Foundation

extension ServerDatabase {
    /// The open conflicts, of one campaign or of all, newest losing write first.
    ///
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign.
    public func conflicts(campaign: String?) async throws -> [ConflictInfo] {
        try await store.read { db in
            var sql = """
                SELECT c.*, r.answers_json, r.stamp AS response_stamp, r.fields_json FROM conflicts c JOIN responses r ON r.id = c.response
                """
            var arguments: [String] = []
            if let campaign {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM campaigns WHERE id = ?", arguments: [campaign]) != nil else {
                    throw APIError.notFound("Campaign \(campaign) is unknown.")
                }
                sql += " WHERE c.campaign = ?"
                arguments = [campaign]
            }
            sql += " ORDER BY c.response, c.field, c.stamp DESC"
            var conflicts = try SQLRow.fetchAll(db, sql: sql, arguments: arguments).compactMap(Self.conflictInfo)
            let officers = try Self.officers(writing: Set(conflicts.map(\.stamp.description)), db)
            for index in conflicts.indices { conflicts[index].officer = officers[conflicts[index].stamp.description] }
            return conflicts
        }
    }

    /// The name of the token whose applied operation wrote each of `stamps`, from the log.
    private static func officers(writing stamps: Set<String>, _ db: any SQLSession) throws -> [String: String] {
        guard !stamps.isEmpty else { return [:] }
        var names: [String: String] = [:]
        let stampList = Array(stamps)
        for start in stride(from: 0, to: stampList.count, by: 500) {
            let chunk = Array(stampList[start..<min(start + 500, stampList.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try SQLRow.fetchAll(db, sql: """
                SELECT o.applied_stamp, t.name FROM operations o JOIN tokens t ON t.id = o.token_id
                WHERE o.status = 'applied' AND o.applied_stamp IN (\(marks))
                """, arguments: chunk) {
                names[row[0]] = row[1]
            }
        }
        return names
    }

    static func conflictInfo(_ row: SQLRow) throws -> ConflictInfo? {
        let field: String = row["field"]
        guard let response = UUID(uuidString: row["response"]), let stamp = HLCTimestamp(row["stamp"] as String),
              let current = try ResponseRow.fields(
                  answersJSON: row["answers_json"], stamp: row["response_stamp"], fieldsJSON: row["fields_json"]
              )[field]
        else { return nil }
        return ConflictInfo(
            id: row["id"], response: response, campaign: row["campaign"], field: field,
            value: try FieldWriteRow.answer(row["value_json"]), stamp: stamp, device: row["device"],
            current: current.value, currentStamp: current.stamp
        )
    }

    /// Settles a conflict: the server writes `value` to the field with its own stamp, based on the
    /// current winner and resolving every open conflict of the field. The write is logged and syncs
    /// out through pull like any other.
    ///
    /// - Parameters:
    ///   - id: The conflict's id, from ``conflicts(campaign:)``.
    ///   - value: The settled value; `nil` clears the field. Text is coerced to the question's type.
    ///   - identity: The organiser or admin settling it.
    /// - Returns: The response's merged state after the write.
    /// - Throws: ``APIError`` 404 for an unknown conflict, 422 for a value the question refuses.
    public func resolveConflict(_ id: String, value: AnswerValue?, by identity: Identity) async throws -> ResponseState {
        let (state, events) = try await store.write { db in
            guard let conflict = try SQLRow.fetchOne(db, sql: "SELECT response, field FROM conflicts WHERE id = ?", arguments: [id]),
                  let responseID = UUID(uuidString: conflict["response"]),
                  let row = try ResponseRow.fetch(db, id: conflict["response"])
            else {
                throw APIError.notFound("Conflict \(id) is unknown or already resolved.")
            }
            let field: String = conflict["field"]
            var settled = value
            if case .text(let text) = value,
               let form = try forms.definition(id: row.form, version: row.formVersion, db),
               let question = form.question(named: field) {
                switch AnswerValidator(form: form, today: Timestamps.today()).coerce(text, for: question) {
                case .success(let coerced): settled = coerced
                case .failure(let problem): throw APIError.unprocessable(problem.description)
                }
            }
            try catchUpClock(db)
            let history = FieldHistory(try PushBatch.writes(db, response: row.number, field: field))
            let change = FieldChange(
                name: field, value: settled, base: history.winner?.stamp, resolves: history.conflicts.map(\.stamp)
            )
            let operation = SyncOperation(
                stamp: clock.tick(), device: clock.node,
                body: .updateResponse(ResponseUpdate(response: responseID, fields: [change]))
            )
            var batch = try PushBatch(db: db, database: self, identity: identity, maxDriftMilliseconds: Int64.max / 2)
            let result = try batch.apply([operation])
            if let reason = result.first?.reason {
                throw APIError.unprocessable(reason)
            }
            try batch.finish()
            guard let updated = try ResponseRow.fetch(db, id: row.id) else {
                throw APIError.notFound("Response \(row.id) is unknown.")
            }
            return (updated.state, batch.events)
        }
        metrics?.committed(events)
        return state
    }
}
