public import DoorstepWire
import Foundation
import GRDB

extension ClientStore {
    // MARK: Agencies' public keys

    /// The partner agencies this laptop knows, by id, each with the public key answers routed to
    /// it are sealed to.
    public func agencies() throws -> [AgencyKey] {
        try pool.read { db in try fetchAgencies(db) }
    }

    func fetchAgencies(_ db: Database) throws -> [AgencyKey] {
        try Row.fetchAll(db, sql: "SELECT * FROM agencies ORDER BY id").map { row in
            AgencyKey(agency: row["id"], name: row["name"], keyID: row["key_id"], publicKey: row["public_key"])
        }
    }

    /// Adds an agency, or replaces its name and key (`doorstep agencies add`, without a server).
    /// The caller has checked the key.
    public func saveAgency(_ agency: AgencyKey) throws {
        try pool.write { db in try insertAgency(agency, db) }
    }

    /// Makes the server's list the laptop's, inside a pull's transaction: agencies it no longer
    /// lists are removed.
    func replaceAgencies(with agencies: [AgencyKey], _ db: Database) throws {
        let current = try fetchAgencies(db)
        guard current != agencies.sorted(by: { $0.agency < $1.agency }) else { return }
        try db.execute(sql: "DELETE FROM agencies")
        for agency in agencies { try insertAgency(agency, db) }
    }

    private func insertAgency(_ agency: AgencyKey, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO agencies (id, name, key_id, public_key, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, key_id = excluded.key_id,
                    public_key = excluded.public_key, updated_at = excluded.updated_at
                """,
            arguments: [agency.agency, agency.name, agency.keyID, agency.publicKey, Self.timestamp(now())]
        )
    }

    // MARK: An agency's worklist

    /// Keeps the follow-ups the server routed to this laptop's agency, as received (sealed
    /// answers still sealed), replacing the list kept before.
    public func saveWorklist(_ list: FollowUpList) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO agency_worklist (id, agency, list, fetched_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET agency = excluded.agency, list = excluded.list,
                        fetched_at = excluded.fetched_at
                    """,
                arguments: [list.agency, try Self.json(list), Self.timestamp(now())]
            )
        }
    }

    /// The worklist last fetched, with when; `nil` before the first fetch.
    public func worklist() throws -> (list: FollowUpList, fetchedAt: String)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT list, fetched_at FROM agency_worklist WHERE id = 1") else {
                return nil
            }
            return (try Self.decode(FollowUpList.self, row["list"]), row["fetched_at"])
        }
    }

    /// Queues an agency's outcome for a follow-up (`followup.outcome`), pushed at the next sync.
    ///
    /// - Returns: The operation queued.
    @discardableResult
    public func recordOutcome(_ outcome: FollowUpOutcome) throws -> SyncOperation {
        try pool.write { db in
            let operation = SyncOperation(stamp: try tick(db), device: deviceID, body: .recordOutcome(outcome))
            try enqueue(operation, response: nil, db)
            return operation
        }
    }
}
