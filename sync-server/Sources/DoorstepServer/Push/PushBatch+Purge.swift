import DoorstepCore
import DoorstepWire
import Foundation

/// Decides which answers of stored responses have outlived their retention period, reading each
/// campaign's cap once.
struct RetentionLookup {
    /// Each campaign's cap on retention periods, by id.
    private var caps: [String: RetentionPeriod?] = [:]
    /// The rule of each campaign and form version met, by campaign, form id and version.
    private var rules: [[String]: RetentionRule] = [:]

    /// The cap campaign `id` sets on every answer's retention period; `nil` when it sets none.
    mutating func cap(_ id: String, _ db: any SQLSession) throws -> RetentionPeriod? {
        if let cached = caps[id] { return cached }
        let text = try String.fetchOne(db, sql: "SELECT retention FROM campaigns WHERE id = ?", arguments: [id])
        let cap = text.flatMap(RetentionPeriod.init)
        caps[id] = cap
        return cap
    }

    /// The questions of `row` whose answers have outlived their period at `now` (see
    /// ``RetentionRule``): purged, or about to be, so no write may set them again.
    mutating func expiredQuestions(
        of row: ResponseRow, form: FormDefinition, now: Date = Date(), _ db: any SQLSession
    ) throws -> Set<String> {
        let rule = try rule(campaign: row.campaign, form: form, db)
        guard rule.expiresAnything, let seconds = RecordedAtRule.seconds(row.recordedAt) else { return [] }
        return rule.expiredQuestions(recordedAt: Date(timeIntervalSince1970: seconds), now: now)
    }

    /// The rule for responses of `campaign` to `form`, made once.
    mutating func rule(campaign: String, form: FormDefinition, _ db: any SQLSession) throws -> RetentionRule {
        let key = [campaign, form.id, form.version]
        if let known = rules[key] { return known }
        let rule = RetentionRule(form: form, cap: try cap(campaign, db))
        rules[key] = rule
        return rule
    }

    /// What purging `row` at `now` would do: the scope it ends with, the expired questions and
    /// the answers it removes; `nil` when nothing of it has expired or its purge is done.
    ///
    /// A response keeps a stronger erasure: one erased whole stays so, and one whose personal
    /// answers were erased stays `sensitive` (the expired answers are removed all the same). It
    /// becomes `all` when every answer it can hold has expired.
    mutating func purgePlan(
        of row: ResponseRow, form: FormDefinition, now: Date, _ db: any SQLSession
    ) throws -> (scope: Erasure.Scope, expired: Set<String>, removed: [String])? {
        guard row.erased != .all else { return nil }
        let expired = try expiredQuestions(of: row, form: form, now: now, db)
        guard !expired.isEmpty else { return nil }
        let rule = try rule(campaign: row.campaign, form: form, db)
        let scope: Erasure.Scope = rule.expiresEverything(expired) ? .all : row.erased ?? .expired
        let removed = row.fields.filter { expired.contains($0.key) && $0.value.value != nil }.keys.sorted()
        guard !removed.isEmpty || scope != row.erased else { return nil }
        return (scope, expired, removed)
    }
}

extension PushBatch {
    // MARK: Retention

    /// The questions of `row` whose answers have expired now (``RetentionLookup``).
    mutating func expiredQuestions(of row: ResponseRow, form: FormDefinition) throws -> Set<String> {
        try retention.expiredQuestions(of: row, form: form, db)
    }

    /// Purges the expired answers of `row` through the erasure path: scrubbed from its field
    /// history, conflicts and the log, the response marked with `scope`, its tallies moved and
    /// its change sequence bumped so every device pulls the new state.
    mutating func purge(_ row: ResponseRow, form: FormDefinition, scope: Erasure.Scope, expired: Set<String>) throws {
        var row = row
        let before = row
        try Erasing.scrub(db, response: row.id, number: row.number, fields: scope == .all ? nil : expired)
        database.noteErasure()
        if scope == .all {
            row.fields = [:]
        } else {
            for name in expired { row.fields[name] = nil }
        }
        row.erased = scope
        let counted: Answers
        switch validity(of: row, written: [], form: form, expired: expired) {
        case .success(let valid): counted = valid
        case .failure: counted = before.counted.filter { row.fields[$0.key] != nil }
        }
        try save(row, before: before, form: form, counting: counted)
        keepPendingTallies()
    }
}
