public import DoorstepCore

/// `GET /v1/whoami`: who the server says a token belongs to.
public struct ServerIdentity: Codable, Sendable, Hashable {
    /// The name the token was created for.
    public var name: String
    /// `collector`, `organiser`, `viewer`, `admin` or `agency`.
    public var role: String
    /// The agency an `agency` token acts for.
    public var agency: String?
    /// The server data's epoch; a new one means the server was restored.
    public var epoch: String
    /// A fresh stamp of the server's clock.
    public var serverTime: HLCTimestamp

    /// Creates an identity.
    public init(name: String, role: String, agency: String? = nil, epoch: String, serverTime: HLCTimestamp) {
        self.name = name
        self.role = role
        self.agency = agency
        self.epoch = epoch
        self.serverTime = serverTime
    }

    private enum CodingKeys: String, CodingKey {
        case name, role, agency, epoch
        case serverTime = "server_time"
    }
}
