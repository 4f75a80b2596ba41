/// The kinds of value an expression can give, worked out from how it is written.
///
/// A calculation's result is stored as an answer (see ``ExpressionValue/calculatedAnswer``), so
/// the text `false` a condition stored would read back as non-empty text, which XPath counts as
/// true. Where a calculation is read again, its kinds say what its stored text was
/// (``ExpressionValue/init(calculated:kinds:)``): `${adult}` stays the boolean it was computed as.
struct ExpressionKinds: OptionSet, Hashable, Sendable {
    let rawValue: UInt8

    static let text = ExpressionKinds(rawValue: 1 << 0)
    static let number = ExpressionKinds(rawValue: 1 << 1)
    static let boolean = ExpressionKinds(rawValue: 1 << 2)

    /// The kinds each question's stored value reads as, by name: numbers for integer and decimal
    /// answers, text for other answers, and for a calculation the kinds its expression gives.
    /// A calculation in a cycle (a form fault) counts only what it gives outside the cycle.
    static func byQuestion(in form: FormDefinition) -> [String: ExpressionKinds] {
        var questions: [String: Question] = [:]
        for question in form.questions where questions[question.name] == nil { questions[question.name] = question }
        var known: [String: ExpressionKinds] = [:]
        var visiting: Set<String> = []
        func kinds(of name: String) -> ExpressionKinds {
            if let cached = known[name] { return cached }
            // An unknown question reads as empty text.
            guard let question = questions[name] else { return .text }
            let result: ExpressionKinds
            switch question.type {
            case .integer, .decimal:
                result = .number
            case .calculate:
                guard visiting.insert(name).inserted else { return [] }
                let expression = question.calculate.flatMap { try? FormExpression.parse($0) }
                result = expression?.kinds { read in
                    if case .reference(let target, _) = read { return kinds(of: target) }
                    return [.text, .number]
                } ?? []
                visiting.remove(name)
            default:
                result = .text
            }
            known[name] = result
            return result
        }
        for question in form.questions { _ = kinds(of: question.name) }
        return known
    }
}

extension FormExpression {
    /// The kinds of value it can give; `read` gives those of each `${name}`, slot or `.` it reads.
    func kinds(reading read: (FormExpression) -> ExpressionKinds) -> ExpressionKinds {
        switch self {
        case .number, .negate: .number
        case .string, .property: .text
        case .reference, .slot, .current: read(self)
        case .binary(let op, _, _, _):
            switch op {
            case .or, .and, .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: .boolean
            case .plus, .minus, .times, .divide, .modulo: .number
            }
        case .call(let function, let arguments, _):
            switch function {
            case .not, .selected, .regex, .true, .false, .boolean, .booleanFromString, .contains, .startsWith, .endsWith:
                .boolean
            case .countSelected, .stringLength, .number, .int, .round, .pow, .abs, .sqrt, .log, .exp, .pi, .sum, .max, .min,
                .count, .countNonEmpty, .decimalDateTime:
                .number
            case .today, .now, .concat, .join, .string, .substr, .substringBefore, .substringAfter, .translate, .normalizeSpace,
                .uuid, .selectedAt, .choiceName, .date, .dateTime, .formatDate, .formatDateTime:
                .text
            case .if: arguments[1].kinds(reading: read).union(arguments[2].kinds(reading: read))
            case .coalesce: arguments[0].kinds(reading: read).union(arguments[1].kinds(reading: read))
            case .once: arguments[0].kinds(reading: read)
            }
        }
    }
}
