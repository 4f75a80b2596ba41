import DoorstepCore
import Crypto
import Foundation

/// A token as listed by `doorstep-server tokens list`: never the token itself.
public struct TokenSummary: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var role: Role
    /// The agency an agency token acts for.
    public var agency: String?
    public var createdAt: String
    public var revokedAt: String?

    private enum CodingKeys: String, CodingKey {
        case id, name, role, agency
        case createdAt = "created_at", revokedAt = "revoked_at"
    }
}

extension ServerDatabase {
    /// Creates a token for `name` with `role` and returns it; only its SHA-256 hash is stored.
    ///
    /// - Returns: The token's id and the token, which cannot be shown again.
    /// - Parameter agency: The agency an ``Role/agency`` token acts for; required for that role
    ///   and refused for any other.
    /// - Throws: ``AdminError`` when a live token has the same name (names tell officers apart in
    ///   the conflict list and on added doors), or the agency is missing, unknown or not wanted;
    ///   nothing is stored then.
    public func createToken(name: String, role: Role, agency: String? = nil) throws -> (id: String, token: String) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = "dst_" + bytes.map { String(format: "%02x", $0) }.joined()
        let id = String(UUID().lowercasedString.prefix(8))
        try store.write { db in
            if let other = try SQLRow.fetchOne(db, sql: """
                SELECT id, name FROM tokens WHERE lower(name) = lower(?) AND revoked_at IS NULL
                """, arguments: [name]) {
                let (id, taken): (String, String) = (other["id"], other["name"])
                throw AdminError("A live token is named \(taken) already (id \(id)); choose another name, or revoke it first.")
            }
            switch (role, agency) {
            case (.agency, nil):
                throw AdminError("An agency token acts for one agency: pass --agency ID (see doorstep-server agencies list).")
            case (.agency, let agency?):
                guard try SQLRow.fetchOne(db, sql: "SELECT id FROM agencies WHERE id = ?", arguments: [agency]) != nil else {
                    throw AdminError("There is no agency \(agency); add it first with doorstep-server agencies add.")
                }
            case (_, _?):
                throw AdminError("Only an agency token names an agency; leave out --agency for a \(role.rawValue) token.")
            case (_, nil):
                break
            }
            try db.execute(
                sql: "INSERT INTO tokens(id, name, role, hash, created_at, agency) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, name, role.rawValue, Self.hash(token: token), Timestamps.now(), agency]
            )
        }
        return (id, token)
    }

    /// Revokes a token, given the token itself or its id; it stops working at once.
    ///
    /// - Returns: `false` when no live token matched.
    public func revokeToken(_ tokenOrID: String) throws -> Bool {
        try store.write { db in
            try db.execute(
                sql: "UPDATE tokens SET revoked_at = ? WHERE (hash = ? OR id = ?) AND revoked_at IS NULL",
                arguments: [Timestamps.now(), Self.hash(token: tokenOrID), tokenOrID]
            )
            return db.changesCount > 0
        }
    }

    /// Every token ever created, oldest first.
    public func tokens() throws -> [TokenSummary] {
        try store.read { db in
            try SQLRow.fetchAll(db, sql: "SELECT id, name, role, agency, created_at, revoked_at FROM tokens ORDER BY created_at, id")
                .map { row in
                    TokenSummary(
                        id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer, agency: row["agency"],
                        createdAt: row["created_at"], revokedAt: row["revoked_at"]
                    )
                }
        }
    }

    /// The identity behind a live token, or `nil` for an unknown or revoked one.
    public func identity(forToken token: String) async throws -> Identity? {
        let hash = Self.hash(token: token)
        return try await store.read { db in
            guard let row = try SQLRow.fetchOne(
                db, sql: "SELECT id, name, role, agency FROM tokens WHERE hash = ? AND revoked_at IS NULL", arguments: [hash]
            ), let role = Role(rawValue: row["role"]) else { return nil }
            return Identity(name: row["name"], tokenID: row["id"], role: role, agency: row["agency"])
        }
    }

    /// The stored form of a token: its SHA-256 digest in hex.
    static func hash(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Timestamps as the server stores them: ISO 8601 in UTC with milliseconds.
enum Timestamps {
    static func now() -> String { string(Date()) }

    static func string(_ date: Date) -> String {
        UTCTime.iso8601(milliseconds: Int64((date.timeIntervalSince1970 * 1_000).rounded(.down)))
    }

    /// Today's date as `YYYY-MM-DD` in UTC, for `today()` in form expressions.
    static func today() -> String {
        String(now().prefix(10))
    }
}
