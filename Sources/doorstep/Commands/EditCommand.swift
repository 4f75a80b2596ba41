import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// `doorstep edit RESPONSE_ID --set NAME=VALUE...`: correct a response.
struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Correct answers of a response.",
        discussion: """
            VALUE is typed as at the door: a choice's name, label or number; several for a multi-select, \
            separated by spaces or commas; an empty VALUE clears the answer. The whole response is \
            validated after the change (skip logic may clear answers that no longer apply, calculations \
            are redone); if it is invalid nothing is changed and the problems are printed (exit 65).

            A sealed answer (contact details a follow-up carries) is sealed again to the agencies the \
            resident chose when it is set. An edit that changes which agencies a kept sealed answer \
            goes to must set that answer again in the same edit, or nothing is changed (exit 65): \
            only the plain value can be sealed to the new agencies, and this laptop no longer has it.

            Examples:
              doorstep edit 3f2a9c1e --set safe_day=fairly_safe
              doorstep edit 3f2a9c1e --set "problems=1 3" --set problems_other=
              doorstep edit 3f2a9c1e --set contact_phone="07700 900123"
              doorstep edit 3f2a9c1e --set "follow_up_agency=fire_rescue" --set contact_phone="07700 900123"
            """
    )

    @OptionGroup var home: HomeOptions
    @Argument(help: "The response id, or its first 8 or more characters.") var responseID: String
    @Option(name: .customLong("set"), help: ArgumentHelp("An answer to change.", valueName: "name=value"))
    var assignments: [String] = []

    func validate() throws {
        if assignments.isEmpty { throw ValidationError("Say what to change with --set NAME=VALUE.") }
        for assignment in assignments where !assignment.contains("=") {
            throw ValidationError("'\(assignment)' is not NAME=VALUE.")
        }
    }

    func run() throws {
        let store = try home.openStore()
        let id = try store.resolve(IDPrefix(responseID, kind: .response))
        let stored = try store.response(id: id)
        let form = try store.form(id: stored.form, version: stored.formVersion).definition()
        let validator = AnswerValidator(form: form, today: Console.today(), now: Console.now)
        let sealer = try DoorSealer(form: form, store: store)
        let update = try store.editResponse(id: id) { current in
            var answers = current.answers
            var entered: Set<String> = []
            for assignment in assignments {
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).trimmingWhitespace()
                guard let question = form.question(named: name), question.type.takesInput else {
                    throw CLIError(.dataError, "\(name): There is no question to answer by that name in form \(form.id) version \(form.version).")
                }
                if current.erased == .sensitive && question.erasedOnWithdrawal {
                    throw CLIError(.dataError, "\(name): The resident's personal answers were erased and cannot be written again.")
                }
                if current.erased == .expired, current.answers[name] == nil,
                   let recorded = try? Date(current.recordedAt, strategy: .iso8601),
                   RetentionRule(form: form, cap: nil).expiredQuestions(recordedAt: recorded, now: Date()).contains(name) {
                    throw CLIError(.dataError, "\(name): This answer's retention period has ended; the server purged it and keeps no new one.")
                }
                switch validator.coerce(String(parts[1]), for: question) {
                case .failure(let problem): throw AnswerProblems(problems: [problem])
                case .success(let value): answers[name] = value
                }
                entered.insert(name)
            }
            // The server purged some answers of an expired response: those may stay unanswered.
            let purged = current.erased == .expired ? Set(form.questions.map(\.name)).subtracting(current.answers.keys) : []
            let sealedAgain = try Self.sealEntered(entered, in: answers, response: id, validator: validator, sealer: sealer, erased: current.erased)
            switch validator.validate(sealedAgain, personalDataErased: current.erased == .sensitive, expired: purged) {
            case .success(let clean): return clean
            case .failure(let problems): throw problems
            }
        }
        guard let update else {
            Console.out("Nothing changed: response \(id.lowercasedString) already holds these answers.")
            return
        }
        let changed = update.fields.map { $0.value == nil ? "\($0.name) (cleared)" : $0.name }
        Console.out("Changed \(changed.joined(separator: ", ")) of response \(id.lowercasedString).")
    }

    /// Seals the sealed answers entered in this edit (checked as typed first), after refusing an
    /// edit that routes a sealed answer kept from before to other agencies than it was sealed to:
    /// only the officer who types it again can seal it to them.
    private static func sealEntered(
        _ entered: Set<String>, in answers: Answers, response: UUID, validator: AnswerValidator, sealer: DoorSealer,
        erased: Erasure.Scope?
    ) throws -> Answers {
        let form = validator.form
        let context = validator.withCalculations(answers)
        var stale: [(name: String, agencies: [String])] = []
        for name in sealer.sealedNames(in: answers) where !entered.contains(name) {
            guard case .text(let text)? = answers[name], let sealed = SealedAnswer(text: text),
                  let question = form.question(named: name), validator.isRelevant(question, given: context)
            else { continue }
            let wanted = form.sealingAgencies(for: name, given: answers)
            if !wanted.isEmpty, Set(wanted) != Set(sealed.agencies) { stale.append((name, wanted)) }
        }
        if !stale.isEmpty {
            let lines = stale.map { "\($0.name): The resident's choice now routes this sealed answer to other agencies; enter it again so that it is sealed to \($0.agencies.joined(separator: ", ")) (--set \($0.name)=...)." }
            throw CLIError(.dataError, lines: lines)
        }
        let reentered = sealer.sealedNames(in: answers).filter(entered.contains)
        guard !reentered.isEmpty else { return answers }
        var plain = validator
        plain.sealedAnswers = .plain
        var typed = answers
        for name in sealer.sealedNames(in: answers) where !entered.contains(name) { typed[name] = nil }
        if case .failure(let problems) = plain.validate(typed, personalDataErased: erased == .sensitive) {
            let own = problems.problems.filter { reentered.contains($0.question) }
            if !own.isEmpty { throw AnswerProblems(problems: own) }
        }
        return try sealer.seal(answers, response: response, only: reentered)
    }
}
