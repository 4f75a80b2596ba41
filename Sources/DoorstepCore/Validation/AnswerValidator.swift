import Foundation
/// The single place that decides whether answers are valid for a form: the client calls it at
/// the door, the server again on every push.
///
/// Pure: `today` is given (for `today()` and the answer `today` to a date), never read from a
/// clock, and so are `now()` and `uuid()`. A calculation that calls `now()`, `uuid()` or `once()`
/// keeps the value it was first given (by the questionnaire, at the keyboard): validating the
/// response again, on the laptop or the server, does not compute it anew.
/// Build one per form version and reuse it; it parses the form's expressions once.
///
/// An empty answer (empty text, an empty list) means *no answer*: it passes type checks and is
/// left out of a validated response.
public struct AnswerValidator: Sendable {
    /// The form answers are checked against.
    public let form: FormDefinition
    /// The day `today()` returns, `YYYY-MM-DD`.
    public let today: String
    /// The language of the form's own messages in the problems reported (`constraint_message`),
    /// one of its ``FormDefinition/languages``; the default language when `nil`. Nothing stored
    /// depends on it.
    public var language: String?
    /// How answers to sealed questions are read: sealed (``SealedAnswerMode/sealed``, the
    /// default: what is stored and pushed) or as typed at the door, before the laptop seals them.
    public var sealedAnswers: SealedAnswerMode = .sealed
    /// What `now()` returns.
    let now: @Sendable () -> String
    /// What `uuid()` returns.
    let newIdentifier: @Sendable () -> String
    let compiled: CompiledForm
    /// Per question: its `default`, as an answer.
    let defaults: [AnswerValue?]

    /// Prepares a validator for `form`.
    ///
    /// - Parameters:
    ///   - form: A form, usually from ``FormDefinition/parse(yaml:)``.
    ///   - today: The current day as `YYYY-MM-DD`, in the partnership's time zone.
    ///   - now: The current moment for `now()`, `YYYY-MM-DDTHH:MM:SS.sssZ`; midnight of `today`
    ///     when not given.
    ///   - newIdentifier: A new random UUID for `uuid()` (lower-case); `UUID()`'s when not given.
    public init(
        form: FormDefinition, today: String, now: (@Sendable () -> String)? = nil,
        newIdentifier: (@Sendable () -> String)? = nil
    ) {
        self.form = form
        self.today = today
        let midnight = "\(today)T00:00:00.000Z"
        self.now = now ?? { midnight }
        self.newIdentifier = newIdentifier ?? { UUID().uuidString.lowercased() }
        compiled = CompiledForm(form)
        var defaults: [AnswerValue?] = []
        for question in form.questions {
            guard let text = question.defaultValue, question.type.takesInput else {
                defaults.append(nil)
                continue
            }
            switch Self.coerce(text, for: question, today: today) {
            case .success(let value) where !value.isEmptyAnswer: defaults.append(value)
            default: defaults.append(nil)
            }
        }
        self.defaults = defaults
    }

    // MARK: Whole responses

    /// Whole-response validation: types coerced, choices checked, required only where relevant,
    /// constraints, non-relevant answers dropped, calculates computed.
    ///
    /// Answers to questions left out get the question's `default`. Relevance is settled to a fixed
    /// point: an answer dropped as not relevant no longer counts for the relevance of others.
    /// - Parameters:
    ///   - answers: The answers given, by question name.
    ///   - personalDataErased: The resident withdrew consent: the questions a withdrawal erases
    ///     (``FormDefinition/questionsErasedOnWithdrawal``) may then be unanswered even where the
    ///     form requires them.
    ///   - expired: Questions whose answers outlived their retention period and were purged
    ///     (``RetentionRule``): they too may be unanswered where the form requires them.
    /// - Returns: the clean answers to store, or every problem in the order of the form.
    public func validate(
        _ answers: Answers, personalDataErased: Bool = false, expired: Set<String> = []
    ) -> Result<Answers, AnswerProblems> {
        validateInFormOrder(answers, personalDataErased: personalDataErased, expired: expired).map(self.answers(inFormOrder:))
    }

    /// ``validate(_:personalDataErased:expired:)`` without building a dictionary: the clean answers by
    /// question index, `values[i]` answering `form.questions[i]` (`nil` where there is none).
    ///
    /// For a caller that reads many responses of one form by position, such as the server
    /// writing them out and counting them; ``answers(inFormOrder:)`` gives the dictionary.
    public func validateInFormOrder(
        _ answers: Answers, personalDataErased: Bool = false, expired: Set<String> = []
    ) -> Result<[AnswerValue?], AnswerProblems> {
        var problems: [AnswerProblem] = []
        var typeProblems: [Int: AnswerProblem] = [:]
        // The answers given, by question index; each slot becomes its clean answer (or a default) below.
        var given: Slots
        if compiled.hasRepeatedNames {
            given = slots(answers)
            if answers.count > answers.keys.reduce(0, { $0 + (compiled.questionIndex[$1] == nil ? 0 : 1) }) {
                for name in answers.keys.filter({ compiled.questionIndex[$0] == nil }).sorted() {
                    problems.append(unknownQuestion(name))
                }
            }
        } else {
            given = Slots(repeating: nil, count: compiled.names.count)
            var unknown: [String] = []
            for (name, value) in answers {
                if let index = compiled.index(of: name) { given[index] = value } else { unknown.append(name) }
            }
            for name in unknown.sorted() { problems.append(unknownQuestion(name)) }
        }
        for index in compiled.names.indices {
            guard let value = given[index] else {
                given[index] = defaults[index]
                continue
            }
            given[index] = nil
            switch compiled.kinds[index] {
            case .note:
                if !value.isEmptyAnswer {
                    problems.append(AnswerProblem(question: compiled.names[index], message: "A note takes no answer."))
                }
            case .calculate:
                // Computed again below, but for one that keeps the value it was first given.
                if compiled.keepsFirstValue[index], !value.isEmptyAnswer { given[index] = value }
            case .input where compiled.sealed[index] && sealedAnswers == .sealed:
                switch value {
                case .text(let text) where text.isEmpty: break
                case .text(let text) where SealedAnswer(text: text) != nil: given[index] = value
                default: typeProblems[index] = notSealedProblem(at: index)
                }
            case .input:
                switch Self.normalize(value, name: compiled.names[index], shape: compiled.shapes[index], choices: compiled.choices[index]) {
                case .success(let clean): if !clean.isEmptyAnswer { given[index] = clean }
                case .failure(let problem): typeProblems[index] = problem
                }
            }
        }

        let (settled, relevant) = settle(given)
        for index in compiled.names.indices where compiled.kinds[index] == .input && relevant[index] {
            if let problem = typeProblems[index] {
                problems.append(problem)
            } else if let value = settled[index], compiled.sealed[index] {
                if let problem = sealingProblem(value, at: index, given: settled) { problems.append(problem) }
            } else if let value = settled[index] {
                if let problem = filteredChoiceProblem(value, at: index, given: settled) ?? constraintProblem(value, at: index, given: settled) {
                    problems.append(problem)
                }
            } else if compiled.required[index] && !(personalDataErased && compiled.erasedOnWithdrawal[index])
                && !expired.contains(compiled.names[index]) {
                problems.append(requiredProblem(form.questions[index]))
            }
        }
        return problems.isEmpty ? .success(settled) : .failure(AnswerProblems(problems: problems))
    }

    /// The answers by question name that ``validate(_:personalDataErased:expired:)`` gives, from
    /// ``validateInFormOrder(_:personalDataErased:expired:)``'s values (a repeated name keeps its last question's).
    public func answers(inFormOrder values: [AnswerValue?]) -> Answers {
        var answers = Answers(minimumCapacity: values.reduce(0) { $0 + ($1 == nil ? 0 : 1) })
        for (index, value) in values.enumerated() where index < compiled.names.count {
            if let value { answers[compiled.names[index]] = value }
        }
        return answers
    }

    private func unknownQuestion(_ name: String) -> AnswerProblem {
        AnswerProblem(question: name, message: "There is no such question in form \(form.id) version \(form.version).")
    }

    /// `answers` with every relevant `calculate` question computed (and non-relevant ones removed).
    ///
    /// The interactive questionnaire calls it after each answer, so skip logic can read calculations.
    public func withCalculations(_ answers: Answers) -> Answers {
        var result = answers
        let computed = withCalculations(slots(answers))
        for index in compiled.calculationOrder { result[compiled.names[index]] = computed[index] }
        return result
    }

    private func withCalculations(_ slots: Slots) -> Slots {
        var result = slots
        for index in compiled.calculationOrder {
            result[index] = nil
            if isRelevant(at: index, given: result) { result[index] = calculatedValue(at: index, given: result, kept: slots[index]) }
        }
        return result
    }

    /// Drops answers that are not relevant and recomputes calculations until nothing changes.
    /// - Returns: the settled answers, and which questions are relevant given them.
    private func settle(_ given: Slots) -> (Slots, [Bool]) {
        var current = withCalculations(given)
        var relevant = [Bool](repeating: true, count: given.count)
        // Each distinct relevance expression is evaluated once per round: groups share theirs.
        var outcomes = [Bool?](repeating: nil, count: compiled.relevanceExpressions.count)
        for _ in 0...given.count {
            for index in outcomes.indices { outcomes[index] = nil }
            let evaluator = evaluator(current)
            for index in given.indices {
                relevant[index] = compiled.relevance[index].allSatisfy { expression in
                    if let known = outcomes[expression] { return known }
                    let outcome = evaluator.evaluate(compiled.relevanceExpressions[expression]).asBoolean
                    outcomes[expression] = outcome
                    return outcome
                }
            }
            var next = Slots(repeating: nil, count: given.count)
            for index in given.indices where compiled.kinds[index] == .input && relevant[index] {
                next[index] = given[index]
            }
            for index in compiled.calculationOrder where relevant[index] {
                next[index] = calculatedValue(at: index, given: next, kept: given[index])
            }
            if next == current { break }
            current = next
        }
        return (current, relevant)
    }

    /// The value of calculation `index`: `kept` (what it was given) when it keeps its first
    /// value and has one, else computed from `slots`.
    private func calculatedValue(at index: Int, given slots: Slots, kept: AnswerValue?) -> AnswerValue? {
        if compiled.keepsFirstValue[index], let kept, !kept.isEmptyAnswer { return kept }
        guard let expression = compiled.calculations[index] else { return nil }
        return evaluator(slots).evaluate(expression).calculatedAnswer
    }

    /// Answers by question index: the working state of validation.
    typealias Slots = [AnswerValue?]

    func slots(_ answers: Answers) -> Slots {
        compiled.names.map { answers[$0] }
    }

    // MARK: One question

    /// Skip logic for the interactive questionnaire: whether `question` is asked, given the
    /// answers so far. A question inside a group is asked only when every enclosing group is.
    public func isRelevant(_ question: Question, given answers: Answers) -> Bool {
        guard let index = compiled.questionIndex[question.name] else { return true }
        if compiled.relevance[index].isEmpty { return true }
        return isRelevant(at: index, given: slots(answers))
    }

    private func isRelevant(at index: Int, given slots: Slots) -> Bool {
        let chain = compiled.relevance[index]
        if chain.isEmpty { return true }
        let evaluator = evaluator(slots)
        return chain.allSatisfy { evaluator.evaluate(compiled.relevanceExpressions[$0]).asBoolean }
    }

    /// Type, choice membership and constraint of one answer, in the context of the others.
    ///
    /// An empty answer is a problem only when the question is required.
    public func check(_ value: AnswerValue, for question: Question, given answers: Answers) -> AnswerProblem? {
        switch normalize(value, for: question) {
        case .failure(let problem):
            return problem
        case .success(let clean):
            if clean.isEmptyAnswer {
                return question.required ? requiredProblem(question) : nil
            }
            guard let index = compiled.questionIndex[question.name] else { return nil }
            var context = slots(answers)
            context[index] = clean
            return filteredChoiceProblem(clean, at: index, given: context) ?? constraintProblem(clean, at: index, given: context)
        }
    }

    /// The choices offered for `question` given the answers so far: those its `choice_filter`
    /// keeps, in the list's order; every choice when it has none.
    public func choices(for question: Question, given answers: Answers) -> [Choice] {
        guard let index = compiled.questionIndex[question.name] else { return question.choices }
        return offeredChoices(at: index, given: slots(answers))
    }

    private func offeredChoices(at index: Int, given slots: Slots) -> [Choice] {
        guard let filter = compiled.choiceFilters[index] else { return compiled.choices[index] }
        var evaluator = evaluator(slots)
        return compiled.choices[index].filter { choice in
            evaluator.choice = choice
            return evaluator.evaluate(filter).asBoolean
        }
    }

    /// A choice the question's `choice_filter` does not offer given the other answers.
    func filteredChoiceProblem(_ value: AnswerValue, at index: Int, given slots: Slots) -> AnswerProblem? {
        guard compiled.choiceFilters[index] != nil else { return nil }
        let names: [String]
        switch value {
        case .text(let name): names = [name]
        case .list(let list): names = list
        default: return nil
        }
        let offered = offeredChoices(at: index, given: slots).map(\.name)
        guard let name = names.first(where: { !offered.contains($0) }) else { return nil }
        let list = offered.isEmpty ? "none" : offered.joined(separator: ", ")
        return AnswerProblem(
            question: compiled.names[index],
            message: "'\(name)' is not one of the choices offered given the earlier answers (\(list))."
        )
    }

    /// Per-field check used by the server for `response.update`: type and choices only. The value
    /// of a `calculate` question is taken as the device computed it.
    public func checkType(_ value: AnswerValue, for question: Question) -> AnswerProblem? {
        // A correction carries the calculations it changed, computed by the device like any answer.
        if question.type == .calculate { return nil }
        if case .failure(let problem) = normalize(value, for: question) { return problem }
        return nil
    }

    /// Whether these answers flag a safeguarding concern: a relevant `safeguarding: true` question
    /// whose answer is truthy (anything but empty, `no`, `false`, `none`, `0`; for a multi-select,
    /// any such choice).
    public func flagsSafeguarding(_ answers: Answers) -> Bool {
        let full = withCalculations(slots(answers))
        return form.questions.indices.contains { index in
            guard form.questions[index].safeguarding, let value = full[index], value.isTruthy else { return false }
            return isRelevant(at: index, given: full)
        }
    }

    func constraintProblem(_ value: AnswerValue, at index: Int, given slots: Slots) -> AnswerProblem? {
        guard let expression = compiled.constraints[index] else { return nil }
        var evaluator = evaluator(slots)
        evaluator.current = value
        if evaluator.evaluate(expression).asBoolean { return nil }
        let question = form.questions[index]
        let message = question.localizedConstraintMessage.map { Self.sentence($0.text(in: language)) }
            ?? "The answer \(value) does not meet the rule \(question.constraint ?? "")."
        return AnswerProblem(question: question.name, message: message)
    }

    /// A required question left unanswered: its `required_message` in ``language``, or
    /// `An answer is required.`
    public func requiredProblem(_ question: Question) -> AnswerProblem {
        let message = question.localizedRequiredMessage.map { Self.sentence($0.text(in: language)) } ?? "An answer is required."
        return AnswerProblem(question: question.name, message: message)
    }

    private func evaluator(_ slots: Slots) -> ExpressionEvaluator {
        ExpressionEvaluator(
            answers: [:], slots: slots, calculatedKinds: compiled.calculationKinds, current: nil, today: today,
            patterns: compiled.patterns, choiceLabels: compiled.choiceLabels, now: now, newIdentifier: newIdentifier
        )
    }

    /// An author's message ending with a full stop (or other closing mark).
    static func sentence(_ text: String) -> String {
        guard let last = text.last, !".!?".contains(last) else { return text }
        return text + "."
    }
}

extension AnswerValue {
    /// Empty text or an empty list: no answer.
    public var isEmptyAnswer: Bool {
        switch self {
        case .text(let text): text.isEmpty
        case .list(let names): names.isEmpty
        case .integer, .decimal: false
        }
    }

    /// Whether a safeguarding question answered this way raises a concern.
    public var isTruthy: Bool {
        func truthy(_ text: String) -> Bool {
            !["", "no", "n", "false", "none", "0"].contains(text.trimmingWhitespace().lowercased())
        }
        switch self {
        case .text(let text): return truthy(text)
        case .integer(let value): return value != 0
        case .decimal(let value): return value != 0 && !value.isNaN
        case .list(let names): return names.contains(where: truthy)
        }
    }
}
