import Foundation

extension AgencyKeyring {
    /// The public keys a key file holds, newest first, with when each was made: read without
    /// the passphrase, since only the private keys are locked.
    ///
    /// - Throws: ``SealingError/badKeyFile(_:)`` when the text is not a key file,
    ///   ``SealingError/badPublicKey(_:)`` when a public key in it is not valid.
    public static func publicKeys(fileText: String) throws(SealingError) -> (agency: String, keys: [(key: AgencyPublicKey, created: String)]) {
        guard let file = try? JSONDecoder().decode(File.self, from: Data(fileText.utf8)), file.format == format else {
            throw .badKeyFile("It is not a Doorstep agency key file (made by doorstep keys generate).")
        }
        guard file.version == 1 else { throw .badKeyFile("It is version \(file.version); this Doorstep reads version 1.") }
        var keys: [(key: AgencyPublicKey, created: String)] = []
        for stored in file.keys {
            keys.append((try AgencyPublicKey(agency: file.agency, base64: stored.publicKey, keyID: stored.keyID), stored.created))
        }
        return (file.agency, keys)
    }
}
