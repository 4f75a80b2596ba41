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

    public init(id: UUID, kind: String, response: UUID?, json: String) {
        self.id = id
        self.kind = kind
        self.response = response
        self.json = json
    }
}
