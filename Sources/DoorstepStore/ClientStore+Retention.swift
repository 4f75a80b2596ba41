import DoorstepCore
import DoorstepWire
public import Foundation
import GRDB

extension ClientStore {
    /// Keeps residents' answers on this laptop only as long as the campaign allows once they are
    /// synced: run at the end of every sync.
    ///
    /// First every response with nothing waiting (no operation pending, held or rejected) that
    /// is not marked synced is marked synced `now`. Then each response synced longer ago than its
    /// campaign's device retention (``CampaignInfo/deviceRetentionPeriod``, 30 days unless the
    /// server says) loses its answers and every operation stored about it (sent or discarded);
    /// knocks on the door (visits) stay, so the walk list still shows the door's status. A
    /// response with anything waiting is never dropped. The freed pages are zeroed
    /// (`secure_delete`) and the WAL checkpointed, as after an erasure.
    ///
    /// - Parameter now: The time periods are measured to.
    /// - Returns: How many responses were dropped.
    @discardableResult
    public func dropExpiredAnswers(now: Date) throws -> Int {
        let dropped = try pool.write { db -> Int in
            let stamp = Self.timestamp(now)
            try db.execute(sql: """
                UPDATE responses SET synced_at = ? WHERE synced_at IS NULL AND NOT EXISTS (
                    SELECT 1 FROM outbox WHERE outbox.response = responses.id AND state IN ('pending', 'held', 'rejected'))
                """, arguments: [stamp])
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.id, r.synced_at, c.device_retention FROM responses r LEFT JOIN campaigns c ON c.id = r.campaign
                WHERE r.synced_at IS NOT NULL
                """)
            var dropped = 0
            for row in rows {
                let id: String = row["id"]
                let period = (row["device_retention"] as String?).flatMap(RetentionPeriod.init) ?? CampaignInfo.defaultDeviceRetention
                guard let synced = Self.date(row["synced_at"]), period.expiry(after: synced) <= now else { continue }
                let waiting = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM outbox WHERE response = ? AND state IN ('pending', 'held', 'rejected'))
                    """, arguments: [id]) ?? false
                guard !waiting else { continue }
                try db.execute(sql: "DELETE FROM response_fields WHERE response = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM responses WHERE id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM outbox WHERE response = ?", arguments: [id])
                dropped += 1
            }
            return dropped
        }
        if dropped > 0 { scrubAfterErasure() }
        return dropped
    }

    /// A time this store wrote with ``timestamp(_:)``.
    static func date(_ text: String?) -> Date? {
        text.flatMap { try? Date($0, strategy: .iso8601) }
    }
}
