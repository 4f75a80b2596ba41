import DoorstepCore
public import DoorstepWire
import Foundation
import GRDB

extension ClientStore {
    /// Applies one pulled page and its cursor in one transaction, so a page is applied whole or
    /// not at all and the next pull starts where this one ended.
    ///
    /// * Forms: every version is stored; the server's source wins over a local copy of the same version.
    /// * Campaigns: inserted or updated, their walk lists replaced by the server's.
    /// * Agencies: the server's list, with each one's current public key, replaces the laptop's.
    /// * Visits: added unless already there (this laptop's own come back too).
    /// * Responses: a new one is stored whole. For one already here, a field takes the server's
    ///   value where the server's stamp is higher than the local one; where the response has no
    ///   operation waiting to be pushed, the server's merged state is taken as it is (so a value
    ///   the server re-stamped or refused is corrected).
    /// * Erasures: fields the server no longer holds are removed, here and from the stored
    ///   operations about the response, so personal data leaves this laptop. An erasure made on
    ///   this laptop holds whatever the server sends (it may have refused the erasure, or not
    ///   received it yet): the answers it erased are never written back.
    /// * The clock moves past the server's time.
    ///
    /// - Throws: ``ClientStoreError/epochMismatch(stored:received:)`` when the page comes from
    ///   another epoch than the stored cursor; call ``resendAllForNewEpoch(_:)`` first.
    public func applyPulledPage(_ page: PullResponse) throws {
        defer { if page.responses.contains(where: { $0.erased != nil }) { scrubAfterErasure() } }
        try pool.write { db in
            if let stored = try String.fetchOne(db, sql: "SELECT epoch FROM device WHERE id = 1"), stored != page.epoch {
                throw ClientStoreError.epochMismatch(stored: stored, received: page.epoch)
            }
            for form in page.forms { try savePublished(form, db) }
            for campaign in page.campaigns { try saveCampaign(campaign, db) }
            try replaceAgencies(with: page.agencies, db)
            var latest = page.serverTime
            for event in page.visits {
                try insertVisit(event, db)
                latest = max(latest, event.stamp)
            }
            var merger = try PulledResponseMerger(store: self, db)
            // In id order, the rows and index entries keyed by response id are written in key order.
            let byID = page.responses.map { (id: $0.id.uuidString, state: $0) }.sorted { $0.id < $1.id }
            for (id, state) in byID {
                try merger.merge(state, id: id)
                for field in state.fields.values where field.stamp > latest { latest = field.stamp }
            }
            try observe(latest, db)
            try db.execute(
                sql: "UPDATE device SET cursor = ?, epoch = ? WHERE id = 1", arguments: [page.cursor, page.epoch]
            )
        }
    }
}

/// Merges pulled responses into the store inside the page's transaction, with prepared statements:
/// a page holds thousands of responses of twenty-odd fields each.
private struct PulledResponseMerger {
    private let store: ClientStore
    private let db: Database
    /// Whether a response is here, how it was erased here, and whether it has changes waiting to be pushed.
    private let lookup: Statement
    private let insertResponse: Statement
    private let localStamps: Statement
    private let writeField: Statement
    private let unsynced: Statement
    /// The names of the questions a withdrawal of consent erases, per form version, read once per
    /// page; `nil` when the version is not stored.
    private var erasedOnWithdrawal: [String: Set<String>?] = [:]
    /// The text of the last stamp written: a response's fields mostly share one stamp.
    private var lastStamp: (stamp: HLCTimestamp, text: String)?

    init(store: ClientStore, _ db: Database) throws {
        self.store = store
        self.db = db
        lookup = try db.cachedStatement(sql: """
            SELECT erased, EXISTS (SELECT 1 FROM outbox WHERE response = ?1 AND state IN ('pending', 'held')) AS pending
            FROM responses WHERE id = ?1
            """)
        insertResponse = try db.cachedStatement(sql: """
            INSERT INTO responses (id, campaign, address, form, form_version, device, recorded_at, erased)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        localStamps = try db.cachedStatement(sql: "SELECT name, stamp FROM response_fields WHERE response = ?")
        unsynced = try db.cachedStatement(sql: "UPDATE responses SET synced_at = NULL WHERE id = ?")
        writeField = try db.cachedStatement(sql: """
            INSERT INTO response_fields (response, name, value, stamp) VALUES (?, ?, ?, ?)
            ON CONFLICT (response, name) DO UPDATE SET value = excluded.value, stamp = excluded.stamp
            """)
    }

    /// Merges the server's state of one response into the local one.
    /// - Parameter id: `state.id` as the store writes it.
    mutating func merge(_ state: ResponseState, id: String) throws {
        // Pulled now: synced at the end of this sync, unless a change waits (see ``ClientStore/dropExpiredAnswers(now:)``).
        try unsynced.execute(arguments: [id])
        guard let local = try Row.fetchOne(lookup, arguments: [id]) else {
            try insertResponse.execute(arguments: [
                id, state.campaign, state.address, state.form, state.formVersion, state.device,
                state.recordedAt, state.erased?.rawValue,
            ])
            for (name, field) in state.fields { try write(id, name, field) }
            return
        }
        let pending: Bool = local["pending"]
        var stamps: [String: HLCTimestamp] = [:]
        for row in try Row.fetchAll(localStamps, arguments: [id]) {
            stamps[row["name"]] = HLCTimestamp(row["stamp"] as String)
        }
        let erasedHere = (local["erased"] as String?).flatMap(Erasure.Scope.init(rawValue:))
        let keptOff = try erasedFields(erasedHere, form: state.form, version: state.formVersion)
        for (name, field) in state.fields {
            let mine = stamps[name]
            if let keptOff, keptOff(name, mine != nil) { continue }
            let take = mine.map { pending ? field.stamp > $0 : field.stamp != $0 } ?? true
            if take { try write(id, name, field) }
        }
        guard let scope = state.erased else { return }
        let kept = Set(state.fields.keys)
        try store.removeErasedData(response: state.id, scope: scope, erasing: { !kept.contains($0) }, db)
    }

    /// Which pulled fields an erasure made here keeps off this laptop, given a field's name and
    /// whether it is here: every field for `all`; for `sensitive`, the questions the form erases on withdrawal,
    /// or, when the form version is not stored, every field this laptop no longer holds.
    private mutating func erasedFields(
        _ scope: Erasure.Scope?, form: String, version: String
    ) throws -> ((String, Bool) -> Bool)? {
        switch scope {
        case nil, .expired:
            // A purge made by the server: what it sends is what it holds.
            return nil
        case .all:
            return { _, _ in true }
        case .sensitive:
            let key = form + "\u{0}" + version
            if erasedOnWithdrawal[key] == nil {
                let definition = try? store.fetchForm(id: form, version: version, db).definition()
                erasedOnWithdrawal[key] = .some(definition?.questionsErasedOnWithdrawal)
            }
            guard let names = erasedOnWithdrawal[key] ?? nil else { return { _, isHere in !isHere } }
            return { name, _ in names.contains(name) }
        }
    }

    private mutating func write(_ id: String, _ name: String, _ field: FieldValue) throws {
        let stamp: String
        if let lastStamp, lastStamp.stamp == field.stamp {
            stamp = lastStamp.text
        } else {
            stamp = field.stamp.description
            lastStamp = (field.stamp, stamp)
        }
        try writeField.execute(arguments: [id, name, field.value.map(JSONWriter.answer), stamp])
    }
}
