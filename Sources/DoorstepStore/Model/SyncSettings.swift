public import Foundation

/// What sync needs to know about this laptop and its server.
public struct SyncSettings: Sendable, Hashable {
    /// The server's base URL, once logged in.
    public var server: String?
    /// The bearer token, once logged in.
    public var token: String?
    /// The token's role, as the server named it (`collector`, `organiser`, ...).
    public var role: String?
    /// Where the next pull starts; 0 pulls everything.
    public var cursor: Int64
    /// The server epoch the cursor belongs to.
    public var epoch: String?
    /// When the last sync completed.
    public var lastSync: Date?
    /// This device's id.
    public var device: String
}

/// A summary of the store for `doorstep status`.
public struct StoreStatus: Sendable, Hashable {
    public var device: String
    public var server: String?
    public var role: String?
    /// Whether a token is stored.
    public var loggedIn: Bool
    /// Operations waiting to be pushed, and how many of them carry a safeguarding concern.
    public var pending: Int
    public var urgent: Int
    /// Operations the server accepted.
    public var sent: Int
    /// Operations the server held (sent again at every sync) and rejected (kept with the reason
    /// until a person discards them), and operations a person discarded.
    public var held: Int
    public var rejected: Int
    public var discarded: Int
    /// When the last sync completed, ISO 8601.
    public var lastSync: String?
    public var forms: Int
    public var campaigns: Int
    public var responses: Int
    public var visits: Int
    public var drafts: Int
}
