import Crypto
import Foundation

/// Short-lived signed links to a report, for a browser that cannot send a bearer token.
///
/// A link is `/r?link=<payload>.<signature>`: the payload (base64url JSON) names the campaign, the
/// campaign to compare with, the role and token id of whoever asked, and an expiry; the signature is
/// HMAC-SHA256 over the payload with a secret kept in the data directory (`report-links.key`, 32
/// random bytes, mode 0600, made on first start), or, on PostgreSQL, in the database's `meta`
/// table, so a link one instance signed works on every other. The link is in the query so that the server's
/// request log, which records paths only, never holds it. A link stops working when it expires or
/// when the token that asked for it is revoked.
struct ReportLinks: Sendable {
    /// What a link grants.
    struct Grant: Codable, Sendable, Hashable {
        /// The campaign.
        var campaign: String
        /// The campaign to compare with, if any.
        var compare: String?
        /// The role the report is rendered for (a viewer's is suppressed).
        var role: Role
        /// The id of the token that asked for the link.
        var tokenID: String
        /// Seconds since 1970 after which the link no longer works.
        var expires: Int64
        /// `live` for the organiser's live page (``ReportLinks/liveLifetime``); `nil` for the report.
        var view: String?
        /// The language the report's questions and choices are labelled in; `nil` for the default.
        var language: String?

        private enum CodingKeys: String, CodingKey {
            case campaign = "c", compare = "x", role = "r", tokenID = "t", expires = "e", view = "v", language = "l"
        }
    }

    /// How long a link works.
    static let lifetime: Duration = .seconds(600)
    /// How long a link to the live page works: a day of action, as it reloads itself all day.
    static let liveLifetime: Duration = .seconds(12 * 3_600)
    /// The secret's file name in the data directory.
    static let fileName = "report-links.key"

    /// The secret's bytes (`SymmetricKey` is not `Sendable`).
    private let secret: [UInt8]

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// Links signed with a secret held in memory only: they stop working when the server stops.
    init() {
        secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// Loads the data directory's link secret, making one if there is none.
    /// - Throws: A file-system error.
    init(directory: URL) throws {
        let file = directory.appendingPathComponent(Self.fileName)
        if let data = try? Data(contentsOf: file), data.count >= 32 {
            secret = Array(data)
            return
        }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let data = Data(fresh)
        guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file.path])
        }
        secret = fresh
    }

    /// Loads the link secret of `database`'s store: in its data directory, or in PostgreSQL.
    /// - Throws: A file-system or store error.
    init(database: ServerDatabase) throws {
        if let directory = database.directory {
            try self.init(directory: directory)
        } else {
            try self.init(store: database.store)
        }
    }

    /// Loads the shared store's link secret, making one if there is none.
    /// - Throws: The store's error.
    init(store: any SQLStore) throws {
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        let saved = try store.write { db in
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES ('report_links_key', ?) ON CONFLICT(key) DO NOTHING", arguments: [fresh]
            )
            return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'report_links_key'")
        }
        guard let saved, let secret = Data(base64Encoded: saved), secret.count >= 32 else {
            throw StoreFailure(reason: "the report link secret in the database is unreadable")
        }
        self.secret = Array(secret)
    }

    /// The signed link text for a grant.
    func sign(_ grant: Grant) throws -> String {
        let payload = try JSONEncoder().encode(grant)
        let signature = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Self.base64URL(payload) + "." + Self.base64URL(Data(signature))
    }

    /// The grant of a link whose signature holds; `nil` for anything forged, altered or malformed.
    /// Expiry is the caller's to check.
    func verify(_ link: String) -> Grant? {
        let parts = link.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: parts[0]), let signature = Self.data(base64URL: parts[1]),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key)
        else { return nil }
        return try? JSONDecoder().decode(Grant.self, from: payload)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
