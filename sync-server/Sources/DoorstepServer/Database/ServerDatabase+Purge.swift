public import DoorstepCore
public import DoorstepWire
public import Foundation
import Logging

/// What one run of the purge did, or (a dry run) would do.
public struct PurgeReport: Sendable, Hashable, Codable {
    /// One response purged.
    public struct Response: Sendable, Hashable, Codable {
        /// The response's id, in lower case.
        public var id: String
        /// Its campaign.
        public var campaign: String
        /// The questions whose answers were removed, by name.
        public var answers: [String]
        /// The erasure scope it ends with: `expired`, `all`, or a `sensitive` it kept.
        public var erased: Erasure.Scope
    }

    /// Whether nothing was changed.
    public var dryRun: Bool
    /// When the run started (ISO 8601, UTC).
    public var at: String
    /// Who ran it: `purge` (the command) or `serve`.
    public var by: String
    /// The responses purged, in the order they were.
    public var responses: [Response]

    /// How many answers were removed in all.
    public var answers: Int { responses.reduce(0) { $0 + $1.answers.count } }

    private enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run", at, by, responses
    }
}

extension ServerDatabase {
    /// How many responses one purge transaction takes: a kill leaves each batch purged whole or not at all.
    static let purgeBatch = 100

    /// Removes every answer whose retention period has ended (``RetentionRule``: the form's
    /// periods, capped by the campaign's `retention`), through the erasure path: the values are
    /// scrubbed from field histories, conflicts and the log, the response is marked `expired`
    /// (`all` when every answer expired; a stronger erasure stays), its tallies move as for an
    /// erasure, and its change sequence is bumped so every device drops the answers at its next pull.
    ///
    /// Responses are purged in transactions of ``purgeBatch``, each taking the store's write lock
    /// (the one pushes take, on PostgreSQL shared by every instance) and deciding again under it,
    /// so a kill leaves no response half purged and instances purging together purge once. Every
    /// run but a dry one writes one audit entry (action `purge`, by `actor`), even when nothing
    /// expired, and counts itself in `meta` (`purge_runs`, `purged_answers`) for the metrics; both
    /// are written with the first batch and brought up to date in each batch's transaction, so a
    /// run killed half way is audited for what it did.
    ///
    /// - Parameters:
    ///   - dryRun: Say what would go and change nothing (no audit entry either).
    ///   - actor: Who runs it, for the audit entry: `purge` or `serve`.
    ///   - now: The time periods are measured to.
    /// - Returns: What was purged.
    public func purge(dryRun: Bool = false, by actor: String, now: Date = Date()) async throws -> PurgeReport {
        let at = now.formatted(.iso8601)
        let candidates = try await purgeCandidates(now: now)
        var report = PurgeReport(dryRun: dryRun, at: at, by: actor, responses: [])
        // A run that purges nothing still writes its audit entry: one (empty) batch at least.
        var batches = stride(from: 0, to: candidates.count, by: Self.purgeBatch).map {
            Array(candidates[$0..<min($0 + Self.purgeBatch, candidates.count)])
        }
        if batches.isEmpty && !dryRun { batches = [[]] }
        var auditEntry: Int64?
        for ids in batches {
            if dryRun {
                report.responses += try await store.read { db in
                    var retention = RetentionLookup()
                    return try ids.compactMap { id in
                        guard let row = try ResponseRow.fetch(db, id: id),
                              let form = try forms.definition(id: row.form, version: row.formVersion, db),
                              let plan = try retention.purgePlan(of: row, form: form, now: now, db)
                        else { return nil }
                        return PurgeReport.Response(id: id.lowercased(), campaign: row.campaign, answers: plan.removed, erased: plan.scope)
                    }
                }
                continue
            }
            let (entry, sofar) = (auditEntry, report.responses)
            let (purged, written) = try await store.write { db in
                var batch = try PushBatch(db: db, database: self, identity: Self.purgeIdentity(actor), maxDriftMilliseconds: 0)
                var purged: [PurgeReport.Response] = []
                for id in ids {
                    guard let row = try ResponseRow.fetch(db, id: id),
                          let form = try forms.definition(id: row.form, version: row.formVersion, db),
                          let plan = try batch.retention.purgePlan(of: row, form: form, now: now, db)
                    else { continue }
                    // The agencies whose sealed answers go: their follow-ups say `purged`.
                    var agencies: [String] = []
                    for name in plan.removed {
                        guard case .text(let text)? = row.fields[name]?.value, let sealed = SealedAnswer(text: text) else { continue }
                        for agency in sealed.agencies where !agencies.contains(agency) { agencies.append(agency) }
                    }
                    try batch.purge(row, form: form, scope: plan.scope, expired: plan.expired)
                    try Self.recordPurgedOutcome(response: row.number, agencies: agencies, stamp: clock.tick(), db)
                    purged.append(PurgeReport.Response(id: id.lowercased(), campaign: row.campaign, answers: plan.removed, erased: plan.scope))
                }
                try batch.finish()
                let written = try Self.auditPurge(
                    db, entry: entry, at: at, actor: actor, so: sofar + purged, adding: purged.reduce(0) { $0 + $1.answers.count }
                )
                return (purged, written)
            }
            auditEntry = written
            report.responses += purged
        }
        if !dryRun { await scrubAfterErasure() }
        return report
    }

    /// Writes the run's audit entry with what it purged so far, in the transaction of the batch
    /// just purged, so that a run killed half way is audited for what it did: the first batch
    /// inserts the entry and counts the run in `meta`, the next ones rewrite its detail. Each
    /// batch adds its answers to `meta`.
    ///
    /// - Returns: The entry's id.
    private static func auditPurge(
        _ db: any SQLSession, entry: Int64?, at: String, actor: String, so far: [PurgeReport.Response], adding answers: Int
    ) throws -> Int64? {
        let total = far.reduce(0) { $0 + $1.answers.count }
        let detail = "Purged \(total) answer\(total == 1 ? "" : "s") of \(far.count) response\(far.count == 1 ? "" : "s") "
            + "whose retention period ended."
        try db.execute(sql: """
            INSERT INTO meta(key, value) VALUES ('purged_answers', ?)
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT)
            """, arguments: [String(answers)])
        if let entry {
            try db.execute(sql: "UPDATE audit_log SET detail = ? WHERE id = ?", arguments: [detail, entry])
            return entry
        }
        try db.execute(sql: """
            INSERT INTO meta(key, value) VALUES ('purge_runs', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)
            """)
        let insert = try BindingStatement(db, sql: """
            INSERT INTO audit_log(at, token_name, role, action, campaign, detail) VALUES (?, ?, ?, ?, NULL, ?)\(db.dialect.returning("id"))
            """)
        return try insert.execute(at, actor, Role.admin.rawValue, "purge", detail)
    }

    /// The responses that may have answers to purge at `now`, read without the write lock (each
    /// is decided again under it). Only campaigns and form versions with a period somewhere (a
    /// cap, the form's `retention` or a question's) are read.
    private func purgeCandidates(now: Date) async throws -> [String] {
        try await store.read { db in
            var retention = RetentionLookup()
            var ids: [String] = []
            let groups = try SQLRow.fetchAll(db, sql: """
                SELECT DISTINCT campaign, form, form_version FROM responses WHERE erased IS DISTINCT FROM 'all'
                """)
            for group in groups {
                let (campaign, form, version): (String, String, String) = (group["campaign"], group["form"], group["form_version"])
                guard let definition = try forms.definition(id: form, version: version, db) else { continue }
                guard try retention.rule(campaign: campaign, form: definition, db).expiresAnything else { continue }
                let rows = try SQLRow.fetchAll(db, sql: """
                    SELECT number, id, campaign, address, form, form_version, recorded_at, device, token_id,
                           erased, answers_json, stamp, fields_json
                    FROM responses
                    WHERE campaign = ? AND form = ? AND form_version = ? AND erased IS DISTINCT FROM 'all'
                    ORDER BY number
                    """, arguments: [campaign, form, version])
                for row in rows {
                    let response = try ResponseRow(row: row, id: row["id"])
                    if try retention.purgePlan(of: response, form: definition, now: now, db) != nil { ids.append(response.id) }
                }
            }
            return ids
        }
    }

    /// The purge's runs and the answers it removed, as counted in `meta`.
    func purgeRuns() async throws -> (runs: Int, answers: Int) {
        try await store.read { db in
            let runs = try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'purge_runs'") ?? 0
            let answers = try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'purged_answers'") ?? 0
            return (runs, answers)
        }
    }

    /// The identity the purge acts as: the server itself, named after how it was run.
    private static func purgeIdentity(_ actor: String) -> Identity {
        Identity(name: actor, tokenID: actor, role: .admin)
    }

    /// Each campaign's retention, by id: its cap on every answer's period (`nil`: the form's
    /// periods), and how long laptops keep a synced response's answers.
    public func campaignRetentions() async throws -> [String: (retention: String?, device: String)] {
        try await store.read { db in
            var retentions: [String: (retention: String?, device: String)] = [:]
            for row in try SQLRow.fetchAll(db, sql: "SELECT id, retention, device_retention FROM campaigns") {
                retentions[row["id"]] = (row["retention"], row["device_retention"])
            }
            return retentions
        }
    }

    /// Changes a campaign's retention: the cap on every answer's period (``RetentionRule``), and
    /// how long laptops keep synced answers, which goes out at the next pull.
    ///
    /// - Parameters:
    ///   - retention: The new cap; `nil` leaves it as it is.
    ///   - removeRetention: Takes the cap away (the form's periods hold again).
    ///   - deviceRetention: The new period on laptops; `nil` leaves it as it is.
    /// - Throws: ``AdminError`` when the campaign does not exist.
    public func updateCampaign(
        id: String, retention: RetentionPeriod? = nil, removeRetention: Bool = false, deviceRetention: RetentionPeriod? = nil
    ) throws {
        try store.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM campaigns WHERE id = ?", arguments: [id]) != nil else {
                throw AdminError("Campaign \(id) does not exist.")
            }
            let sequence = try Self.sequence(db) + 1
            if let retention {
                try db.execute(sql: "UPDATE campaigns SET retention = ? WHERE id = ?", arguments: [retention.description, id])
            } else if removeRetention {
                try db.execute(sql: "UPDATE campaigns SET retention = NULL WHERE id = ?", arguments: [id])
            }
            if let deviceRetention {
                try db.execute(
                    sql: "UPDATE campaigns SET device_retention = ? WHERE id = ?", arguments: [deviceRetention.description, id]
                )
            }
            try db.execute(sql: "UPDATE campaigns SET changed_seq = ? WHERE id = ?", arguments: [sequence, id])
            try Self.setSequence(db, sequence)
        }
    }
}

extension ServerDatabase {
    /// Runs ``purge(dryRun:by:now:)`` as `serve` now and then every `interval` until the task
    /// is cancelled, logging what each run purged; a run that fails is logged and tried again at
    /// the next interval.
    public func purgePeriodically(every interval: Duration) async {
        let logger = Logger(label: "doorstep-server")
        while !Task.isCancelled {
            do {
                let report = try await purge(by: "serve")
                logger.info("Purged \(report.answers) answers of \(report.responses.count) responses whose retention period ended.")
            } catch {
                logger.error("The purge failed; it runs again in \(interval): \(error)")
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
