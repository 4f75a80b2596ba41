import DoorstepCore
public import Foundation

/// What one sync did, as `doorstep sync --json` prints it.
public struct SyncSummary: Codable, Sendable, Hashable {
    /// Operations the server accepted in this sync.
    public var pushed: Int
    /// Records pulled: forms, campaigns, visits and responses.
    public var pulled: Int
    /// Field values the server kept in conflict because of operations pushed in this sync.
    public var conflicts: Int
    /// Operations the server refused in this sync, set aside with its reasons.
    public var rejected: [RejectedOperation]
    /// Every operation set aside so far on this laptop (this sync's and earlier ones), oldest first.
    public var setAside: [RejectedOperation]
    /// Operations still waiting (recorded while the sync ran).
    public var pending: Int
    /// Whether the server announced a new epoch (it was restored) and everything was sent again.
    public var resent: Bool
    /// Pull pages applied.
    public var pages: Int
    /// When the sync finished, ISO 8601.
    public var finishedAt: String

    /// Creates a summary.
    public init(
        pushed: Int = 0, pulled: Int = 0, conflicts: Int = 0, rejected: [RejectedOperation] = [],
        setAside: [RejectedOperation] = [], pending: Int = 0, resent: Bool = false, pages: Int = 0, finishedAt: String = ""
    ) {
        self.pushed = pushed
        self.pulled = pulled
        self.conflicts = conflicts
        self.rejected = rejected
        self.setAside = setAside
        self.pending = pending
        self.resent = resent
        self.pages = pages
        self.finishedAt = finishedAt
    }

    private enum CodingKeys: String, CodingKey {
        case pushed, pulled, conflicts, rejected, pending, resent, pages
        case finishedAt = "finished_at", setAside = "set_aside"
    }
}

/// An operation the server refused for good, and why.
public struct RejectedOperation: Codable, Sendable, Hashable {
    /// The operation's id.
    public var id: UUID
    /// Its kind, such as `response.create`.
    public var type: String
    /// The response it concerns, if any.
    public var response: UUID?
    /// The server's sentence.
    public var reason: String

    /// Creates a rejected-operation record.
    public init(id: UUID, type: String, response: UUID?, reason: String) {
        self.id = id
        self.type = type
        self.response = response
        self.reason = reason
    }

    private enum CodingKeys: String, CodingKey {
        case id, type, response, reason
    }

    /// Encodes as the synthesized conformance would, but the ids in lower case as Doorstep prints them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(response?.lowercasedString, forKey: .response)
        try container.encode(reason, forKey: .reason)
    }
}

/// How far a sync got, for a progress bar.
public enum SyncProgress: Sendable, Hashable {
    /// Pushing: operations answered by the server so far, of `total` waiting when the push began.
    case pushing(done: Int, total: Int)
    /// Pulling: pages and records applied so far (the total is not known in advance).
    case pulling(pages: Int, records: Int)
}
