public import DoorstepCore

/// `GET /v1/whoami`: who the server says a token belongs to.
public struct ServerIdentity: Codable, Sendable, Hashable {
    /// The name the token was created for.
    public var name: String
    /// `collector`, `organiser`, `viewer` or `admin`.
    public var role: String
    /// The server data's epoch; a new one means the server was restored.
    public var epoch: String
    /// A fresh stamp of the server's clock.
    public var serverTime: HLCTimestamp

    /// Creates an identity.
    public init(name: String, role: String, epoch: String, serverTime: HLCTimestamp) {
        self.name = name
        self.role = role
        self.epoch = epoch
        self.serverTime = serverTime
    }

    private enum CodingKeys: String, CodingKey {
        case name, role, epoch
        case serverTime = "server_time"
    }
}
