import Foundation

/// Evaluates parsed expressions over a response's answers. Pure: `today` is given, not read.
struct ExpressionEvaluator: Sendable {
    /// The answers `${name}` reads; a missing answer reads as empty text.
    var answers: Answers
    /// The answers resolved references read, by question index.
    var slots: [AnswerValue?] = []
    /// Per slot holding a calculation's result, the kinds of value the calculation gives, so its
    /// stored result reads back as what it was (see ``ExpressionValue/init(calculated:kinds:)``);
    /// empty for answered questions, and may be shorter than `slots`.
    var calculatedKinds: [ExpressionKinds] = []
    /// The answer `.` reads (in a constraint).
    var current: AnswerValue?
    /// The choice a `choice_filter` is deciding on, whose columns bare words read.
    var choice: Choice?
    /// What `today()` returns, `YYYY-MM-DD`.
    var today: String
    /// Regular expressions compiled ahead, by pattern; others are compiled when met.
    var patterns: [String: NSRegularExpression] = [:]
    /// Choice labels by question name and choice name, for `jr:choice-name()`.
    var choiceLabels: [String: [String: String]] = [:]
    /// What `now()` returns: the moment, `YYYY-MM-DDTHH:MM:SS.sssZ` (given, not read from a clock).
    var now: @Sendable () -> String = { "" }
    /// What `uuid()` returns: a new random UUID (given, so evaluation stays repeatable in tests).
    var newIdentifier: @Sendable () -> String = { UUID().uuidString.lowercased() }

    func evaluate(_ expression: FormExpression) -> ExpressionValue {
        switch expression {
        case .number(let value):
            return .number(value)
        case .string(let value):
            return .string(value)
        case .reference(let name, _):
            return ExpressionValue(answers[name])
        case .slot(let index):
            guard index < calculatedKinds.count, !calculatedKinds[index].isEmpty else { return ExpressionValue(slots[index]) }
            return ExpressionValue(calculated: slots[index], kinds: calculatedKinds[index])
        case .current:
            return ExpressionValue(current)
        case .property(let name, _):
            return .string(choice?.property(name) ?? "")
        case .negate(let operand, _):
            return .number(-evaluate(operand).asNumber)
        case .binary(let op, let left, let right, _):
            return binary(op, left, right)
        case .call(let function, let arguments, _):
            return call(function, arguments)
        }
    }

    private func binary(_ op: BinaryOperator, _ leftExpression: FormExpression, _ rightExpression: FormExpression) -> ExpressionValue {
        switch op {
        case .or:
            return .boolean(evaluate(leftExpression).asBoolean || evaluate(rightExpression).asBoolean)
        case .and:
            return .boolean(evaluate(leftExpression).asBoolean && evaluate(rightExpression).asBoolean)
        default:
            break
        }
        let left = evaluate(leftExpression)
        let right = evaluate(rightExpression)
        switch op {
        case .equal: return .boolean(Self.equal(left, right))
        case .notEqual: return .boolean(!Self.equal(left, right))
        case .less: return .boolean(left.asNumber < right.asNumber)
        case .lessOrEqual: return .boolean(left.asNumber <= right.asNumber)
        case .greater: return .boolean(left.asNumber > right.asNumber)
        case .greaterOrEqual: return .boolean(left.asNumber >= right.asNumber)
        case .plus: return .number(left.asNumber + right.asNumber)
        case .minus: return .number(left.asNumber - right.asNumber)
        case .times: return .number(left.asNumber * right.asNumber)
        case .divide: return .number(left.asNumber / right.asNumber)
        case .modulo: return .number(fmod(left.asNumber, right.asNumber))
        case .or, .and: return .boolean(false)
        }
    }

    /// XPath equality: booleans if either side is one, else numbers if either side is one,
    /// else text. An empty answer is empty text, so `${x} = ''` tests for no answer.
    static func equal(_ left: ExpressionValue, _ right: ExpressionValue) -> Bool {
        switch (left, right) {
        case (.boolean, _), (_, .boolean):
            return left.asBoolean == right.asBoolean
        case (.number, _), (_, .number):
            return left.asNumber == right.asNumber
        default:
            return left.asString == right.asString
        }
    }

    private func call(_ function: ExpressionFunction, _ arguments: [FormExpression]) -> ExpressionValue {
        switch function {
        case .not:
            return .boolean(!evaluate(arguments[0]).asBoolean)
        case .selected:
            let wanted = evaluate(arguments[1]).asString.trimmingWhitespace()
            if case .list(let names) = answer(arguments[0]) { return .boolean(names.contains(wanted)) }
            return .boolean(Self.choices(in: evaluate(arguments[0]).asString).contains(wanted))
        case .countSelected:
            if case .list(let names) = answer(arguments[0]) { return .number(Double(names.count)) }
            return .number(Double(Self.choices(in: evaluate(arguments[0]).asString).count))
        case .stringLength:
            // XPath counts characters as XML does: Unicode code points, not grapheme clusters.
            return .number(Double(evaluate(arguments[0]).asString.unicodeScalars.count))
        case .regex:
            let subject = evaluate(arguments[0]).asString
            let pattern = evaluate(arguments[1]).asString
            // An empty pattern matches any text, as in ODK (NSRegularExpression refuses it).
            if pattern.isEmpty { return .boolean(true) }
            guard let regex = patterns[pattern] ?? (try? NSRegularExpression(pattern: pattern)) else {
                return .boolean(false)
            }
            let range = NSRange(subject.startIndex..., in: subject)
            return .boolean(regex.firstMatch(in: subject, range: range) != nil)
        case .if:
            return evaluate(arguments[0]).asBoolean ? evaluate(arguments[1]) : evaluate(arguments[2])
        case .today:
            return .string(today)
        case .coalesce:
            let first = evaluate(arguments[0])
            return first.isEmpty ? evaluate(arguments[1]) : first
        case .true:
            return .boolean(true)
        case .false:
            return .boolean(false)
        case .concat:
            return .string(arguments.map { evaluate($0).asString }.joined())
        case .number:
            return .number(evaluate(arguments[0]).asNumber)
        case .int:
            let value = evaluate(arguments[0]).asNumber
            return .number(value.isFinite ? value.rounded(.towardZero) : value)
        case .once:
            // The first value is kept by whoever stores it (see `CompiledForm.keepsFirstValue`).
            return evaluate(arguments[0])
        case .string, .join, .substr, .substringBefore, .substringAfter, .translate, .normalizeSpace, .selectedAt,
            .choiceName, .uuid:
            return text(function, arguments)
        case .boolean, .booleanFromString, .contains, .startsWith, .endsWith:
            return condition(function, arguments)
        case .round, .pow, .abs, .sqrt, .log, .exp, .pi, .sum, .max, .min, .count, .countNonEmpty:
            return math(function, arguments)
        case .now, .date, .dateTime, .decimalDateTime, .formatDate, .formatDateTime:
            return time(function, arguments)
        }
    }

    /// The answer an argument reads directly (`${name}` or `.`), so a multi-select's list is used
    /// as it is rather than through its text.
    private func answer(_ expression: FormExpression) -> AnswerValue? {
        switch expression {
        case .reference(let name, _): answers[name]
        case .slot(let index): slots[index]
        case .current: current
        default: nil
        }
    }

    /// The choice names of a multi-select answer as text: words separated by spaces.
    static func choices(in text: String) -> [String] {
        text.spaceSeparatedWords()
    }
}
