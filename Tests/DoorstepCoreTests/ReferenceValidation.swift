@testable import DoorstepCore
import Foundation

// Validation and tally contributions as they were before they were made cheap for the server's
// push path, kept verbatim (renamed) as the reference `ValidationEquivalenceTests` compares against;
// since then only the rule for required answers after a withdrawal follows `on_withdrawal`.

/// The former `CompiledForm`.
///
/// An expression that cannot be parsed is left out (a checked form has none): a missing
/// `relevant` means always asked, a missing `constraint` always met, a missing `calculate` no value.
struct ReferenceCompiledForm: Sendable {
    /// How a question takes part in a response.
    enum Kind: Sendable {
        case input, note, calculate
    }

    /// Per question: its name and kind, so loops need not copy whole questions.
    let names: [String]
    let kinds: [Kind]
    /// The index of each question in `form.questions` (the first of a repeated name).
    let questionIndex: [String: Int]
    /// Per question: the `relevant` of each enclosing group, outermost first, then its own.
    let relevance: [[FormExpression]]
    /// Per question: its constraint.
    let constraints: [FormExpression?]
    /// Per question: its calculation, for `calculate` questions.
    let calculations: [FormExpression?]
    /// The indexes of calculate questions, each after those it reads (a cycle is cut where it closes).
    let calculationOrder: [Int]
    /// Every literal `regex()` pattern, compiled.
    let patterns: [String: NSRegularExpression]

    init(_ form: FormDefinition) {
        var questionIndex: [String: Int] = [:]
        for (offset, question) in form.questions.enumerated() where questionIndex[question.name] == nil {
            questionIndex[question.name] = offset
        }
        self.questionIndex = questionIndex
        names = form.questions.map(\.name)
        kinds = form.questions.map { question in
            switch question.type {
            case .note: .note
            case .calculate: .calculate
            default: .input
            }
        }
        var groups: [String: QuestionGroup] = [:]
        for group in form.groups where groups[group.name] == nil { groups[group.name] = group }

        func parsed(_ source: String?) -> FormExpression? {
            source.flatMap { try? FormExpression.parse($0).resolved(questionIndex) }
        }
        var groupRelevant: [String: FormExpression] = [:]
        for group in form.groups { groupRelevant[group.name] = parsed(group.relevant) }

        relevance = form.questions.map { question in
            var chain: [FormExpression] = []
            var groupName = question.group
            var depth = 0
            while let name = groupName, depth <= groups.count {
                if let expression = groupRelevant[name] { chain.insert(expression, at: 0) }
                groupName = groups[name]?.parent
                depth += 1
            }
            if let own = parsed(question.relevant) { chain.append(own) }
            return chain
        }
        constraints = form.questions.map { parsed($0.constraint) }
        let calculations = form.questions.map { $0.type == .calculate ? parsed($0.calculate) : nil }
        self.calculations = calculations

        // Depth-first topological order of the calculations.
        var order: [Int] = []
        var visited: Set<Int> = []
        func visit(_ index: Int) {
            guard visited.insert(index).inserted else { return }
            for case .slot(let target) in calculations[index]?.allNodes ?? [] where form.questions[target].type == .calculate {
                visit(target)
            }
            order.append(index)
        }
        for (index, question) in form.questions.enumerated() where question.type == .calculate { visit(index) }
        calculationOrder = order

        var patterns: [String: NSRegularExpression] = [:]
        let expressions = relevance.flatMap { $0 } + constraints.compactMap { $0 } + calculations.compactMap { $0 }
        for expression in expressions {
            for node in expression.allNodes {
                if case .call(.regex, let arguments, _) = node, case .string(let pattern) = arguments[1],
                    patterns[pattern] == nil
                {
                    patterns[pattern] = try? NSRegularExpression(pattern: pattern)
                }
            }
        }
        self.patterns = patterns
    }
}

/// The single place that decides whether answers are valid for a form: the client calls it at
/// the door, the server again on every push.
///
/// Pure: `today` is given (for `today()` and the answer `today` to a date), never read from a clock.
/// Build one per form version and reuse it; it parses the form's expressions once.
///
/// An empty answer (empty text, an empty list) means *no answer*: it passes type checks and is
/// left out of a validated response.
struct ReferenceAnswerValidator: Sendable {
    /// The form answers are checked against.
    let form: FormDefinition
    /// The day `today()` returns, `YYYY-MM-DD`.
    let today: String
    let compiled: ReferenceCompiledForm
    /// Per question: its `default`, as an answer.
    let defaults: [AnswerValue?]

    /// Prepares a validator for `form`.
    ///
    /// - Parameters:
    ///   - form: A form, usually from ``FormDefinition/parse(yaml:)``.
    ///   - today: The current day as `YYYY-MM-DD`, in the partnership's time zone.
    init(form: FormDefinition, today: String) {
        self.form = form
        self.today = today
        compiled = ReferenceCompiledForm(form)
        var defaults: [AnswerValue?] = []
        for question in form.questions {
            guard let text = question.defaultValue, question.type.takesInput else {
                defaults.append(nil)
                continue
            }
            switch AnswerValidator.coerce(text, for: question, today: today) {
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
    ///     (`sensitive` ones not marked `on_withdrawal: keep`) may then be unanswered even where the
    ///     form requires them.
    /// - Returns: the clean answers to store, or every problem in the order of the form.
    func validate(_ answers: Answers, personalDataErased: Bool = false) -> Result<Answers, AnswerProblems> {
        var problems: [AnswerProblem] = []
        var typeProblems: [Int: AnswerProblem] = [:]
        var given = Slots(repeating: nil, count: compiled.names.count)

        if answers.count > answers.keys.reduce(0, { $0 + (compiled.questionIndex[$1] == nil ? 0 : 1) }) {
            for name in answers.keys.filter({ compiled.questionIndex[$0] == nil }).sorted() {
                problems.append(AnswerProblem(
                    question: name, message: "There is no such question in form \(form.id) version \(form.version)."
                ))
            }
        }
        for index in compiled.names.indices {
            let name = compiled.names[index]
            guard let value = answers[name] else {
                given[index] = defaults[index]
                continue
            }
            switch compiled.kinds[index] {
            case .note:
                if !value.isEmptyAnswer { problems.append(AnswerProblem(question: name, message: "A note takes no answer.")) }
            case .calculate:
                continue
            case .input:
                switch normalize(value, for: form.questions[index]) {
                case .success(let clean): if !clean.isEmptyAnswer { given[index] = clean }
                case .failure(let problem): typeProblems[index] = problem
                }
            }
        }

        let (settled, relevant) = settle(given)
        for index in compiled.names.indices where compiled.kinds[index] == .input && relevant[index] {
            let name = compiled.names[index]
            if let problem = typeProblems[index] {
                problems.append(problem)
            } else if let value = settled[index] {
                if let problem = constraintProblem(value, at: index, given: settled) { problems.append(problem) }
            } else if form.questions[index].required && !(personalDataErased && form.questions[index].erasedOnWithdrawal) {
                problems.append(AnswerProblem(question: name, message: "An answer is required."))
            }
        }
        return problems.isEmpty ? .success(self.answers(settled)) : .failure(AnswerProblems(problems: problems))
    }

    /// `answers` with every relevant `calculate` question computed (and non-relevant ones removed).
    ///
    /// The interactive questionnaire calls it after each answer, so skip logic can read calculations.
    func withCalculations(_ answers: Answers) -> Answers {
        var result = answers
        let computed = withCalculations(slots(answers))
        for index in compiled.calculationOrder { result[compiled.names[index]] = computed[index] }
        return result
    }

    private func withCalculations(_ slots: Slots) -> Slots {
        var result = slots
        for index in compiled.calculationOrder {
            result[index] = nil
            if isRelevant(at: index, given: result) { result[index] = calculatedValue(at: index, given: result) }
        }
        return result
    }

    /// Drops answers that are not relevant and recomputes calculations until nothing changes.
    /// - Returns: the settled answers, and which questions are relevant given them.
    private func settle(_ given: Slots) -> (Slots, [Bool]) {
        var current = withCalculations(given)
        var relevant = [Bool](repeating: true, count: given.count)
        for _ in 0...given.count {
            for index in given.indices { relevant[index] = isRelevant(at: index, given: current) }
            var next = Slots(repeating: nil, count: given.count)
            for index in given.indices where compiled.kinds[index] == .input && relevant[index] {
                next[index] = given[index]
            }
            for index in compiled.calculationOrder where relevant[index] {
                next[index] = calculatedValue(at: index, given: next)
            }
            if next == current { break }
            current = next
        }
        return (current, relevant)
    }

    private func calculatedValue(at index: Int, given slots: Slots) -> AnswerValue? {
        guard let expression = compiled.calculations[index] else { return nil }
        switch evaluator(slots).evaluate(expression) {
        case .string(let text): return text.isEmpty ? nil : .text(text)
        case .boolean(let value): return .text(value ? "true" : "false")
        case .number(let value):
            guard value.isFinite else { return nil }
            if value.rounded() == value, abs(value) < 1e15 { return .integer(Int(value)) }
            return .decimal(value)
        }
    }

    /// Answers by question index: the working state of validation.
    typealias Slots = [AnswerValue?]

    func slots(_ answers: Answers) -> Slots {
        compiled.names.map { answers[$0] }
    }

    func answers(_ slots: Slots) -> Answers {
        var answers = Answers(minimumCapacity: slots.count)
        for (index, value) in slots.enumerated() {
            if let value { answers[compiled.names[index]] = value }
        }
        return answers
    }

    // MARK: One question

    /// Skip logic for the interactive questionnaire: whether `question` is asked, given the
    /// answers so far. A question inside a group is asked only when every enclosing group is.
    func isRelevant(_ question: Question, given answers: Answers) -> Bool {
        guard let index = compiled.questionIndex[question.name] else { return true }
        if compiled.relevance[index].isEmpty { return true }
        return isRelevant(at: index, given: slots(answers))
    }

    private func isRelevant(at index: Int, given slots: Slots) -> Bool {
        let chain = compiled.relevance[index]
        if chain.isEmpty { return true }
        let evaluator = evaluator(slots)
        return chain.allSatisfy { evaluator.evaluate($0).asBoolean }
    }

    /// Type, choice membership and constraint of one answer, in the context of the others.
    ///
    /// An empty answer is a problem only when the question is required.
    func check(_ value: AnswerValue, for question: Question, given answers: Answers) -> AnswerProblem? {
        switch normalize(value, for: question) {
        case .failure(let problem):
            return problem
        case .success(let clean):
            if clean.isEmptyAnswer {
                return question.required ? AnswerProblem(question: question.name, message: "An answer is required.") : nil
            }
            guard let index = compiled.questionIndex[question.name] else { return nil }
            var context = slots(answers)
            context[index] = clean
            return constraintProblem(clean, at: index, given: context)
        }
    }

    /// Per-field check used by the server for `response.update`: type and choices only. The value
    /// of a `calculate` question is taken as the device computed it.
    func checkType(_ value: AnswerValue, for question: Question) -> AnswerProblem? {
        // A correction carries the calculations it changed, computed by the device like any answer.
        if question.type == .calculate { return nil }
        if case .failure(let problem) = normalize(value, for: question) { return problem }
        return nil
    }

    /// Whether these answers flag a safeguarding concern: a relevant `safeguarding: true` question
    /// whose answer is truthy (anything but empty, `no`, `false`, `none`, `0`; for a multi-select,
    /// any such choice).
    func flagsSafeguarding(_ answers: Answers) -> Bool {
        let full = withCalculations(slots(answers))
        return form.questions.indices.contains { index in
            guard form.questions[index].safeguarding, let value = full[index], value.isTruthy else { return false }
            return isRelevant(at: index, given: full)
        }
    }

    private func constraintProblem(_ value: AnswerValue, at index: Int, given slots: Slots) -> AnswerProblem? {
        guard let expression = compiled.constraints[index] else { return nil }
        let question = form.questions[index]
        var evaluator = evaluator(slots)
        evaluator.current = value
        if evaluator.evaluate(expression).asBoolean { return nil }
        let message = question.constraintMessage.map(Self.sentence)
            ?? "The answer \(value) does not meet the rule \(question.constraint ?? "")."
        return AnswerProblem(question: question.name, message: message)
    }

    private func evaluator(_ slots: Slots) -> ExpressionEvaluator {
        ExpressionEvaluator(answers: [:], slots: slots, current: nil, today: today, patterns: compiled.patterns)
    }

    /// An author's message ending with a full stop (or other closing mark).
    static func sentence(_ text: String) -> String {
        guard let last = text.last, !".!?".contains(last) else { return text }
        return text + "."
    }
}

extension ReferenceAnswerValidator {
    func normalize(_ value: AnswerValue, for question: Question) -> Result<AnswerValue, AnswerProblem> {
        Self.normalize(value, for: question)
    }

    static func normalize(_ value: AnswerValue, for question: Question) -> Result<AnswerValue, AnswerProblem> {
        if value.isEmptyAnswer {
            if case .selectMultiple = question.type { return .success(.list([])) }
            return .success(value)
        }
        func problem(_ message: String) -> Result<AnswerValue, AnswerProblem> {
            .failure(AnswerProblem(question: question.name, message: message))
        }
        switch question.type {
        case .note, .calculate:
            return problem("This question is not asked; it takes no answer.")

        case .text:
            switch value {
            case .text(let text): return .success(.text(text.trimmingWhitespace()))
            case .integer, .decimal: return .success(.text(value.description))
            case .list: return problem("Enter text, not a list.")
            }

        case .integer:
            switch value {
            case .integer: return .success(value)
            case .decimal(let number):
                if number.isFinite, number.rounded() == number, abs(number) < 1e15 { return .success(.integer(Int(number))) }
                return problem("Enter a whole number, such as 3, not \(value).")
            case .text(let raw):
                let text = raw.trimmingWhitespace()
                let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
                guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int(text) else {
                    return problem("Enter a whole number, such as 3, not '\(text)'.")
                }
                return .success(.integer(number))
            case .list: return problem("Enter a whole number, such as 3, not a list.")
            }

        case .decimal:
            switch value {
            case .integer(let number): return .success(.decimal(Double(number)))
            case .decimal(let number):
                guard number.isFinite else { return problem("Enter a number, such as 2.5.") }
                return .success(value)
            case .text(let raw):
                let text = raw.trimmingWhitespace()
                guard let number = AnswerValidator.decimal(typed: text), number.isFinite else {
                    return problem("Enter a number, such as 2.5, not '\(text)'.")
                }
                return .success(.decimal(number))
            case .list: return problem("Enter a number, such as 2.5, not a list.")
            }

        case .date:
            guard case .text(let raw) = value else {
                return problem("Enter a date as YYYY-MM-DD, such as 2025-03-14, not \(value).")
            }
            let text = raw.trimmingWhitespace()
            guard CalendarDate(text) != nil else {
                return problem("Enter a real date as YYYY-MM-DD, such as 2025-03-14, not '\(text)'.")
            }
            return .success(.text(text))

        case .selectOne:
            let name: String
            switch value {
            case .text(let text): name = text.trimmingWhitespace()
            case .integer, .decimal: name = value.description
            case .list(let names):
                guard names.count == 1 else { return problem("Choose only one answer.") }
                name = names[0]
            }
            guard question.choices.contains(where: { $0.name == name }) else {
                return problem(Self.notAChoice(name, question))
            }
            return .success(.text(name))

        case .selectMultiple:
            let names: [String]
            switch value {
            case .text(let text): names = ExpressionEvaluator.choices(in: text)
            case .integer, .decimal: names = [value.description]
            case .list(let list): names = list
            }
            for name in names where !question.choices.contains(where: { $0.name == name }) {
                return problem(Self.notAChoice(name, question))
            }
            return .success(.list(Self.inListOrder(names, question.choices)))
        }
    }

    static func inListOrder(_ names: [String], _ choices: [Choice]) -> [String] {
        choices.compactMap { names.contains($0.name) ? $0.name : nil }
    }

    static func notAChoice(_ name: String, _ question: Question) -> String {
        let names = question.choices.map(\.name).joined(separator: ", ")
        return "'\(name)' is not one of the choices (\(names))."
    }
}

/// The former `Tally.contributions` and its helpers.
enum ReferenceTally {
    static func contributions(
        of answers: Answers, form: FormDefinition, street: String?, area: String?
    ) -> [TallyKey] {
        // Without the consent its form asks for, a response is declined: none of its answers count.
        let declined = form.consent.map { answers[$0] != .text("yes") } ?? false
        var buckets: [(question: String, bucket: String)] = [
            (Tally.responseQuestion, declined ? Tally.declinedBucket : Tally.responsesBucket),
        ]
        if flagsSafeguarding(answers, form: form) {
            buckets.append((Tally.responseQuestion, Tally.safeguardingBucket))
        }
        if !declined, requestsFollowUp(answers, form: form) {
            buckets.append((Tally.responseQuestion, Tally.followUpBucket))
        }
        for question in form.aggregatedQuestions where !declined {
            guard let value = answers[question.name] else { continue }
            let values = Self.buckets(of: value, for: question)
            guard !values.isEmpty else { continue }
            buckets.append((question.name, Tally.answeredBucket))
            for bucket in values { buckets.append((question.name, bucket)) }
        }
        var dimensions = [TallyKey.allDimension]
        if let street = street?.trimmingCharacters(in: .whitespaces), !street.isEmpty {
            dimensions.append(TallyKey.streetDimension(street))
        }
        if let area = area?.trimmingCharacters(in: .whitespaces), !area.isEmpty {
            dimensions.append(TallyKey.areaDimension(area))
        }
        return dimensions.flatMap { dimension in
            buckets.map { TallyKey(dimension: dimension, question: $0.question, bucket: $0.bucket) }
        }
    }

    /// The buckets one answer falls in; empty when it says nothing that can be counted.
    static func buckets(of value: AnswerValue, for question: Question) -> [String] {
        switch question.type {
        case .selectOne:
            guard case .text(let choice) = value, !choice.isEmpty else { return [] }
            return [choice]
        case .selectMultiple:
            let chosen: [String]
            switch value {
            case .list(let list): chosen = list
            case .text(let text): chosen = text.split(separator: " ").map(String.init)
            default: return []
            }
            var seen = Set<String>()
            return chosen.filter { !$0.isEmpty && seen.insert($0).inserted }
        case .integer, .decimal, .calculate:
            guard let number = value.tallyNumber else { return [] }
            return [Tally.numberBucket(number)]
        case .date:
            guard case .text(let date) = value, date.count >= 7 else { return [] }
            return [String(date.prefix(7))]
        case .text, .note:
            return []
        }
    }


    static func flagsSafeguarding(_ answers: Answers, form: FormDefinition) -> Bool {
        form.questions.contains { question in
            question.safeguarding && answers[question.name]?.isTruthy == true
        }
    }

    static func requestsFollowUp(_ answers: Answers, form: FormDefinition) -> Bool {
        form.followUpQuestions.contains { question in
            guard let value = answers[question.name] else { return false }
            return buckets(of: value, for: question).contains {
                !FormDefinition.isNegativeChoice($0) && !FormDefinition.isUnsure($0)
            }
        }
    }
}
