import Foundation

/// A form's expressions parsed once, with the lookups validation needs.
///
/// An expression that cannot be parsed is left out (a checked form has none): a missing
/// `relevant` means always asked, a missing `constraint` always met, a missing `calculate` no value.
struct CompiledForm: Sendable {
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
