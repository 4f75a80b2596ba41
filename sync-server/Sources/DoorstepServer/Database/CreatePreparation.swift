import DoorstepCore
import Foundation

/// The pure work of new responses — validation, their answers' JSON text and their tally
/// contributions — done on another core while the writer applies the operations before them.
///
/// SQLite has one writer, so a push is applied on one thread; this moves about a third of the
/// work of each `response.create` off it. The writer takes each result in turn, waiting only if
/// the preparing thread has not reached that operation yet; what it cannot use (a form it did not
/// know) it computes itself, so results never depend on timing.
final class CreatePreparation: @unchecked Sendable {
    /// One new response, prepared.
    struct Prepared {
        /// The validated answers, or every problem found.
        var answers: Result<Answers, AnswerProblems>
        /// `JSONText.answers` of the validated answers.
        var answersJSON: String
        /// `Tally.contributions` of the validated answers in the `all` dimension.
        var contributions: [TallyKey]
    }

    private let condition = NSCondition()
    /// By operation index; `.some(nil)` for an operation left to the writer.
    private var results: [Int: Prepared?] = [:]
    private var finished = false

    /// Starts preparing the creates among `operations` against the already parsed `forms`.
    init(operations: [SyncOperation], forms: [FormVersionKey: FormDefinition], today: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            var validators: [FormVersionKey: AnswerValidator] = [:]
            for (index, operation) in operations.enumerated() {
                guard case .createResponse(let new) = operation.body else { continue }
                let key = FormVersionKey(id: new.form, version: new.formVersion)
                guard let form = forms[key], new.erased != .all else {
                    publish(index, nil)
                    continue
                }
                let validator = validators[key] ?? AnswerValidator(form: form, today: today)
                validators[key] = validator
                let answers = validator.validate(new.answers, personalDataErased: new.erased != nil)
                let valid = (try? answers.get()) ?? [:]
                publish(index, Prepared(
                    answers: answers, answersJSON: JSONText.answers(valid),
                    contributions: Tally.contributions(of: valid, form: form, street: nil, area: nil)
                ))
            }
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
    }

    private func publish(_ index: Int, _ prepared: Prepared?) {
        condition.lock()
        results[index] = .some(prepared)
        condition.broadcast()
        condition.unlock()
    }

    /// The prepared create at `index`, waiting until it is ready; `nil` when the writer must do it.
    func take(_ index: Int) -> Prepared? {
        condition.lock()
        defer { condition.unlock() }
        while results[index] == nil, !finished { condition.wait() }
        return results.removeValue(forKey: index) ?? nil
    }
}
