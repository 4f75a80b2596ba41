/// Puts expressions into words for people: `${consent} = 'yes'` reads `Q1 is “Yes”`.
///
/// Questions are named by their number as the officer sees them (`Q3`); calculations by name;
/// choices by label, in the language asked for. What has no plain reading keeps its XLSForm
/// spelling.
struct ExpressionWords {
    /// Question numbers by name, for questions that are asked.
    let numbers: [String: Int]
    let questions: [String: Question]
    /// The language of choice labels; the form's default language when `nil`.
    let language: String?

    init(form: FormDefinition, numbers: [String: Int], language: String? = nil) {
        self.numbers = numbers
        self.language = language
        var questions: [String: Question] = [:]
        for question in form.questions where questions[question.name] == nil { questions[question.name] = question }
        self.questions = questions
    }

    /// The expression `source` in words, or `source` itself when it cannot be parsed.
    func describe(_ source: String, subject: String? = nil) -> String {
        guard let expression = try? FormExpression.parse(source) else { return source }
        return words(expression, subject: subject, parent: nil)
    }

    private func name(_ reference: String) -> String {
        if let number = numbers[reference] { return "Q\(number)" }
        return reference
    }

    private func words(_ expression: FormExpression, subject: String?, parent: BinaryOperator?) -> String {
        switch expression {
        case .binary(let op, let left, let right, _) where op == .and || op == .or:
            let text = words(left, subject: subject, parent: op) + " \(op.rawValue) " + words(right, subject: subject, parent: op)
            return parent != nil && parent != op ? "(\(text))" : text
        case .binary(let op, let left, let right, _):
            if let comparison = comparison(op, left, right, subject: subject) { return comparison }
            return Self.source(expression)
        case .call(.not, let arguments, _):
            if case .call(.selected, let inner, _) = arguments[0], let text = selected(inner, subject: subject, negated: true) {
                return text
            }
            return "not (\(words(arguments[0], subject: subject, parent: nil)))"
        case .call(.selected, let arguments, _):
            return selected(arguments, subject: subject, negated: false) ?? Self.source(expression)
        default:
            return operand(expression, subject: subject, question: nil) ?? Self.source(expression)
        }
    }

    /// `Q5 includes “Other”`.
    private func selected(_ arguments: [FormExpression], subject: String?, negated: Bool) -> String? {
        guard case .string(let choice) = arguments[1], let target = operand(arguments[0], subject: subject, question: nil) else {
            return nil
        }
        let label = choiceLabel(choice, of: question(of: arguments[0], subject: subject))
        return "\(target) \(negated ? "does not include" : "includes") \(label)"
    }

    private func comparison(_ op: BinaryOperator, _ left: FormExpression, _ right: FormExpression, subject: String?) -> String? {
        let leftQuestion = question(of: left, subject: subject)
        let rightQuestion = question(of: right, subject: subject)
        guard let leftText = operand(left, subject: subject, question: rightQuestion),
            let rightText = operand(right, subject: subject, question: leftQuestion)
        else { return nil }
        if case .string("") = right, op == .equal || op == .notEqual {
            return "\(leftText) \(op == .equal ? "is not answered" : "is answered")"
        }
        let verb: String
        switch op {
        case .equal: verb = "is"
        case .notEqual: verb = "is not"
        case .less: verb = "is less than"
        case .lessOrEqual: verb = "is at most"
        case .greater: verb = "is more than"
        case .greaterOrEqual: verb = "is at least"
        default: return nil
        }
        return "\(leftText) \(verb) \(rightText)"
    }

    /// The question an operand reads, when it reads one directly.
    private func question(of expression: FormExpression, subject: String?) -> Question? {
        switch expression {
        case .reference(let name, _): questions[name]
        case .current: subject.flatMap { questions[$0] }
        default: nil
        }
    }

    /// A simple operand in words; `question` is the select on the other side, for choice labels.
    private func operand(_ expression: FormExpression, subject: String?, question: Question?) -> String? {
        switch expression {
        case .reference(let reference, _): return name(reference)
        case .current: return "the answer"
        case .number(let value): return ExpressionValue.xpathString(value)
        case .string(let text): return choiceLabel(text, of: question)
        case .call(.today, _, _): return "today"
        case .call(.countSelected, let arguments, _):
            guard let inner = operand(arguments[0], subject: subject, question: nil) else { return nil }
            return "the number of choices at \(inner)"
        case .call(.stringLength, let arguments, _):
            guard let inner = operand(arguments[0], subject: subject, question: nil) else { return nil }
            return "the length of \(inner)"
        default: return nil
        }
    }

    private func choiceLabel(_ name: String, of question: Question?) -> String {
        let label = question?.choices.first { $0.name == name }?.localizedLabel.text(in: language) ?? name
        return "“\(label)”"
    }

    /// XLSForm text for an expression, spaced evenly.
    static func source(_ expression: FormExpression) -> String {
        switch expression {
        case .number(let value): ExpressionValue.xpathString(value)
        case .string(let text): text.contains("'") ? "\"\(text)\"" : "'\(text)'"
        case .reference(let name, _): "${\(name)}"
        case .slot(let index): "${#\(index)}"
        case .current: "."
        case .property(let name, _): name
        case .negate(let operand, _): "-\(wrapped(operand, within: 7))"
        case .binary(let op, let left, let right, _):
            "\(wrapped(left, within: op.precedence)) \(op.rawValue) \(wrapped(right, within: op.precedence + 1))"
        case .call(let function, let arguments, _):
            "\(function.rawValue)(\(arguments.map(source).joined(separator: ", ")))"
        }
    }

    private static func wrapped(_ expression: FormExpression, within precedence: Int) -> String {
        if case .binary(let op, _, _, _) = expression, op.precedence < precedence { return "(\(source(expression)))" }
        return source(expression)
    }
}
