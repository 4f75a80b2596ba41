/// Who made a request: the token's name and id, and its role.
public struct Identity: Sendable, Hashable {
    /// The name given when the token was created (a person or a laptop).
    public var name: String
    /// The token's id (never the token itself).
    public var tokenID: String
    /// What the token may do.
    public var role: Role
    /// For an ``Role/agency`` token, the agency it acts for.
    public var agency: String?

    /// Creates an identity.
    public init(name: String, tokenID: String, role: Role, agency: String? = nil) {
        self.name = name
        self.tokenID = tokenID
        self.role = role
        self.agency = agency
    }
}
