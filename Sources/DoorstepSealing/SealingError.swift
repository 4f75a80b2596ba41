/// Why sealing, opening or reading a key failed. Each case reads as one sentence.
public enum SealingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A public key, or its file, is not valid.
    case badPublicKey(String)
    /// A private key file cannot be read.
    case badKeyFile(String)
    /// The passphrase does not unlock the key file.
    case wrongPassphrase
    /// A passphrase shorter than the minimum.
    case weakPassphrase(Int)
    /// An answer to the named question has no agency to be sealed to.
    case noRecipients(String)
    /// The answer was not sealed to this agency.
    case notSealedTo(String)
    /// The agency's key file lacks the key the answer was sealed to.
    case unknownKey(String)
    /// The ciphertext does not open: altered, or moved from another answer.
    case cannotOpen
    /// The cryptography library refused to seal.
    case cannotSeal(String)

    public var description: String {
        switch self {
        case .badPublicKey(let reason): "The public key is not valid: \(reason)"
        case .badKeyFile(let reason): "The key file cannot be read: \(reason)"
        case .wrongPassphrase: "The passphrase does not unlock the key file."
        case .weakPassphrase(let minimum): "Choose a passphrase of at least \(minimum) characters."
        case .noRecipients(let question): "The answer to '\(question)' has no agency to be sealed to."
        case .notSealedTo(let agency): "This answer was not sealed to agency '\(agency)'."
        case .unknownKey(let keyID):
            "This answer was sealed to key \(keyID), which is not in the key file; use the file that holds that key (an older one after a rotation)."
        case .cannotOpen: "This sealed answer does not open: it was altered, or copied from another answer."
        case .cannotSeal(let reason): "The answer could not be sealed: \(reason)"
        }
    }
}
