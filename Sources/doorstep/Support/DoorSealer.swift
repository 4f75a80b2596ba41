import DoorstepCore
import DoorstepSealing
import DoorstepStore
import DoorstepWire
import Foundation

/// Seals, on the laptop, the answers of a form's sealed questions to the public keys of the
/// agencies the resident chose, so that only the sealed text is stored and sent.
struct DoorSealer {
    let form: FormDefinition
    /// The laptop's agencies, by id.
    let keys: [String: AgencyKey]

    init(form: FormDefinition, store: ClientStore) throws {
        self.form = form
        keys = Dictionary(try store.agencies().map { ($0.agency, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The sealed questions `answers` holds a value for (the names to seal), in form order.
    func sealedNames(in answers: Answers) -> [String] {
        form.questions.map(\.name).filter { form.sealedQuestionNames.contains($0) && answers[$0]?.isEmptyAnswer == false }
    }

    /// The answers with each of `names` (default: every sealed question answered) sealed to the
    /// agencies `answers` route it to, bound to `response` and its question; the caller validates
    /// the result in ``DoorstepCore/SealedAnswerMode/sealed`` mode, or has validated the plain
    /// answers, which routes every sealed answer kept.
    ///
    /// - Throws: A data error (65) naming the answer and the agency when an agency it must be
    ///   sealed to has no key on this laptop, or when its key is not valid.
    func seal(_ answers: Answers, response: UUID, only names: [String]? = nil) throws -> Answers {
        var sealed = answers
        for name in names ?? sealedNames(in: answers) {
            guard let value = answers[name], !value.isEmptyAnswer else { continue }
            let agencies = form.sealingAgencies(for: name, given: answers)
            // Routed to no agency: left for the validator, which clears an answer that no longer
            // applies and refuses one that does (it cannot be kept), so it is never stored plain.
            guard !agencies.isEmpty else { continue }
            var publicKeys: [AgencyPublicKey] = []
            for agency in agencies {
                guard let key = keys[agency] else { throw missingKey(question: name, agency: agency) }
                do {
                    publicKeys.append(try AgencyPublicKey(agency: agency, base64: key.publicKey, keyID: key.keyID))
                } catch {
                    throw CLIError(.dataError, "\(label(name)): \(error) Run doorstep sync, or ask the admin for the agency's public key again.")
                }
            }
            do {
                sealed[name] = .text(try AnswerSealer.seal(value.description, response: response, question: name, to: publicKeys).text)
            } catch {
                throw CLIError(.dataError, "\(label(name)): \(error)")
            }
        }
        return sealed
    }

    /// The first sealed answer in `answers` that must go to an agency with no key on this laptop.
    func missingKey(in answers: Answers) -> CLIError? {
        for name in sealedNames(in: answers) {
            for agency in form.sealingAgencies(for: name, given: answers) where keys[agency] == nil {
                return missingKey(question: name, agency: agency)
            }
        }
        return nil
    }

    private func missingKey(question name: String, agency: String) -> CLIError {
        CLIError(
            .dataError,
            "\(label(name)) must be sealed to agency \(agency), which has no public key on this laptop: run doorstep sync, "
                + "or ask the admin to register the agency (without a server, doorstep agencies add \(agency).pub)."
        )
    }

    private func label(_ name: String) -> String {
        guard let question = form.question(named: name), !question.label.isEmpty else { return name }
        return "\(name) (\(question.localizedLabel.text(in: nil)))"
    }
}

extension StoredResponse {
    /// The sealed answers of this response and the agencies each is sealed to, by question name.
    var sealedTo: [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, value) in answers {
            if case .text(let text) = value, let sealed = SealedAnswer(text: text) { result[name] = sealed.agencies }
        }
        return result
    }
}

extension AnswerValue {
    /// The answer as a table shows it: a sealed answer as the agencies it is sealed to, never its ciphertext.
    var readable: String {
        if case .text(let text) = self, let sealed = SealedAnswer(text: text) {
            return "sealed to \(sealed.agencies.joined(separator: ", "))"
        }
        return description
    }
}
