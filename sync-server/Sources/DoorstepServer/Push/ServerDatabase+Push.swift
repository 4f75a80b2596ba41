import DoorstepCore
public import DoorstepWire
import Foundation

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
        let preparation = PushPreparation(source: source) { [store, forms] key in
            // A form that cannot be read here is left unprepared: the writer reads it again, and
            // its error fails the push.
            guard let entry = forms.cachedEntry(key) ?? (try? store.read({ db in try forms.entry(key, db) })) ?? nil else {
                return nil
            }
            return PushPreparation.Form(entry: entry, validator: forms.validator(key, entry, today: today))
        }
        defer { preparation.cancel() }
        let (results, epoch, events) = try await store.write { db in
            var batch = try PushBatch(
                db: db, database: self, identity: identity, maxDriftMilliseconds: drift, today: today,
                preparation: preparation
            )
            let results = try batch.apply(ids: source.ids)
            try batch.finish()
            return (results, try Self.epoch(db), batch.events)
        }
        metrics?.pushed(events, operations: results.count)
        await scrubAfterErasure()
        return PushResponse(results: results, serverTime: clock.tick(), epoch: epoch)
    }
}
