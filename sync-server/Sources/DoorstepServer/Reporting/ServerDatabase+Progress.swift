public import DoorstepCore
import Foundation

extension ServerDatabase {
    /// How `campaign` stands now, for the organiser's live view (``CampaignProgress``): read in one
    /// transaction from the walk list, the knocks, the responses and the operation log.
    ///
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign.
    public func progress(campaign: String) async throws -> CampaignProgress {
        try await store.read { db in
            let figures = try aggregates(campaign: campaign, db)
            let laptops = try SQLRow.fetchAll(db, sql: """
                WITH devices AS (
                    SELECT device, COUNT(*) AS knocks, 0 AS responses FROM visits WHERE campaign = ?1 GROUP BY device
                    UNION ALL
                    SELECT device, 0, COUNT(*) FROM responses WHERE campaign = ?1 GROUP BY device
                ), work AS (
                    SELECT device, SUM(knocks) AS knocks, SUM(responses) AS responses FROM devices GROUP BY device
                )
                SELECT w.device, w.knocks, w.responses, MAX(o.received_at) AS last,
                    (SELECT t.name FROM operations l JOIN tokens t ON t.id = l.token_id
                     WHERE l.device = w.device ORDER BY l.seq DESC LIMIT 1) AS officer
                FROM work w LEFT JOIN operations o ON o.device = w.device
                GROUP BY w.device, w.knocks, w.responses ORDER BY last DESC, w.device
                """, arguments: [campaign]).map { row in
                CampaignProgress.Laptop(
                    device: row["device"], officer: row["officer"] ?? row["device"], lastContact: row["last"] ?? "",
                    knocks: row["knocks"], responses: row["responses"]
                )
            }

            func street(_ name: String, _ funnel: VisitFunnel) -> CampaignProgress.Street {
                CampaignProgress.Street(
                    street: name, doors: funnel.addresses ?? 0, knocked: funnel.knocked ?? 0, surveyed: funnel.surveyed ?? 0
                )
            }

            // Safeguarding concerns: responses whose safeguarding answer flags one, as the tallies count them.
            let questions = figures.headline.safeguardingQuestions
            var concerns: [CampaignProgress.Concern] = []
            if !questions.isEmpty {
                let any = questions.map { _ in "\(db.dialect.jsonText(of: "r.answers_json", key: "?")) IS NOT NULL" }
                    .joined(separator: " OR ")
                let rows = try SQLRow.fetchAll(db, sql: """
                    SELECT r.id, r.address, r.recorded_at, COALESCE(t.name, r.device) AS officer, r.answers_json
                    FROM responses r LEFT JOIN tokens t ON t.id = r.token_id
                    WHERE r.campaign = ? AND r.erased IS DISTINCT FROM 'all' AND (\(any))
                    ORDER BY r.recorded_at DESC
                    """, arguments: [campaign] + questions)
                for row in rows {
                    let answers = (try? JSONDecoder().decode(Answers.self, from: Data((row["answers_json"] as String).utf8))) ?? [:]
                    guard questions.contains(where: { answers[$0]?.isTruthy == true }) else { continue }
                    concerns.append(CampaignProgress.Concern(
                        response: (row["id"] as String).lowercased(), address: row["address"], officer: row["officer"],
                        recordedAt: row["recorded_at"]
                    ))
                }
            }

            let doNotContact = try String.fetchAll(db, sql: """
                SELECT a.id FROM addresses a
                WHERE a.campaign = ?1 AND EXISTS (
                    SELECT 1 FROM visits v WHERE v.campaign = ?1 AND v.address = a.id AND v.outcome = 'do-not-contact')
                ORDER BY a.position
                """, arguments: [campaign])

            return CampaignProgress(
                campaign: figures.campaign, name: figures.name, generatedAt: Timestamps.now(), laptops: laptops,
                streets: figures.streets.map { street($0.name, $0.funnel) },
                total: street("", figures.funnel), hours: figures.work?.hours ?? [],
                concerns: concerns, doNotContact: doNotContact, followUps: figures.followUpCompletion ?? []
            )
        }
    }
}
