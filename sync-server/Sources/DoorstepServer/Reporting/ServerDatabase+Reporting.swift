public import DoorstepCore
import DoorstepWire
import Foundation

extension ServerDatabase {
    /// A campaign's figures, nothing suppressed, from its running tallies and its visits.
    ///
    /// Reads the `tallies` rows of the campaign (a few per question and street, however many
    /// responses there are), the visits grouped by address, and the walk list, in one read
    /// transaction, so the figures are consistent with each other.
    /// - Parameter campaign: The campaign's id.
    /// - Returns: The figures; viewers see a published snapshot of them instead (``publishSnapshot(campaign:by:)``).
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign, or a database error.
    public func aggregates(campaign: String) async throws -> CampaignAggregates {
        try await store.read { db in try aggregates(campaign: campaign, db) }
    }

    /// The live figures of `campaign`, read in the caller's transaction.
    func aggregates(campaign: String, _ db: any SQLSession) throws -> CampaignAggregates {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM campaigns WHERE id = ?", arguments: [campaign]) else {
            throw APIError.notFound("There is no campaign \(campaign).")
        }
        let info = try Self.campaign(row, db)
        let threshold: Int = row["suppression_threshold"]
        let forms = try formVersions(id: info.form, db)

        var tallies: [TallyKey: Int] = [:]
        // Every dimension but free text, which sorts last: one range of the primary key.
        let tallyRows = try SQLRow.fetchCursor(db, sql: """
            SELECT dimension, question, bucket, count FROM tallies WHERE campaign = ? AND dimension < ?
            """, arguments: [campaign, TallyKey.textDimension])
        while let tally = try tallyRows.next() {
            tallies[TallyKey(dimension: tally[0], question: tally[1], bucket: tally[2])] = tally[3]
        }
        // Of free text, only what the figures name: each question's answers in all, and the texts
        // at least `threshold` residents gave (a range of the partial index on counts), however
        // many different texts residents typed.
        // (The dimension is written into the SQL so that SQLite may use the partial index.)
        let text = TallyKey.textDimension
        for question in Set(forms.flatMap { $0.countedTextQuestions.map(\.name) }) {
            let rows = try SQLRow.fetchCursor(db, sql: """
                SELECT bucket, count FROM tallies WHERE campaign = ? AND dimension = '\(text)' AND question = ? AND count >= ?
                UNION ALL
                SELECT bucket, count FROM tallies WHERE campaign = ? AND dimension = '\(text)' AND question = ? AND bucket = ?
                """, arguments: [campaign, question, max(threshold, 1), campaign, question, Tally.textAnsweredBucket])
            while let row = try rows.next() {
                tallies[TallyKey(dimension: text, question: question, bucket: row[0])] = row[1]
            }
        }

        // The latest knock's outcome per door (stamps sort as text in clock order).
        var doors: [VisitFunnel.Door] = []
        let doorRows = try SQLRow.fetchCursor(db, sql: """
            SELECT address, \(db.dialect.latest("outcome", byMaximum: "stamp")), COUNT(*),
                   SUM(CASE WHEN outcome = 'surveyed' THEN 1 ELSE 0 END)
            FROM visits WHERE campaign = ? GROUP BY address
            """, arguments: [campaign])
        while let door = try doorRows.next() {
            guard let outcome = VisitOutcome(rawValue: door[1]) else { continue }
            doors.append(VisitFunnel.Door(address: door[0], latest: outcome, everSurveyed: (door[4] as Int) > 0, knocks: door[3]))
        }

        var figures = CampaignAggregates.compute(
            campaign: info.id, name: info.name, date: info.date, forms: forms, tallies: tallies,
            funnels: VisitFunnel.compute(addresses: info.addresses, doors: doors),
            streetAreas: CampaignAggregates.streetAreas(of: info.addresses), threshold: threshold
        )
        figures.work = try Self.work(campaign: campaign, db)
        figures.map = CampaignMap.compute(addresses: info.addresses, doors: doors)
        figures.followUpCompletion = try Self.followUpCompletion(campaign: campaign, forms: forms, tallies: tallies, db)
        return figures
    }

    /// Knocks and surveys per token (by name) and knocks per hour of the server's day.
    static func work(campaign: String, _ db: any SQLSession) throws -> WorkSummary {
        let officers = try SQLRow.fetchAll(db, sql: """
            SELECT COALESCE(MAX(t.name), MAX(v.device)) AS name, COUNT(*) AS knocks,
                   SUM(CASE WHEN v.outcome = 'surveyed' THEN 1 ELSE 0 END) AS surveyed
            FROM visits v LEFT JOIN tokens t ON t.id = v.token_id
            WHERE v.campaign = ? GROUP BY v.token_id ORDER BY knocks DESC, name
            """, arguments: [campaign]).map {
            WorkSummary.Officer(name: $0["name"], knocks: $0["knocks"], surveyed: $0["surveyed"])
        }
        // Knock times are UTC as devices wrote them; an hour is counted in the server's time zone.
        let zone = TimeZone.current
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let utcHour = DateFormatter()
        utcHour.locale = Locale(identifier: "en_US_POSIX")
        utcHour.timeZone = TimeZone(identifier: "UTC")
        utcHour.dateFormat = "yyyy-MM-dd'T'HH"
        var byHour: [Int: Int] = [:]
        for row in try SQLRow.fetchAll(db, sql: """
            SELECT substr(at, 1, 13), COUNT(*) FROM visits WHERE campaign = ? GROUP BY 1
            """, arguments: [campaign]) {
            guard let date = utcHour.date(from: row[0]) else { continue }
            byHour[calendar.component(.hour, from: date), default: 0] += row[1]
        }
        let hours = byHour.keys.sorted().map { WorkSummary.Hour(hour: String(format: "%02d:00", $0), knocks: byHour[$0] ?? 0) }
        return WorkSummary(officers: officers, hours: hours, timeZone: zone.identifier)
    }

    /// Every published version of form `id`, oldest first.
    /// The versions of `campaign`'s form, oldest first.
    ///
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign.
    func formVersions(campaign: String) async throws -> [FormDefinition] {
        try await store.read { db in
            guard let form = try String.fetchOne(db, sql: "SELECT form FROM campaigns WHERE id = ?", arguments: [campaign]) else {
                throw APIError.notFound("There is no campaign \(campaign).")
            }
            return try formVersions(id: form, db)
        }
    }

    func formVersions(id: String, _ db: any SQLSession) throws -> [FormDefinition] {
        let versions = try String.fetchAll(
            db, sql: "SELECT version FROM forms WHERE id = ? ORDER BY published_seq", arguments: [id]
        )
        return try versions.compactMap { try forms.definition(id: id, version: $0, db) }
    }

    /// What a raw export needs before its first row: the form versions and how many rows follow.
    struct ExportPlan: Sendable {
        var export: ResponseExport
        var responses: Int
    }

    /// Plans the raw export of `campaign` and writes it to the audit log, in one transaction, so
    /// no export leaves without its audit entry.
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign, or a database error.
    func planExport(campaign: String, format: String, by identity: Identity) async throws -> ExportPlan {
        try await store.write { db in
            guard let form = try String.fetchOne(db, sql: "SELECT form FROM campaigns WHERE id = ?", arguments: [campaign]) else {
                throw APIError.notFound("There is no campaign \(campaign).")
            }
            let count = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM responses WHERE campaign = ? AND erased IS DISTINCT FROM 'all'", arguments: [campaign]
            ) ?? 0
            try Self.audit(
                db, identity: identity, action: "export", campaign: campaign,
                detail: "Raw responses as \(format.uppercased()): \(count) response\(count == 1 ? "" : "s")."
            )
            return ExportPlan(export: ResponseExport(forms: try formVersions(id: form, db)), responses: count)
        }
    }

    /// Up to `limit` responses of `campaign` after row `after`, in storage order; wholly erased ones
    /// are left out. Pass the last row number back to read the next page.
    func exportPage(campaign: String, after: Int64, limit: Int) async throws -> [(row: Int64, response: ExportedResponse)] {
        try await store.read { db in
            let rows = try SQLRow.fetchAll(db, sql: """
                SELECT number AS row_number, id, address, form, form_version, recorded_at, device, answers_json
                FROM responses
                WHERE campaign = ? AND number > ? AND erased IS DISTINCT FROM 'all'
                ORDER BY number LIMIT ?
                """, arguments: [campaign, after, limit])
            let decoder = JSONDecoder()
            return rows.map { row in
                let json: String = row["answers_json"]
                let answers = (try? decoder.decode(Answers.self, from: Data(json.utf8))) ?? [:]
                let id: String = row["id"]
                return (row["row_number"], ExportedResponse(
                    id: UUID(uuidString: id) ?? UUID(), campaign: campaign, address: row["address"], form: row["form"],
                    formVersion: row["form_version"], recordedAt: row["recorded_at"], device: row["device"], answers: answers
                ))
            }
        }
    }

    /// Adds one entry to the audit log.
    static func audit(_ db: any SQLSession, identity: Identity, action: String, campaign: String?, detail: String) throws {
        try db.execute(
            sql: "INSERT INTO audit_log(at, token_name, role, action, campaign, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [Date().formatted(.iso8601), identity.name, identity.role.rawValue, action, campaign, detail]
        )
    }

    /// The audit log, newest first: up to `limit` entries older than entry `before` (all when `nil`).
    public func auditLog(limit: Int, before: Int64?) async throws -> [AuditEntry] {
        try await store.read { db in
            try SQLRow.fetchAll(db, sql: """
                SELECT id, at, token_name, role, action, campaign, detail FROM audit_log
                WHERE id < ? ORDER BY id DESC LIMIT ?
                """, arguments: [before ?? Int64.max, limit]
            ).map { row in
                AuditEntry(
                    id: row["id"], at: row["at"], tokenName: row["token_name"], role: row["role"], action: row["action"],
                    campaign: row["campaign"], detail: row["detail"]
                )
            }
        }
    }

    /// Whether the token with this id exists and is not revoked.
    func isLiveToken(id: String) async throws -> Bool {
        try await store.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT revoked_at IS NULL FROM tokens WHERE id = ?", arguments: [id]
            ) ?? false
        }
    }
}

/// One entry of the audit log: who did what, when, to which campaign.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var id: Int64
    /// When, ISO 8601.
    public var at: String
    /// The name of the token used.
    public var tokenName: String
    /// The token's role.
    public var role: String
    /// What was done, such as `export`.
    public var action: String
    public var campaign: String?
    /// One sentence saying what was taken.
    public var detail: String?

    /// Creates an entry.
    public init(
        id: Int64, at: String, tokenName: String, role: String, action: String, campaign: String?, detail: String?
    ) {
        self.id = id
        self.at = at
        self.tokenName = tokenName
        self.role = role
        self.action = action
        self.campaign = campaign
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey {
        case id, at, role, action, campaign, detail
        case tokenName = "token_name"
    }
}
