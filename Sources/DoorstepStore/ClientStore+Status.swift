import GRDB

extension ClientStore {
    /// Counts for `doorstep status`: the outbox by state, what the laptop holds, the last sync.
    public func status() throws -> StoreStatus {
        try pool.read { db in
            guard let device = try Row.fetchOne(db, sql: "SELECT * FROM device WHERE id = 1") else {
                throw ClientStoreError.corrupt("the device settings")
            }
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            var outbox: [String: Int] = [:]
            var urgent = 0
            // A held operation put back in the queue for a sync (it keeps the server's reason) still counts as held.
            for row in try Row.fetchAll(db, sql: """
                SELECT CASE WHEN state = 'pending' AND reason IS NOT NULL THEN 'held' ELSE state END AS state,
                       urgent, COUNT(*) AS n
                FROM outbox GROUP BY 1, urgent
                """) {
                let state: String = row["state"], n: Int = row["n"]
                outbox[state, default: 0] += n
                if state == "pending", row["urgent"] == true { urgent += n }
            }
            let token: String? = device["token"]
            return StoreStatus(
                device: device["device_id"], server: device["server"], role: device["role"], loggedIn: token != nil,
                pending: outbox["pending"] ?? 0, urgent: urgent, sent: outbox["sent"] ?? 0,
                held: outbox["held"] ?? 0, rejected: outbox["rejected"] ?? 0, discarded: outbox["discarded"] ?? 0,
                lastSync: device["last_sync"],
                forms: try count("SELECT COUNT(*) FROM forms"),
                campaigns: try count("SELECT COUNT(*) FROM campaigns"),
                responses: try count("SELECT COUNT(*) FROM responses"),
                visits: try count("SELECT COUNT(*) FROM visits"),
                drafts: try count("SELECT COUNT(*) FROM drafts")
            )
        }
    }
}
