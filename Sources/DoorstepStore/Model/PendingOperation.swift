public import Foundation

/// An operation waiting in the outbox, as the JSON text it is stored and sent as.
public struct PendingOperation: Sendable, Hashable {
    /// The operation's id, which the server's answer names.
    public var id: UUID
    /// The wire name of its kind (`response.create`, `visit`, …).
    public var kind: String
    /// The response it changes, if any.
    public var response: UUID?
    /// The operation's JSON, exactly as `SyncOperation` encodes it.
    public var json: String
    /// Where it stands in the queue; ``ClientStore/pendingOperationTexts(limit:after:)`` continues from here.
    public var position: OutboxPosition

    public init(id: UUID, kind: String, response: UUID?, json: String, position: OutboxPosition) {
        self.id = id
        self.kind = kind
        self.response = response
        self.json = json
        self.position = position
    }
}

/// A place in the outbox's queue order: safeguarding (urgent) operations first, then oldest first.
public struct OutboxPosition: Sendable, Hashable {
    /// Whether the operation carries a safeguarding concern.
    public var urgent: Bool
    /// Its outbox sequence number: the order in which it was recorded.
    public var seq: Int64

    public init(urgent: Bool, seq: Int64) {
        self.urgent = urgent
        self.seq = seq
    }
}
