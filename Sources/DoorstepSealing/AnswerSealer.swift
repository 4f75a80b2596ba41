import Crypto
public import DoorstepCore
public import Foundation

/// Seals an answer to agencies' public keys, and opens it with an agency's private key.
///
/// HPKE (RFC 9180) in base mode with X25519, HKDF-SHA256 and ChaCha20-Poly1305, one ciphertext
/// per agency; the additional data binds it to its response and question
/// (``DoorstepCore/SealedAnswer/boundData(response:question:)``), so a copy moved elsewhere does not open.
public enum AnswerSealer {
    static var suite: HPKE.Ciphersuite { .Curve25519_SHA256_ChachaPoly }
    static let info = Data("doorstep sealed answer v1".utf8)

    /// Seals `text`, the answer to `question` of `response`, to each key (one per agency).
    public static func seal(_ text: String, response: UUID, question: String, to keys: [AgencyPublicKey]) throws(SealingError) -> SealedAnswer {
        guard !keys.isEmpty else { throw .noRecipients(question) }
        let bound = SealedAnswer.boundData(response: response.uuidString, question: question)
        var recipients: [SealedAnswer.Recipient] = []
        for key in keys where !recipients.contains(where: { $0.agency == key.agency }) {
            do {
                var sender = try HPKE.Sender(recipientKey: key.cryptoKey, ciphersuite: suite, info: info)
                let ciphertext = try sender.seal(Data(text.utf8), authenticating: bound)
                recipients.append(
                    SealedAnswer.Recipient(
                        agency: key.agency, keyID: key.keyID, encapsulatedKey: Array(sender.encapsulatedKey),
                        ciphertext: Array(ciphertext)
                    )
                )
            } catch {
                throw .cannotSeal("\(error)")
            }
        }
        return SealedAnswer(recipients: recipients)
    }

    /// Opens the copy sealed to `keyring`'s agency.
    /// - Throws: ``SealingError/notSealedTo(_:)`` when none was sealed to the agency,
    ///   ``SealingError/unknownKey(_:)`` when the keyring lacks the key it was sealed to, and
    ///   ``SealingError/cannotOpen`` when it does not open (altered, or moved from another answer).
    public static func open(_ sealed: SealedAnswer, response: UUID, question: String, with keyring: AgencyKeyring) throws(SealingError) -> String {
        guard let copy = sealed.recipient(keyring.agency) else { throw .notSealedTo(keyring.agency) }
        guard let key = keyring.privateKey(id: copy.keyID) else { throw .unknownKey(copy.keyID) }
        let bound = SealedAnswer.boundData(response: response.uuidString, question: question)
        do {
            var recipient = try HPKE.Recipient(
                privateKey: key, ciphersuite: suite, info: info, encapsulatedKey: Data(copy.encapsulatedKey)
            )
            let plain = try recipient.open(Data(copy.ciphertext), authenticating: bound)
            guard let text = String(data: plain, encoding: .utf8) else { throw SealingError.cannotOpen }
            return text
        } catch {
            throw .cannotOpen
        }
    }
}
