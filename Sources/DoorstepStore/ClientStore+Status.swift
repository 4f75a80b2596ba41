import GRDB

extension ClientStore {
    /// Counts for `doorstep status`: the outbox by state, what the laptop holds, the last sync.
    public func status() throws -> StoreStatus {
        try pool.read { db in
            guard let device = try Row.fetchOne(db, sql: "SELECT * FROM device WHERE id = 1") else {
                throw ClientStoreError.corrupt("the device settings")
            }
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            let token: String? = device["token"]
            return StoreStatus(
                device: device["device_id"], server: device["server"], role: device["role"], loggedIn: token != nil,
                pending: try count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'"),
                urgent: try count("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND urgent = 1"),
                sent: try count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'"),
                rejected: try count("SELECT COUNT(*) FROM outbox WHERE state = 'rejected'"),
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
