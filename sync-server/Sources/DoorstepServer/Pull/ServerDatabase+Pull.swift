import DoorstepCore
public import DoorstepWire
import Foundation

extension ServerDatabase {
    /// A page of everything `identity` should see after `cursor`, oldest change first.
    ///
    /// Every change (a form published, a campaign created, a visit, a response's merged state
    /// changing) takes the next number of one server-wide sequence; a page holds the first `limit`
    /// visible items after `cursor`, and its cursor is the last one's number, or the newest number of
    /// all when nothing visible is left (so a device skips changes it may not see).
    ///
    /// - Parameters:
    ///   - cursor: The cursor of the previous page; 0 for everything.
    ///   - limit: The most items (forms, campaigns, visits, responses) in the page.
    ///   - identity: Collectors see their own token's responses, organisers and admins every
    ///     response, viewers none.
    ///   - device: The pulling device, if it said: its own knocks, and its own responses that no
    ///     other write touched since it created them (under its own stamp, not re-stamped), are
    ///     left out — it holds them already, and sending 100,000 of them back would double a sync.
    public func pull(after cursor: Int64, limit: Int, for identity: Identity, device: String? = nil) async throws -> PullResponse {
        let json = try await pullPage(after: cursor, limit: limit, for: identity, device: device)
        return try JSONDecoder().decode(PullResponse.self, from: Data(json))
    }

    /// The same page as ``pull(after:limit:for:device:)``, as the JSON body of `GET /v1/pull`.
    ///
    /// The responses are written straight from their rows into the page (see ``PullPage``),
    /// without building a ``ResponseState`` for each. A page that carries responses with sensitive
    /// answers is audited first, one entry per campaign (``auditRead(_:responses:by:detail:)``).
    public func pullPage(after cursor: Int64, limit: Int, for identity: Identity, device: String? = nil) async throws -> [UInt8] {
        let (page, sensitive) = try await store.read { [forms] db in
            var sensitive = SensitiveResponseCount(forms: forms)
            let page = try Self.page(db, after: cursor, limit: limit, identity: identity, device: device, sensitive: &sensitive)
            return (page, sensitive.byCampaign)
        }
        try await auditRead("pull", responses: sensitive, by: identity) { count in
            "Pulled \(count) response\(count == 1 ? "" : "s") with sensitive answers."
        }
        metrics?.pulled(items: page.itemCount)
        return try page.json(serverTime: clock.tick())
    }

    private enum Item {
        case form(PublishedForm)
        case campaign(CampaignInfo)
        case visit(VisitEvent)
    }

    private static func page(
        _ db: any SQLSession, after cursor: Int64, limit: Int, identity: Identity, device: String?, sensitive: inout SensitiveResponseCount
    ) throws -> PullPage {
        // A device's own untouched rows; `?1` is the device id ('' matches nothing).
        let ownVisit = "device = ?1"
        let ownResponse = """
            (device = ?1 AND fields_json IS NULL AND erased IS NULL AND \(db.dialect.suffix(of: "stamp", length: "length(?1) + 1")) = '-' || ?1)
            """
        let me = device ?? ""
        let newest = try sequence(db)
        let fetch = limit + 1
        // Forms, campaigns and knocks are few: read them first, in change order. Responses are
        // many: they are streamed into the page in change order, merged with the others, until
        // the page holds `limit` items.
        var others: [(seq: Int64, item: Item)] = []
        others += try SQLRow.fetchAll(
            db, sql: "SELECT id, version, source, published_seq FROM forms WHERE published_seq > ? ORDER BY published_seq LIMIT ?",
            arguments: [cursor, fetch]
        ).map { ($0["published_seq"], .form(publishedForm($0))) }
        others += try SQLRow.fetchAll(
            db, sql: "SELECT * FROM campaigns WHERE changed_seq > ? ORDER BY changed_seq LIMIT ?", arguments: [cursor, fetch]
        ).map { ($0["changed_seq"], .campaign(try campaign($0, db).visible(to: identity.role))) }
        others += try SQLRow.fetchAll(
            db, sql: "SELECT * FROM visits WHERE changed_seq > ?2 AND NOT \(ownVisit) ORDER BY changed_seq LIMIT ?3",
            arguments: [me, cursor, fetch]
        ).compactMap { row in visitEvent(row).map { (row["changed_seq"], .visit($0)) } }
        others.sort { $0.seq < $1.seq }

        let columns = PullPage.Column.selected
        let responses: (any SQLRowCursor)?
        switch ResponseAuthority(identity: identity).readScope {
        case .none:
            responses = nil
        case .recordedWith(let tokenID):
            responses = try SQLRow.fetchCursor(
                db, sql: """
                    SELECT \(columns) FROM responses WHERE token_id = ?2 AND changed_seq > ?3 AND NOT \(ownResponse)
                    ORDER BY changed_seq LIMIT ?4
                    """,
                arguments: [me, tokenID, cursor, fetch]
            )
        case .all:
            responses = try SQLRow.fetchCursor(
                db, sql: "SELECT \(columns) FROM responses WHERE changed_seq > ?2 AND NOT \(ownResponse) ORDER BY changed_seq LIMIT ?3",
                arguments: [me, cursor, fetch]
            )
        }

        var page = PullPage(cursor: cursor, epoch: try epoch(db))
        page.agencies = try Self.currentAgencyKeys(db)
        var taken = 0
        var last: Int64?
        var next = others.startIndex
        while !page.more, let row = try responses?.next() {
            let seq: Int64 = page.value(.changedSeq, in: row)
            while next < others.endIndex, others[next].seq < seq, taken < limit {
                last = others[next].seq
                next += 1
                taken += 1
            }
            if taken == limit {
                page.more = true
            } else {
                try page.appendResponse(row)
                try sensitive.note(
                    campaign: page.value(.campaign, in: row),
                    form: FormVersionKey(id: page.value(.form, in: row), version: page.value(.formVersion, in: row)),
                    erased: page.value(.erased, in: row), answersJSON: page.value(.answersJSON, in: row), db
                )
                last = seq
                taken += 1
            }
        }
        while !page.more, next < others.endIndex {
            if taken == limit {
                page.more = true
            } else {
                last = others[next].seq
                next += 1
                taken += 1
            }
        }
        for (_, item) in others[..<next] {
            switch item {
            case .form(let form): page.forms.append(form)
            case .campaign(let campaign): page.campaigns.append(campaign)
            case .visit(let visit): page.visits.append(visit)
            }
        }
        page.cursor = page.more ? last ?? cursor : max(newest, cursor)
        return page
    }

    static func visitEvent(_ row: SQLRow) -> VisitEvent? {
        guard let id = UUID(uuidString: row["id"]), let outcome = VisitOutcome(rawValue: row["outcome"]),
              let stamp = HLCTimestamp(row["stamp"] as String)
        else { return nil }
        let visit = Visit(
            visit: id, campaign: row["campaign"], address: row["address"], outcome: outcome, note: row["note"], at: row["at"],
            callBack: row["call_back"]
        )
        return VisitEvent(visit: visit, device: row["device"], stamp: stamp)
    }
}
