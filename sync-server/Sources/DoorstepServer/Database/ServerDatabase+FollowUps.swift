import DoorstepCore
public import DoorstepWire
import Foundation

extension ServerDatabase {
    /// `GET /v1/followups`: every response whose merged answers ask `identity`'s agency for a
    /// follow-up, with only what its routes send (`sealed` and `with` answers), the door, and
    /// the latest outcome; and, as `purged` with nothing else, one whose every answer the purge
    /// removed. The read is audited per campaign, as other reads of personal data.
    ///
    /// - Parameters:
    ///   - identity: An agency token's identity.
    ///   - campaign: Only this campaign's follow-ups, when given.
    public func followUps(for identity: Identity, campaign: String?) async throws -> FollowUpList {
        guard identity.role == .agency, let agency = identity.agency else {
            throw APIError.forbidden("Follow-ups are listed for an agency's token only.")
        }
        let list = try await store.read { db in
            var list: [FollowUp] = []
            var forms: [FormVersionKey: FormDefinition?] = [:]
            let rows = try SQLRow.fetchAll(
                db,
                sql: """
                    SELECT r.number, r.id, r.campaign, r.address, r.form, r.form_version, r.recorded_at, r.device,
                           r.token_id, r.erased, r.answers_json, r.stamp, r.fields_json,
                           a.address AS door, a.postcode, a.street, a.area, a.uprn,
                           o.outcome, o.note, o.stamp AS outcome_stamp
                    FROM responses r
                    JOIN addresses a ON a.campaign = r.campaign AND a.id = r.address
                    LEFT JOIN followup_outcomes o ON o.response = r.number AND o.agency = ?
                    WHERE (r.erased IS DISTINCT FROM 'all' OR o.outcome = 'purged')\(campaign == nil ? "" : " AND r.campaign = ?")
                    ORDER BY r.recorded_at, r.id
                    """,
                arguments: campaign.map { [agency, $0] } ?? [agency]
            )
            for row in rows {
                let key = FormVersionKey(id: row["form"], version: row["form_version"])
                if forms[key] == nil { forms[key] = .some(try self.forms.definition(id: key.id, version: key.version, db)) }
                guard let form = forms[key] ?? nil, form.routedAgencies.contains(agency) else { continue }
                let response = try ResponseRow(row: row, id: row["id"])
                let answers = response.answers
                let routes = form.routes(to: agency, given: answers)
                // A follow-up whose every answer was purged stays listed, as purged, with nothing else.
                let purgedWhole = response.erased == .all && (row["outcome"] as String?) == FollowUpOutcome.Outcome.purged.rawValue
                guard !routes.isEmpty || purgedWhole else { continue }
                var asked: [String] = []
                var sent: Answers = [:]
                for route in routes {
                    if let question = form.question(named: route.question), let value = answers[route.question] {
                        for choice in Tally.buckets(of: value, for: question)
                        where route.agency(for: choice) == agency && !asked.contains(choice) {
                            asked.append(choice)
                        }
                    }
                    for name in route.sealed + route.with { sent[name] = answers[name] }
                }
                var outcome: RecordedOutcome?
                if let recorded = (row["outcome"] as String?).flatMap(FollowUpOutcome.Outcome.init(rawValue:)),
                   let stamp = (row["outcome_stamp"] as String?).flatMap(HLCTimestamp.init) {
                    outcome = RecordedOutcome(outcome: recorded, note: row["note"], stamp: stamp)
                }
                list.append(
                    FollowUp(
                        response: UUID(uuidString: response.id) ?? UUID(), campaign: response.campaign, form: response.form,
                        formVersion: response.formVersion, recordedAt: response.recordedAt,
                        address: WalkListAddress(
                            id: response.address, address: row["door"], postcode: row["postcode"], street: row["street"],
                            area: row["area"], uprn: row["uprn"]
                        ),
                        asked: asked, answers: sent, outcome: outcome
                    )
                )
            }
            return list
        }
        var byCampaign: [String: Int] = [:]
        for followUp in list { byCampaign[followUp.campaign, default: 0] += 1 }
        try await auditRead("followups", responses: byCampaign, by: identity) { count in
            "Follow-ups of agency \(agency): \(count) response\(count == 1 ? "" : "s")."
        }
        return FollowUpList(agency: agency, followUps: list)
    }

    /// Stores `outcome` for response `number` unless a later one (by stamp) is stored already.
    static func storeOutcome(
        response number: Int64, agency: String, outcome: FollowUpOutcome.Outcome, note: String?, stamp: HLCTimestamp,
        _ db: any SQLSession
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO followup_outcomes(response, agency, outcome, note, stamp) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (response, agency) DO UPDATE SET outcome = excluded.outcome, note = excluded.note,
                    stamp = excluded.stamp
                WHERE followup_outcomes.stamp < excluded.stamp
                """,
            arguments: [number, agency, outcome.rawValue, note, stamp.description]
        )
    }

    /// Records the outcome `purged` for each agency of `agencies`, when the purge removed the
    /// answers sealed to them: the agency's worklist and the organisers' completion figures then
    /// say why the contact details are gone. Call it in the purge's transaction.
    static func recordPurgedOutcome(response number: Int64, agencies: [String], stamp: HLCTimestamp, _ db: any SQLSession) throws {
        for agency in agencies {
            try storeOutcome(response: number, agency: agency, outcome: .purged, note: nil, stamp: stamp, db)
        }
    }

    /// Counts follow-ups by agency and latest outcome, for organisers: per agency, the responses
    /// routed to it (from the tallies of the routes' questions, so the count costs nothing however
    /// many responses there are: a resident who picks two choices asking one agency counts twice),
    /// and how many of them have each outcome; the rest have ``FollowUpCompletion/noOutcome``.
    /// Never a note, never an answer. `nil` when the forms route no follow-up.
    static func followUpCompletion(
        campaign: String, forms: [FormDefinition], tallies: [TallyKey: Int], _ db: any SQLSession
    ) throws -> [FollowUpCompletion]? {
        var routed: [String: Int] = [:]
        var order: [String] = []
        var counted: Set<String> = []
        for form in forms.reversed() {
            for route in form.followUps {
                for (choice, agency) in route.agencies where counted.insert(route.question + "\u{0}" + choice).inserted {
                    if !order.contains(agency) { order.append(agency) }
                    let key = TallyKey(dimension: TallyKey.allDimension, question: route.question, bucket: choice)
                    routed[agency, default: 0] += tallies[key] ?? 0
                }
            }
        }
        guard !order.isEmpty else { return nil }
        var outcomes: [String: [String: Int]] = [:]
        for row in try SQLRow.fetchAll(db, sql: """
            SELECT o.agency, o.outcome, COUNT(*) AS n FROM followup_outcomes o
            JOIN responses r ON r.number = o.response
            WHERE r.campaign = ? AND r.erased IS DISTINCT FROM 'all'
            GROUP BY o.agency, o.outcome
            """, arguments: [campaign]) {
            outcomes[row["agency"], default: [:]][row["outcome"]] = Int(row["n"] as Int64)
        }
        return order.map { agency in
            var byOutcome = outcomes[agency] ?? [:]
            let total = max(routed[agency] ?? 0, byOutcome.values.reduce(0, +))
            byOutcome[FollowUpCompletion.noOutcome] = total - byOutcome.values.reduce(0, +)
            return FollowUpCompletion(agency: agency, routed: total, outcomes: byOutcome)
        }
    }
}
