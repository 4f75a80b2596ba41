/// A partner agency and the public key laptops seal its follow-ups to: part of every pull page.
///
/// Only each agency's current key travels; answers sealed to an older key still open with the
/// agency's older private key (see `docs/data-protection.md`).
public struct AgencyKey: Codable, Sendable, Hashable {
    /// The agency's id (``DoorstepCore/AgencyID``), as forms route to it.
    public var agency: String
    /// The agency's name as organisers and officers read it.
    public var name: String
    /// Which key: the first 8 bytes of the SHA-256 of the public key, in hex.
    public var keyID: String
    /// The X25519 public key, 32 bytes in standard base64.
    public var publicKey: String

    public init(agency: String, name: String, keyID: String, publicKey: String) {
        self.agency = agency
        self.name = name
        self.keyID = keyID
        self.publicKey = publicKey
    }

    private enum CodingKeys: String, CodingKey {
        case agency, name
        case keyID = "key_id"
        case publicKey = "public_key"
    }
}
