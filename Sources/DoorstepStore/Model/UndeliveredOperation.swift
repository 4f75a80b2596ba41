import DoorstepCore
public import Foundation
import GRDB

/// An operation the server has not taken, as `status`, `responses` and `sync` show it.
public struct UndeliveredOperation: Codable, Sendable, Hashable {
    /// Where an undelivered operation stands.
    public enum State: String, Codable, Sendable, Hashable {
        /// The server lacks what it needs yet (an unknown campaign, form version or response): the
        /// operation is sent again at every sync.
        case held
        /// Invalid for ever: kept here with the reason until a person discards it.
        case rejected
    }

    /// The operation's id.
    public var id: UUID
    /// Its kind, such as `response.create`.
    public var type: String
    public var state: State
    /// The server's sentence.
    public var reason: String
    /// The response it concerns, if any, and that response's campaign and address.
    public var response: UUID?
    public var campaign: String?
    public var address: String?
    /// Whether it carries a safeguarding concern.
    public var safeguarding: Bool

    init(row: Row) throws {
        guard let id = UUID(uuidString: row["id"]) else { throw ClientStoreError.corrupt("an outbox operation id") }
        self.id = id
        type = row["kind"]
        let stored: String = row["state"]
        // A held operation put back in the queue for this sync still counts as held.
        state = stored == "rejected" ? .rejected : .held
        reason = row["reason"] ?? "The server gave no reason."
        response = (row["response"] as String?).flatMap(UUID.init(uuidString:))
        campaign = row["campaign"]
        address = row["address"]
        safeguarding = row["urgent"]
    }

    private enum CodingKeys: String, CodingKey {
        case id, type, state, reason, response, campaign, address, safeguarding
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(state, forKey: .state)
        try container.encode(reason, forKey: .reason)
        try container.encode(response?.lowercasedString, forKey: .response)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(address, forKey: .address)
        try container.encode(safeguarding, forKey: .safeguarding)
    }
}

/// Where a response's changes stand with the server, from its operations in the outbox.
public struct Delivery: Sendable, Hashable {
    /// One word for the response's row.
    public enum State: String, Sendable, Hashable {
        /// Every change was delivered (or this laptop never had one to send).
        case synced
        /// Changes wait for the next sync.
        case pending
        /// The server holds a change until it has what it needs; sent again at every sync.
        case held
        /// The server refused a change for good; see the reason.
        case rejected
    }

    /// Operations waiting for their first sync, held by the server, and rejected by it.
    public var pending: Int
    public var held: Int
    public var rejected: Int
    /// The server's reason for the latest held or rejected operation.
    public var reason: String?

    /// Rejected outranks held, held outranks pending.
    public var state: State {
        if rejected > 0 { return .rejected }
        if held > 0 { return .held }
        return pending > 0 ? .pending : .synced
    }

    /// The SQL columns, over a response row aliased `r`, that ``init(row:)`` reads.
    static let columns = """
        (SELECT COUNT(*) FROM outbox o WHERE o.response = r.id AND o.state = 'pending' AND o.reason IS NULL) AS pending,
        (SELECT COUNT(*) FROM outbox o WHERE o.response = r.id
            AND (o.state = 'held' OR (o.state = 'pending' AND o.reason IS NOT NULL))) AS held,
        (SELECT COUNT(*) FROM outbox o WHERE o.response = r.id AND o.state = 'rejected') AS rejected,
        (SELECT o.reason FROM outbox o WHERE o.response = r.id AND o.state IN ('pending', 'held', 'rejected')
            AND o.reason IS NOT NULL ORDER BY o.seq DESC LIMIT 1) AS delivery_reason
        """

    init(row: Row) {
        pending = row["pending"]
        held = row["held"]
        rejected = row["rejected"]
        reason = row["delivery_reason"]
    }
}
