import DoorstepCore
public import DoorstepWire
public import Foundation
import GRDB

extension ClientStore {
    /// Erases a response at the resident's request: removes its personal data from this laptop and
    /// queues the `response.erase` operation that takes the erasure to the server and, through it,
    /// to every other laptop at their next sync.
    ///
    /// In one transaction: the response is marked erased, the erased answers are deleted, they are
    /// scrubbed out of every stored operation about the response (pending, sent or set aside, since
    /// the outbox keeps sent operations to re-send to a restored server), and the operation is queued.
    /// A response whose personal answers were erased may still be erased whole.
    ///
    /// - Parameters:
    ///   - id: The response.
    ///   - scope: ``Erasure/Scope/sensitive`` removes the resident's personal answers, those of
    ///     ``FormDefinition/questionsErasedOnWithdrawal`` (the form's `sensitive: true` questions
    ///     except those marked `on_withdrawal: keep`); ``Erasure/Scope/all`` removes every answer.
    ///   - reason: Why, for the server's log; blank counts as none.
    /// - Returns: The erasure queued.
    /// - Throws: ``ErasureError/notRequestable(_:)`` for ``Erasure/Scope/expired`` (the server's
    ///   own), ``ClientStoreError/unknownResponse(_:)``, ``ErasureError/alreadyErased(_:scope:)``, or
    ///   ``ClientStoreError/unknownForm(id:version:)`` when the response's form version is not stored;
    ///   then nothing is changed.
    @discardableResult
    public func eraseResponse(id: UUID, scope: Erasure.Scope, reason: String?) throws -> Erasure {
        guard scope.isRequestable else { throw ErasureError.notRequestable(scope) }
        defer { scrubAfterErasure() }
        return try pool.write { db in
            let current = try fetchResponse(id: id, db)
            if let erased = current.erased, erased == .all || erased == scope {
                throw ErasureError.alreadyErased(id, scope: erased)
            }
            let isErased: (String) -> Bool
            if scope == .all {
                isErased = { _ in true }
            } else {
                let erased = try fetchForm(id: current.form, version: current.formVersion, db)
                    .definition().questionsErasedOnWithdrawal
                isErased = erased.contains
            }
            try removeErasedData(response: id, scope: scope, erasing: isErased, db)
            let note = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            let erasure = Erasure(response: id, scope: scope, reason: note?.isEmpty == false ? note : nil)
            let operation = SyncOperation(stamp: try tick(db), device: deviceID, body: .eraseResponse(erasure))
            try enqueue(operation, response: id, db)
            return erasure
        }
    }

    /// After an erasure committed: copies the WAL into the database and truncates it, so the
    /// erased answers are left in no file (`secure_delete` zeroes them in the database itself).
    ///
    /// Another doorstep command reading the store may keep the checkpoint from finishing; SQLite's
    /// own checkpoints, and the next erasure, then finish it, so a failure here changes nothing.
    func scrubAfterErasure() {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// Removes erased answers from this laptop, inside the caller's transaction: the response is
    /// marked erased with `scope` (an erasure of everything is never narrowed back, and the
    /// server's purge, `expired`, marks only a response not erased otherwise), the fields
    /// `isErased` names are deleted, and their values are scrubbed out of every stored operation
    /// about the response. Used for erasures made here and for those pulled from the server.
    func removeErasedData(
        response: UUID, scope: Erasure.Scope, erasing isErased: (String) -> Bool, _ db: Database
    ) throws {
        let id = response.uuidString
        try db.execute(
            sql: scope == .expired
                ? "UPDATE responses SET erased = ? WHERE id = ? AND erased IS NULL"
                : "UPDATE responses SET erased = ? WHERE id = ? AND (erased IS NULL OR erased != 'all')",
            arguments: [scope.rawValue, id]
        )
        let names = try String.fetchAll(db, sql: "SELECT name FROM response_fields WHERE response = ?", arguments: [id])
        for name in names where isErased(name) {
            try db.execute(sql: "DELETE FROM response_fields WHERE response = ? AND name = ?", arguments: [id, name])
        }
        let rows = try Row.fetchAll(db, sql: "SELECT seq, operation FROM outbox WHERE response = ?", arguments: [id])
        for row in rows {
            var operation = try Self.decode(SyncOperation.self, row["operation"])
            switch operation.body {
            case .createResponse(var created):
                created.answers = created.answers.filter { !isErased($0.key) }
                // A device never sends `expired`: a create keeps the erasure asked for here, if any.
                if scope.isRequestable { created.erased = created.erased == .all ? .all : scope }
                operation.body = .createResponse(created)
            case .updateResponse(var update):
                update.fields = update.fields.filter { !isErased($0.name) }
                operation.body = .updateResponse(update)
            case .recordVisit, .eraseResponse, .addAddress, .recordOutcome:
                continue
            }
            try db.execute(
                sql: "UPDATE outbox SET operation = ? WHERE seq = ?", arguments: [operation.jsonText, row["seq"]]
            )
        }
    }
}
