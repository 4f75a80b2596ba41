import Crypto
import DoorstepCore
import Foundation

/// An agency's public key: what an admin registers on the server and laptops seal answers to.
///
/// As a file it is one line, `doorstep-agency-public-key 1 <agency> <key id> <base64 key>`,
/// safe to mail or print: it can only seal, never open.
public struct AgencyPublicKey: Sendable, Hashable {
    /// The agency it belongs to (``DoorstepCore/AgencyID``).
    public let agency: String
    /// The first 8 bytes of the SHA-256 of the raw key, in hex (``SealedAnswer/keyIDLength`` digits).
    public let keyID: String
    /// The X25519 public key, 32 bytes.
    public let rawKey: [UInt8]

    /// The first word of a public key file.
    public static let fileTag = "doorstep-agency-public-key"

    /// A key from its parts, as the server sends them (``DoorstepWire/AgencyKey``).
    /// - Throws: ``SealingError/badPublicKey(_:)`` when the key is not 32 bytes of base64, or
    ///   when `keyID`, if given, is not this key's id.
    public init(agency: String, base64 key: String, keyID expected: String? = nil) throws(SealingError) {
        guard AgencyID.isValid(agency) else { throw .badPublicKey("'\(agency)' is not an agency id: \(AgencyID.rule).") }
        guard let data = Data(base64Encoded: key), data.count == 32,
              (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: data)) != nil
        else { throw .badPublicKey("The key of agency '\(agency)' is not a 32-byte X25519 key in base64.") }
        self.agency = agency
        rawKey = Array(data)
        keyID = Self.keyID(of: rawKey)
        if let expected, expected != keyID {
            throw .badPublicKey("The key of agency '\(agency)' has id \(keyID), not \(expected) as stated.")
        }
    }

    /// Reads a public key file's text.
    public init(fileText: String) throws(SealingError) {
        let words = fileText.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count == 5, words[0] == Self.fileTag else {
            throw .badPublicKey("A public key file is one line: \(Self.fileTag) 1 <agency> <key id> <key>.")
        }
        guard words[1] == "1" else { throw .badPublicKey("This public key file is version \(words[1]); this Doorstep reads version 1.") }
        try self.init(agency: words[2], base64: words[4], keyID: words[3])
    }

    /// The key in base64, as the server stores and sends it.
    public var base64: String { Data(rawKey).base64EncodedString() }

    /// The public key file's text.
    public var fileText: String { "\(Self.fileTag) 1 \(agency) \(keyID) \(base64)\n" }

    /// The id of a raw public key: the first 8 bytes of its SHA-256, in lower-case hex.
    public static func keyID(of rawKey: [UInt8]) -> String {
        SHA256.hash(data: rawKey).prefix(SealedAnswer.keyIDLength / 2).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    var cryptoKey: Curve25519.KeyAgreement.PublicKey {
        // Checked when the key was made.
        try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: rawKey)
    }
}
