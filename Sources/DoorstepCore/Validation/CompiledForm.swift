import Foundation

/// A form's expressions parsed once, with the lookups validation needs.
///
/// An expression that cannot be parsed is left out (a checked form has none): a missing
/// `relevant` means always asked, a missing `constraint` always met, a missing `calculate` no value.
struct CompiledForm: Sendable {
    let questionIndex: [String: Int]
    let groups: [String: QuestionGroup]
    let questionRelevant: [String: FormExpression]
    let groupRelevant: [String: FormExpression]
    let constraints: [String: FormExpression]
    let calculations: [String: FormExpression]
    /// The calculate questions, each after those it reads (a cycle is cut where it closes).
    let calculationOrder: [Question]
    /// Every literal `regex()` pattern, compiled.
    let patterns: [String: NSRegularExpression]

    init(_ form: FormDefinition) {
        var questionIndex: [String: Int] = [:]
        for (offset, question) in form.questions.enumerated() where questionIndex[question.name] == nil {
            questionIndex[question.name] = offset
        }
        self.questionIndex = questionIndex
        var groups: [String: QuestionGroup] = [:]
        for group in form.groups where groups[group.name] == nil { groups[group.name] = group }
        self.groups = groups

        func parsed(_ source: String?) -> FormExpression? {
            source.flatMap { try? FormExpression.parse($0) }
        }
        var questionRelevant: [String: FormExpression] = [:]
        var constraints: [String: FormExpression] = [:]
        var calculations: [String: FormExpression] = [:]
        for question in form.questions {
            questionRelevant[question.name] = parsed(question.relevant)
            constraints[question.name] = parsed(question.constraint)
            if question.type == .calculate { calculations[question.name] = parsed(question.calculate) }
        }
        var groupRelevant: [String: FormExpression] = [:]
        for group in form.groups { groupRelevant[group.name] = parsed(group.relevant) }
        self.questionRelevant = questionRelevant
        self.groupRelevant = groupRelevant
        self.constraints = constraints
        self.calculations = calculations

        // Depth-first topological order of the calculations.
        var order: [Question] = []
        var state: [String: Bool] = [:]  // false: in progress, true: done
        func visit(_ question: Question) {
            guard state[question.name] == nil else { return }
            state[question.name] = false
            for reference in calculations[question.name]?.references ?? [] {
                if let index = questionIndex[reference.name], form.questions[index].type == .calculate {
                    visit(form.questions[index])
                }
            }
            state[question.name] = true
            order.append(question)
        }
        for question in form.questions where question.type == .calculate { visit(question) }
        calculationOrder = order

        var patterns: [String: NSRegularExpression] = [:]
        let expressions = Array(questionRelevant.values) + Array(groupRelevant.values) + Array(constraints.values)
            + Array(calculations.values)
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
