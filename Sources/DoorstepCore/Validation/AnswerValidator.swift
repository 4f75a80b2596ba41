/// The single place that decides whether answers are valid for a form: the client calls it at
/// the door, the server again on every push.
///
/// Pure: `today` is given (for `today()` and the answer `today` to a date), never read from a clock.
/// Build one per form version and reuse it; it parses the form's expressions once.
///
/// An empty answer (empty text, an empty list) means *no answer*: it passes type checks and is
/// left out of a validated response.
public struct AnswerValidator: Sendable {
    /// The form answers are checked against.
    public let form: FormDefinition
    /// The day `today()` returns, `YYYY-MM-DD`.
    public let today: String
    let compiled: CompiledForm

    /// Prepares a validator for `form`.
    ///
    /// - Parameters:
    ///   - form: A form, usually from ``FormDefinition/parse(yaml:)``.
    ///   - today: The current day as `YYYY-MM-DD`, in the partnership's time zone.
    public init(form: FormDefinition, today: String) {
        self.form = form
        self.today = today
        compiled = CompiledForm(form)
    }

    // MARK: Whole responses

    /// Whole-response validation: types coerced, choices checked, required only where relevant,
    /// constraints, non-relevant answers dropped, calculates computed.
    ///
    /// Answers to questions left out get the question's `default`. Relevance is settled to a fixed
    /// point: an answer dropped as not relevant no longer counts for the relevance of others.
    /// - Returns: the clean answers to store, or every problem in the order of the form.
    public func validate(_ answers: Answers) -> Result<Answers, AnswerProblems> {
        var problems: [AnswerProblem] = []
        var typeProblems: [String: AnswerProblem] = [:]
        var given: Answers = [:]

        let unknown = answers.keys.filter { compiled.questionIndex[$0] == nil }.sorted()
        for name in unknown {
            problems.append(AnswerProblem(
                question: name, message: "There is no such question in form \(form.id) version \(form.version)."
            ))
        }
        for question in form.questions {
            guard let value = answers[question.name] else {
                if let text = question.defaultValue, question.type.takesInput,
                    case .success(let value) = coerce(text, for: question), !value.isEmptyAnswer
                {
                    given[question.name] = value
                }
                continue
            }
            switch question.type {
            case .note:
                if !value.isEmptyAnswer {
                    problems.append(AnswerProblem(question: question.name, message: "A note takes no answer."))
                }
            case .calculate:
                continue
            default:
                switch normalize(value, for: question) {
                case .success(let clean): if !clean.isEmptyAnswer { given[question.name] = clean }
                case .failure(let problem): typeProblems[question.name] = problem
                }
            }
        }

        let settled = settle(given)
        for question in form.questions where question.type.takesInput && isRelevant(question, given: settled) {
            if let problem = typeProblems[question.name] {
                problems.append(problem)
            } else if let value = settled[question.name] {
                if let problem = constraintProblem(value, for: question, given: settled) { problems.append(problem) }
            } else if question.required {
                problems.append(AnswerProblem(question: question.name, message: "An answer is required."))
            }
        }
        return problems.isEmpty ? .success(settled) : .failure(AnswerProblems(problems: problems))
    }

    /// `answers` with every relevant `calculate` question computed (and non-relevant ones removed).
    ///
    /// The interactive questionnaire calls it after each answer, so skip logic can read calculations.
    public func withCalculations(_ answers: Answers) -> Answers {
        var result = answers
        for question in compiled.calculationOrder {
            result[question.name] = nil
            if isRelevant(question, given: result), let value = calculatedValue(question, given: result) {
                result[question.name] = value
            }
        }
        return result
    }

    /// Drops answers that are not relevant and recomputes calculations until nothing changes.
    private func settle(_ given: Answers) -> Answers {
        var current = withCalculations(given)
        for _ in 0...form.questions.count {
            var next: Answers = [:]
            for question in form.questions where question.type.takesInput {
                if let value = given[question.name], isRelevant(question, given: current) {
                    next[question.name] = value
                }
            }
            for question in compiled.calculationOrder where isRelevant(question, given: current) {
                if let value = calculatedValue(question, given: next) { next[question.name] = value }
            }
            if next == current { break }
            current = next
        }
        return current
    }

    private func calculatedValue(_ question: Question, given answers: Answers) -> AnswerValue? {
        guard let expression = compiled.calculations[question.name] else { return nil }
        switch evaluator(answers).evaluate(expression) {
        case .string(let text): return text.isEmpty ? nil : .text(text)
        case .boolean(let value): return .text(value ? "true" : "false")
        case .number(let value):
            guard value.isFinite else { return nil }
            if value.rounded() == value, abs(value) < 1e15 { return .integer(Int(value)) }
            return .decimal(value)
        }
    }

    // MARK: One question

    /// Skip logic for the interactive questionnaire: whether `question` is asked, given the
    /// answers so far. A question inside a group is asked only when every enclosing group is.
    public func isRelevant(_ question: Question, given answers: Answers) -> Bool {
        let evaluator = evaluator(answers)
        var groupName = question.group
        var seen: Set<String> = []
        while let name = groupName, seen.insert(name).inserted {
            if let expression = compiled.groupRelevant[name], !evaluator.evaluate(expression).asBoolean { return false }
            groupName = compiled.groups[name]?.parent
        }
        guard let expression = compiled.questionRelevant[question.name] else { return true }
        return evaluator.evaluate(expression).asBoolean
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
                return question.required ? AnswerProblem(question: question.name, message: "An answer is required.") : nil
            }
            var context = answers
            context[question.name] = clean
            return constraintProblem(clean, for: question, given: context)
        }
    }

    /// Per-field check used by the server for `response.update`: type and choices only.
    public func checkType(_ value: AnswerValue, for question: Question) -> AnswerProblem? {
        if case .failure(let problem) = normalize(value, for: question) { return problem }
        return nil
    }

    /// Whether these answers flag a safeguarding concern: a relevant `safeguarding: true` question
    /// whose answer is truthy (anything but empty, `no`, `false`, `none`, `0`; for a multi-select,
    /// any such choice).
    public func flagsSafeguarding(_ answers: Answers) -> Bool {
        let full = withCalculations(answers)
        return form.questions.contains { question in
            guard question.safeguarding, let value = full[question.name], value.isTruthy else { return false }
            return isRelevant(question, given: full)
        }
    }

    private func constraintProblem(_ value: AnswerValue, for question: Question, given answers: Answers) -> AnswerProblem? {
        guard let expression = compiled.constraints[question.name] else { return nil }
        var evaluator = evaluator(answers)
        evaluator.current = value
        if evaluator.evaluate(expression).asBoolean { return nil }
        let message = question.constraintMessage.map(Self.sentence)
            ?? "The answer \(value) does not meet the rule \(question.constraint ?? "")."
        return AnswerProblem(question: question.name, message: message)
    }

    private func evaluator(_ answers: Answers) -> ExpressionEvaluator {
        ExpressionEvaluator(answers: answers, current: nil, today: today, patterns: compiled.patterns)
    }

    /// An author's message ending with a full stop (or other closing mark).
    static func sentence(_ text: String) -> String {
        guard let last = text.last, !".!?".contains(last) else { return text }
        return text + "."
    }
}

extension AnswerValue {
    /// Empty text or an empty list: no answer.
    var isEmptyAnswer: Bool {
        switch self {
        case .text(let text): text.isEmpty
        case .list(let names): names.isEmpty
        case .integer, .decimal: false
        }
    }

    /// Whether a safeguarding question answered this way raises a concern.
    var isTruthy: Bool {
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
