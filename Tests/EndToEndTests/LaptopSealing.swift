import DoorstepCore
import DoorstepSealing
import DoorstepStore
import DoorstepTestSupport
import DoorstepWire
import Foundation

/// Sealing as `doorstep record` does it, for tests that fill a laptop's store directly, and the
/// agencies' keys a test server needs for laptops to seal to.
enum LaptopSealing {
    /// The passphrase of every agency key file the tests make.
    static let passphrase = "correct horse battery staple"

    /// A validator of the answers as typed at the door, before the personal ones are sealed.
    static func validator(_ form: FormDefinition) -> AnswerValidator {
        var validator = AnswerValidator(form: form, today: "2026-01-01")
        validator.sealedAnswers = .plain
        return validator
    }

    /// `answers` as the laptop stores them for response `id`: each answer the form's routes seal,
    /// sealed to the agencies chosen with the keys the laptop pulled.
    static func sealed(_ answers: Answers, form: FormDefinition, response id: UUID, store: ClientStore) throws -> Answers {
        let keys = Dictionary(try store.agencies().map { ($0.agency, $0) }, uniquingKeysWith: { $1 })
        var result = answers
        for name in form.sealedQuestionNames {
            guard let value = answers[name] else { continue }
            let recipients = try form.sealingAgencies(for: name, given: answers).map { agency in
                guard let key = keys[agency] else { throw MissingKey(agency: agency) }
                return try AgencyPublicKey(agency: agency, base64: key.publicKey, keyID: key.keyID)
            }
            result[name] = .text(try AnswerSealer.seal(value.description, response: id, question: name, to: recipients).text)
        }
        return result
    }

    struct MissingKey: Error { let agency: String }

    /// Makes a key pair for every agency `form` routes to, as each agency would on its own
    /// machine, and registers the public keys in the server's `data`; returns each key file.
    static func registerAgencies(of form: FormDefinition, data: TemporaryDirectory) throws -> [String: String] {
        var files: [String: String] = [:]
        for agency in form.routedAgencies {
            let keyring = try AgencyKeyring.generate(agency: agency, created: "2026-12-04T00:00:00Z")
            files[agency] = try data.write(try keyring.fileText(passphrase: passphrase), to: "\(agency).key")
            let publicFile = try data.write(keyring.currentPublicKey.fileText, to: "\(agency).pub")
            let result = try ProcessRunner.server(["agencies", "add", "--data", data.path, "--id", agency, "--name", agency, "--key", publicFile])
            guard result.status == 0 else { throw CommandFailed(command: "doorstep-server agencies add \(agency)", result: result) }
        }
        return files
    }
}
