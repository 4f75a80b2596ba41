import DoorstepCore
public import DoorstepSealing
import DoorstepWire
import Foundation

/// An agency as `doorstep-server agencies list` shows it: its keys, newest (current) first.
public struct AgencySummary: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var keys: [Key]
    /// Live tokens acting for it.
    public var tokens: Int

    public struct Key: Sendable, Hashable, Codable {
        public var keyID: String
        public var addedAt: String
        public var current: Bool

        private enum CodingKeys: String, CodingKey {
            case current
            case keyID = "key_id"
            case addedAt = "added_at"
        }
    }
}

extension ServerDatabase {
    /// Registers an agency with its first public key.
    /// - Throws: ``AdminError`` when the key file names another agency, or the agency exists.
    public func addAgency(id: String, name: String, key: AgencyPublicKey) throws {
        guard key.agency == id else {
            throw AdminError("The key file is agency \(key.agency)'s, not \(id)'s; ask \(id) for its own public key.")
        }
        try store.write { db in
            if try SQLRow.fetchOne(db, sql: "SELECT id FROM agencies WHERE id = ?", arguments: [id]) != nil {
                throw AdminError("Agency \(id) exists already; give it a newer key with doorstep-server agencies key.")
            }
            try db.execute(
                sql: "INSERT INTO agencies(id, name, created_at) VALUES (?, ?, ?)", arguments: [id, name, Timestamps.now()]
            )
            try insertKey(key, db)
        }
    }

    /// Adds a newer public key for an agency (a rotation): laptops seal new answers to it from
    /// their next sync; answers sealed to older keys stay valid.
    /// - Throws: ``AdminError`` for an unknown agency, a key file of another agency, or a key it has.
    public func addAgencyKey(_ key: AgencyPublicKey, agency: String) throws {
        guard key.agency == agency else {
            throw AdminError("The key file is agency \(key.agency)'s, not \(agency)'s; ask \(agency) for its own public key.")
        }
        try store.write { db in
            guard try SQLRow.fetchOne(db, sql: "SELECT id FROM agencies WHERE id = ?", arguments: [agency]) != nil else {
                throw AdminError("There is no agency \(agency); add it with doorstep-server agencies add.")
            }
            if try SQLRow.fetchOne(
                db, sql: "SELECT key_id FROM agency_keys WHERE agency = ? AND key_id = ?", arguments: [agency, key.keyID]
            ) != nil {
                throw AdminError("Agency \(agency) has key \(key.keyID) already; a rotation needs a new key (doorstep keys rotate).")
            }
            try insertKey(key, db)
        }
    }

    private func insertKey(_ key: AgencyPublicKey, _ db: any SQLSession) throws {
        try db.execute(
            sql: """
                INSERT INTO agency_keys(agency, key_id, public_key, position, added_at)
                VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM agency_keys WHERE agency = ?), ?)
                """,
            arguments: [key.agency, key.keyID, key.base64, key.agency, Timestamps.now()]
        )
    }

    /// Every agency with its keys, in id order.
    public func agencies() throws -> [AgencySummary] {
        try store.read { db in
            let keys = try SQLRow.fetchAll(
                db, sql: "SELECT agency, key_id, added_at, position FROM agency_keys ORDER BY agency, position DESC"
            )
            let tokens = try SQLRow.fetchAll(
                db, sql: "SELECT agency, COUNT(*) AS n FROM tokens WHERE agency IS NOT NULL AND revoked_at IS NULL GROUP BY agency"
            )
            var live: [String: Int] = [:]
            for row in tokens { live[row["agency"]] = Int(row["n"] as Int64) }
            return try SQLRow.fetchAll(db, sql: "SELECT id, name FROM agencies ORDER BY id").map { row in
                let id: String = row["id"]
                let own = keys.filter { ($0["agency"] as String) == id }
                return AgencySummary(
                    id: id, name: row["name"],
                    keys: own.enumerated().map { index, key in
                        AgencySummary.Key(keyID: key["key_id"], addedAt: key["added_at"], current: index == 0)
                    },
                    tokens: live[id] ?? 0
                )
            }
        }
    }

    /// Each agency's current key, as every pull page carries them.
    static func currentAgencyKeys(_ db: any SQLSession) throws -> [AgencyKey] {
        try SQLRow.fetchAll(db, sql: """
            SELECT a.id, a.name, k.key_id, k.public_key FROM agencies a
            JOIN agency_keys k ON k.agency = a.id
            WHERE k.position = (SELECT MAX(position) FROM agency_keys WHERE agency = a.id)
            ORDER BY a.id
            """).map { row in
            AgencyKey(agency: row["id"], name: row["name"], keyID: row["key_id"], publicKey: row["public_key"])
        }
    }

    /// Every registered key, current or older, as `agency.keyid`: what a sealed answer may name.
    static func registeredKeys(_ db: any SQLSession) throws -> Set<String> {
        Set(try SQLRow.fetchAll(db, sql: "SELECT agency, key_id FROM agency_keys").map { row in
            (row["agency"] as String) + "." + (row["key_id"] as String)
        })
    }
}
