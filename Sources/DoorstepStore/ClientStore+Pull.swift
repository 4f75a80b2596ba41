public import DoorstepCore
import Foundation
import GRDB

extension ClientStore {
    /// Applies one pulled page and its cursor in one transaction, so a page is applied whole or
    /// not at all and the next pull starts where this one ended.
    ///
    /// * Forms: every version is stored; the server's source wins over a local copy of the same version.
    /// * Campaigns: inserted or updated, their walk lists replaced by the server's.
    /// * Visits: added unless already there (this laptop's own come back too).
    /// * Responses: a new one is stored whole. For one already here, a field takes the server's
    ///   value where the server's stamp is higher than the local one; where the response has no
    ///   operation waiting to be pushed, the server's merged state is taken as it is (so a value
    ///   the server re-stamped or refused is corrected).
    /// * Erasures: fields the server no longer holds are removed, here and from the stored
    ///   operations about the response, so personal data leaves this laptop.
    /// * The clock moves past the server's time.
    ///
    /// - Throws: ``ClientStoreError/epochMismatch(stored:received:)`` when the page comes from
    ///   another epoch than the stored cursor; call ``resendAllForNewEpoch(_:)`` first.
    public func applyPulledPage(_ page: PullResponse) throws {
        try pool.write { db in
            if let stored = try String.fetchOne(db, sql: "SELECT epoch FROM device WHERE id = 1"), stored != page.epoch {
                throw ClientStoreError.epochMismatch(stored: stored, received: page.epoch)
            }
            for form in page.forms {
                let title = (try? FormDefinition.parse(yaml: form.source))?.title ?? form.id
                try db.execute(
                    sql: """
                        INSERT INTO forms (id, version, title, source, added_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (id, version) DO UPDATE SET title = excluded.title, source = excluded.source
                            WHERE source != excluded.source
                        """,
                    arguments: [form.id, form.version, title, form.source, Self.timestamp(now())]
                )
            }
            for campaign in page.campaigns { try saveCampaign(campaign, db) }
            var latest = page.serverTime
            for event in page.visits {
                try insertVisit(event, db)
                latest = max(latest, event.stamp)
            }
            for state in page.responses {
                try merge(state, db)
                if let stamp = state.fields.values.map(\.stamp).max() { latest = max(latest, stamp) }
            }
            try observe(latest, db)
            try db.execute(
                sql: "UPDATE device SET cursor = ?, epoch = ? WHERE id = 1", arguments: [page.cursor, page.epoch]
            )
        }
    }

    /// Merges the server's state of one response into the local one.
    private func merge(_ state: ResponseState, _ db: Database) throws {
        let id = state.id.uuidString
        let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM responses WHERE id = ?", arguments: [id]) ?? false
        if !exists {
            try db.execute(
                sql: """
                    INSERT INTO responses (id, campaign, address, form, form_version, device, recorded_at, erased)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, state.campaign, state.address, state.form, state.formVersion, state.device,
                    state.recordedAt, state.erased?.rawValue,
                ]
            )
            for (name, field) in state.fields {
                try writeField(response: state.id, name: name, value: field.value, stamp: field.stamp, db)
            }
            return
        }
        let pending = try Bool.fetchOne(db, sql: """
            SELECT 1 FROM outbox WHERE response = ? AND state = 'pending' LIMIT 1
            """, arguments: [id]) ?? false
        var local: [String: HLCTimestamp] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, stamp FROM response_fields WHERE response = ?", arguments: [id]) {
            local[row["name"]] = HLCTimestamp(row["stamp"] as String)
        }
        for (name, field) in state.fields {
            let mine = local[name]
            let take = mine.map { pending ? field.stamp > $0 : field.stamp != $0 } ?? true
            if take { try writeField(response: state.id, name: name, value: field.value, stamp: field.stamp, db) }
        }
        guard let scope = state.erased else { return }
        let kept = Set(state.fields.keys)
        try removeErasedData(response: state.id, scope: scope, erasing: { !kept.contains($0) }, db)
    }
}
