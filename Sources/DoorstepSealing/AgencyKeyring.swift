import Crypto
import DoorstepCore
import Foundation
import _CryptoExtras

/// An agency's private keys, newest first: kept on the agency's own machine in a file locked with
/// a passphrase, and never sent anywhere.
///
/// Rotation adds a newer key; older ones stay, so answers sealed to them still open.
public struct AgencyKeyring: Sendable {
    /// The agency the keys belong to.
    public let agency: String
    /// Newest first.
    private var keys: [Entry]

    struct Entry: Sendable {
        /// The raw private key (32 bytes); ``key`` rebuilds it.
        var rawKey: [UInt8]
        var created: String
        var publicKey: AgencyPublicKey

        var key: Curve25519.KeyAgreement.PrivateKey {
            // Made from a valid key.
            try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: rawKey)
        }
    }

    /// A new keyring holding one new key pair.
    public static func generate(agency: String, created: String) throws(SealingError) -> AgencyKeyring {
        guard AgencyID.isValid(agency) else { throw .badKeyFile("'\(agency)' is not an agency id: \(AgencyID.rule).") }
        var keyring = AgencyKeyring(agency: agency, keys: [])
        _ = try keyring.rotate(created: created)
        return keyring
    }

    /// Adds a newer key pair and returns its public key, to be registered on the server.
    public mutating func rotate(created: String) throws(SealingError) -> AgencyPublicKey {
        let key = Curve25519.KeyAgreement.PrivateKey()
        let publicKey = try AgencyPublicKey(agency: agency, base64: key.publicKey.rawRepresentation.base64EncodedString())
        keys.insert(Entry(rawKey: Array(key.rawRepresentation), created: created, publicKey: publicKey), at: 0)
        return publicKey
    }

    /// The newest key's public half.
    public var currentPublicKey: AgencyPublicKey { keys[0].publicKey }

    /// Every public key, newest first, with when each was made.
    public var publicKeys: [(key: AgencyPublicKey, created: String)] { keys.map { ($0.publicKey, $0.created) } }

    func privateKey(id: String) -> Curve25519.KeyAgreement.PrivateKey? {
        keys.first { $0.publicKey.keyID == id }?.key
    }

    private init(agency: String, keys: [Entry]) {
        self.agency = agency
        self.keys = keys
    }

    // MARK: The key file

    /// The file's JSON: the private keys sealed with a key derived from the passphrase by scrypt.
    struct File: Codable {
        var format: String
        var version: Int
        var agency: String
        var kdf: KDFParameters
        var keys: [Key]

        struct KDFParameters: Codable {
            var name: String
            var n: Int
            var r: Int
            var p: Int
            var salt: String
        }

        struct Key: Codable {
            var keyID: String
            var publicKey: String
            var created: String
            /// The raw private key sealed with ChaCha20-Poly1305 (nonce, ciphertext, tag), in base64.
            var privateKey: String

            enum CodingKeys: String, CodingKey {
                case created
                case keyID = "key_id"
                case publicKey = "public_key"
                case privateKey = "private_key"
            }
        }
    }

    static let format = "doorstep-agency-key"
    /// scrypt's cost: 2^15 rounds of 8 × 128-byte blocks, 32 MiB and about a tenth of a second.
    static let rounds = 1 << 15
    static let blockSize = 8

    /// The shortest passphrase accepted.
    public static let minimumPassphraseLength = 12

    /// The key file's text, the private keys locked with `passphrase`.
    public func fileText(passphrase: String) throws(SealingError) -> String {
        guard passphrase.count >= Self.minimumPassphraseLength else { throw .weakPassphrase(Self.minimumPassphraseLength) }
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let lock = try Self.lock(passphrase: passphrase, salt: salt, rounds: Self.rounds, blockSize: Self.blockSize, parallelism: 1)
        var entries: [File.Key] = []
        for entry in keys {
            do {
                let box = try ChaChaPoly.seal(entry.key.rawRepresentation, using: lock, authenticating: Data(entry.publicKey.keyID.utf8))
                entries.append(
                    File.Key(
                        keyID: entry.publicKey.keyID, publicKey: entry.publicKey.base64, created: entry.created,
                        privateKey: box.combined.base64EncodedString()
                    )
                )
            } catch {
                throw .cannotSeal("\(error)")
            }
        }
        let file = File(
            format: Self.format, version: 1, agency: agency,
            kdf: .init(name: "scrypt", n: Self.rounds, r: Self.blockSize, p: 1, salt: Data(salt).base64EncodedString()),
            keys: entries
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Encoding plain strings and numbers cannot fail.
        return String(decoding: try! encoder.encode(file), as: UTF8.self) + "\n"
    }

    /// Reads a key file's text and unlocks it with `passphrase`.
    public init(fileText: String, passphrase: String) throws(SealingError) {
        guard let file = try? JSONDecoder().decode(File.self, from: Data(fileText.utf8)), file.format == Self.format else {
            throw .badKeyFile("It is not a Doorstep agency key file (made by doorstep keys generate).")
        }
        guard file.version == 1 else { throw .badKeyFile("It is version \(file.version); this Doorstep reads version 1.") }
        guard file.kdf.name == "scrypt", let salt = Data(base64Encoded: file.kdf.salt),
              (1...(1 << 20)).contains(file.kdf.n), (1...32).contains(file.kdf.r), file.kdf.p == 1, !file.keys.isEmpty
        else { throw .badKeyFile("Its key derivation settings or key list are not valid.") }
        let lock = try Self.lock(passphrase: passphrase, salt: Array(salt), rounds: file.kdf.n, blockSize: file.kdf.r, parallelism: 1)
        var entries: [Entry] = []
        for stored in file.keys {
            let publicKey = try AgencyPublicKey(agency: file.agency, base64: stored.publicKey, keyID: stored.keyID)
            guard let combined = Data(base64Encoded: stored.privateKey), let box = try? ChaChaPoly.SealedBox(combined: combined) else {
                throw .badKeyFile("Key \(stored.keyID) is not a sealed private key.")
            }
            guard let raw = try? ChaChaPoly.open(box, using: lock, authenticating: Data(stored.keyID.utf8)) else {
                throw .wrongPassphrase
            }
            guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw),
                  key.publicKey.rawRepresentation == Data(publicKey.rawKey)
            else { throw .badKeyFile("Key \(stored.keyID) does not match its public key.") }
            entries.append(Entry(rawKey: Array(key.rawRepresentation), created: stored.created, publicKey: publicKey))
        }
        self.init(agency: file.agency, keys: entries)
    }

    private static func lock(passphrase: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws(SealingError) -> SymmetricKey {
        do {
            return try KDF.Scrypt.deriveKey(
                from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize,
                parallelism: parallelism, maxMemory: 256 << 20
            )
        } catch {
            throw .badKeyFile("Its passphrase key cannot be derived: \(error).")
        }
    }
}
