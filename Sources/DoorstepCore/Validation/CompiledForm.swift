import Foundation

/// A form's expressions parsed once, with the lookups validation needs.
///
/// An expression that cannot be parsed is left out (a checked form has none): a missing
/// `relevant` means always asked, a missing `constraint` always met, a missing `calculate` no value.
///
/// Everything validation reads per question sits in arrays by question index, so validating a
/// response neither copies whole ``Question`` values nor looks questions up by name more than once.
struct CompiledForm: Sendable {
    /// How a question takes part in a response.
    enum Kind: Sendable {
        case input, note, calculate
    }

    /// Per question: its name and kind, so loops need not copy whole questions.
    let names: [String]
    let kinds: [Kind]
    /// Per question: its type without the choice list's name.
    let shapes: [AnswerShape]
    /// Per question: its choices (empty unless a select).
    let choices: [[Choice]]
    /// Per question: whether an answer is required where it is relevant.
    let required: [Bool]
    /// Per question: whether a withdrawal of consent erases its answer.
    let erasedOnWithdrawal: [Bool]
    /// Per question: whether a follow-up route seals its answer (``FormDefinition/sealedQuestionNames``).
    let sealed: [Bool]
    /// The index of each question in `form.questions` (the first of a repeated name).
    let questionIndex: [String: Int]
    /// When every name is ASCII (as in a checked form): question indexes by the UTF-8 length of
    /// their names, so an answer's question is found by comparing a few names instead of hashing.
    let indexesByLength: [[Int]]?
    /// Whether two questions share a name (a checked form never has); validation then reads
    /// answers by each question's name rather than placing each answer by its name once.
    let hasRepeatedNames: Bool
    /// Every distinct `relevant` expression of the form's questions and groups.
    let relevanceExpressions: [FormExpression]
    /// Per question: the `relevant` of each enclosing group, outermost first, then its own, as
    /// indexes into ``relevanceExpressions``.
    let relevance: [[Int]]
    /// Per question: its constraint.
    let constraints: [FormExpression?]
    /// Per question: its `choice_filter`, for select questions.
    let choiceFilters: [FormExpression?]
    /// Per question: its calculation, for `calculate` questions.
    let calculations: [FormExpression?]
    /// Per question: for a calculation, the kinds of value it gives, so that where it is read its
    /// stored result is what it computed (a condition stays a boolean); empty for other questions.
    let calculationKinds: [ExpressionKinds]
    /// The indexes of calculate questions, each after those it reads (a cycle is cut where it closes).
    let calculationOrder: [Int]
    /// Every literal `regex()` pattern, compiled.
    let patterns: [String: NSRegularExpression]
    /// Per question: a calculation that keeps the value it was first given (it calls `once()`,
    /// `now()` or `uuid()`, see ``ExpressionFunction/keepsFirstValue``).
    let keepsFirstValue: [Bool]
    /// Choice labels by question name and choice name, for `jr:choice-name()`: in the form's
    /// default language, so a calculation stores the same text whatever language the
    /// questionnaire is shown in.
    let choiceLabels: [String: [String: String]]

    /// The index of the (first) question called `name`, as ``questionIndex`` gives it.
    func index(of name: String) -> Int? {
        guard let buckets = indexesByLength, name.utf8.allSatisfy({ $0 < 0x80 }) else { return questionIndex[name] }
        let length = name.utf8.count
        guard length < buckets.count else { return nil }
        return buckets[length].first { names[$0] == name }
    }

    init(_ form: FormDefinition) {
        var questionIndex: [String: Int] = [:]
        for (offset, question) in form.questions.enumerated() where questionIndex[question.name] == nil {
            questionIndex[question.name] = offset
        }
        self.questionIndex = questionIndex
        hasRepeatedNames = questionIndex.count < form.questions.count
        if form.questions.allSatisfy({ $0.name.utf8.allSatisfy { $0 < 0x80 } }) {
            var buckets = [[Int]](repeating: [], count: (form.questions.map(\.name.utf8.count).max() ?? 0) + 1)
            for (offset, question) in form.questions.enumerated() { buckets[question.name.utf8.count].append(offset) }
            indexesByLength = buckets
        } else {
            indexesByLength = nil
        }
        names = form.questions.map(\.name)
        kinds = form.questions.map { question in
            switch question.type {
            case .note: .note
            case .calculate: .calculate
            default: .input
            }
        }
        shapes = form.questions.map { AnswerShape($0.type) }
        choices = form.questions.map(\.choices)
        required = form.questions.map(\.required)
        erasedOnWithdrawal = form.questions.map(\.erasedOnWithdrawal)
        let sealedNames = form.sealedQuestionNames
        sealed = form.questions.map { sealedNames.contains($0.name) }
        var groups: [String: QuestionGroup] = [:]
        for group in form.groups where groups[group.name] == nil { groups[group.name] = group }

        func parsed(_ source: String?) -> FormExpression? {
            source.flatMap { try? FormExpression.parse($0).resolved(questionIndex) }
        }
        var expressions: [FormExpression] = []
        var expressionIndex: [FormExpression: Int] = [:]
        func slot(_ expression: FormExpression) -> Int {
            if let known = expressionIndex[expression] { return known }
            expressions.append(expression)
            expressionIndex[expression] = expressions.count - 1
            return expressions.count - 1
        }
        var groupRelevant: [String: Int] = [:]
        for group in form.groups {
            groupRelevant[group.name] = parsed(group.relevant).map(slot)
        }

        relevance = form.questions.map { question in
            var chain: [Int] = []
            var groupName = question.group
            var depth = 0
            while let name = groupName, depth <= groups.count {
                if let expression = groupRelevant[name] { chain.insert(expression, at: 0) }
                groupName = groups[name]?.parent
                depth += 1
            }
            if let own = parsed(question.relevant) { chain.append(slot(own)) }
            return chain
        }
        relevanceExpressions = expressions
        constraints = form.questions.map { parsed($0.constraint) }
        choiceFilters = form.questions.map { question in
            question.choiceFilter.flatMap { try? FormExpression.parse($0, choiceProperties: true).resolved(questionIndex) }
        }
        let calculations = form.questions.map { $0.type == .calculate ? parsed($0.calculate) : nil }
        self.calculations = calculations
        let kinds = ExpressionKinds.byQuestion(in: form)
        calculationKinds = form.questions.map { $0.type == .calculate ? kinds[$0.name] ?? [] : [] }

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
        let all = expressions + constraints.compactMap { $0 } + calculations.compactMap { $0 } + choiceFilters.compactMap { $0 }
        for expression in all {
            for node in expression.allNodes {
                if case .call(.regex, let arguments, _) = node, case .string(let pattern) = arguments[1],
                    patterns[pattern] == nil
                {
                    patterns[pattern] = try? NSRegularExpression(pattern: pattern)
                }
            }
        }
        self.patterns = patterns
        keepsFirstValue = calculations.map { calculation in
            calculation?.allNodes.contains { node in
                if case .call(let function, _, _) = node { return function.keepsFirstValue }
                return false
            } ?? false
        }
        var choiceLabels: [String: [String: String]] = [:]
        for question in form.questions where !question.choices.isEmpty && choiceLabels[question.name] == nil {
            choiceLabels[question.name] = Dictionary(question.choices.map { ($0.name, $0.label) }, uniquingKeysWith: { first, _ in first })
        }
        self.choiceLabels = choiceLabels
    }
}

/// A question's type as validation and tallies need it: ``QuestionType`` without the choice
/// list's name, so reading it copies nothing.
enum AnswerShape: Sendable {
    case text, integer, decimal, date, time, dateTime, acknowledge, selectOne, selectMultiple, note, calculate

    init(_ type: QuestionType) {
        switch type {
        case .text: self = .text
        case .integer: self = .integer
        case .decimal: self = .decimal
        case .date: self = .date
        case .time: self = .time
        case .dateTime: self = .dateTime
        case .acknowledge: self = .acknowledge
        case .selectOne: self = .selectOne
        case .selectMultiple: self = .selectMultiple
        case .note: self = .note
        case .calculate: self = .calculate
        }
    }
}
