public import DoorstepCore
import DoorstepWire
import Foundation
import HTTPTypes

/// One publication of a campaign's figures for viewers: when, by whom, and how much it shows.
public struct SnapshotSummary: Codable, Sendable, Hashable {
    /// The campaign's id.
    public var campaign: String
    /// 1 for the campaign's first snapshot, then 2, 3, ...
    public var number: Int
    /// When it was published, ISO 8601.
    public var publishedAt: String
    /// The name of the token (or command) that published it.
    public var publishedBy: String
    /// Counts viewers see.
    public var shown: Int
    /// Counts hidden from viewers (small, changed by little since the last snapshot, or
    /// revealing one of those).
    public var hidden: Int

    private enum CodingKeys: String, CodingKey {
        case campaign, number, shown, hidden
        case publishedAt = "published_at"
        case publishedBy = "published_by"
    }
}

/// A published snapshot: its summary and the figures viewers see.
public struct PublishedSnapshot: Sendable, Hashable {
    public var summary: SnapshotSummary
    /// The suppressed figures.
    public var figures: CampaignAggregates
}

extension APIError {
    /// 404: a campaign whose figures no organiser has published for viewers yet.
    static func notPublished(_ campaign: String) -> Self {
        Self(
            status: .notFound, code: "not_published",
            message: "No figures of campaign \(campaign) are published yet; viewers see figures once an organiser publishes them."
        )
    }
}

extension ServerDatabase {
    /// Creates the `snapshots` table (see ``migrator``).
    static func createSnapshots(_ db: any SQLSession) throws {
        try db.execute(sql: """
            CREATE TABLE snapshots(
                campaign TEXT NOT NULL REFERENCES campaigns(id),
                number INTEGER NOT NULL,
                published_at TEXT NOT NULL,
                published_by TEXT NOT NULL,
                shown INTEGER NOT NULL,
                hidden INTEGER NOT NULL,
                figures_json TEXT NOT NULL,
                disclosed_json TEXT NOT NULL,
                PRIMARY KEY (campaign, number)
            ) WITHOUT ROWID;
            """)
    }

    /// Publishes a snapshot of `campaign`'s figures for viewers, from an organiser's request.
    ///
    /// The live figures are suppressed against everything viewers were shown before
    /// (``CampaignAggregates/suppressed(after:)``), stored as the campaign's next snapshot, and
    /// the publication is written to the audit log. The figures are read and suppressed outside
    /// the write transaction, so pushes are not held up; if another snapshot was published
    /// meanwhile, the work is done again against it.
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign, or a database error.
    func publishSnapshot(campaign: String, by identity: Identity) async throws -> SnapshotSummary {
        for _ in 0..<Self.publishAttempts {
            let prepared = try await store.read { db in try prepareSnapshot(campaign: campaign, db) }
            let snapshot = prepared.suppressed()
            if let summary = try await store.write({ db in try Self.store(snapshot, of: prepared, by: identity, db) }) {
                return summary
            }
        }
        throw APIError(status: .conflict, code: "conflict", message: "Other snapshots of campaign \(campaign) kept being published; try again.")
    }

    /// Publishes a snapshot of `campaign`'s figures for viewers, from the command line
    /// (`doorstep-server campaigns publish`); as ``publishSnapshot(campaign:by:)``.
    /// - Throws: ``AdminError`` for an unknown campaign, or a database error.
    @discardableResult
    public func publishSnapshot(campaign: String) throws -> SnapshotSummary {
        let identity = Identity(name: "doorstep-server campaigns publish", tokenID: "", role: .admin)
        for _ in 0..<Self.publishAttempts {
            let prepared: PreparedSnapshot
            do {
                prepared = try store.read { db in try prepareSnapshot(campaign: campaign, db) }
            } catch let error as APIError {
                throw AdminError(error.message)
            }
            let snapshot = prepared.suppressed()
            if let summary = try store.write({ db in try Self.store(snapshot, of: prepared, by: identity, db) }) {
                return summary
            }
        }
        throw AdminError("Other snapshots of campaign \(campaign) kept being published; try again.")
    }

    /// The newest snapshot of `campaign`: what viewers see.
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign, ``APIError/notPublished(_:)``
    ///   when nothing is published yet, or a database error.
    public func latestSnapshot(campaign: String) async throws -> PublishedSnapshot {
        try await store.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM campaigns WHERE id = ?", arguments: [campaign]) != nil else {
                throw APIError.notFound("There is no campaign \(campaign).")
            }
            guard let row = try SQLRow.fetchOne(
                db, sql: "SELECT * FROM snapshots WHERE campaign = ? ORDER BY number DESC LIMIT 1", arguments: [campaign]
            ) else {
                throw APIError.notPublished(campaign)
            }
            let json: String = row["figures_json"]
            return PublishedSnapshot(
                summary: Self.snapshotSummary(row),
                figures: try JSONDecoder().decode(CampaignAggregates.self, from: Data(json.utf8))
            )
        }
    }

    /// Every snapshot of `campaign`, oldest first.
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign, or a database error.
    public func snapshots(campaign: String) async throws -> [SnapshotSummary] {
        try await store.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM campaigns WHERE id = ?", arguments: [campaign]) != nil else {
                throw APIError.notFound("There is no campaign \(campaign).")
            }
            return try SQLRow.fetchAll(
                db, sql: "SELECT campaign, number, published_at, published_by, shown, hidden FROM snapshots WHERE campaign = ? ORDER BY number",
                arguments: [campaign]
            ).map(Self.snapshotSummary)
        }
    }

    /// How many times a publication is tried when others are published meanwhile.
    private static let publishAttempts = 3

    /// What a publication starts from: the live figures and what viewers were shown before.
    struct PreparedSnapshot: Sendable {
        var campaign: String
        var live: CampaignAggregates
        /// The number of the newest snapshot so far (0 for none).
        var previous: Int
        var disclosed: DisclosedFigures?

        /// The figures to publish, and what viewers will have seen once they are.
        func suppressed() -> (figures: CampaignAggregates, disclosed: DisclosedFigures) {
            let figures = live.suppressed(after: disclosed)
            return (figures, figures.disclosed(after: disclosed))
        }
    }

    private func prepareSnapshot(campaign: String, _ db: any SQLSession) throws -> PreparedSnapshot {
        let live = try aggregates(campaign: campaign, db)
        let previous = try SQLRow.fetchOne(
            db, sql: "SELECT number, disclosed_json FROM snapshots WHERE campaign = ? ORDER BY number DESC LIMIT 1",
            arguments: [campaign]
        )
        let disclosed = try previous.map { row in
            let json: String = row["disclosed_json"]
            return try JSONDecoder().decode(DisclosedFigures.self, from: Data(json.utf8))
        }
        return PreparedSnapshot(campaign: campaign, live: live, previous: previous?["number"] ?? 0, disclosed: disclosed)
    }

    /// Stores a snapshot unless another was published since `prepared` was read (then `nil`).
    private static func store(
        _ snapshot: (figures: CampaignAggregates, disclosed: DisclosedFigures), of prepared: PreparedSnapshot,
        by identity: Identity, _ db: any SQLSession
    ) throws -> SnapshotSummary? {
        let newest = try Int.fetchOne(
            db, sql: "SELECT MAX(number) FROM snapshots WHERE campaign = ?", arguments: [prepared.campaign]
        ) ?? 0
        guard newest == prepared.previous else { return nil }
        let total = prepared.live.disclosed(after: nil).counts.count
        let shown = snapshot.figures.disclosed(after: nil).counts.count
        let summary = SnapshotSummary(
            campaign: prepared.campaign, number: newest + 1, publishedAt: Date().formatted(.iso8601),
            publishedBy: identity.name, shown: shown, hidden: total - shown
        )
        let encoder = JSONEncoder.wire
        try db.execute(
            sql: """
                INSERT INTO snapshots(campaign, number, published_at, published_by, shown, hidden, figures_json, disclosed_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                summary.campaign, summary.number, summary.publishedAt, summary.publishedBy, summary.shown, summary.hidden,
                String(decoding: try encoder.encode(snapshot.figures), as: UTF8.self),
                String(decoding: try encoder.encode(snapshot.disclosed), as: UTF8.self),
            ]
        )
        try audit(
            db, identity: identity, action: "publish", campaign: prepared.campaign,
            detail: "Snapshot \(summary.number) for viewers: \(shown) counts shown, \(summary.hidden) hidden."
        )
        return summary
    }

    private static func snapshotSummary(_ row: SQLRow) -> SnapshotSummary {
        SnapshotSummary(
            campaign: row["campaign"], number: row["number"], publishedAt: row["published_at"],
            publishedBy: row["published_by"], shown: row["shown"], hidden: row["hidden"]
        )
    }
}
